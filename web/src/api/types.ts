// Shapes from docs/api.md. Kept by hand (not generated) because the console only reads a handful
// of fields; if they drift, the e2e test against the real server catches it.

export type Role = 'system_admin' | 'client_admin';

export interface Operator {
  id: string;
  email: string;
  name: string;
  role: Role;
  clientIds: string[];
  disabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Session {
  operator: Operator;
  csrfToken: string;
  /** the operator's sign-in before this session; null on their first */
  previousSignInAt: string | null;
}

export interface Client {
  id: string;
  name: string;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

/** What a password reset or change signed out. */
export interface Revoked {
  revokedSessions: number;
  revokedApiTokens: number;
}

export interface CreatedApiToken {
  token: ApiToken;
  secret: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { id: string; email: string } | null;
  clientId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** the target's name when the entry was written (a renamed or deleted target keeps it) */
  targetName: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

export interface ItemList<T> {
  items: T[];
}
