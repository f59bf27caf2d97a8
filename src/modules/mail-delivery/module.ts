// The mail-delivery module: sending-profile and outbox routes, the dispatch job, the due-mail schedule.
import type { Db } from '../../db/connection.js';
import type { Module } from '../module.js';
import type { DispatcherDeps } from './dispatcher.js';
import { dueMailSchedule, mailDispatchJob } from './jobs.js';
import type { OutboxService } from './outbox.js';
import type { SendingProfileService } from './profiles.js';
import { mailDeliveryRoutes } from './routes.js';

export interface MailServices {
  profiles: SendingProfileService;
  outbox: OutboxService;
  /** what the dispatcher needs (the job, `baitwise outbox`, the benchmark) */
  dispatch: DispatcherDeps;
}

export const mailDeliveryModule = (mail: MailServices, db: Db): Module => ({
  name: 'mail-delivery',
  routes: mailDeliveryRoutes(mail),
  jobs: [mailDispatchJob(mail.dispatch, { sliceSeconds: mail.dispatch.config.mailSliceSeconds })],
  schedules: [dueMailSchedule(db, mail.outbox)],
});
