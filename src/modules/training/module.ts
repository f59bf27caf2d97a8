// The training module: content library routes and the course images (the campaign and learner
// parts add theirs here, one line each).
import type { Module } from '../module.js';
import type { ContentLibrary } from './content.js';
import { courseAssetPages } from './content-pages.js';
import { contentRoutes } from './content-routes.js';
import type { PackageService } from './packages.js';

export interface TrainingServices {
  library: ContentLibrary;
  packages: PackageService;
}

export const trainingModule = (training: TrainingServices): Module => ({
  name: 'training',
  routes: async (app) => {
    await app.register(contentRoutes(training));
  },
  pages: courseAssetPages(training.library),
});
