// Directory sync as time-sliced jobs, with the worker as `baitwise worker` runs it (the embedded
// runner on SQLite, pg-boss on PostgreSQL): an import that takes several slices is stopped after
// a committed page at the end of each slice and handed to the next job, never runs twice at once,
// and its one run finishes with every tenant user exactly once.
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EmbeddedRunner } from '../../src/jobs/embedded.js';
import { PgBossRunner } from '../../src/jobs/pg-boss.js';
import { type JobRunner, RescheduleJob } from '../../src/jobs/queue.js';
import { SyncJob, syncJob } from '../../src/modules/directory-sync/jobs.js';
import type { TestApp } from '../helpers/app.js';
import type { TestEmulator } from '../helpers/emulator.js';
import {
  createAllUsersImport,
  expectOneRunEveryUserOnce,
  runEnded,
  type SyncFixture,
  syncFixture,
} from '../helpers/sync-fixture.js';

const USERS = 8000;
const PAGE = 999; // Graph's page size for /users as the engine asks for it
const SLICE_MS = 1000;
const LATENCY_MS = 400; // per Graph call: ~9 pages take several slices

let emu: TestEmulator;
let t: TestApp;
let tenantUserIds: string[];
let runner: JobRunner | undefined;
let f: SyncFixture;

beforeAll(async () => {
  f = await syncFixture({ users: USERS, name: 'Sliced' });
  ({ emu, t, tenantUserIds } = f);
}, 120_000);

afterAll(async () => {
  await runner?.stop();
  await emu?.control('PUT', '/faults', { latencyMs: 0 }).catch(() => undefined);
  await t?.close();
  await emu?.close();
});

const db = () => t.db.handle.db;

/** Every call of the sync job: which job, what it answered, and how many ran at once. */
const calls: { jobId: string; attempt: number; result: 'rescheduled' | 'done' | 'error' }[] = [];
let active = 0;
let maxActive = 0;

async function startRunner() {
  const logger = pino({ level: 'silent' });
  const job = syncJob(t.app.services.directorySync.engine, { sliceSeconds: SLICE_MS / 1000 });
  const handler: typeof job.handler = async (payload, ctx) => {
    maxActive = Math.max(maxActive, ++active);
    try {
      const r = await job.handler(payload, ctx);
      calls.push({
        jobId: ctx.jobId,
        attempt: ctx.attempt,
        result: r instanceof RescheduleJob ? 'rescheduled' : 'done',
      });
      return r;
    } catch (err) {
      calls.push({ jobId: ctx.jobId, attempt: ctx.attempt, result: 'error' });
      throw err;
    } finally {
      active--;
    }
  };
  const config = t.config.database;
  runner =
    config.kind === 'postgres'
      ? new PgBossRunner(config.url, logger, { pollingIntervalSeconds: 0.5 })
      : new EmbeddedRunner(t.db.handle.db, logger, { pollMs: 50 });
  runner.register({ ...job, handler });
  await runner.start();
}

describe('a directory sync longer than a job slice', () => {
  it('is stopped after a committed page each slice, continued by the next job, and finishes once with no duplicates', async () => {
    await startRunner();
    await emu.control('PUT', '/faults', { latencyMs: LATENCY_MS });
    const started = Date.now();
    const imp = await createAllUsersImport(f, 'Sliced import');

    const done = await runEnded(t, imp.lastRun.id, 60_000);
    const elapsed = Date.now() - started;
    // The run is recorded as ended in its last slice, which then still refreshes the table
    // statistics (PostgreSQL) before the job returns: its outcome is known once it has.
    await vi.waitFor(
      () => {
        if (active !== 0) throw new Error('the last slice is still running');
      },
      { timeout: 10_000, interval: 20 },
    );
    await emu.control('PUT', '/faults', { latencyMs: 0 });

    expect(done, done.errors).toMatchObject({
      status: 'succeeded',
      pages: Math.ceil(USERS / PAGE),
      users_seen: USERS,
      added: USERS,
      removed: 0,
    });
    // Several slices, each handed on; the last one finished the run. Never two at once.
    const rescheduled = calls.filter((c) => c.result === 'rescheduled').length;
    expect(rescheduled, `${elapsed} ms`).toBeGreaterThanOrEqual(2);
    expect(calls.filter((c) => c.result === 'error')).toEqual([]);
    expect(calls.at(-1)?.result).toBe('done');
    expect(calls.every((c) => c.attempt === 1)).toBe(true);
    expect(maxActive).toBe(1);

    // One run, every tenant user exactly once.
    await expectOneRunEveryUserOnce(t, imp, tenantUserIds);
    const lease = await db()
      .selectFrom('directory_imports')
      .select(['lock_owner', 'lock_until'])
      .where('id', '=', imp.id)
      .executeTakeFirstOrThrow();
    expect(lease).toEqual({ lock_owner: null, lock_until: null });

    const key = `import:${imp.id}`;
    if (t.db.handle.kind === 'sqlite') {
      // The embedded runner puts the same job back: one job, one attempt, completed.
      const jobs = await db().selectFrom('jobs').selectAll().where('singleton_key', '=', key).execute();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ state: 'completed', attempts: 1, last_error: null });
      expect(new Set(calls.map((c) => c.jobId))).toEqual(new Set([jobs[0]?.id]));
    } else {
      // pg-boss: each slice sent the next job while it was still active (a stately queue keeps
      // one created and one active job per key), then completed.
      const jobs = await vi.waitFor(
        async () => {
          const r = await sql<{
            id: string;
            state: string;
            retry_count: number;
            created_on: Date;
            started_on: Date;
            completed_on: Date | null;
          }>`select id, state, retry_count, created_on, started_on, completed_on from pgboss.job
             where name = ${SyncJob.queue} and singleton_key = ${key} order by created_on`.execute(db());
          if (r.rows.some((j) => j.state !== 'completed')) throw new Error('a job is not completed yet');
          return r.rows;
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(jobs.map((j) => j.id)).toEqual(calls.map((c) => c.jobId));
      expect(jobs.every((j) => j.retry_count === 0)).toBe(true);
      for (let i = 1; i < jobs.length; i++) {
        const prev = jobs[i - 1];
        const next = jobs[i];
        if (!prev?.completed_on || !next) throw new Error('incomplete job row');
        expect(next.created_on.getTime()).toBeGreaterThanOrEqual(prev.started_on.getTime());
        expect(next.created_on.getTime()).toBeLessThanOrEqual(prev.completed_on.getTime());
      }
    }
  }, 180_000);
});
