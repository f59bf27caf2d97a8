// Reading the audit log with filters and a cursor on the insertion sequence (newest first).
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { AuditRow } from '../../db/types.js';

export type ActionMatch = 'contains' | 'exact';

export interface AuditQuery {
  /** null = every entry (system administrators); else only entries of these clients */
  visibleClientIds: string[] | null;
  clientId?: string;
  /** "failed" finds session.login_failed and azure_app.authorize_failed; exact finds one action */
  action?: string;
  actionMatch?: ActionMatch;
  actorId?: string;
  from?: string;
  to?: string;
}

export interface AuditFilter extends AuditQuery {
  beforeSeq?: number;
  limit: number;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  if (f.visibleClientIds !== null && f.visibleClientIds.length === 0) return [];
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(f.limit);
  if (f.visibleClientIds !== null) q = q.where('client_id', 'in', f.visibleClientIds);
  if (f.clientId) q = q.where('client_id', '=', f.clientId);
  if (f.action && f.actionMatch === 'exact') q = q.where('action', '=', f.action);
  else if (f.action) {
    // Part of an action, any case, with LIKE's wildcards escaped: "azure_app" must not match
    // "azureXapp". Actions are lower-case; lower() makes PostgreSQL's LIKE agree with SQLite's.
    const part = `%${f.action.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`lower(action) like ${part} escape '\\'`);
  }
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<=', f.to);
  if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
  return q.execute();
}

/** Every action the reader has entries of, sorted: the audit log's action filter offers these. */
export async function listActions(db: Db, visibleClientIds: string[] | null, clientId?: string): Promise<string[]> {
  if (visibleClientIds !== null && visibleClientIds.length === 0) return [];
  let q = db.selectFrom('audit_log').select('action').distinct().orderBy('action');
  if (visibleClientIds !== null) q = q.where('client_id', 'in', visibleClientIds);
  if (clientId) q = q.where('client_id', '=', clientId);
  return (await q.execute()).map((r) => r.action);
}
