// The checkpoint thread (sqlite-checkpointer.ts), on a database file of its own: whatever the test
// run's database is, this is about SQLite's WAL.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, expect, it, vi } from 'vitest';
import { openDatabase } from './connection.js';
import { WRITER_BACKSTOP_PAGES } from './sqlite-checkpointer.js';

interface T {
  blobs: { id: number; data: Buffer };
}

const dir = mkdtempSync(join(tmpdir(), 'baitwise-checkpoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('copies committed pages into the database file though the read-write connection does not, and leaves no WAL on close', async () => {
  const file = join(dir, 'c.db');
  const handle = openDatabase({ kind: 'sqlite', file, readers: 0 });
  const db = handle.db as unknown as Kysely<T>;
  // the writer checkpoints only far past what is written here (4 MB, about 1,000 pages)
  expect(handle.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(WRITER_BACKSTOP_PAGES);
  await sql`create table blobs (id integer primary key, data blob not null)`.execute(db);
  const before = statSync(file).size;
  for (let i = 0; i < 40; i++) {
    await db
      .insertInto('blobs')
      .values({ id: i, data: Buffer.alloc(100_000, i) })
      .execute();
  }
  // Only a checkpoint moves pages from the WAL into the file: the thread's.
  await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(before + 3_500_000), {
    timeout: 5_000,
    interval: 20,
  });
  const rows = await db
    .selectFrom('blobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  expect(Number(rows.n)).toBe(40);
  // The thread ends first, so the read-write connection closes last: it checkpoints the rest and
  // removes the WAL, as SQLite does for the last connection to a database.
  await handle.close();
  expect(existsSync(`${file}-wal`)).toBe(false);
});
