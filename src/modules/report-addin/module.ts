// The report add-in module: its settings and manifest routes, and the add-in's files under /addin/.
import type { Module } from '../module.js';
import { addinPages } from './pages.js';
import { reportAddinRoutes } from './routes.js';
import type { ReportAddinService } from './service.js';

export const reportAddinModule = (addin: ReportAddinService): Module => ({
  name: 'report-addin',
  routes: reportAddinRoutes(addin),
  pages: addinPages(),
});
