// /api-tokens: personal tokens for automation. The secret is returned once, at creation.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { actorOf } from '../../http/authenticate.js';
import { Name, Strict, Uuid } from '../../http/schemas.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { randomSecret, sha256 } from '../../lib/tokens.js';
import { recordAudit } from '../audit/record.js';
import * as repo from './repository.js';
import { TokenSchema, tokenView } from './view.js';

export const apiTokenRoutes =
  (db: Db): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api-tokens',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['api-tokens'],
          summary: 'Your API tokens',
          response: { 200: Type.Object({ items: Type.Array(TokenSchema) }) },
        },
      },
      async (req) => ({ items: (await repo.listOwnTokens(db, actorOf(req).operatorId)).map(tokenView) }),
    );

    app.post(
      '/api-tokens',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['api-tokens'],
          summary: 'Create an API token (the secret is shown once)',
          body: Strict({ name: Name, expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }),
          response: { 201: Type.Object({ token: TokenSchema, secret: Type.String() }) },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        // A token cannot mint more tokens: a leaked token must not be able to outlive its revocation.
        if (actor.via === 'token') throw new ForbiddenError('API tokens are created from a signed-in session.');
        const secret = `bw_${randomSecret()}`;
        const now = nowIso();
        const row = {
          id: newId(),
          operator_id: actor.operatorId,
          name: req.body.name.trim(),
          prefix: secret.slice(0, 10),
          token_hash: sha256(secret),
          created_at: now,
          last_used_at: null,
          expires_at: req.body.expiresInDays
            ? new Date(Date.now() + req.body.expiresInDays * 86_400_000).toISOString()
            : null,
          revoked_at: null,
        };
        await db.transaction().execute(async (trx) => {
          await repo.insertApiToken(trx, row);
          await recordAudit(trx, actor, {
            clientId: null,
            action: 'api_token.create',
            targetType: 'api_token',
            targetId: row.id,
            details: { name: row.name },
          });
        });
        return reply.status(201).send({ token: tokenView(row), secret });
      },
    );

    app.delete(
      '/api-tokens/:tokenId',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['api-tokens'], summary: 'Revoke one of your API tokens', params: Strict({ tokenId: Uuid }) },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        await db.transaction().execute(async (trx) => {
          if (!(await repo.revokeOwnToken(trx, actor.operatorId, req.params.tokenId, nowIso())))
            throw new NotFoundError('API token');
          await recordAudit(trx, actor, {
            clientId: null,
            action: 'api_token.revoke',
            targetType: 'api_token',
            targetId: req.params.tokenId,
          });
        });
        return reply.status(204).send();
      },
    );
  };
