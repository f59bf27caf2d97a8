// /operators: administrator accounts (system administrators only).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { Email, Name, Password, Role, Strict, Uuid } from '../../http/schemas.js';
import { TokenSchema } from '../api-tokens/view.js';
import type { OperatorService } from './service.js';
import { OperatorSchema } from './view.js';

const Params = Strict({ operatorId: Uuid });
const Revoked = Type.Object({
  revokedSessions: Type.Integer({ description: 'sessions signed out' }),
  revokedApiTokens: Type.Integer({ description: 'API tokens revoked' }),
});

export const operatorRoutes =
  (services: { operators: OperatorService }): FastifyPluginAsyncTypebox =>
  async (app) => {
    const cfg = { access: 'system' as const };

    app.get(
      '/operators',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: 'List operators',
          response: { 200: Type.Object({ items: Type.Array(OperatorSchema) }) },
        },
      },
      async () => ({ items: await services.operators.list() }),
    );

    app.post(
      '/operators',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: 'Create an operator',
          body: Strict({
            email: Email,
            name: Name,
            role: Role,
            password: Password,
            clientIds: Type.Array(Uuid, { maxItems: 1000, default: [] }),
          }),
          response: { 201: OperatorSchema },
        },
      },
      async (req, reply) => reply.status(201).send(await services.operators.create(actorOf(req), req.body)),
    );

    app.get(
      '/operators/:operatorId',
      {
        config: cfg,
        schema: { tags: ['operators'], summary: 'Get an operator', params: Params, response: { 200: OperatorSchema } },
      },
      async (req) => services.operators.get(req.params.operatorId),
    );

    app.patch(
      '/operators/:operatorId',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: 'Update name, role, clients or disable an operator',
          params: Params,
          body: Strict({
            name: Type.Optional(Name),
            role: Type.Optional(Role),
            clientIds: Type.Optional(Type.Array(Uuid, { maxItems: 1000 })),
            disabled: Type.Optional(Type.Boolean()),
          }),
          response: { 200: OperatorSchema },
        },
      },
      async (req) => services.operators.update(actorOf(req), req.params.operatorId, req.body),
    );

    app.post(
      '/operators/:operatorId/password',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: "Reset an operator's password (signs them out and revokes their API tokens)",
          params: Params,
          body: Strict({ password: Password }),
          response: { 200: Revoked },
        },
      },
      async (req) => services.operators.resetPassword(actorOf(req), req.params.operatorId, req.body.password),
    );

    app.get(
      '/operators/:operatorId/api-tokens',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: "An operator's live API tokens",
          params: Params,
          response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) },
        },
      },
      async (req) => ({ items: await services.operators.apiTokens(req.params.operatorId) }),
    );

    app.delete(
      '/operators/:operatorId/api-tokens/:tokenId',
      {
        config: cfg,
        schema: {
          tags: ['operators'],
          summary: "Revoke an operator's API token",
          params: Strict({ operatorId: Uuid, tokenId: Uuid }),
        },
      },
      async (req, reply) => {
        await services.operators.revokeApiToken(actorOf(req), req.params.operatorId, req.params.tokenId);
        return reply.status(204).send();
      },
    );
  };
