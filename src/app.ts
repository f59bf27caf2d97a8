// buildApp(deps): the Fastify instance with every route. It never listens; main.ts does, and
// tests use app.inject(). Every /api/v1 route must declare `config.access` (enforced below),
// which the authenticate hook applies and the tenancy test walks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import type { DbHandle } from './db/connection.js';
import { authenticate } from './http/authenticate.js';
import { CONSOLE_CSP } from './http/console-csp.js';
import { errorHandler, notFoundApi } from './http/error-handler.js';
import { ErrorBody } from './http/schemas.js';
import { validatorCompiler } from './http/validation.js';
import type { SecretBox } from './lib/crypto.js';
import { newId } from './lib/ids.js';
import { loggerOptions } from './lib/logger.js';
import { apiTokenRoutes } from './modules/api-tokens/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { AuthService } from './modules/auth/service.js';
import { type AzureServices, azureAppRoutes, buildAzureServices } from './modules/azure-apps/routes.js';
import { clientRoutes } from './modules/clients/routes.js';
import {
  buildDirectorySyncServices,
  type DirectorySyncServices,
  directorySyncRoutes,
} from './modules/directory-sync/routes.js';
import { operatorRoutes } from './modules/operators/routes.js';
import { OperatorService } from './modules/operators/service.js';
import { recipientRoutes } from './modules/recipients/routes.js';

export interface AppDeps {
  config: Readonly<Config>;
  db: DbHandle;
  secrets: SecretBox;
  /** a logger to use instead of building one from config */
  logger?: FastifyBaseLogger;
}

export interface Services {
  auth: AuthService;
  operators: OperatorService;
  azure: AzureServices;
  directorySync: DirectorySyncServices;
}

export interface RouteEntry {
  method: string;
  url: string;
  access: string | undefined;
}

/** `routeTable` lists every API route with its access rule; the tenancy test walks it. */
export type App = FastifyInstance & { services: Services; routeTable: RouteEntry[] };

export function buildServices(deps: AppDeps): Services {
  const azure = buildAzureServices(deps);
  return {
    auth: new AuthService(deps.db.db, deps.config),
    operators: new OperatorService(deps.db.db),
    azure,
    directorySync: buildDirectorySyncServices(deps, azure),
  };
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config.logLevel) }),
    genReqId: () => `req-${newId()}`,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const services = buildServices(deps);
  app.setValidatorCompiler(validatorCompiler());
  app.decorate('services', services);
  app.decorateRequest('actor', null);
  app.addSchema(ErrorBody);

  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    if (route.config?.access === undefined) {
      throw new Error(`Route ${route.method} ${route.url} does not declare config.access`);
    }
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url, access: route.config.access });
    }
  });
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (req.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Baitwise API',
        version: '1',
        description:
          'Automate Baitwise: clients, operators, audit log and everything the console does. Authenticate with a session cookie (plus X-CSRF-Token for writes) or a personal API token as Bearer.',
      },
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'Personal API token (bw_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'bw_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.addHook('onRequest', authenticate(deps.db.db));
  app.setErrorHandler(errorHandler);

  await app.register(
    async (api) => {
      await api.register(authRoutes(services));
      await api.register(clientRoutes(deps));
      await api.register(operatorRoutes(services));
      await api.register(apiTokenRoutes(deps));
      await api.register(auditRoutes(deps));
      await api.register(azureAppRoutes(deps, services.azure));
      await api.register(directorySyncRoutes(services.directorySync));
      await api.register(recipientRoutes(deps));
    },
    { prefix: '/api/v1' },
  );
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));

  await registerConsole(app, config.webDir);
  return Object.assign(app, { services, routeTable }) as unknown as App;
}

/** The admin console: built assets, and index.html for any other GET so client-side routes work. */
async function registerConsole(app: FastifyInstance, webDir: string): Promise<void> {
  const hasConsole = existsSync(join(webDir, 'index.html'));
  if (hasConsole) await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false });
  // Everything outside /api is the console (Swagger UI, under /api/docs, sends its own policy).
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith('/api/')) reply.header('content-security-policy', CONSOLE_CSP);
    return payload;
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api/') || req.method !== 'GET') return notFoundApi(req, reply);
    if (!hasConsole) {
      return reply
        .status(503)
        .type('text/plain')
        .send('The admin console has not been built. Run `npm run build` (npm start does it for you).');
    }
    return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
  });
}
