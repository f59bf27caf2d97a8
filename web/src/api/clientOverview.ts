// Shapes of GET /clients/:clientId/overview and GET /clients/overview (src/modules/clients/overview-routes.ts).
import type { AzureAppStatus } from './azureApps';

export type Connection = 'none' | 'not_authorized' | 'connected' | 'attention';
export type OnboardingStepKey =
  | 'azure_app'
  | 'authorize'
  | 'recipients'
  | 'sending_profile'
  | 'training_campaign'
  | 'report_addin';
export type SyncRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'paused';

export interface Onboarding {
  steps: { key: OnboardingStepKey; done: boolean }[];
  done: number;
  total: number;
}

export interface ClientOverview {
  clientId: string;
  microsoft365: {
    connection: Connection;
    applications: {
      id: string;
      name: string;
      status: AzureAppStatus;
      tenantDomain: string | null;
      authorizedAt: string | null;
      secretExpiresAt: string | null;
    }[];
  };
  recipients: {
    total: number;
    groups: number;
    imports: number;
    heldChanges: number;
    lastSync: { importId: string; importName: string; status: SyncRunStatus; finishedAt: string } | null;
  };
  sendingProfiles: { total: number; paused: number };
  training: { campaigns: number; active: number; drafts: number };
  reportAddin: { configured: boolean };
  reportingMailbox: { enabled: boolean };
  incidents: { open: number };
  onboarding: Onboarding;
}

export interface ClientSummary {
  clientId: string;
  connection: Connection;
  recipients: number;
  heldChanges: number;
  lastSync: { status: SyncRunStatus; finishedAt: string } | null;
  onboarding: { done: number; total: number };
}
