// Background work of directory sync: the "directory-sync" job (run or resume an import's pending
// run, one time slice at a time) and the scheduler that enqueues due syncs. Jobs are keyed by
// import (singleton), and the engine also takes the import's lease, so one import never has two
// syncs at once.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { defineJob, type JobDefinition, jobType, type Schedule } from '../../jobs/definition.js';
import { type JobQueue, RescheduleJob } from '../../jobs/queue.js';
import { ClientArchivedError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import { type EngineDeps, ImportBusyError, newRunRow, runSync } from './engine.js';
import * as repo from './repository.js';

/** One job: run (or resume) an import's oldest unfinished run for a time slice. */
export const SyncJob = jobType(
  'directory-sync',
  Type.Object({ clientId: Type.String(), importId: Type.String() }, { additionalProperties: false }),
  { singleton: true },
);
export const singletonKey = (importId: string) => `import:${importId}`;

/**
 * Record a run and enqueue its job in the caller's transaction. Returns the run that will carry
 * the work: one already waiting (or paused) is reused rather than doubled. When the queue refuses
 * a second job for the import (singleton), the job already waiting takes the new run: a job
 * always works on the import's oldest unfinished run.
 */
export async function enqueueSync(
  trx: Db,
  queue: JobQueue,
  clientId: string,
  importId: string,
  trigger: 'create' | 'manual' | 'schedule',
): Promise<string> {
  const waiting = await repo.unfinishedRun(trx, clientId, importId);
  await queue.enqueue(trx, SyncJob, { clientId, importId }, { singletonKey: singletonKey(importId), maxAttempts: 10 });
  if (waiting) return waiting.id;
  const run = newRunRow(clientId, importId, trigger, nowIso());
  await repo.insertRun(trx, run);
  return run.id;
}

/** How long one sync job works before it hands the rest of the run to a new job (by default). */
export const DEFAULT_SLICE_SECONDS = 60;

/**
 * When a sync job is presumed dead (its worker gone) and retried. A live job returns within two
 * slices (see syncJobHandler) plus the commit in hand (a second or so); the rest is margin.
 */
export const syncJobExpireSeconds = (sliceSeconds: number) => 3 * sliceSeconds + 15;

/**
 * The job: run or resume the import's oldest unfinished run for one time slice, then stop after
 * the last committed page and ask to be run again. Short jobs keep a crashed worker's import
 * waiting minutes, not the length of a whole import (pg-boss retries a job only once it expires),
 * let other jobs take turns on the embedded runner, and let a long import move between workers.
 *
 * The slice ends at the first commit after `sliceMs` (so a slice always moves the run on, even
 * when one Graph page takes longer than the slice), and at twice `sliceMs` regardless.
 */
export function syncJob(
  deps: EngineDeps,
  opts: { sliceSeconds?: number } = {},
): JobDefinition<(typeof SyncJob)['payload']> {
  const sliceSeconds = opts.sliceSeconds ?? DEFAULT_SLICE_SECONDS;
  const sliceMs = sliceSeconds * 1000;
  return defineJob({
    type: SyncJob,
    options: { expireInSeconds: syncJobExpireSeconds(sliceSeconds) },
    handler: async ({ clientId, importId }, ctx) => {
      const slice = new AbortController();
      const endSlice = () => slice.abort(new Error('sync time slice ended'));
      const started = Date.now();
      // Once the last page is committed (cursor null) the run completes at once: a slice ending
      // there would only cost another job to do the completion (which a resumed run does without
      // listing again).
      let listed = false;
      const hardStop = setTimeout(() => {
        if (!listed) endSlice();
      }, 2 * sliceMs);
      // A new owner for every claim: a retried pg-boss job keeps its id, and the engine lets an owner
      // take its own lease again, so the retry of a worker that stalled (alive, past its expiry)
      // must not be able to run beside it. A dead worker's retry waits for its import lease instead.
      const owner = `job:${ctx.jobId}:${randomUUID().slice(0, 8)}`;
      await takeOverFromEarlierAttempt(deps.db.db, clientId, importId, ctx.jobId, owner);
      try {
        await runSync(deps, clientId, importId, {
          owner,
          signal: AbortSignal.any([ctx.signal, slice.signal]),
          onProgress: (run) => {
            listed = run.cursor === null;
            if (!listed && Date.now() - started >= sliceMs) endSlice();
          },
        });
        return undefined; // finished, or no unfinished run (another job did it)
      } catch (err) {
        // Stopped by the slice, not by shutdown: the run keeps its cursor; a new job resumes it. Only
        // the slice's own abort: a failure that merely came after it is retried as a failure (backoff,
        // an attempt used), or a failure that keeps happening would never run out of attempts.
        if (err === slice.signal.reason && !ctx.signal.aborted) return new RescheduleJob('time slice ended');
        // The client is archived: its syncs are paused, so the job ends here without a retry. The run
        // waits, unchanged, and restoring the client queues it again.
        if (err instanceof ClientArchivedError) {
          deps.logger?.info({ clientId, importId }, 'client archived; sync paused');
          return undefined;
        }
        // Another job holds the import: retrying later is right, and says so in the log.
        if (err instanceof ImportBusyError) deps.logger?.info({ importId }, 'sync busy; retrying later');
        throw err;
      } finally {
        clearTimeout(hardStop);
      }
    },
  });
}

/**
 * The queue hands a job out again only once its earlier attempt has failed (its runSync released
 * the import's lease on the way out) or expired (its worker presumed dead). A lease still held by
 * an earlier claim of this same job is therefore a dead attempt's: taken over at once, the run
 * resumes now instead of when the lease runs out (2 minutes). Were that attempt only stalled, each
 * of its writes renews the lease first, finds it gone and rolls back (engine.ts `owned`), so the
 * two never both write.
 */
async function takeOverFromEarlierAttempt(db: Db, clientId: string, importId: string, jobId: string, owner: string) {
  const lease = await repo.importLease(db, clientId, importId);
  const holder = lease?.lock_owner;
  if (holder?.startsWith(`job:${jobId}:`) && holder !== owner) {
    await repo.takeOverImportLease(db, clientId, importId, holder, owner);
  }
}

/** Every 15 s, enqueue the syncs whose time has come. Several workers may run it (see enqueueDue). */
export const dueSyncsSchedule = (db: Db, queue: JobQueue): Schedule => ({
  name: 'directory-sync.enqueue-due',
  everyMs: 15_000,
  run: () => enqueueDue(db, queue),
});

/**
 * The conditional update of next_sync_at lets one scheduler take each due import, however many
 * workers run this at once.
 */
export async function enqueueDue(db: Db, queue: JobQueue, now = nowIso()): Promise<number> {
  let n = 0;
  for (const due of await repo.dueImports(db, now, 100)) {
    // A paused import waits for its application to be connected again.
    if (due.status === 'paused' && due.app_status !== 'connected') continue;
    await db.transaction().execute(async (trx) => {
      const imp = await repo.findImport(trx, due.client_id, due.id);
      if (!imp || imp.next_sync_at !== due.next_sync_at) return; // another scheduler took it
      const next = new Date(Date.parse(now) + imp.sync_interval_minutes * 60_000).toISOString();
      const r = await trx
        .updateTable('directory_imports')
        .set({ next_sync_at: next })
        .where('client_id', '=', due.client_id)
        .where('id', '=', due.id)
        .where('next_sync_at', '=', due.next_sync_at)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return;
      await enqueueSync(trx, queue, due.client_id, due.id, 'schedule');
      n++;
    });
  }
  return n;
}
