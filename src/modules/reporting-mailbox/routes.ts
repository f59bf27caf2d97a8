// /clients/:clientId/reporting-mailbox: settings, "Sync now" and the run log. Every route is
// access 'client' (client administrators of that client and system administrators; another
// client's administrator gets 404, an archived client's settings are read-only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams } from '../../http/schemas.js';
import type { ReportingMailboxService } from './service.js';
import { RunSchema, RunsSchema, SettingsInput, SettingsSchema } from './view.js';

const tags = ['reporting-mailbox'];
const base = '/clients/:clientId/reporting-mailbox';

export const reportingMailboxRoutes =
  (svc: ReportingMailboxService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'client' as const };

    app.get(
      base,
      {
        config,
        schema: {
          tags,
          summary:
            'The reporting mailbox settings (defaults until first saved), the permissions each access mode needs, the last run',
          params: ClientParams,
          response: { 200: SettingsSchema },
        },
      },
      async (req) => svc.get(req.params.clientId),
    );

    app.put(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Save the reporting mailbox settings',
          params: ClientParams,
          body: SettingsInput,
          response: { 200: SettingsSchema },
        },
      },
      async (req) => svc.save(actorOf(req), req.params.clientId, req.body),
    );

    app.post(
      `${base}/sync`,
      {
        config,
        schema: {
          tags,
          summary: 'Read the reporting mailbox now (queues a run; a run already waiting is returned)',
          params: ClientParams,
          response: { 202: RunSchema },
        },
      },
      async (req, reply) => reply.code(202).send(await svc.sync(actorOf(req), req.params.clientId)),
    );

    app.get(
      `${base}/runs`,
      {
        config,
        schema: {
          tags,
          summary: 'The latest readings of the reporting mailbox, newest first',
          params: ClientParams,
          querystring: Type.Object(
            { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: RunsSchema },
        },
      },
      async (req) => ({ items: await svc.runs(req.params.clientId, req.query.limit) }),
    );
  };
