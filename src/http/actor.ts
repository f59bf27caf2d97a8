// The actor: who is making a request, resolved once per request from the session cookie or API
// token, and handed explicitly to services. Client visibility is decided here and nowhere else.
export type Role = 'system_admin' | 'client_admin';

export interface Actor {
  operatorId: string;
  email: string;
  name: string;
  role: Role;
  /** clients a client administrator administers; ignored for system administrators */
  clientIds: ReadonlySet<string>;
  via: 'session' | 'token';
  sessionId: string | null;
  tokenId: string | null;
  ip: string;
  /** the request's User-Agent, for the audit log (optional: actors built outside a request have none) */
  userAgent?: string | null;
}

export const isSystemAdmin = (a: Actor): boolean => a.role === 'system_admin';

export const canSeeClient = (a: Actor, clientId: string): boolean =>
  a.role === 'system_admin' || a.clientIds.has(clientId);

/**
 * Client ids to put in a query's `where client_id in (…)`; null means "all clients"
 * (system administrators). Repositories take this instead of trusting the caller.
 */
export const visibleClientIds = (a: Actor): string[] | null => (a.role === 'system_admin' ? null : [...a.clientIds]);

/** Route-level access rule, declared in every route's `config.access` (the tenancy test reads it). */
export type Access = 'public' | 'authenticated' | 'system' | 'client';
