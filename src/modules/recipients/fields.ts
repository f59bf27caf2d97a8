// Rules for recipient fields shared by manual entry and CSV import, so both accept and store
// the same things.

/** The email format Ajv's "email" uses for request bodies, so CSV rows are held to the same rule. */
const EMAIL_RE =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export const EMAIL_MAX = 254;
export const FIELD_MAX = 200;

export const isValidEmail = (s: string): boolean => s.length <= EMAIL_MAX && EMAIL_RE.test(s);

/** One email address is one recipient per client, whatever its letter case. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

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
