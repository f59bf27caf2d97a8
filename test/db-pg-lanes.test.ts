// PostgreSQL only (scripts/test.sh runs it in that pass): sign-in, the session and health have
// connections of their own, so they answer while every connection of the main pool is busy (a
// flood of searches holds all of the pool's).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_POOL_SIZE } from '../src/config.js';
import { urgentReads } from '../src/db/urgent.js';
import { createTestDatabase, type TestDatabase, testDatabaseKind } from './helpers/db.js';

describe.skipIf(testDatabaseKind() !== 'postgres')('the priority lane on PostgreSQL', () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase();
  });
  afterAll(async () => {
    await tdb?.drop();
  });

  it('answers an urgent read while every connection of the main pool is held', async () => {
    const db = tdb.handle.db;
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let holding = 0;
    // A transaction per connection, each keeping it until released: the main pool is exhausted.
    const busy = Array.from({ length: PG_POOL_SIZE }, () =>
      db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding++;
        await held;
      }),
    );
    while (holding < PG_POOL_SIZE) await new Promise((r) => setTimeout(r, 5));

    let plainDone = false;
    const plain = sql<{ one: number }>`select 1 as one`.execute(db).then((r) => {
      plainDone = true;
      return r.rows[0]?.one;
    });
    const urgent = await new Promise<number | undefined>((resolve, reject) =>
      urgentReads(() => {
        sql<{ one: number }>`select 1 as one`.execute(db).then((r) => resolve(r.rows[0]?.one), reject);
      }),
    );
    expect(urgent).toBe(1);
    // the plain read is still waiting for one of the pool's
    expect(plainDone).toBe(false);
    release();
    await Promise.all(busy);
    expect(await plain).toBe(1);
  });
});
