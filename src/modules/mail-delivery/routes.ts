// /clients/:clientId/sending-profiles: how a client's mail leaves, the test send, and each
// profile's outbox (status, messages, retry). Every route is access 'client'.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Email, Strict, Uuid } from '../../http/schemas.js';
import type { MailServices } from './module.js';
import {
  MessageSchema,
  OutboxStatusSchema,
  ProfileInput,
  ProfilePatch,
  ProfileSchema,
  TestSendResult,
} from './view.js';

const tags = ['sending-profiles'];
const base = '/clients/:clientId/sending-profiles';
const Params = Strict({ clientId: Uuid, profileId: Uuid });
const MessageParams = Strict({ clientId: Uuid, profileId: Uuid, messageId: Uuid });
const Status = Type.Union(['queued', 'sending', 'sent', 'failed', 'expired', 'cancelled'].map((s) => Type.Literal(s)));

export const mailDeliveryRoutes =
  (mail: MailServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const cfg = { access: 'client' as const };

    app.get(
      base,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Sending profiles',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(ProfileSchema) }) },
        },
      },
      async (req) => ({ items: await mail.profiles.list(req.params.clientId) }),
    );

    app.post(
      base,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Create a sending profile (SMTP relay, Office 365 SMTP with OAuth2, or Microsoft Graph)',
          params: ClientParams,
          body: ProfileInput,
          response: { 201: ProfileSchema },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await mail.profiles.create(actorOf(req), req.params.clientId, req.body)),
    );

    app.get(
      `${base}/:profileId`,
      { config: cfg, schema: { tags, summary: 'A sending profile', params: Params, response: { 200: ProfileSchema } } },
      async (req) => mail.profiles.get(req.params.clientId, req.params.profileId),
    );

    app.patch(
      `${base}/:profileId`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Edit a sending profile (an empty or absent password or DKIM key keeps the stored one)',
          params: Params,
          body: ProfilePatch,
          response: { 200: ProfileSchema },
        },
      },
      async (req) => mail.profiles.update(actorOf(req), req.params.clientId, req.params.profileId, req.body),
    );

    app.delete(
      `${base}/:profileId`,
      { config: cfg, schema: { tags, summary: 'Delete a sending profile with nothing left to send', params: Params } },
      async (req, reply) => {
        await mail.profiles.delete(actorOf(req), req.params.clientId, req.params.profileId);
        return reply.status(204).send();
      },
    );

    app.post(
      `${base}/:profileId/test`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Send one test message now and report what the server answered',
          params: Params,
          body: Strict({ to: Email }),
          response: { 200: TestSendResult },
        },
      },
      async (req) => mail.profiles.testSend(actorOf(req), req.params.clientId, req.params.profileId, req.body.to),
    );

    app.post(
      `${base}/:profileId/resume`,
      {
        config: cfg,
        schema: { tags, summary: 'Lift a pause now', params: Params, response: { 200: ProfileSchema } },
      },
      async (req) => mail.profiles.resume(actorOf(req), req.params.clientId, req.params.profileId),
    );

    app.get(
      `${base}/:profileId/outbox`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'The profile’s queue: counts, pace, pause',
          params: Params,
          response: { 200: OutboxStatusSchema },
        },
      },
      async (req) => mail.outbox.status(req.params.clientId, req.params.profileId),
    );

    app.get(
      `${base}/:profileId/outbox/messages`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Messages of the profile, newest first',
          params: Params,
          querystring: Strict({
            status: Type.Optional(Status),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Uuid),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(MessageSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          },
        },
      },
      async (req) => mail.outbox.messages(req.params.clientId, req.params.profileId, req.query),
    );

    app.post(
      `${base}/:profileId/outbox/retry`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Send every failed or expired message of the profile again',
          params: Params,
          response: { 200: Type.Object({ requeued: Type.Integer() }) },
        },
      },
      async (req) => ({
        requeued: await mail.outbox.retry(actorOf(req), req.params.clientId, req.params.profileId, null),
      }),
    );

    app.post(
      `${base}/:profileId/outbox/messages/:messageId/retry`,
      {
        config: cfg,
        schema: {
          tags,
          summary: 'Send a failed or expired message again',
          params: MessageParams,
          response: { 200: Type.Object({ requeued: Type.Integer() }) },
        },
      },
      async (req) => ({
        requeued: await mail.outbox.retry(
          actorOf(req),
          req.params.clientId,
          req.params.profileId,
          req.params.messageId,
        ),
      }),
    );
  };
