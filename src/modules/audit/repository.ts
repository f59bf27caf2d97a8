// Reading the audit log with filters and a cursor on the insertion sequence (newest first).
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { AuditRow } from '../../db/types.js';

export interface AuditFilter {
  /** null = every entry (system administrators); else only entries of these clients */
  visibleClientIds: string[] | null;
  clientId?: string;
  action?: string; // prefix match: "client" matches client.create, client.rename …
  actorId?: string;
  from?: string;
  to?: string;
  beforeSeq?: number;
  limit: number;
}

export async function listAudit(db: Db, f: AuditFilter): Promise<AuditRow[]> {
  if (f.visibleClientIds !== null && f.visibleClientIds.length === 0) return [];
  let q = db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(f.limit);
  if (f.visibleClientIds !== null) q = q.where('client_id', 'in', f.visibleClientIds);
  if (f.clientId) q = q.where('client_id', '=', f.clientId);
  if (f.action) {
    // Prefix match with LIKE's wildcards escaped: "azure_app" must not match "azureXapp".
    const prefix = `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`action like ${prefix} escape '\\'`);
  }
  if (f.actorId) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('at', '>=', f.from);
  if (f.to) q = q.where('at', '<=', f.to);
  if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq);
  return q.execute();
}
