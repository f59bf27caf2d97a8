// Graph v1.0 at /graph/v1.0/…: one catch-all Fastify route and a small case-insensitive router,
// so every request gets Graph's headers, error envelope, auth, injected faults and throttling in
// one place (Graph paths and OData segments are case-insensitive; Fastify's router is not).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { authenticate } from './auth.js';
import { registerMailControl } from './control.js';
import { usersDelta } from './delta.js';
import { errorBody, GraphError } from './errors.js';
import { getGroup, listGroups, listMembers } from './groups.js';
import { addressedUser } from './mailbox.js';
import {
  createForward,
  deleteMessage,
  forwardMessage,
  getMailFolder,
  getMessage,
  getMessageValue,
  listMessages,
  moveMessage,
  sendMessage,
  translateExchangeIds,
} from './messages.js';
import type { GraphReq, GraphRes } from './request.js';
import { sendMail } from './send-mail.js';
import { chargeDirectory, directoryCost, enterMailbox, injectedFault, type Workload } from './throttle.js';
import { countUsers, getMe, getUser, listUsers } from './users.js';

type Handler = (req: GraphReq) => GraphRes | Promise<GraphRes>;
interface Route {
  method: string;
  parts: string[];
  kind: Workload;
  handler: Handler;
}

const routes: Route[] = [];
function route(method: string, pattern: string, kind: Workload, handler: Handler): void {
  routes.push({ method, parts: pattern.split('/'), kind, handler });
}

route('GET', 'me', 'directory', getMe);
route('GET', 'users', 'directory', listUsers);
route('GET', 'users/$count', 'directory', countUsers);
route('GET', 'users/delta', 'directory', usersDelta);
route('GET', 'users/delta()', 'directory', usersDelta);
route('GET', 'users/microsoft.graph.delta()', 'directory', usersDelta);
route('GET', 'groups', 'directory', listGroups);
route('GET', 'groups/:id', 'directory', getGroup);
route('GET', 'groups/:id/members', 'directory', (r) => listMembers(r, false, false));
route('GET', 'groups/:id/members/microsoft.graph.user', 'directory', (r) => listMembers(r, false, true));
route('GET', 'groups/:id/transitiveMembers', 'directory', (r) => listMembers(r, true, false));
route('GET', 'groups/:id/transitiveMembers/microsoft.graph.user', 'directory', (r) => listMembers(r, true, true));
for (const p of ['me', 'users/:uid']) {
  route('POST', `${p}/sendMail`, 'mail', sendMail);
  route('GET', `${p}/messages`, 'mail', listMessages);
  route('GET', `${p}/messages/:mid`, 'mail', getMessage);
  route('GET', `${p}/messages/:mid/$value`, 'mail', getMessageValue);
  route('DELETE', `${p}/messages/:mid`, 'mail', deleteMessage);
  route('POST', `${p}/messages/:mid/move`, 'mail', moveMessage);
  route('POST', `${p}/messages/:mid/createForward`, 'mail', createForward);
  route('POST', `${p}/messages/:mid/send`, 'mail', sendMessage);
  route('POST', `${p}/messages/:mid/forward`, 'mail', forwardMessage);
  route('GET', `${p}/mailFolders/:folder`, 'mail', getMailFolder);
  route('GET', `${p}/mailFolders/:folder/messages`, 'mail', listMessages);
  route('GET', `${p}/mailFolders/:folder/messages/:mid`, 'mail', getMessage);
  route('GET', `${p}/mailFolders/:folder/messages/:mid/$value`, 'mail', getMessageValue);
  route('POST', `${p}/translateExchangeIds`, 'mail', translateExchangeIds);
}
// after the literal users/… routes so $count and delta win
route('GET', 'users/:id', 'directory', getUser);

function match(segments: string[]): { route: Route; params: Record<string, string> }[] {
  const out: { route: Route; params: Record<string, string> }[] = [];
  for (const r of routes) {
    if (r.parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < r.parts.length; i++) {
      const p = r.parts[i]!;
      const s = segments[i]!;
      if (p.startsWith(':')) params[p.slice(1)] = s;
      else if (p.toLowerCase() !== s.toLowerCase()) {
        ok = false;
        break;
      }
    }
    if (ok) out.push({ route: r, params });
  }
  return out;
}

const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

function diagnostic(): string {
  return JSON.stringify({
    ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'EMU01' },
  });
}

function linkBase(ctx: EmulatorContext, req: FastifyRequest): string {
  // Behind a rewriting client (real Graph URLs mapped onto the emulator) links must point back at
  // the public origin, or SDKs that only trust https://graph.microsoft.com cannot follow them.
  const fh = req.headers['x-forwarded-host'];
  if (typeof fh === 'string' && fh) {
    const proto = String(req.headers['x-forwarded-proto'] ?? 'https');
    const prefix = String(req.headers['x-forwarded-prefix'] ?? '');
    return `${proto}://${fh}${prefix}/v1.0`;
  }
  if (req.headers.host) return `http://${req.headers.host}/graph/v1.0`;
  return `${ctx.urls.graph}/v1.0`;
}

async function handle(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const store = ctx.store;
  const requestId = randomUUID();
  const clientRequestId = String(request.headers['client-request-id'] ?? requestId);
  reply.header('request-id', requestId);
  reply.header('client-request-id', clientRequestId);
  reply.header('x-ms-ags-diagnostic', diagnostic());
  reply.header('OData-Version', '4.0');
  let release = () => {};
  try {
    const url = new URL(request.url, 'http://emulator');
    const rest = url.pathname.replace(/^\/graph\/v1\.0\/?/i, '');
    let segments: string[];
    try {
      segments = rest
        .split('/')
        .filter(Boolean)
        .map((s) => decodeURIComponent(s));
    } catch {
      throw new GraphError(400, 'BadRequest', 'The request URI is not valid.');
    }
    const principal = await authenticate(ctx, request.headers.authorization);
    const candidates = match(segments);
    if (candidates.length === 0) {
      throw new GraphError(
        400,
        'BadRequest',
        `Resource not found for the segment '${segments[segments.length - 1] ?? ''}'.`,
      );
    }
    const hit = candidates.find((c) => c.route.method === request.method);
    if (!hit) throw new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request target.');
    const ct = String(request.headers['content-type'] ?? '').toLowerCase();
    const isText = ct.startsWith('text/plain');
    const req: GraphReq = {
      ctx,
      method: request.method,
      segments,
      params: hit.params,
      query: url.searchParams,
      headers: request.headers,
      body: isText ? null : (request.body ?? null),
      rawBody: isText ? String(request.body ?? '') : null,
      principal,
      linkBase: linkBase(ctx, request),
    };
    injectedFault(store, hit.route.kind);
    if (hit.route.kind === 'directory') {
      const h = chargeDirectory(
        store,
        principal.appId,
        principal.tenantId,
        directoryCost(segments.join('/'), url.searchParams),
      );
      for (const [k, v] of Object.entries(h)) reply.header(k, v);
    } else {
      const mbx = addressedUser(req);
      if (mbx) release = enterMailbox(store, principal.appId, mbx.id);
    }
    if (store.faults.latencyMs > 0) await sleep(store.faults.latencyMs);
    const res = await hit.route.handler(req);
    for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
    reply.code(res.status);
    if (res.body === undefined) {
      await reply.send();
    } else if (typeof res.body === 'string') {
      reply.header('content-type', res.contentType ?? 'text/plain');
      await reply.send(res.body);
    } else {
      reply.header('content-type', ODATA_JSON);
      await reply.send(JSON.stringify(res.body));
    }
  } catch (e) {
    const err =
      e instanceof GraphError
        ? e
        : new GraphError(500, 'UnknownError', e instanceof Error ? e.message : 'An internal server error occurred.');
    for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
    reply.code(err.status).header('content-type', 'application/json');
    await reply.send(errorBody(err, store.clock.now(), requestId, clientRequestId));
  } finally {
    release();
  }
}

export async function registerGraph(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  await app.register(async (scope) => {
    // Own body parsing: Graph accepts an empty body on action POSTs (…/send) and the MIME form of
    // sendMail is text/plain; the root instance's parsers would reject both.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body).trim();
      if (!text) return done(null, null);
      try {
        done(null, JSON.parse(text));
      } catch {
        done(
          new GraphError(
            400,
            'BadRequest',
            'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
          ),
        );
      }
    });
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, String(body)));
    scope.setErrorHandler(async (error, _request, reply) => {
      const e = error as { statusCode?: number; message?: string };
      const err =
        error instanceof GraphError
          ? error
          : new GraphError(e.statusCode ?? 500, 'BadRequest', e.message ?? 'Bad request.');
      const id = randomUUID();
      reply.code(err.status).header('content-type', 'application/json').header('request-id', id);
      return reply.send(errorBody(err, ctx.store.clock.now(), id, id));
    });
    scope.all('/graph/v1.0/*', (request, reply) => handle(ctx, request, reply));
    scope.all('/graph/v1.0', (request, reply) => handle(ctx, request, reply));
    registerMailControl(scope, ctx);
  });
}
