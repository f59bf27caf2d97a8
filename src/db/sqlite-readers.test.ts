// The SQLite reader threads (sqlite-readers.ts), on a database file of their own: whatever the
// test run's database is, these are about SQLite's connections.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DbHandle, openDatabase } from './connection.js';
import { ReaderPool } from './sqlite-readers.js';
import { urgentReads } from './urgent.js';

interface T {
  things: { id: number; name: string; data: Buffer | null };
}

describe('plain reads on SQLite reader threads', () => {
  let dir: string;
  let handle: DbHandle;
  let db: Kysely<T>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'baitwise-readers-'));
    handle = openDatabase({ kind: 'sqlite', file: join(dir, 'r.db'), readers: 2 });
    db = handle.db as unknown as Kysely<T>;
    await sql`create table things (id integer primary key, name text not null, data blob)`.execute(db);
    await db
      .insertInto('things')
      .values({ id: 1, name: 'first', data: Buffer.from([0, 1, 2, 255]) })
      .execute();
  });
  afterAll(async () => {
    await handle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keep the event loop free while SQLite works on a long read', async () => {
    // A read that keeps SQLite busy for a while (a recursive count); on the main thread it would
    // hold the event loop for all of it, and no timer could fire until it returned.
    const started = performance.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const long = db
      .selectFrom(
        sql<{
          n: number;
        }>`(with recursive c(n) as (select 1 union all select n + 1 from c where n < 1000000) select n from c)`.as('c'),
      )
      .select((eb) => eb.fn.max('n').as('n'))
      .executeTakeFirst();
    const result = await long;
    clearInterval(timer);
    const took = performance.now() - started;
    expect(result?.n).toBe(1000000);
    // the interval ran through the read, about once every 5 ms of it
    expect(took).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(took / 5 / 4));
  });

  it('do not wait for a transaction in progress, and see only what it committed', async () => {
    let inside!: () => void;
    const holding = new Promise<void>((r) => {
      inside = r;
    });
    let finish!: () => void;
    const finishing = new Promise<void>((r) => {
      finish = r;
    });
    const trx = db.transaction().execute(async (t) => {
      await t.updateTable('things').set({ name: 'changed' }).where('id', '=', 1).execute();
      // the transaction sees its own write
      expect(await t.selectFrom('things').select('name').where('id', '=', 1).executeTakeFirst()).toEqual({
        name: 'changed',
      });
      inside();
      await finishing;
    });
    await holding;
    // a plain read meanwhile answers at once, with the committed state
    expect(await db.selectFrom('things').select('name').where('id', '=', 1).executeTakeFirst()).toEqual({
      name: 'first',
    });
    finish();
    await trx;
    // once committed, the next plain read sees it
    expect(await db.selectFrom('things').select('name').where('id', '=', 1).executeTakeFirst()).toEqual({
      name: 'changed',
    });
  });

  it('give blobs back as Buffers', async () => {
    const row = await db.selectFrom('things').select('data').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(Buffer.isBuffer(row.data)).toBe(true);
    expect([...(row.data as Buffer)]).toEqual([0, 1, 2, 255]);
    const byBlob = await db
      .selectFrom('things')
      .select('id')
      .where('data', '=', Buffer.from([0, 1, 2, 255]))
      .execute();
    expect(byBlob).toEqual([{ id: 1 }]);
  });

  it("reject with SQLite's error for a bad read", async () => {
    await expect(
      db
        .selectFrom('nothing' as 'things')
        .selectAll()
        .execute(),
    ).rejects.toThrow(/no such table: nothing/);
  });

  it('say how long a read has waited for a thread, and let urgent reads past on the read-write connection', async () => {
    const long = () =>
      db
        .selectFrom(
          sql<{
            n: number;
          }>`(with recursive c(n) as (select 1 union all select n + 1 from c where n < 1000000) select n from c)`.as(
            'c',
          ),
        )
        .select((eb) => eb.fn.max('n').as('n'))
        .executeTakeFirst();
    // two readers, four long reads: two run, two wait behind them
    let finished = 0;
    const flood = Array.from({ length: 4 }, () => long().then(() => finished++));
    await vi.waitFor(
      () => {
        if (handle.queuedReadMs() < 20) throw new Error('not waiting yet');
      },
      { timeout: 10_000, interval: 5 },
    );
    // a sign-in's read does not join that queue
    const urgent = await new Promise<unknown>((resolve, reject) =>
      urgentReads(() => {
        db.selectFrom('things').select('name').where('id', '=', 1).executeTakeFirst().then(resolve, reject);
      }),
    );
    expect(urgent).toEqual({ name: 'changed' });
    expect(finished).toBeLessThan(4);
    await Promise.all(flood);
    expect(handle.queuedReadMs()).toBe(0);
  });

  it('take the write lock at BEGIN for a transaction declared read-write, so its first write cannot fail', async () => {
    // another process (a worker) on the same file, which would rather fail than wait
    const other = new SQLite(join(dir, 'r.db'));
    other.pragma('busy_timeout = 0');
    try {
      // Deferred (Kysely's default): a read takes a snapshot, another process writes, and the
      // transaction's own write then fails at once, whatever busy_timeout says.
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.selectFrom('things').select('id').where('id', '=', 1).execute();
          other.prepare("insert into things (id, name) values (20, 'theirs')").run();
          await trx.insertInto('things').values({ id: 21, name: 'ours' }).execute();
        }),
      ).rejects.toThrow(/database is locked|SQLITE_BUSY/);
      // Read-write: the lock is this transaction's from BEGIN; the other process is the one kept out.
      await db
        .transaction()
        .setAccessMode('read write')
        .execute(async (trx) => {
          await trx.selectFrom('things').select('id').where('id', '=', 1).execute();
          expect(() => other.prepare("insert into things (id, name) values (22, 'theirs')").run()).toThrow(
            /database is locked/,
          );
          await trx.insertInto('things').values({ id: 23, name: 'ours' }).execute();
        });
      const ids = (await db.selectFrom('things').select('id').where('id', '>=', 20).orderBy('id').execute()).map(
        (r) => r.id,
      );
      expect(ids).toEqual([20, 23]);
    } finally {
      other.close();
      await db.deleteFrom('things').where('id', '>=', 20).execute();
    }
  });

  it('leave reads to the read-write connection once a thread has ended', async () => {
    const pool = new ReaderPool(join(dir, 'r.db'), 1, createRequire(import.meta.url).resolve('better-sqlite3'));
    expect(await pool.read('select count(*) as n from things', [])).toEqual([{ n: 1 }]);
    await pool.close();
    // no thread left: the caller is told so (undefined) instead of waiting for ever
    expect(await pool.read('select count(*) as n from things', [])).toBeUndefined();
  });
});
