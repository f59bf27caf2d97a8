// /clients/:clientId/recipient-groups: named sets of recipients (training is sent to groups).
// Access 'client' on every route; the queries carry the client id as well.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Name, Strict, Uuid } from '../../http/schemas.js';
import type { RecipientGroupService } from './groups-service.js';
import { RecipientGroupSchema } from './view.js';

const Params = Strict({ clientId: Uuid, groupId: Uuid });
const MemberParams = Strict({ clientId: Uuid, groupId: Uuid, recipientId: Uuid });
const Description = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]);

export const recipientGroupRoutes =
  (groups: RecipientGroupService): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['recipient-groups'];

    app.get(
      '/clients/:clientId/recipient-groups',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Recipient groups with member counts',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(RecipientGroupSchema) }) },
        },
      },
      async (req) => ({ items: await groups.list(req.params.clientId) }),
    );

    app.post(
      '/clients/:clientId/recipient-groups',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Create a recipient group',
          params: ClientParams,
          body: Strict({ name: Name, description: Type.Optional(Description) }),
          response: { 201: RecipientGroupSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await groups.create(actorOf(req), req.params.clientId, req.body)),
    );

    app.get(
      '/clients/:clientId/recipient-groups/:groupId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Get a recipient group', params: Params, response: { 200: RecipientGroupSchema } },
      },
      async (req) => groups.get(req.params.clientId, req.params.groupId),
    );

    app.patch(
      '/clients/:clientId/recipient-groups/:groupId',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Rename a recipient group or change its description',
          params: Params,
          body: Strict({ name: Type.Optional(Name), description: Type.Optional(Description) }),
          response: { 200: RecipientGroupSchema },
        },
      },
      async (req) => groups.update(actorOf(req), req.params.clientId, req.params.groupId, req.body),
    );

    app.delete(
      '/clients/:clientId/recipient-groups/:groupId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Delete a recipient group (its recipients stay)', params: Params },
      },
      async (req, reply) => {
        await groups.delete(actorOf(req), req.params.clientId, req.params.groupId);
        return reply.status(204).send();
      },
    );

    app.put(
      '/clients/:clientId/recipient-groups/:groupId/members/:recipientId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Add a recipient to the group (idempotent)', params: MemberParams },
      },
      async (req, reply) => {
        const p = req.params;
        await groups.addMember(actorOf(req), p.clientId, p.groupId, p.recipientId);
        return reply.status(204).send();
      },
    );

    app.delete(
      '/clients/:clientId/recipient-groups/:groupId/members/:recipientId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Remove a recipient from the group', params: MemberParams },
      },
      async (req, reply) => {
        const p = req.params;
        await groups.removeMember(actorOf(req), p.clientId, p.groupId, p.recipientId);
        return reply.status(204).send();
      },
    );
  };
