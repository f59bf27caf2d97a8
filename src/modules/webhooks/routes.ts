// /clients/:clientId/webhooks: a client's signed webhooks, their test ping and delivery log.
// Every route is access 'client'. The signing secret is answered by create and rotate-secret only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Strict, Uuid } from '../../http/schemas.js';
import type { WebhookService } from './service.js';
import { CreatedWebhookSchema, DeliverySchema, WebhookInput, WebhookPatch, WebhookSchema } from './view.js';

const tags = ['webhooks'];
const base = '/clients/:clientId/webhooks';
const Params = Strict({ clientId: Uuid, webhookId: Uuid });

export const webhookRoutes =
  (webhooks: WebhookService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const config = { access: 'client' as const };

    app.get(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Webhooks',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }) },
        },
      },
      async (req) => ({ items: await webhooks.list(req.params.clientId) }),
    );

    app.post(
      base,
      {
        config,
        schema: {
          tags,
          summary: 'Create a webhook; its signing secret is in this answer only',
          params: ClientParams,
          body: WebhookInput,
          response: { 201: CreatedWebhookSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await webhooks.create(actorOf(req), req.params.clientId, req.body)),
    );

    app.get(
      `${base}/:webhookId`,
      { config, schema: { tags, summary: 'A webhook', params: Params, response: { 200: WebhookSchema } } },
      async (req) => webhooks.get(req.params.clientId, req.params.webhookId),
    );

    app.patch(
      `${base}/:webhookId`,
      {
        config,
        schema: {
          tags,
          summary: 'Edit a webhook (disabling it cancels what waits to be sent)',
          params: Params,
          body: WebhookPatch,
          response: { 200: WebhookSchema },
        },
      },
      async (req) => webhooks.update(actorOf(req), req.params.clientId, req.params.webhookId, req.body),
    );

    app.delete(
      `${base}/:webhookId`,
      { config, schema: { tags, summary: 'Delete a webhook and its delivery log', params: Params } },
      async (req, reply) => {
        await webhooks.delete(actorOf(req), req.params.clientId, req.params.webhookId);
        return reply.status(204).send();
      },
    );

    app.post(
      `${base}/:webhookId/rotate-secret`,
      {
        config,
        schema: {
          tags,
          summary: 'Replace the signing secret; the new one is in this answer only',
          params: Params,
          response: { 200: CreatedWebhookSchema },
        },
      },
      async (req) => webhooks.rotateSecret(actorOf(req), req.params.clientId, req.params.webhookId),
    );

    app.post(
      `${base}/:webhookId/test`,
      {
        config,
        schema: {
          tags,
          summary: 'Send a ping event now and answer its delivery',
          params: Params,
          response: { 200: DeliverySchema },
        },
      },
      async (req) => webhooks.test(actorOf(req), req.params.clientId, req.params.webhookId),
    );

    app.get(
      `${base}/:webhookId/deliveries`,
      {
        config,
        schema: {
          tags,
          summary: 'The webhook’s deliveries, newest first',
          params: Params,
          querystring: Strict({
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Uuid),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(DeliverySchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (req) => webhooks.deliveryLog(req.params.clientId, req.params.webhookId, req.query),
    );
  };
