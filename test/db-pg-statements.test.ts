// PostgreSQL only (scripts/test.sh runs it in that pass): the pool's connections prepare the
// query texts the app runs often, and nothing else — a parameterless statement (BEGIN, DDL) is
// never turned into a prepared one, which PostgreSQL would refuse for more than one statement.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOT_AFTER } from '../src/db/pg-statements.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from './helpers/db.js';

describe.skipIf(testDatabaseKind() !== 'postgres')('prepared statements on PostgreSQL', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    const at = '2026-12-01T00:00:00.000Z';
    await tdb.handle.db
      .insertInto('clients')
      .values({ id: 'c1', name: 'Contoso', name_key: 'contoso', archived_at: null, created_at: at, updated_at: at })
      .execute();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  const preparedOn = (
    conn: Parameters<Parameters<ReturnType<TestDatabase['handle']['db']['connection']>['execute']>[0]>[0],
  ) =>
    sql<{ statement: string }>`select statement from pg_prepared_statements`
      .execute(conn)
      .then((r) => r.rows.map((x) => x.statement));

  it('prepares a query once it runs often on a connection, and answers it the same', async () => {
    await tdb.handle.db.connection().execute(async (conn) => {
      const find = (id: string) => conn.selectFrom('clients').select('name').where('id', '=', id).executeTakeFirst();
      for (let i = 0; i < HOT_AFTER + 2; i++) expect(await find('c1')).toEqual({ name: 'Contoso' });
      expect(await find('nobody')).toBeUndefined();
      const prepared = await preparedOn(conn);
      expect(prepared.some((s) => /from "clients" where "id" = \$1/.test(s))).toBe(true);
    });
  });

  it('never prepares a statement without parameters, and transactions still work', async () => {
    for (let i = 0; i < HOT_AFTER + 2; i++) {
      await tdb.handle.db.transaction().execute(async (trx) => {
        await sql`select count(*) from clients`.execute(trx);
        await trx
          .updateTable('clients')
          .set({ updated_at: `2026-12-0${(i % 9) + 1}T00:00:00.000Z` })
          .where('id', '=', 'c1')
          .execute();
      });
    }
    await tdb.handle.db.connection().execute(async (conn) => {
      const prepared = (await preparedOn(conn)).join('\n');
      expect(prepared).not.toMatch(/^\s*(begin|commit)\b/im);
      expect(prepared).not.toMatch(/select count\(\*\) from clients/);
    });
  });
});
