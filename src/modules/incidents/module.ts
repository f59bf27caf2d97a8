// The incidents module: the inbox's routes, the analysis job (every report parsed once and grouped)
// and the retention schedule (and the sealing of reports stored before encryption).
import type { Module } from '../module.js';
import type { ReportAnalyser } from './grouping.js';
import { incidentSchedules, incidentsAnalyseJob } from './jobs.js';
import type { LegacyReports } from './legacy.js';
import type { ReportRecorder } from './recorder.js';
import type { Retention } from './retention.js';
import { incidentRoutes } from './routes.js';
import type { IncidentService } from './service.js';

export interface IncidentServices {
  recorder: ReportRecorder;
  analyser: ReportAnalyser;
  inbox: IncidentService;
  retention: Retention;
  /** seals reports stored in plaintext before messages were encrypted */
  legacy: LegacyReports;
}

export const incidentsModule = (incidents: IncidentServices): Module => ({
  name: 'incidents',
  routes: incidentRoutes(incidents.inbox),
  jobs: [incidentsAnalyseJob(incidents.analyser)],
  schedules: incidentSchedules(incidents.retention, incidents.legacy),
});
