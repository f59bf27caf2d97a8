// Sync vocabulary in plain words: what a run was, who started it, why someone was skipped.
import type { DeletionThreshold, SyncRun } from '../../api/directorySync';

export const runKind = (kind: SyncRun['kind']) =>
  kind === 'full' ? 'Full listing' : kind === 'delta' ? 'Changes since last sync' : 'Not started yet';

export const runTrigger: Record<string, string> = {
  create: 'first import',
  manual: 'Sync now',
  schedule: 'scheduled',
  cli: 'command line',
};

export const skipReasons: Record<string, string> = {
  no_address: 'Has neither a mail address nor a user principal name',
  email_conflict: 'Address already belongs to another recipient of this client',
  rejected: 'Adding this user was rejected earlier',
  awaiting_approval: 'Waiting for approval (Held for approval tab)',
};

export const thresholdText = (t: DeletionThreshold) =>
  t.unit === 'percent' ? `${t.value}% of the import` : `${t.value} user${t.value === 1 ? '' : 's'}`;

/** "6 users (27% of 22), more than the 10% of the import this import allows" */
export function removalsHeldText(h: NonNullable<SyncRun['removalsHeld']>) {
  const pct = h.members > 0 ? Math.round((h.removals / h.members) * 100) : 100;
  return `This sync would have removed ${h.removals} user${h.removals === 1 ? '' : 's'} (${pct}% of ${h.members}), more than the ${thresholdText({ unit: h.unit, value: h.threshold })} allowed in one sync. Nobody was removed: the removals wait for your approval.`;
}
