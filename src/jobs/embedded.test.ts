// The embedded runner on a real SQLite file: a handler that asks to be rescheduled runs again
// without using attempts; a job that outlives its lease is renewed, never claimed by a second
// runner on the same file; a runner whose claim was taken aborts its handler and writes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type DbHandle, openDatabase } from '../db/connection.js';
import { migrateToLatest } from '../db/migrations/index.js';
import { jobType, type TypedJobHandler } from './definition.js';
import { EmbeddedQueue, EmbeddedRunner } from './embedded.js';
import { type JobContext, RescheduleJob } from './queue.js';

const Work = jobType('work', Type.Object({ n: Type.Integer() }), { singleton: true });
type JobHandler = TypedJobHandler<typeof Work.payload>;

const logger = pino({ level: 'silent' });
let dir: string;
let handle: DbHandle;
let runners: EmbeddedRunner[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'baitwise-jobs-'));
  handle = openDatabase({ kind: 'sqlite', file: join(dir, 'jobs.db') });
  await migrateToLatest(handle.db, 'sqlite');
});
afterEach(async () => {
  await Promise.all(runners.map((r) => r.stop()));
  runners = [];
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

async function enqueue(maxAttempts = 3): Promise<string> {
  const id = await handle.db
    .transaction()
    .execute((trx) => new EmbeddedQueue().enqueue(trx, Work, { n: 1 }, { singletonKey: 'k', maxAttempts }));
  if (!id) throw new Error('not enqueued');
  return id;
}

async function runner(handler: JobHandler, opts: { leaseMs?: number } = {}) {
  const r = new EmbeddedRunner(handle.db, logger, { pollMs: 10, ...opts });
  r.register({ type: Work, handler });
  runners.push(r);
  await r.start();
  return r;
}

const job = (id: string) => handle.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

const settled = (id: string) =>
  vi.waitFor(
    async () => {
      const j = await job(id);
      if (j.state !== 'completed' && j.state !== 'failed') throw new Error(`job is ${j.state}`);
      return j;
    },
    { timeout: 10_000, interval: 10 },
  );

describe('EmbeddedRunner', () => {
  it('runs a rescheduled job again at once, the same job, without using an attempt', async () => {
    const id = await enqueue(2);
    const calls: JobContext[] = [];
    await runner(async (_payload, ctx) => {
      calls.push(ctx);
      return calls.length <= 3 ? new RescheduleJob('slice') : undefined;
    });
    const done = await settled(id);
    expect(done).toMatchObject({ state: 'completed', attempts: 1, last_error: null, locked_until: null });
    // Three reschedules with max_attempts 2: had they counted, the job would have run out.
    expect(calls.map((c) => [c.jobId, c.attempt])).toEqual([
      [id, 1],
      [id, 1],
      [id, 1],
      [id, 1],
    ]);
  });

  it('renews the lease of a job that outlives it: a second runner on the same file never claims it', async () => {
    const leaseMs = 150;
    const id = await enqueue();
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const handler: JobHandler = async () => {
      calls++;
      maxActive = Math.max(maxActive, ++active);
      try {
        // The job outlives its lease five times over while both runners poll every 10 ms.
        const until = Date.now() + 5 * leaseMs;
        await vi.waitFor(
          () => {
            if (Date.now() < until) throw new Error('still working');
          },
          { timeout: 10_000, interval: 10 },
        );
      } finally {
        active--;
      }
    };
    await runner(handler, { leaseMs });
    await runner(handler, { leaseMs });
    const done = await settled(id);
    expect(done).toMatchObject({ state: 'completed', attempts: 1 });
    expect(calls).toBe(1);
    expect(maxActive).toBe(1);
  });

  it('a runner whose claim was taken over aborts its handler and leaves the job to the new owner', async () => {
    const leaseMs = 150;
    const id = await enqueue();
    let aborted: unknown;
    await runner(
      (_payload, ctx) =>
        new Promise<void>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
            resolve();
          });
        }),
      { leaseMs },
    );
    await vi.waitFor(
      async () => {
        if ((await job(id)).state !== 'active') throw new Error('not claimed yet');
      },
      { timeout: 5_000, interval: 10 },
    );
    // What another runner's claim of an expired lease writes.
    const theirs = new Date(Date.now() + 60_000).toISOString();
    await handle.db.updateTable('jobs').set({ locked_until: theirs }).where('id', '=', id).execute();
    await vi.waitFor(
      () => {
        if (!aborted) throw new Error('handler not aborted');
      },
      { timeout: 5_000, interval: 10 },
    );
    expect(String(aborted)).toContain('job lease lost');
    await runners[0]?.stop();
    expect(await job(id)).toMatchObject({ state: 'active', locked_until: theirs, attempts: 1, last_error: null });
  });
});

describe('job payloads', () => {
  it('are checked against their type before the handler runs; a job of another shape fails and says why', async () => {
    const id = await handle.db.transaction().execute((trx) =>
      // A job written by an older version, with a payload the type no longer accepts.
      new EmbeddedQueue().enqueue(trx, Work, { n: 'one' } as unknown as { n: number }, { maxAttempts: 1 }),
    );
    let called = false;
    await runner(async () => {
      called = true;
    });
    const j = await settled(id ?? '');
    expect(j.state).toBe('failed');
    expect(j.last_error).toMatch(/job payload for work does not match its type: \/n/);
    expect(called).toBe(false);
  });
});
