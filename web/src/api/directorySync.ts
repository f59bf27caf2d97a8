// Types of the directory-sync API (/clients/:clientId/directory-imports).

export interface SyncFilters {
  departments: string[];
  jobTitles: string[];
  userType: 'all' | 'Member' | 'Guest';
  enabledOnly: boolean;
}

export interface EntraGroupRef {
  id: string;
  displayName: string;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'paused';

export interface SyncRun {
  id: string;
  importId: string;
  trigger: string;
  kind: 'full' | 'delta' | null;
  status: RunStatus;
  total: number | null;
  pages: number;
  usersSeen: number;
  added: number;
  updated: number;
  removed: number;
  held: number;
  skipped: number;
  /** the first 200 skipped users, with the reason */
  skippedUsers: SkippedUser[];
  /** listed by Entra but outside the import's filters */
  filtered: number;
  /** the run's removals went over the deletion threshold and wait for approval */
  removalsHeld: { removals: number; members: number; unit: 'users' | 'percent'; threshold: number } | null;
  errors: { at: string; code: string; message: string; entraObjectId?: string }[];
  progress: number | null;
  usersPerSecond: number | null;
  etaSeconds: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export interface SkippedUser {
  entraObjectId: string;
  displayName: string | null;
  email: string | null;
  reason: string;
}

/** More removals than this in one run wait for approval. */
export interface DeletionThreshold {
  unit: 'users' | 'percent';
  value: number;
}

export const DEFAULT_DELETION_THRESHOLD: DeletionThreshold = { unit: 'percent', value: 10 };

export interface DirectoryImport {
  id: string;
  clientId: string;
  name: string;
  azureAppId: string;
  targetGroupId: string;
  source: 'all_users' | 'groups';
  entraGroups: EntraGroupRef[];
  filters: SyncFilters;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  nextSyncAt: string | null;
  newUserPolicy: 'add' | 'hold';
  removedUserPolicy: 'delete' | 'keep' | 'hold';
  deletionThreshold: DeletionThreshold;
  status: 'active' | 'paused';
  statusReason: { code: string; message: string; at: string } | null;
  deltaLinkSaved: boolean;
  initializedAt: string | null;
  pendingHeld: number;
  lastRun: SyncRun | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportInput {
  name: string;
  azureAppId: string;
  targetGroupId?: string;
  newGroupName?: string;
  source: 'all_users' | 'groups';
  entraGroups: EntraGroupRef[];
  filters: SyncFilters;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  newUserPolicy: 'add' | 'hold';
  removedUserPolicy: 'delete' | 'keep' | 'hold';
  deletionThreshold: DeletionThreshold;
}

export interface PreviewResult {
  count: number;
  exact: boolean;
  sample: {
    entraObjectId: string;
    email: string;
    displayName: string | null;
    department: string | null;
    jobTitle: string | null;
    userType: string | null;
    enabled: boolean;
  }[];
}

export interface EntraGroupHit {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  unified: boolean;
}

export interface HeldChange {
  id: string;
  importId: string;
  runId: string | null;
  kind: 'add' | 'remove';
  entraObjectId: string;
  displayName: string | null;
  email: string | null;
  reason: string;
  status: string;
  decidedAt: string | null;
  createdAt: string;
}

export const importsPath = (clientId: string, importId?: string) =>
  `/clients/${encodeURIComponent(clientId)}/directory-imports${importId ? `/${encodeURIComponent(importId)}` : ''}`;

export const isActiveRun = (r: SyncRun | null | undefined) => r?.status === 'queued' || r?.status === 'running';
