// The report add-in module: its settings and manifest routes, the public report intake, and the
// add-in's files under /addin/.
import type { Module } from '../module.js';
import type { ReportIntake } from './intake.js';
import { reportIntakeRoutes } from './intake-routes.js';
import { addinPages } from './pages.js';
import { reportAddinRoutes } from './routes.js';
import type { ReportAddinService } from './service.js';

export const reportAddinModule = (
  addin: ReportAddinService,
  intake: ReportIntake,
  officeJsUrl: string,
  publicUrl: string,
): Module => ({
  name: 'report-addin',
  routes: async (app) => {
    await app.register(reportAddinRoutes(addin));
    await app.register(reportIntakeRoutes(intake));
  },
  pages: addinPages(officeJsUrl, publicUrl),
});
