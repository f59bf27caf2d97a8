// A query compiled once and run again with other values does what building it afresh does: each
// marker's value goes where the marker went (a value used twice, both places), constants stay,
// and two shapes under two keys never share SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/db.js';
import { reusedQuery } from './reused-query.js';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await t.handle.db.schema
    .createTable('reuse_probe')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('a', 'text')
    .addColumn('b', 'integer')
    .execute();
});
afterAll(() => t?.drop());

describe('reusedQuery', () => {
  it('runs the compiled statement with each call’s values, the same as a fresh build', async () => {
    const db = t.handle.db as unknown as import('kysely').Kysely<{
      reuse_probe: { id: string; a: string | null; b: number };
    }>;
    const insert = (id: string, a: string | null, b: number) =>
      db.executeQuery(
        reusedQuery(db, 'test.insert', { id, a, b }, (v) =>
          db.insertInto('reuse_probe').values({ id: v.id, a: v.a, b: v.b }),
        ),
      );
    await insert('x', 'one', 1);
    await insert('y', null, 2);
    await insert('z', 'three', 3);
    // `b` is used twice, and 0 is a constant: both must hold on every run
    const bump = (id: string, b: number) =>
      db.executeQuery(
        reusedQuery(db, 'test.bump', { id, b }, (v) =>
          db.updateTable('reuse_probe').set({ b: v.b }).where('id', '=', v.id).where('b', '<', v.b).where('b', '>', 0),
        ),
      );
    expect(Number((await bump('x', 10)).numAffectedRows)).toBe(1);
    expect(Number((await bump('y', 1)).numAffectedRows)).toBe(0); // 2 < 1 is false
    expect(Number((await bump('z', 30)).numAffectedRows)).toBe(1);
    const rows = await db.selectFrom('reuse_probe').selectAll().orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'x', a: 'one', b: 10 },
      { id: 'y', a: null, b: 2 },
      { id: 'z', a: 'three', b: 30 },
    ]);
    const again = reusedQuery(db, 'test.bump', { id: 'q', b: 7 }, () => {
      throw new Error('built twice');
    });
    expect(again.parameters).toEqual([7, 'q', 7, 0]);
  });

  it('refuses a build that put no marker into the SQL (every value a constant: the wrong key)', () => {
    const db = t.handle.db as unknown as import('kysely').Kysely<{ reuse_probe: { id: string } }>;
    expect(() =>
      reusedQuery(db, 'test.constant', { id: 'x' }, () =>
        db.selectFrom('reuse_probe').select('id').where('id', '=', 'x'),
      ),
    ).toThrow(/no marker/);
  });
});
