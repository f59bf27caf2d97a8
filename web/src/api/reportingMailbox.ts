// Shapes of the reporting mailbox API (src/modules/reporting-mailbox/view.ts and routes.ts).

export type AccessMode = 'delegated' | 'application';

export interface ReportingMailboxRun {
  id: string;
  trigger: 'schedule' | 'manual';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  ingested: number;
  duplicates: number;
  refused: number;
  restarted: boolean;
  refusals: { sender: string | null; reason: string }[];
  /** plain words with what to do, when the reading failed */
  error: string | null;
  errorCode: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export interface ReportingMailboxSettings {
  clientId: string;
  configured: boolean;
  enabled: boolean;
  azureAppId: string | null;
  mailbox: string | null;
  accessMode: AccessMode;
  sourceFolder: string;
  processedFolder: string;
  intervalMinutes: number;
  nextRunAt: string | null;
  /** per access mode: the Graph permissions it needs and the steps in Entra / Exchange Online */
  requirements: Record<AccessMode, { permissions: string[]; steps: string[] }>;
  lastRun: ReportingMailboxRun | null;
  updatedAt: string | null;
}

export interface ReportingMailboxInput {
  enabled: boolean;
  azureAppId: string;
  mailbox: string;
  accessMode: AccessMode;
  sourceFolder: string;
  processedFolder: string;
}
