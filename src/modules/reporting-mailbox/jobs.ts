// Background work: the "reporting-mailbox" job (run the client's waiting reading) and the schedule
// that queues a reading for every enabled client whose time has come. Jobs are singletons per
// client, so one mailbox is never read twice at once.
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { defineJob, type JobDefinition, jobType, type Schedule } from '../../jobs/definition.js';
import type { JobQueue } from '../../jobs/queue.js';
import { newId, nowIso } from '../../lib/ids.js';
import { type IntakeDeps, runReading } from './intake.js';
import * as repo from './repository.js';

export const ReadMailboxJob = jobType(
  'reporting-mailbox',
  Type.Object({ clientId: Type.String() }, { additionalProperties: false }),
  { singleton: true },
);

/** A reading left "running" this long ago was interrupted (its worker gone, its attempts spent). */
const STALE_RUNNING_MS = 30 * 60_000;

/**
 * Queue a reading in the caller's transaction; a reading already waiting is the one returned (two
 * clicks on Sync now are one reading).
 */
export async function enqueueReading(
  trx: Db,
  queue: JobQueue,
  clientId: string,
  trigger: 'schedule' | 'manual',
): Promise<repo.RunRow> {
  const waiting = await repo.unfinishedRun(trx, clientId);
  const stale = waiting?.status === 'running' && Date.parse(waiting.started_at ?? '') < Date.now() - STALE_RUNNING_MS;
  if (waiting && stale) {
    await repo.updateRun(trx, clientId, waiting.id, {
      status: 'failed',
      error: 'The reading was interrupted (the worker stopped). The next reading continues where it stopped.',
      error_code: 'interrupted',
      finished_at: nowIso(),
    });
  }
  await queue.enqueue(
    trx,
    ReadMailboxJob,
    { clientId },
    { singletonKey: `reporting-mailbox:${clientId}`, maxAttempts: 3 },
  );
  if (waiting && !stale) return waiting;
  const run: repo.RunRow = {
    id: newId(),
    client_id: clientId,
    trigger,
    status: 'queued',
    ingested: 0,
    duplicates: 0,
    refused: 0,
    restarted: 0,
    refusals: '[]',
    error: null,
    error_code: null,
    started_at: null,
    finished_at: null,
    created_at: nowIso(),
  };
  await repo.insertRun(trx, run);
  return run;
}

/** Run the client's waiting readings (normally one), oldest first. */
export async function runWaiting(deps: IntakeDeps, clientId: string): Promise<number> {
  let n = 0;
  for (
    let run = await repo.unfinishedRun(deps.db, clientId);
    run && n < 5;
    run = await repo.unfinishedRun(deps.db, clientId)
  ) {
    await runReading(deps, clientId, run.id);
    n++;
  }
  return n;
}

export const readMailboxJob = (deps: IntakeDeps): JobDefinition<(typeof ReadMailboxJob)['payload']> =>
  defineJob({
    type: ReadMailboxJob,
    options: { expireInSeconds: 15 * 60 },
    handler: async ({ clientId }) => {
      await runWaiting(deps, clientId);
    },
  });

/** Queue the due readings; the conditional update lets one scheduler take each client. */
export async function enqueueDue(db: Db, queue: JobQueue, intervalMinutes: number, now = nowIso()): Promise<number> {
  let n = 0;
  for (const due of await repo.dueSettings(db, now, 100)) {
    const next = new Date(Date.parse(now) + intervalMinutes * 60_000).toISOString();
    await db.transaction().execute(async (trx) => {
      if (!due.next_run_at || !(await repo.takeDue(trx, due.client_id, due.next_run_at, next))) return;
      await enqueueReading(trx, queue, due.client_id, 'schedule');
      n++;
    });
  }
  return n;
}

export const dueReadingsSchedule = (db: Db, queue: JobQueue, intervalMinutes: number): Schedule => ({
  name: 'reporting-mailbox.enqueue-due',
  everyMs: 30_000,
  run: () => enqueueDue(db, queue, intervalMinutes),
});
