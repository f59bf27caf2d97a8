// A PostgreSQL connection that dies while it sits idle in the pool (server restart, an
// administrator's pg_terminate_backend, a forced drop) must not take the process down: the pool
// discards it, the runtime logs a warning, and the next query gets a fresh connection.
// PostgreSQL only: SQLite has no connections to lose (scripts/test.sh runs this in its pass).
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openRuntime, type Runtime } from '../src/runtime.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from './helpers/db.js';

describe.skipIf(testDatabaseKind() !== 'postgres')('an idle PostgreSQL connection killed by the server', () => {
  let tdb: TestDatabase;
  let rt: Runtime;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    const config = { ...loadConfig({ BAITWISE_DATA_DIR: tdb.dir, LOG_LEVEL: 'silent' }), database: tdb.config };
    rt = await openRuntime({ config });
  });
  afterAll(async () => {
    await rt?.close();
    await tdb?.drop();
  });

  it('is logged as a warning and replaced; the server keeps answering', async () => {
    const warned = new Promise<{ err: { code?: string } }>((resolve) => {
      vi.spyOn(rt.logger, 'warn').mockImplementation(((obj: { err: { code?: string } }) => resolve(obj)) as never);
    });
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(rt.db.db);
    const pid = rows[0]?.pid;
    expect(pid).toBeTypeOf('number');

    // The connection is back in the pool, idle; the server ends it from outside.
    const admin = new pg.Client({ connectionString: process.env.BAITWISE_TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }

    // 57P01: admin_shutdown, "terminating connection due to administrator command".
    expect((await warned).err.code).toBe('57P01');
    const again = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(rt.db.db);
    expect(again.rows[0]?.pid).not.toBe(pid);
  });
});
