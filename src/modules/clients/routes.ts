// /clients: the MSSP's customers. Client-scoped routes declare access 'client', so another
// client's id is answered 404 before the handler runs; the queries carry the client too.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Name, Strict, Uuid } from '../../http/schemas.js';
import { OperatorSchema } from '../operators/view.js';
import type { ClientService } from './service.js';

const ClientSchema = Type.Object(
  { id: Uuid, name: Type.String(), archived: Type.Boolean(), createdAt: Type.String(), updatedAt: Type.String() },
  { $id: 'Client' },
);
const AdminParams = Strict({ clientId: Uuid, operatorId: Uuid });

export const clientRoutes =
  (clients: ClientService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/clients',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['clients'],
          summary: 'List the clients you administer',
          querystring: Strict({ includeArchived: Type.Boolean({ default: false }) }),
          response: { 200: Type.Object({ items: Type.Array(ClientSchema) }) },
        },
      },
      async (req) => ({ items: await clients.list(actorOf(req), req.query.includeArchived) }),
    );

    app.post(
      '/clients',
      {
        config: { access: 'system' },
        schema: {
          tags: ['clients'],
          summary: 'Create a client',
          body: Strict({ name: Name }),
          response: { 201: ClientSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await clients.create(actorOf(req), req.body.name)),
    );

    app.get(
      '/clients/:clientId',
      {
        config: { access: 'client' },
        schema: { tags: ['clients'], summary: 'Get a client', params: ClientParams, response: { 200: ClientSchema } },
      },
      async (req) => clients.get(actorOf(req), req.params.clientId),
    );

    app.patch(
      '/clients/:clientId',
      {
        config: { access: 'system' },
        schema: {
          tags: ['clients'],
          summary: 'Rename, archive or unarchive a client',
          params: ClientParams,
          body: Strict({ name: Type.Optional(Name), archived: Type.Optional(Type.Boolean()) }),
          response: { 200: ClientSchema },
        },
      },
      async (req) => clients.update(actorOf(req), req.params.clientId, req.body),
    );

    app.get(
      '/clients/:clientId/administrators',
      {
        config: { access: 'client' },
        schema: {
          tags: ['clients'],
          summary: "The client's administrators",
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(OperatorSchema) }) },
        },
      },
      async (req) => ({ items: await clients.administrators(actorOf(req), req.params.clientId) }),
    );

    app.put(
      '/clients/:clientId/administrators/:operatorId',
      {
        config: { access: 'system' },
        schema: { tags: ['clients'], summary: 'Assign a client administrator', params: AdminParams },
      },
      async (req, reply) => {
        await clients.assign(actorOf(req), req.params.clientId, req.params.operatorId);
        return reply.status(204).send();
      },
    );

    app.delete(
      '/clients/:clientId/administrators/:operatorId',
      {
        config: { access: 'system' },
        schema: { tags: ['clients'], summary: 'Unassign a client administrator', params: AdminParams },
      },
      async (req, reply) => {
        await clients.unassign(actorOf(req), req.params.clientId, req.params.operatorId);
        return reply.status(204).send();
      },
    );
  };
