// How an Entra user becomes a recipient, and whether it is in an import's scope. Pure functions:
// the sync engine, the preview and the tests share them.
import { emailKey, normaliseEmail } from '../../lib/email.js';

/** Properties requested from Graph ($select): exactly what the mapping and the filters read. */
export const USER_SELECT =
  'id,mail,userPrincipalName,givenName,surname,displayName,department,jobTitle,officeLocation,accountEnabled,userType';

export interface EntraUser {
  id: string;
  mail?: string | null;
  userPrincipalName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  displayName?: string | null;
  department?: string | null;
  jobTitle?: string | null;
  officeLocation?: string | null;
  accountEnabled?: boolean | null;
  userType?: string | null;
  '@removed'?: { reason?: string };
}

export interface Filters {
  /** any of these departments (case-insensitive); empty = all */
  departments: string[];
  jobTitles: string[];
  userType: 'all' | 'Member' | 'Guest';
  enabledOnly: boolean;
}

export const DEFAULT_FILTERS: Filters = { departments: [], jobTitles: [], userType: 'all', enabledOnly: true };

/** The recipient columns an Entra user determines. */
export interface MappedUser {
  entraObjectId: string;
  email: string;
  emailKey: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  userType: string | null;
  enabled: number;
}

const str = (v: string | null | undefined): string | null => (v?.trim() ? v.trim() : null);

/** Email from `mail`, else the UPN (guests' UPNs are #EXT# addresses, but still unique). Null: no address. */
export function mapUser(u: EntraUser): MappedUser | null {
  const given = str(u.mail) ?? str(u.userPrincipalName);
  if (!given) return null;
  // Keyed as the API and CSV import key an address: one person, whatever spelling Entra uses.
  const email = normaliseEmail(given);
  return {
    entraObjectId: u.id,
    email,
    emailKey: emailKey(email),
    firstName: str(u.givenName),
    lastName: str(u.surname),
    displayName: str(u.displayName),
    department: str(u.department),
    jobTitle: str(u.jobTitle),
    officeLocation: str(u.officeLocation),
    userType: str(u.userType),
    enabled: u.accountEnabled === false ? 0 : 1,
  };
}

const anyOf = (wanted: string[], v: string | null | undefined) =>
  wanted.length === 0 || (v != null && wanted.some((w) => w.toLowerCase() === v.trim().toLowerCase()));

/**
 * In the filters or out of them. A property absent from Graph's answer is null: /users and group
 * member listings send every selected property, and /users/delta (Baitwise never asks for
 * `Prefer: return=minimal`) leaves out exactly the properties that have no value. So a user
 * without a department is out of a department filter, and leaves an import under its policy.
 */
export function inScope(u: EntraUser, f: Filters): boolean {
  if (f.enabledOnly && u.accountEnabled === false) return false;
  if (f.userType !== 'all' && (u.userType ?? 'Member') !== f.userType) return false;
  return anyOf(f.departments, u.department) && anyOf(f.jobTitles, u.jobTitle);
}

/** Same fields, so an unchanged user costs no write. */
export function sameRecipient(
  m: MappedUser,
  r: {
    email: string;
    first_name: string | null;
    last_name: string | null;
    display_name: string | null;
    department: string | null;
    job_title: string | null;
    office_location: string | null;
    user_type: string | null;
    enabled: number;
  },
): boolean {
  return (
    m.email === r.email &&
    m.firstName === r.first_name &&
    m.lastName === r.last_name &&
    m.displayName === r.display_name &&
    m.department === r.department &&
    m.jobTitle === r.job_title &&
    m.officeLocation === r.office_location &&
    m.userType === r.user_type &&
    m.enabled === Number(r.enabled)
  );
}
