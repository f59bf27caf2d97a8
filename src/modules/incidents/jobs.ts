// Background work of the incidents inbox: the analysis of each report (enqueued by ReportRecorder
// in the transaction that inserts the report) and the daily retention of raw messages.
import { Type } from '@sinclair/typebox';
import { defineJob, type JobDefinition, jobType, type Schedule } from '../../jobs/definition.js';
import type { ReportAnalyser } from './grouping.js';
import type { LegacyReports } from './legacy.js';
import type { Retention } from './retention.js';

export const IncidentsAnalyseJob = jobType(
  'incidents.analyse',
  Type.Object({ clientId: Type.String(), reportId: Type.String() }),
);

export const incidentsAnalyseJob = (analyser: ReportAnalyser): JobDefinition<(typeof IncidentsAnalyseJob)['payload']> =>
  defineJob({
    type: IncidentsAnalyseJob,
    handler: async ({ clientId, reportId }) => {
      await analyser.analyse(clientId, reportId);
    },
  });

const DAY_MS = 86_400_000;

export const incidentSchedules = (retention: Retention, legacy: LegacyReports): Schedule[] => [
  { name: 'incidents.retention', everyMs: DAY_MS, firstAfterMs: 60_000, run: () => retention.run() },
  { name: 'incidents.seal-legacy', everyMs: 10 * 60_000, firstAfterMs: 30_000, run: () => legacy.run() },
];
