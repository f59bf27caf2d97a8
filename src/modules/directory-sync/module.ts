// The directory-sync module: its routes, the sync job (run or resume an import's run one time
// slice at a time) and the schedule that enqueues due syncs.
import type { JobQueue } from '../../jobs/queue.js';
import type { Module } from '../module.js';
import { dueSyncsSchedule, syncJob } from './jobs.js';
import { type DirectorySyncServices, directorySyncRoutes } from './routes.js';

export const directorySyncModule = (
  svc: DirectorySyncServices,
  queue: JobQueue,
  opts: { sliceSeconds: number },
): Module => ({
  name: 'directory-sync',
  routes: directorySyncRoutes(svc),
  jobs: [syncJob(svc.engine, { sliceSeconds: opts.sliceSeconds })],
  schedules: [dueSyncsSchedule(svc.engine.db.db, queue)],
});
