// One triage change (status, verdict, assignee) applied to incidents of one client inside the
// caller's transaction: the rows, a timeline event per thing that changed, the side effects of a
// classification (feedback replies, webhooks: side-effects.ts) and an audit entry, together or not
// at all. PATCH of one incident and the bulk actions both come through here.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { newOrderedId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import type { IncidentRow, IncidentSideEffects } from './side-effects.js';
import type { IncidentStatus, Verdict } from './view.js';

export interface Change {
  status?: IncidentStatus;
  verdict?: Verdict;
  assigneeId?: string | null;
  reply?: boolean;
}

/** An assignee must be an active operator who can see the client. */
async function assigneeName(db: Db, clientId: string, operatorId: string): Promise<string> {
  const op = await db
    .selectFrom('operators')
    .select(['name', 'role', 'disabled_at'])
    .where('id', '=', operatorId)
    .executeTakeFirst();
  const sees =
    op &&
    !op.disabled_at &&
    (op.role === 'system_admin' ||
      (await db
        .selectFrom('client_administrators')
        .select('operator_id')
        .where('client_id', '=', clientId)
        .where('operator_id', '=', operatorId)
        .executeTakeFirst()));
  if (!op || !sees)
    throw new ValidationError('assigneeId', 'The assignee must be an active operator who can see this client.');
  return op.name;
}

export async function applyChange(
  trx: Db,
  effects: IncidentSideEffects,
  actor: Actor,
  clientId: string,
  ids: string[],
  change: Change,
): Promise<void> {
  const assignee = change.assigneeId ? await assigneeName(trx, clientId, change.assigneeId) : null;
  const rows = await trx
    .selectFrom('incidents')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', 'in', ids)
    .execute();
  if (rows.length !== ids.length) throw new NotFoundError('Incident');
  const now = nowIso();
  for (const before of rows) {
    const events: { type: 'classified' | 'assigned' | 'resolved' | 'reopened' | 'replied'; detail: object }[] = [];
    const set: Partial<IncidentRow> = {};
    if (change.verdict !== undefined) {
      set.verdict = change.verdict;
      set.classified_at = now;
      events.push({ type: 'classified', detail: { verdict: change.verdict, previous: before.verdict } });
    }
    if (change.status !== undefined && change.status !== before.status) {
      set.status = change.status;
      if (change.status === 'resolved') {
        set.resolved_at = now;
        events.push({ type: 'resolved', detail: {} });
      } else if (before.status === 'resolved') {
        set.resolved_at = null;
        events.push({ type: 'reopened', detail: { status: change.status } });
      }
    }
    if (change.assigneeId !== undefined && change.assigneeId !== before.assignee_id) {
      set.assignee_id = change.assigneeId;
      events.push({ type: 'assigned', detail: { assigneeId: change.assigneeId, assigneeName: assignee } });
    }
    if (Object.keys(set).length === 0) continue;
    const incident = await trx
      .updateTable('incidents')
      .set({ ...set, updated_at: now })
      .where('client_id', '=', clientId)
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (change.verdict !== undefined) {
      const reporters = await trx
        .selectFrom('reported_messages')
        .select(['reporter_address', 'id'])
        .where('client_id', '=', clientId)
        .where('incident_id', '=', incident.id)
        .orderBy('created_at')
        .execute();
      const seen = new Set<string>();
      const { replies } = await effects.incidentClassified(trx, {
        incident,
        verdict: change.verdict,
        reporters: reporters
          .filter((r) => !seen.has(r.reporter_address) && seen.add(r.reporter_address))
          .map((r) => ({ address: r.reporter_address, reportId: r.id })),
        reply: change.reply === true,
        actorId: actor.operatorId,
      });
      if (replies > 0) events.push({ type: 'replied', detail: { replies } });
    }
    for (const e of events) {
      await trx
        .insertInto('incident_events')
        .values({
          id: newOrderedId(),
          client_id: clientId,
          incident_id: incident.id,
          type: e.type,
          actor_id: actor.operatorId,
          detail: JSON.stringify(e.detail),
          created_at: now,
        })
        .execute();
    }
    await recordAudit(trx, actor, {
      clientId,
      action: 'incident.triage',
      targetType: 'incident',
      targetId: incident.id,
      details: {
        changed: Object.keys(set),
        status: set.status,
        verdict: set.verdict,
        assigneeId: set.assignee_id,
        reply: change.reply,
      },
    });
  }
}
