// Rules for recipient fields shared by manual entry and CSV import, so both accept and store
// the same things.

// Email rules (Unicode local parts, IDN domains, the lookup key) live in src/lib/email.ts: the
// API's "email" format, CSV rows and directory sync all use them.
export { EMAIL_MAX, emailKey, isValidEmail, normaliseEmail } from '../../lib/email.js';
export const FIELD_MAX = 200;

/** Empty or blank text is stored as null, so filters and facets never see "". */
export const clean = (s: string | null | undefined): string | null => {
  const t = s?.trim();
  return t ? t : null;
};

/**
 * The list sorts by display name, so every recipient written here gets one: the given name,
 * else "First Last", else the email address.
 */
export function displayNameFor(p: {
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email: string;
}): string {
  return clean(p.displayName) ?? clean([p.firstName, p.lastName].filter(Boolean).join(' ')) ?? p.email.trim();
}
