// buildApp(container): the Fastify instance with every module's routes. It never listens; main.ts does, and
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
import type { Container, Services } from './composition.js';
import { authenticate } from './http/authenticate.js';
import { CONSOLE_CSP, DOCS_CSP } from './http/console-csp.js';
import { errorHandler, notFoundApi } from './http/error-handler.js';
import { fairShare } from './http/fair-share.js';
import { overloadGuard } from './http/overload.js';
import { ErrorBody } from './http/schemas.js';
import { validatorCompiler } from './http/validation.js';
import { newId } from './lib/ids.js';

export interface RouteEntry {
  method: string;
  url: string;
  access: string | undefined;
}

/** `routeTable` lists every API route with its access rule; the tenancy test walks it. */
export type App = FastifyInstance & { services: Services; container: Container; routeTable: RouteEntry[] };

/** The HTTP side of a composed process: every module's routes under /api/v1, the docs and the console. */
export async function buildApp(container: Container): Promise<App> {
  const { config, services } = container;
  const app = Fastify({
    loggerInstance: container.logger as FastifyBaseLogger,
    genReqId: () => `req-${newId()}`,
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();

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
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: DOCS_CSP,
    // Swagger UI would otherwise ask validator.swagger.io about the spec (and tell it where it is).
    uiConfig: { validatorUrl: null },
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // In this order: a flooding credential's excess is refused first, for nothing (fair-share.ts);
  // then overload shedding, before authentication, since even a session lookup is work a refused
  // request must not cost; the client's budget once authentication says who may spend it.
  const fair = fairShare(config.apiRate);
  app.addHook('onRequest', fair.credentials);
  overloadGuard(app, { maxLagMs: config.overloadMaxLagMs, queuedReadMs: () => container.db.queuedReadMs() });
  app.addHook('onRequest', authenticate(container.db.db, container.services.actors));
  app.addHook('onRequest', fair.clients);
  app.setErrorHandler(errorHandler);

  await app.register(
    async (api) => {
      for (const m of container.modules) if (m.routes) await api.register(m.routes);
    },
    { prefix: '/api/v1' },
  );
  for (const m of container.modules) if (m.pages) await app.register(m.pages);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ ok: true }));

  await registerConsole(app, config.webDir);
  return Object.assign(app, { services, container, routeTable }) as unknown as App;
}

/** The admin console: built assets, and index.html for any other GET so client-side routes work. */
async function registerConsole(app: FastifyInstance, webDir: string): Promise<void> {
  const hasConsole = existsSync(join(webDir, 'index.html'));
  if (hasConsole) await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false });
  // Everything outside /api is the console (Swagger UI, under /api/docs, sends its own policy), except
  // a module's pages that set their own (the Outlook add-in's files, which Outlook frames).
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.url.startsWith('/api/') && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', CONSOLE_CSP);
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
