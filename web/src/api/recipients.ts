// Recipients and recipient groups, as served under /clients/:clientId (docs/api.md).

export type RecipientSource = 'manual' | 'csv' | 'entra';

export interface Recipient {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  /** IANA name; null: not known */
  timeZone: string | null;
  entraObjectId: string | null;
  userType: string | null;
  enabled: boolean;
  source: RecipientSource;
  groups: { id: string; name: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface RecipientPage {
  items: Recipient[];
  nextCursor: string | null;
  /** only on the first page (asked with total=true) */
  total?: number;
}

export interface RecipientFilters {
  search?: string;
  department?: string;
  groupId?: string;
  enabled?: boolean;
  source?: RecipientSource;
}

export interface RecipientInput {
  email: string;
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  timeZone: string | null;
  enabled: boolean;
  groupIds: string[];
}

export interface RecipientGroup {
  id: string;
  name: string;
  description: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ImportRowError {
  row: number;
  field: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  errors: ImportRowError[];
  ignoredColumns: string[];
  dryRun: boolean;
}

export const recipientsPath = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/recipients`;
export const groupsPath = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/recipient-groups`;
