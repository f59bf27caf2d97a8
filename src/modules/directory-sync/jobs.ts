// Background work of directory sync: the "directory-sync" job (run or resume an import's pending
// run) and the scheduler that enqueues due syncs. Jobs are keyed by import (singleton), and the
// engine also takes the import's lease, so one import never has two syncs at once.
import type { Db } from '../../db/connection.js';
import type { JobHandler, JobQueue } from '../../jobs/queue.js';
import { jobQueueFor } from '../../jobs/queue-for.js';
import { nowIso } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import { EntraClient } from '../../microsoft/entra.js';
import { GraphClient } from '../../microsoft/graph.js';
import type { Runtime } from '../../runtime.js';
import { TokenService } from '../azure-apps/token-service.js';
import { type EngineDeps, ImportBusyError, newRunRow, runSync } from './engine.js';
import * as repo from './repository.js';

export const SYNC_QUEUE = 'directory-sync';
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
  await queue.enqueue(
    trx,
    SYNC_QUEUE,
    { clientId, importId },
    { singletonKey: singletonKey(importId), maxAttempts: 10 },
  );
  if (waiting) return waiting.id;
  const run = newRunRow(clientId, importId, trigger, nowIso());
  await repo.insertRun(trx, run);
  return run.id;
}

export function syncJobHandler(deps: EngineDeps): JobHandler {
  return async (payload, ctx) => {
    const { clientId, importId } = payload as { clientId: string; importId: string };
    try {
      await runSync(deps, clientId, importId, { owner: `job:${ctx.jobId}`, signal: ctx.signal });
    } catch (err) {
      // Another job holds the import: retrying later is right, and says so in the log.
      if (err instanceof ImportBusyError) deps.logger?.info({ importId }, 'sync busy; retrying later');
      throw err;
    }
  };
}

/**
 * Every `everyMs`, enqueue the syncs whose time has come. Several workers may run it: the
 * conditional update of next_sync_at lets one of them take each due import.
 */
export function startScheduler(deps: EngineDeps & { queue: JobQueue; logger: Logger }, everyMs = 15_000) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await enqueueDue(deps.db.db, deps.queue);
    } catch (err) {
      deps.logger.error({ err }, 'sync scheduler failed');
    }
    if (!stopped) {
      timer = setTimeout(() => void tick(), everyMs);
      timer.unref();
    }
  };
  timer = setTimeout(() => void tick(), 1_000);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

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

/** What a worker process runs for directory sync: the job handler and the scheduler. */
export function directorySyncWorker(rt: Runtime) {
  const tokens = new TokenService(rt.db, rt.secrets, new EntraClient(rt.config));
  const deps = { db: rt.db, tokens, graph: new GraphClient(rt.config), logger: rt.logger };
  const queue = jobQueueFor(rt.config.database, rt.logger);
  let scheduler: { stop(): void } | undefined;
  return {
    queue: SYNC_QUEUE,
    handler: syncJobHandler(deps),
    startScheduler() {
      scheduler = startScheduler({ ...deps, queue });
    },
    async stop() {
      scheduler?.stop();
      await queue.close?.();
    },
  };
}
