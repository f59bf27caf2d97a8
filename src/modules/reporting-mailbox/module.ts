// The reporting-mailbox module: its routes, the reading job and the schedule that queues readings.
import type { JobQueue } from '../../jobs/queue.js';
import type { Module } from '../module.js';
import type { IntakeDeps } from './intake.js';
import { dueReadingsSchedule, readMailboxJob } from './jobs.js';
import { reportingMailboxRoutes } from './routes.js';
import type { ReportingMailboxService } from './service.js';

export interface ReportingMailboxServices {
  settings: ReportingMailboxService;
  intake: IntakeDeps;
}

export const reportingMailboxModule = (
  svc: ReportingMailboxServices,
  queue: JobQueue,
  intervalMinutes: number,
): Module => ({
  name: 'reporting-mailbox',
  routes: reportingMailboxRoutes(svc.settings),
  jobs: [readMailboxJob(svc.intake)],
  schedules: [dueReadingsSchedule(svc.intake.db, queue, intervalMinutes)],
});
