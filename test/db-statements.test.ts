// SQLite statements are prepared once per SQL text and reused: Kysely's driver prepares each
// query it runs, and preparing costs as much as running a small indexed query (the outbox's
// dispatcher runs a handful per message). A cached statement still answers each query with its
// own parameters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it, vi } from 'vitest';
import { openDatabase } from '../src/db/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'baitwise-stmts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prepares a query once, however often it runs, and each run sees its own parameters', async () => {
  const h = openDatabase({ kind: 'sqlite', file: join(dir, 'a.db') });
  try {
    const raw = h.sqlite;
    if (!raw) throw new Error('sqlite handle expected');
    await sql`create table probe (k text primary key, v integer)`.execute(h.db);
    const prepare = vi.spyOn(raw, 'prepare');
    for (let i = 0; i < 5; i++) {
      await sql`insert into probe (k, v) values (${`k${i}`}, ${i})`.execute(h.db);
    }
    const read = (k: string) => sql<{ v: number }>`select v from probe where k = ${k}`.execute(h.db);
    expect((await read('k3')).rows).toEqual([{ v: 3 }]);
    expect((await read('k1')).rows).toEqual([{ v: 1 }]);
    expect(prepare).toHaveBeenCalledTimes(2); // the insert's text and the select's
  } finally {
    await h.close();
  }
});
