// The delegated permissions Baitwise requests, why, and which Baitwise capability needs which.
// The console shows this table so the administrator registers exactly these in Entra.

export interface Permission {
  scope: string; // as requested (bare Graph names, OIDC names, or a fully-qualified resource scope)
  type: 'Delegated';
  adminConsent: boolean;
  purpose: string;
  smtpOnly?: boolean;
  /**
   * Requested when authorizing but not on every refresh: a connection authorized before Baitwise
   * asked for it would otherwise fail every refresh (consent missing). Only the reading that needs
   * it asks for it, after checking the authorization granted it (modules/reporting-mailbox).
   */
  onDemand?: boolean;
}

export const PERMISSIONS: Permission[] = [
  { scope: 'openid', type: 'Delegated', adminConsent: false, purpose: 'Sign the authorizing administrator in.' },
  {
    scope: 'offline_access',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Receive a refresh token so the connection keeps working.',
  },
  {
    scope: 'email',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Show which Microsoft account authorized the connection.',
  },
  {
    scope: 'User.Read',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Read the signed-in account (Test connection).',
  },
  {
    scope: 'User.Read.All',
    type: 'Delegated',
    adminConsent: true,
    purpose: 'Import recipients from Entra users and keep them in sync.',
  },
  {
    scope: 'GroupMember.Read.All',
    type: 'Delegated',
    adminConsent: true,
    purpose: 'Import recipients from Entra groups, nested members included.',
  },
  {
    scope: 'Mail.ReadWrite',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Report-phishing add-in: read the reported message and move it out of the inbox.',
  },
  {
    scope: 'Mail.ReadWrite.Shared',
    type: 'Delegated',
    adminConsent: false,
    purpose:
      'Reporting mailbox (delegated access): read a shared reporting mailbox the authorizing account has Full Access to, and move handled reports.',
    onDemand: true,
  },
  {
    scope: 'Mail.Send',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Send awareness training through Microsoft Graph; forward reports to the security team.',
  },
  {
    scope: 'https://outlook.office.com/SMTP.Send',
    type: 'Delegated',
    adminConsent: false,
    purpose: 'Send awareness training through Office 365 SMTP with OAuth2 (XOAUTH2).',
    smtpOnly: true,
  },
];

export const GRAPH_SCOPES = PERMISSIONS.filter(
  (p) => !p.smtpOnly && !p.onDemand && !['openid', 'offline_access', 'email'].includes(p.scope),
).map((p) => p.scope);
/** Delegated access to mailboxes other than the signed-in user's (with Full Access in Exchange). */
export const SHARED_MAIL_SCOPE = 'Mail.ReadWrite.Shared';
export const SMTP_SCOPE = 'https://outlook.office.com/SMTP.Send';

/** Scopes for the authorize request; SMTP.Send only for applications marked for SMTP sending. */
export function requestedScopes(smtpSending: boolean): string[] {
  return PERMISSIONS.filter((p) => smtpSending || !p.smtpOnly).map((p) => p.scope);
}

export interface Capability {
  key: 'recipient_import' | 'training_graph' | 'training_smtp' | 'reporting_plugin';
  label: string;
  scopes: string[];
}

export const CAPABILITIES: Capability[] = [
  { key: 'recipient_import', label: 'Recipient import and sync', scopes: ['User.Read.All', 'GroupMember.Read.All'] },
  { key: 'training_graph', label: 'Training by Microsoft Graph', scopes: ['Mail.Send'] },
  { key: 'training_smtp', label: 'Training by SMTP OAuth2', scopes: [SMTP_SCOPE] },
  {
    key: 'reporting_plugin',
    label: 'Outlook report-phishing plugin',
    scopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send'],
  },
];

/** Graph returns granted scopes without the resource prefix; compare case-insensitively. */
export function normaliseScope(s: string): string {
  const lower = s.toLowerCase();
  return lower.startsWith('https://graph.microsoft.com/') ? lower.slice('https://graph.microsoft.com/'.length) : lower;
}

export function missingScopes(requested: string[], granted: string[]): string[] {
  const have = new Set(granted.map(normaliseScope));
  return requested.filter((s) => !have.has(normaliseScope(s)) && !(s === 'offline_access' || s === 'openid'));
}
