import type { Limits, ProfileKind, SendingProfile, SmtpSecurity } from '../../api/sendingProfiles';

export const kindLabels: Record<ProfileKind, string> = {
  smtp: 'SMTP relay',
  office365: 'Office 365 (OAuth2)',
  graph: 'Microsoft Graph',
};

export const kindDescriptions: Record<ProfileKind, string> = {
  smtp: 'Your own mail server or relay, from your own domain. The path for phishing simulations.',
  office365: 'A mailbox of the client’s tenant, through smtp.office365.com signed in with OAuth2 (XOAUTH2).',
  graph: 'A mailbox of the client’s tenant, through Microsoft Graph sendMail.',
};

export const securityLabels: Record<SmtpSecurity, string> = {
  none: 'None (plain text)',
  starttls: 'STARTTLS',
  tls: 'Implicit TLS',
};

/** The port each security setting usually goes with, offered when the setting changes. */
export const usualPort: Record<SmtpSecurity, number> = { none: 25, starttls: 587, tls: 465 };

/**
 * The limits a new profile gets when none are entered. Kept in step with DEFAULT_LIMITS on the
 * server (src/modules/mail-delivery/profiles.ts): for Office 365 and Graph they are Microsoft's
 * per-mailbox limits, so the form can say what Microsoft allows.
 */
export const defaultLimits: Record<ProfileKind, Limits> = {
  office365: { perMinute: 30, perDay: 10_000, concurrency: 3 },
  graph: { perMinute: 30, perDay: 10_000, concurrency: 4 },
  smtp: { perMinute: 60, perDay: 100_000, concurrency: 4 },
};

/** Microsoft's ceiling on parallel sessions (Exchange SMTP) or requests (Graph) per mailbox. */
export const maxConcurrency: Partial<Record<ProfileKind, number>> = { office365: 3, graph: 4 };

const number = new Intl.NumberFormat();
export const formatNumber = (n: number) => number.format(n);

/** "30/min" or "12/min (limit 30)" when the server showed it takes less than the limit. */
export function paceText(p: Pick<SendingProfile, 'limits' | 'effectivePerMinute'>): string {
  const limit = p.limits.perMinute;
  return p.effectivePerMinute < limit
    ? `${formatNumber(p.effectivePerMinute)}/min (limit ${formatNumber(limit)})`
    : `${formatNumber(limit)}/min`;
}

/** The address mail leaves from, as far as the profile knows it. */
export function senderText(p: SendingProfile, appAccount: string | null): string {
  if (p.kind === 'smtp') return p.fromAddress ?? '—';
  if (p.mailbox) return p.mailbox;
  return appAccount ? `${appAccount} (the authorized account)` : 'The authorized account’s mailbox';
}
