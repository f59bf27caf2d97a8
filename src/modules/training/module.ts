// The training module: content library, campaigns and results, the learner portal. Each part has
// its own routes file; add a part's routes, jobs, schedules or pages here in one line.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Module } from '../module.js';
import { campaignRoutes } from './campaign-routes.js';
import type { TrainingCampaignService } from './campaigns-service.js';
import type { ContentLibrary } from './content.js';
import { courseAssetPages } from './content-pages.js';
import { contentRoutes } from './content-routes.js';
import { trainingLaunchJob, trainingSchedules } from './jobs.js';
import type { LearnerService } from './learner.js';
import type { LearnerLimits } from './learner-limits.js';
import { learnerPages } from './learner-pages.js';
import { learnerRoutes } from './learner-routes.js';
import type { PackageService } from './packages.js';
import type { TrainingResultsService } from './results.js';

export interface TrainingServices {
  library: ContentLibrary;
  packages: PackageService;
  campaigns: TrainingCampaignService;
  results: TrainingResultsService;
  learner: LearnerService;
  /** the learner portal's rate limits and the built learner app (web/dist/learn.html) */
  learnerPortal: { limits: LearnerLimits; webDir: string };
}

export const trainingModule = (training: TrainingServices): Module => {
  const parts: FastifyPluginAsyncTypebox[] = [
    contentRoutes(training),
    campaignRoutes(training),
    learnerRoutes(training.learner, training.learnerPortal.limits),
  ];
  // Each pages plugin sets its own headers in its own encapsulated context.
  const pages: FastifyPluginAsync[] = [
    courseAssetPages(training.library),
    learnerPages(training.learner, training.learnerPortal.limits, training.learnerPortal.webDir),
  ];
  return {
    name: 'training',
    routes: async (app) => {
      for (const part of parts) await app.register(part);
    },
    pages: async (app) => {
      for (const page of pages) await app.register(page);
    },
    jobs: [trainingLaunchJob(training.campaigns)],
    schedules: trainingSchedules(training.campaigns),
  };
};
