// The public shape of an audit entry and the query filters the list and the export share.
import { Type } from '@sinclair/typebox';
import type { AuditRow } from '../../db/types.js';
import { type Actor, canSeeClient, visibleClientIds } from '../../http/actor.js';
import { Strict, Uuid } from '../../http/schemas.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AuditQuery } from './repository.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const AuditEntrySchema = Type.Object(
  {
    id: Uuid,
    at: Type.String(),
    actor: Type.Union([Type.Object({ id: Type.String(), email: Type.String() }), Type.Null()]),
    clientId: Nullable(Type.String()),
    action: Type.String(),
    targetType: Nullable(Type.String()),
    targetId: Nullable(Type.String()),
    targetName: Nullable(Type.String({ description: 'the target’s name when the entry was written' })),
    ip: Nullable(Type.String({ description: 'the source address' })),
    userAgent: Nullable(Type.String()),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { $id: 'AuditEntry' },
);

export const entryView = (r: AuditRow) => ({
  id: r.id,
  at: r.at,
  actor: r.actor_id ? { id: r.actor_id, email: r.actor_email ?? '' } : null,
  clientId: r.client_id,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  targetName: r.target_name,
  ip: r.ip,
  userAgent: r.user_agent,
  details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
});

export const FilterProps = {
  clientId: Type.Optional(Uuid),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'part of an action, any case (see actionMatch)' })),
  actionMatch: Type.Union([Type.Literal('contains'), Type.Literal('exact')], {
    default: 'contains',
    description: 'exact: the action as listed by GET /audit/actions',
  }),
  actorId: Type.Optional(Uuid),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};
export const FilterQuery = Strict(FilterProps);

/** The filters as the repository takes them, limited to the clients the reader administers. */
export function auditQuery(
  actor: Actor,
  q: {
    clientId?: string;
    action?: string;
    actionMatch?: 'contains' | 'exact';
    actorId?: string;
    from?: string;
    to?: string;
  },
): AuditQuery {
  if (q.clientId && !canSeeClient(actor, q.clientId)) throw new NotFoundError('Client');
  const from = q.from ? new Date(q.from).toISOString() : undefined;
  const to = q.to ? new Date(q.to).toISOString() : undefined;
  if (from && to && from > to) throw new ValidationError('from', 'from must not be after to');
  return {
    visibleClientIds: visibleClientIds(actor),
    clientId: q.clientId,
    action: q.action?.trim() || undefined,
    actionMatch: q.action?.trim() ? q.actionMatch : undefined,
    actorId: q.actorId,
    from,
    to,
  };
}
