// Background work of training campaigns: the scheduled launch (a job enqueued when the campaign
// was scheduled), and schedules for what time brings: late launches, due reminders, members added
// to auto-enrol groups, campaigns that are done. Each is safe on several workers at once
// (conditional updates; the unique campaign+recipient index).
import { defineJob, type JobDefinition, type Schedule } from '../../jobs/definition.js';
import { type TrainingCampaignService, TrainingLaunchJob } from './campaigns-service.js';

export const trainingLaunchJob = (
  campaigns: TrainingCampaignService,
): JobDefinition<(typeof TrainingLaunchJob)['payload']> =>
  defineJob({
    type: TrainingLaunchJob,
    // A launch of 100,000 is one transaction of some seconds.
    options: { expireInSeconds: 15 * 60 },
    handler: async ({ clientId, campaignId }) => {
      await campaigns.launchScheduled(clientId, campaignId);
    },
  });

export const trainingSchedules = (campaigns: TrainingCampaignService): Schedule[] => [
  { name: 'training.launch-due', everyMs: 60_000, run: () => campaigns.launchDue() },
  { name: 'training.reminders', everyMs: 60_000, firstAfterMs: 5_000, run: () => campaigns.sendDueReminders() },
  { name: 'training.auto-enrol', everyMs: 5 * 60_000, firstAfterMs: 10_000, run: () => campaigns.autoEnrol() },
  { name: 'training.complete', everyMs: 15 * 60_000, firstAfterMs: 15_000, run: () => campaigns.completeFinished() },
];
