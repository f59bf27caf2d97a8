// A `baitwise worker` on PostgreSQL killed with SIGKILL in the middle of a directory sync: pg-boss
// has no heartbeat, so its job comes back only when it expires. With time-sliced sync jobs the
// expiry is short (3 slices + 15 s; here a 2 s slice → 21 s), so another worker takes the job
// within about half a minute, takes the import's lease over from the dead claim of the same job
// (without waiting out its 2 minutes), and finishes the same run from its cursor with every user
// exactly once.
// PostgreSQL only: the embedded runner's recovery (its job lease) is covered in embedded.test.ts.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PgBossRunner } from '../src/jobs/pg-boss.js';
import { SyncJob, syncJob, syncJobExpireSeconds } from '../src/modules/directory-sync/jobs.js';
import type { TestApp } from './helpers/app.js';
import { testDatabaseKind } from './helpers/db.js';
import type { TestEmulator } from './helpers/emulator.js';
import {
  baitwiseProcess,
  createAllUsersImport,
  expectOneRunEveryUserOnce,
  runEnded,
  runOf,
  type SyncFixture,
  syncFixture,
} from './helpers/sync-fixture.js';

const USERS = 4000;
const PAGE = 999;
const SLICE_SECONDS = 2; // the smallest BAITWISE_SYNC_SLICE_SECONDS accepts

let emu: TestEmulator;
let t: TestApp;
let tenantUserIds: string[];
let dataDir: string;
let child: ChildProcessWithoutNullStreams | undefined;
let runner: PgBossRunner | undefined;
let f: SyncFixture;

describe.skipIf(testDatabaseKind() !== 'postgres')('a pg-boss worker killed mid-sync', () => {
  beforeAll(async () => {
    f = await syncFixture({ users: USERS, name: 'Crashed' });
    ({ emu, t, tenantUserIds } = f);
    dataDir = mkdtempSync(join(tmpdir(), 'baitwise-worker-kill-'));
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    await runner?.stop();
    await emu?.control('PUT', '/faults', { latencyMs: 0 }).catch(() => undefined);
    await t?.close();
    await emu?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const db = () => t.db.handle.db;
  const runRow = (runId: string) => runOf(t, runId);

  it('has its job retried by another worker after the short expiry; the run finishes once, without duplicates', async () => {
    const config = t.config.database;
    if (config.kind !== 'postgres') throw new Error('PostgreSQL only');
    const worker = baitwiseProcess(f, ['worker'], dataDir, {
      BAITWISE_SYNC_SLICE_SECONDS: String(SLICE_SECONDS),
    });
    child = worker.child;
    const proc = worker.child;
    // Ready once it has set the queue's expiry (a job keeps the expiry it was sent with; the first
    // jobs sent before any worker has started carry the 15-minute default of a queue created by an
    // API process).
    await vi.waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
        const q = await sql<{ expire_seconds: number }>`select expire_seconds from pgboss.queue
          where name = ${SyncJob.queue}`
          .execute(db())
          .catch(() => ({ rows: [] }));
        if (q.rows[0]?.expire_seconds !== syncJobExpireSeconds(SLICE_SECONDS)) throw new Error('worker not ready');
      },
      { timeout: 30_000, interval: 50 },
    );
    await emu.control('PUT', '/faults', { latencyMs: 1000 }); // the dead worker cannot finish first
    const imp = await createAllUsersImport(f, 'Crashed import');

    await vi.waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
        if ((await runRow(imp.lastRun.id)).pages < 1) throw new Error('no page committed yet');
      },
      { timeout: 30_000, interval: 20 },
    );
    // Jobs last a 2 s slice and let the import's lease go between slices. To kill a job in the
    // middle of one (holding the lease), Graph requests now hang for 30 s, and the kill comes as
    // soon as a job claims the import after that: its first request hangs, and its slice cannot
    // end for 4 s (twice the slice).
    const holder = async () =>
      (
        await db()
          .selectFrom('directory_imports')
          .select('lock_owner')
          .where('id', '=', imp.id)
          .executeTakeFirstOrThrow()
      ).lock_owner;
    const before = await holder();
    await emu.control('PUT', '/faults', { latencyMs: 30_000 });
    await vi.waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
        const now = await holder();
        if (!now?.startsWith('job:') || now === before) throw new Error('no new claim of the import yet');
      },
      { timeout: 30_000, interval: 10 },
    );
    proc.kill('SIGKILL');
    expect((await worker.exit).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    await emu.control('PUT', '/faults', { latencyMs: 0 });

    const mid = await runRow(imp.lastRun.id);
    expect(mid.status).toBe('running');
    expect(mid.users_seen).toBeLessThan(USERS);
    const key = `import:${imp.id}`;
    const jobs = await sql<{ id: string; state: string }>`select id, state from pgboss.job
      where name = ${SyncJob.queue} and singleton_key = ${key} and state = 'active'`.execute(db());
    expect(jobs.rows).toHaveLength(1);
    const deadJob = jobs.rows[0]?.id ?? '';
    // The dead worker's import lease, under an owner of its own claim (not the bare job id).
    const lease = await db()
      .selectFrom('directory_imports')
      .select(['lock_owner', 'lock_until'])
      .where('id', '=', imp.id)
      .executeTakeFirstOrThrow();
    expect(lease.lock_owner).toMatch(new RegExp(`^job:${deadJob}:[0-9a-f]{8}$`));

    // Another worker, as `baitwise worker` runs it with the same slice.
    runner = new PgBossRunner(config.url, pino({ level: 'silent' }));
    const seen: string[] = [];
    const job = syncJob(t.app.services.directorySync.engine, { sliceSeconds: SLICE_SECONDS });
    runner.register({
      ...job,
      handler: (payload, ctx) => {
        seen.push(ctx.jobId);
        return job.handler(payload, ctx);
      },
    });
    await runner.start();

    const done = await runEnded(t, imp.lastRun.id, 90_000);
    const recoveredMs = Date.now() - killedAt;
    expect(done, done.errors).toMatchObject({
      status: 'succeeded',
      pages: Math.ceil(USERS / PAGE),
      users_seen: USERS,
      added: USERS,
      removed: 0,
    });
    // The dead worker's job itself came back (expired → retried), not a new one.
    expect(seen[0]).toBe(deadJob);
    // Expiry (21 s from the job's start) + pg-boss maintenance (≤ 7 s) + retry delay (5 s): well
    // under the dead claim's 2-minute import lease, which the retry took over instead of waiting.
    expect(recoveredMs, `jobs run: ${seen.length}`).toBeLessThan(60_000);

    await expectOneRunEveryUserOnce(t, imp, tenantUserIds);
  }, 150_000);
});
