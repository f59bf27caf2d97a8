// /azure-apps and /clients/:clientId/azure-apps: the Azure Applications page's API.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { canSeeClient } from '../../http/actor.js';
import { actorOf } from '../../http/authenticate.js';
import { Name, Strict, Uuid } from '../../http/schemas.js';
import { NotFoundError } from '../../lib/errors.js';
import { CLOUDS, cloudLabels } from '../../microsoft/clouds.js';
import type { GraphClient } from '../../microsoft/graph.js';
import { guidanceFor, guidanceKeys } from '../../microsoft/guidance.js';
import { CAPABILITIES, PERMISSIONS } from '../../microsoft/permissions.js';
import { type AuthorizeFlow, callbackPath } from './authorize.js';
import type { AzureAppService } from './service.js';
import type { ConnectionTester } from './test-connection.js';
import type { TokenService } from './token-service.js';
import { AzureAppSchema } from './view.js';

const Cloud = Type.Union(CLOUDS.map((c) => Type.Literal(c)));
const Params = Strict({ clientId: Uuid, appId: Uuid });
const Secret = Type.String({ minLength: 1, maxLength: 1024 });
const ExpiresAt = Type.Union([Type.String({ format: 'date' }), Type.Null()]);
const Tenant = Type.String({ minLength: 1, maxLength: 253 });
const SharedTenantReason = Type.String({ maxLength: 500 });

/** The Azure applications' services, built once by the composition root and shared by every module. */
export interface AzureServices {
  apps: AzureAppService;
  tokens: TokenService;
  flow: AuthorizeFlow;
  graph: GraphClient;
  connection: ConnectionTester;
}

export const azureAppRoutes =
  (azure: AzureServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['azure-apps'];

    app.get(
      '/azure-apps/registration-info',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'What to register in Entra: the redirect URI, the API permissions and the clouds',
          response: {
            200: Type.Object({
              redirectUri: Type.String(),
              nestedAppAuth: Type.Object({
                redirectUri: Type.String(),
                platform: Type.String(),
                purpose: Type.String(),
              }),
              permissions: Type.Array(
                Type.Object({
                  scope: Type.String(),
                  type: Type.String(),
                  adminConsent: Type.Boolean(),
                  purpose: Type.String(),
                  smtpOnly: Type.Boolean(),
                }),
              ),
              capabilities: Type.Array(
                Type.Object({ key: Type.String(), label: Type.String(), scopes: Type.Array(Type.String()) }),
              ),
              clouds: Type.Array(Type.Object({ value: Type.String(), label: Type.String() })),
            }),
          },
        },
      },
      async () => ({
        redirectUri: azure.flow.redirectUri,
        nestedAppAuth: {
          redirectUri: azure.flow.nestedAppAuthRedirectUri,
          platform: 'Single-page application',
          purpose: 'Outlook report add-in: signs the reporting user in (nested app authentication)',
        },
        permissions: PERMISSIONS.map((p) => ({ ...p, smtpOnly: Boolean(p.smtpOnly) })),
        capabilities: CAPABILITIES,
        clouds: cloudLabels(),
      }),
    );

    app.get(
      '/azure-apps/guidance',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'What an AADSTS code (or guidance key) means and what to do',
          querystring: Strict({
            aadsts: Type.Optional(Type.Integer({ minimum: 1, maximum: 99_999_999 })),
            key: Type.Optional(Type.String({ maxLength: 64 })),
          }),
        },
      },
      async (req) => {
        if (req.query.key !== undefined) {
          if (!guidanceKeys().includes(req.query.key)) throw new NotFoundError('Guidance');
          return guidanceFor({ key: req.query.key });
        }
        return guidanceFor({
          error: 'unknown_error',
          aadsts: req.query.aadsts ?? null,
          suberror: null,
          description: null,
        });
      },
    );

    app.get(
      '/azure-apps',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'Azure applications of the clients you administer',
          querystring: Strict({ clientId: Type.Optional(Uuid) }),
          response: { 200: Type.Object({ items: Type.Array(AzureAppSchema) }) },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        if (req.query.clientId && !canSeeClient(actor, req.query.clientId)) throw new NotFoundError('Client');
        return { items: await azure.apps.list(actor, req.query.clientId) };
      },
    );

    // Microsoft redirects the browser here. Public so that an expired session still lands on a
    // page that explains it; the flow itself requires the session the request was bound to.
    app.get(
      callbackPath.replace('/api/v1', ''),
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'OAuth redirect URI (Microsoft sends the browser here)',
          hide: false,
          querystring: Type.Record(Type.String(), Type.String()),
        },
      },
      async (req, reply) => {
        const location = await azure.flow.callback(req.actor, req.query);
        return reply.redirect(location, 303);
      },
    );

    app.post(
      '/clients/:clientId/azure-apps',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Register an Azure application for a client',
          params: Strict({ clientId: Uuid }),
          body: Strict({
            name: Name,
            azureClientId: Uuid,
            clientSecret: Secret,
            tenant: Tenant,
            cloud: Type.Optional(Cloud),
            smtpSending: Type.Optional(Type.Boolean()),
            secretExpiresAt: Type.Optional(ExpiresAt),
            sharedTenantReason: Type.Optional(SharedTenantReason),
          }),
          response: { 201: AzureAppSchema },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const created = await azure.apps.create(actorOf(req), req.params.clientId, {
          ...b,
          cloud: b.cloud ?? 'global',
          smtpSending: b.smtpSending ?? false,
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/clients/:clientId/azure-apps/:appId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Get an Azure application', params: Params, response: { 200: AzureAppSchema } },
      },
      async (req) => azure.apps.get(req.params.clientId, req.params.appId),
    );

    app.patch(
      '/clients/:clientId/azure-apps/:appId',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Edit an Azure application (an empty or absent clientSecret keeps the stored one)',
          params: Params,
          body: Strict({
            name: Type.Optional(Name),
            azureClientId: Type.Optional(Uuid),
            clientSecret: Type.Optional(Type.String({ maxLength: 1024 })),
            tenant: Type.Optional(Tenant),
            cloud: Type.Optional(Cloud),
            smtpSending: Type.Optional(Type.Boolean()),
            secretExpiresAt: Type.Optional(ExpiresAt),
            sharedTenantReason: Type.Optional(SharedTenantReason),
          }),
          response: { 200: AzureAppSchema },
        },
      },
      // No cache to clear here: every process's token service checks the row before using a token.
      async (req) => azure.apps.update(actorOf(req), req.params.clientId, req.params.appId, req.body),
    );

    app.delete(
      '/clients/:clientId/azure-apps/:appId',
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Delete an Azure application and its stored tokens', params: Params },
      },
      async (req, reply) => {
        await azure.apps.delete(actorOf(req), req.params.clientId, req.params.appId);
        return reply.status(204).send();
      },
    );

    app.post(
      '/clients/:clientId/azure-apps/:appId/approval-requested',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary:
            "Record that approval was requested through Entra's admin consent workflow (Microsoft does not tell the application)",
          params: Params,
          response: { 200: AzureAppSchema },
        },
      },
      async (req) => azure.apps.markApprovalRequested(actorOf(req), req.params.clientId, req.params.appId),
    );

    app.post(
      '/clients/:clientId/azure-apps/:appId/authorize',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Start authorization; open the returned URL in the browser',
          params: Params,
          body: Strict({ adminConsent: Type.Boolean({ default: false }) }),
          response: { 200: Type.Object({ url: Type.String() }) },
        },
      },
      async (req) => ({
        url: await azure.flow.start(actorOf(req), req.params.clientId, req.params.appId, req.body.adminConsent),
      }),
    );

    app.post(
      '/clients/:clientId/azure-apps/:appId/test',
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Test the connection: Graph /me, granted scopes and per-capability permissions',
          params: Params,
          response: {
            200: Type.Object({
              ok: Type.Boolean(),
              account: Type.Union([
                Type.Object({
                  id: Type.String(),
                  displayName: Type.Union([Type.String(), Type.Null()]),
                  userPrincipalName: Type.Union([Type.String(), Type.Null()]),
                  mail: Type.Union([Type.String(), Type.Null()]),
                }),
                Type.Null(),
              ]),
              tenantId: Type.String(),
              grantedScopes: Type.Array(Type.String()),
              capabilities: Type.Array(
                Type.Object({
                  key: Type.String(),
                  label: Type.String(),
                  ok: Type.Boolean(),
                  missing: Type.Array(Type.String()),
                }),
              ),
              error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
            }),
          },
        },
      },
      async (req) => azure.connection.test(actorOf(req), req.params.clientId, req.params.appId),
    );
  };
