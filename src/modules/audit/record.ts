// Recording audit entries. Called inside the transaction that makes the change, so an action
// and its audit entry are committed together or not at all. Details must never hold secrets:
// callers pass field names that changed, not values of secret fields (and redact.ts removes
// any that slip through).
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { newId, nowIso } from '../../lib/ids.js';
import { redactDetails } from './redact.js';
import { targetNameOf } from './target-names.js';

export interface AuditEvent {
  clientId: string | null;
  action: string; // dotted verb, e.g. client.create, operator.password_reset
  targetType?: string;
  targetId?: string;
  /** the target's name when it is not (or no longer) stored anywhere, e.g. an attempted sign-in address */
  targetName?: string;
  details?: Record<string, unknown>;
}

/** Who acted and from where: a signed-in actor, or only a source (a failed sign-in has no actor). */
export type AuditSource = Pick<Actor, 'ip' | 'userAgent'> & Partial<Pick<Actor, 'operatorId' | 'email'>>;

const USER_AGENT_MAX = 400;

export async function recordAudit(db: Db, actor: AuditSource | null, e: AuditEvent) {
  const targetName = e.targetName?.slice(0, USER_AGENT_MAX) ?? (await targetNameOf(db, e));
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: nowIso(),
      actor_id: actor?.operatorId ?? null,
      actor_email: actor?.operatorId ? (actor.email ?? null) : null,
      client_id: e.clientId,
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId ?? null,
      target_name: targetName,
      ip: actor?.ip ?? null,
      user_agent: actor?.userAgent?.slice(0, USER_AGENT_MAX) || null,
      details: e.details ? JSON.stringify(redactDetails(e.details)) : null,
    })
    .execute();
}
