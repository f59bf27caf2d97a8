import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { newId, nowIso } from '../lib/ids.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.drop();
});

describe('WriteWatch', () => {
  it('tells a listener of each write to its tables, in a transaction too, and of nothing else', async () => {
    const { db, writes } = t.handle;
    const told: string[] = [];
    const stop = writes.on(['clients'], () => told.push('clients'));
    try {
      const id = newId();
      const now = nowIso();
      await db
        .insertInto('clients')
        .values({ id, name: 'Watched', name_key: 'watched', archived_at: null, created_at: now, updated_at: now })
        .execute();
      expect(told.length).toBeGreaterThan(0);
      told.length = 0;
      // reads and writes to other tables: nothing
      await db.selectFrom('clients').selectAll().execute();
      await db.selectFrom('operators').select('id').execute();
      expect(told).toEqual([]);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('clients').set({ name: 'Renamed' }).where('id', '=', id).execute();
      });
      expect(told.length).toBeGreaterThan(0);
      told.length = 0;
      await db.deleteFrom('clients as c').where('c.id', '=', id).execute();
      expect(told.length).toBeGreaterThan(0);
    } finally {
      stop();
    }
    told.length = 0;
    await db.selectFrom('clients').selectAll().execute();
    const now = nowIso();
    await db
      .insertInto('clients')
      .values({
        id: newId(),
        name: 'Unwatched',
        name_key: 'unwatched',
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    expect(told).toEqual([]);
  });
});
