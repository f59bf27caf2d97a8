// Recording audit entries. Called inside the transaction that makes the change, so an action
// and its audit entry are committed together or not at all. Details must never hold secrets:
// callers pass field names that changed, not values of secret fields.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { newId, nowIso } from '../../lib/ids.js';

export interface AuditEvent {
  clientId: string | null;
  action: string; // dotted verb, e.g. client.create, operator.password_reset
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, actor: Pick<Actor, 'operatorId' | 'email' | 'ip'> | null, e: AuditEvent) {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: nowIso(),
      actor_id: actor?.operatorId ?? null,
      actor_email: actor?.email ?? null,
      client_id: e.clientId,
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      ip: actor?.ip ?? null,
      details: e.details ? JSON.stringify(e.details) : null,
    })
    .execute();
}
