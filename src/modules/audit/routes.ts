// /audit: the audit log, filtered to the clients the reader administers; the actions it holds
// (for the console's filter); and its CSV export.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { canSeeClient, visibleClientIds } from '../../http/actor.js';
import { actorOf } from '../../http/authenticate.js';
import { Strict, Uuid } from '../../http/schemas.js';
import { NotFoundError } from '../../lib/errors.js';
import { auditCsv } from './export.js';
import { recordAudit } from './record.js';
import { listActions, listAudit } from './repository.js';
import { AuditEntrySchema, auditQuery, entryView, FilterProps, FilterQuery } from './view.js';

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
            ...FilterProps,
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(AuditEntrySchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const rows = await listAudit(db, {
          ...auditQuery(actorOf(req), q),
          beforeSeq: q.cursor ? Number(q.cursor) : undefined,
          limit: q.limit + 1,
        });
        const page = rows.slice(0, q.limit);
        const last = page.at(-1);
        return {
          items: page.map(entryView),
          nextCursor: rows.length > q.limit && last ? String(last.seq) : null,
        };
      },
    );

    app.get(
      '/audit/actions',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['audit'],
          summary: 'The actions in the audit log you can read, sorted (for filtering by action)',
          querystring: Strict({ clientId: Type.Optional(Uuid) }),
          response: { 200: Type.Object({ items: Type.Array(Type.String()) }) },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        if (req.query.clientId && !canSeeClient(actor, req.query.clientId)) throw new NotFoundError('Client');
        return { items: await listActions(db, visibleClientIds(actor), req.query.clientId) };
      },
    );

    app.get(
      '/audit/export.csv',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['audit'],
          summary: 'The audit log as CSV, with the list’s filters (cells a spreadsheet would run are written as text)',
          querystring: FilterQuery,
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        const q = auditQuery(actor, req.query);
        // A copy of the log leaving Baitwise is itself on record, with what it held.
        const { visibleClientIds: _scope, ...filters } = q;
        await recordAudit(db, actor, {
          clientId: q.clientId ?? null,
          action: 'audit.export',
          details: { filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) },
        });
        const file = await auditCsv(db, q);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.filename}"`)
          .header('cache-control', 'no-store')
          .send(file.body);
      },
    );
  };
