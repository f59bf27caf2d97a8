// Background work of mail delivery: the per-profile dispatch job, and the schedule that makes sure
// every profile with due messages has one (deferred retries come due, a pause ends, a job was lost).
import type { Db } from '../../db/connection.js';
import { defineJob, type JobDefinition, type Schedule } from '../../jobs/definition.js';
import { RescheduleJob } from '../../jobs/queue.js';
import { nowIso } from '../../lib/ids.js';
import { type DispatcherDeps, ProfileDispatch } from './dispatcher.js';
import { MailDispatchJob, type OutboxService } from './outbox.js';
import * as repo from './repository.js';
import { mailTiming } from './timing.js';

export function mailDispatchJob(
  deps: DispatcherDeps,
  opts: { sliceSeconds?: number } = {},
): JobDefinition<(typeof MailDispatchJob)['payload']> {
  // A live job returns within its slice plus the sends in flight (timing.ts).
  const { sliceMs, expireInSeconds } = mailTiming(opts.sliceSeconds);
  return defineJob({
    type: MailDispatchJob,
    options: { expireInSeconds },
    handler: async ({ clientId, profileId }, ctx) => {
      const slice = AbortSignal.any([ctx.signal, AbortSignal.timeout(sliceMs)]);
      const outcome = await new ProfileDispatch(deps, clientId, profileId).run(slice);
      if (outcome.more && !ctx.signal.aborted) return new RescheduleJob('dispatch slice ended');
      return undefined;
    },
  });
}

/**
 * Every 10 s: a dispatch job for each profile with a message due, and profiles paused for their
 * Azure application resumed once it is connected again. Safe on several workers at once: the job
 * is a singleton per profile.
 */
export const dueMailSchedule = (db: Db, outbox: OutboxService): Schedule => ({
  name: 'mail-delivery.enqueue-due',
  everyMs: 10_000,
  run: async () => {
    for (const p of await repo.profilesToResume(db)) {
      const code = p.pause_reason ? (JSON.parse(p.pause_reason) as { code?: string }).code : undefined;
      if (code === 'reauthorization_required' || code === 'not_authorized' || code === 'azure_app_error')
        await repo.updateProfile(db, p.client_id, p.id, { paused_until: null, pause_reason: null });
    }
    const due = await repo.profilesWithDueWork(db, nowIso());
    for (const p of due) await db.transaction().execute((trx) => outbox.kick(trx, p.client_id, p.id));
    return due.length;
  },
});
