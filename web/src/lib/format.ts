const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined, empty = '—'): string {
  return iso ? dateTime.format(new Date(iso)) : empty;
}

export function formatDate(iso: string | null | undefined, empty = '—'): string {
  return iso ? dateOnly.format(new Date(iso)) : empty;
}

export const roleLabels = {
  system_admin: 'System administrator',
  client_admin: 'Client administrator',
} as const;

/** "2 API tokens", "1 session": a count with its noun. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What a password reset or change did beyond the password, for its confirmation. */
export function revokedSummary(r: { revokedSessions: number; revokedApiTokens: number }, sessions: string): string {
  return `${countOf(r.revokedSessions, sessions)} signed out, ${countOf(r.revokedApiTokens, 'API token')} revoked.`;
}
