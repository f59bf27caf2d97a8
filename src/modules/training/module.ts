// The training module: content library, campaigns and results, the learner portal. Each part has
// its own routes file; add a part's routes, jobs, schedules or pages here in one line.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Module } from '../module.js';
import { campaignRoutes } from './campaign-routes.js';
import type { TrainingCampaignService } from './campaigns-service.js';
import type { ContentLibrary } from './content.js';
import { courseAssetPages } from './content-pages.js';
import { contentRoutes } from './content-routes.js';
import { trainingLaunchJob, trainingSchedules } from './jobs.js';
import type { PackageService } from './packages.js';
import type { TrainingResultsService } from './results.js';

export interface TrainingServices {
  library: ContentLibrary;
  packages: PackageService;
  campaigns: TrainingCampaignService;
  results: TrainingResultsService;
}

export const trainingModule = (training: TrainingServices): Module => {
  const parts: FastifyPluginAsyncTypebox[] = [contentRoutes(training), campaignRoutes(training)];
  return {
    name: 'training',
    routes: async (app) => {
      for (const part of parts) await app.register(part);
    },
    pages: courseAssetPages(training.library),
    jobs: [trainingLaunchJob(training.campaigns)],
    schedules: trainingSchedules(training.campaigns),
  };
};
