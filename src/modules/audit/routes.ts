// /audit: the audit log, filtered to the clients the reader administers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { canSeeClient, visibleClientIds } from '../../http/actor.js';
import { actorOf } from '../../http/authenticate.js';
import { Strict, Uuid } from '../../http/schemas.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { listAudit } from './repository.js';

const Entry = Type.Object(
  {
    id: Uuid,
    at: Type.String(),
    actor: Type.Union([Type.Object({ id: Type.String(), email: Type.String() }), Type.Null()]),
    clientId: Type.Union([Type.String(), Type.Null()]),
    action: Type.String(),
    targetType: Type.Union([Type.String(), Type.Null()]),
    targetId: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  },
  { $id: 'AuditEntry' },
);

export const auditRoutes =
  (db: Db): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/audit',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['audit'],
          summary: 'Audit log entries, newest first',
          querystring: Strict({
            clientId: Type.Optional(Uuid),
            action: Type.Optional(Type.String({ maxLength: 100 })),
            actorId: Type.Optional(Uuid),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(Entry), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const q = req.query;
        if (q.clientId && !canSeeClient(actor, q.clientId)) throw new NotFoundError('Client');
        const from = q.from ? new Date(q.from).toISOString() : undefined;
        const to = q.to ? new Date(q.to).toISOString() : undefined;
        if (from && to && from > to) throw new ValidationError('from', 'from must not be after to');
        const rows = await listAudit(db, {
          visibleClientIds: visibleClientIds(actor),
          clientId: q.clientId,
          action: q.action,
          actorId: q.actorId,
          from,
          to,
          beforeSeq: q.cursor ? Number(q.cursor) : undefined,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        return {
          items: page.map((r) => ({
            id: r.id,
            at: r.at,
            actor: r.actor_id ? { id: r.actor_id, email: r.actor_email ?? '' } : null,
            clientId: r.client_id,
            action: r.action,
            targetType: r.target_type,
            targetId: r.target_id,
            ip: r.ip,
            details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
          })),
          nextCursor: rows.length > q.limit && last ? String(last.seq) : null,
        };
      },
    );
  };
