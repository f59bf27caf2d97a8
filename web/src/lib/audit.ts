import type { AuditEntry } from '../api/types';

/** What each kind of target is called in the console. */
const TARGET_TYPES: Record<string, string> = {
  api_token: 'API token',
  azure_app: 'Azure application',
  client: 'Client',
  directory_import: 'Entra import',
  incident: 'Incident',
  operator: 'Operator',
  recipient: 'Recipient',
  recipient_group: 'Recipient group',
  report_addin: 'Report add-in',
  reported_message: 'Reported message',
  reporting_mailbox: 'Reporting mailbox',
  sending_profile: 'Sending profile',
  training_campaign: 'Training campaign',
  training_enrolment: 'Training enrolment',
  training_package: 'Training package',
  unknown_account: 'Address of no operator',
  webhook: 'Webhook',
};

export const targetTypeLabel = (type: string): string => TARGET_TYPES[type] ?? type.replace(/_/g, ' ');

/**
 * Who did it: the operator, or — when nobody was signed in — why not. A failed sign-in has no
 * actor (the address tried is its target); other entries without one are Baitwise's own doing.
 */
export function actorLabel(entry: Pick<AuditEntry, 'actor' | 'action'>): { text: string; nobody: boolean } {
  if (entry.actor) return { text: entry.actor.email, nobody: false };
  return { text: entry.action === 'session.login_failed' ? 'Not signed in' : 'System', nobody: true };
}

/** A short shape of a target for the table: its name as it was then, else its kind and id. */
export function targetLabel(entry: Pick<AuditEntry, 'targetName' | 'targetType' | 'targetId'>): string {
  if (entry.targetName) return entry.targetName;
  if (!entry.targetType) return '—';
  return `${targetTypeLabel(entry.targetType)}${entry.targetId ? ` ${entry.targetId.slice(0, 8)}` : ''}`;
}
