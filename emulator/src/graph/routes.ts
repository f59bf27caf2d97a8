// Graph v1.0 at /graph/v1.0/…: one catch-all Fastify route and a small case-insensitive router,
// so every request gets Graph's headers, error envelope, auth, injected faults and throttling in
// one place (Graph paths and OData segments are case-insensitive; Fastify's router is not).
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { flushDeferred } from '../mail/deferred.js';
import { getAttachment, getAttachmentValue, listAttachments } from './attachments.js';
import { authenticate, type Principal } from './auth.js';
import { runBatch } from './batch.js';
import { registerMailControl } from './control.js';
import { usersDelta } from './delta.js';
import { addAttachment, createDraft, createUploadSession } from './drafts.js';
import { errorBody, GraphError } from './errors.js';
import { createChildFolder, createMailFolder, getMailFolder, listChildFolders, listMailFolders } from './folders.js';
import { getGroup, listGroups, listMembers } from './groups.js';
import { addressedUser } from './mailbox.js';
import { messagesDelta } from './message-delta.js';
import {
  createForward,
  deleteMessage,
  forwardMessage,
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
import { registerUploadSessions } from './upload-sessions.js';
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
  route('POST', `${p}/messages`, 'mail', createDraft);
  route('POST', `${p}/messages/:mid/attachments`, 'mail', addAttachment);
  route('POST', `${p}/messages/:mid/attachments/createUploadSession`, 'mail', createUploadSession);
  route('GET', `${p}/messages/:mid`, 'mail', getMessage);
  route('GET', `${p}/messages/:mid/$value`, 'mail', getMessageValue);
  route('DELETE', `${p}/messages/:mid`, 'mail', deleteMessage);
  route('POST', `${p}/messages/:mid/move`, 'mail', moveMessage);
  route('POST', `${p}/messages/:mid/createForward`, 'mail', createForward);
  route('POST', `${p}/messages/:mid/send`, 'mail', sendMessage);
  route('POST', `${p}/messages/:mid/forward`, 'mail', forwardMessage);
  route('GET', `${p}/messages/:mid/attachments`, 'mail', listAttachments);
  route('GET', `${p}/messages/:mid/attachments/:aid`, 'mail', getAttachment);
  route('GET', `${p}/messages/:mid/attachments/:aid/$value`, 'mail', getAttachmentValue);
  route('GET', `${p}/mailFolders`, 'mail', listMailFolders);
  route('POST', `${p}/mailFolders`, 'mail', createMailFolder);
  route('GET', `${p}/mailFolders/:folder`, 'mail', getMailFolder);
  route('GET', `${p}/mailFolders/:folder/childFolders`, 'mail', listChildFolders);
  route('POST', `${p}/mailFolders/:folder/childFolders`, 'mail', createChildFolder);
  route('GET', `${p}/mailFolders/:folder/messages/delta`, 'mail', messagesDelta);
  route('GET', `${p}/mailFolders/:folder/messages/delta()`, 'mail', messagesDelta);
  route('GET', `${p}/mailFolders/:folder/messages/microsoft.graph.delta()`, 'mail', messagesDelta);
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

/** One Graph call, already authenticated: what `handle` and each `$batch` sub-request run. */
export interface Incoming {
  method: string;
  /** path and query after /v1.0/, e.g. `users?$top=5` */
  target: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  rawBody: string | null;
  linkBase: string;
}

export interface Outcome {
  status: number;
  headers: Record<string, string>;
  /** JSON value, a string (with contentType), or undefined for an empty body */
  body?: unknown;
  contentType?: string;
}

export async function execute(ctx: EmulatorContext, principal: Principal, inc: Incoming): Promise<Outcome> {
  const store = ctx.store;
  const headers: Record<string, string> = {};
  let release = () => {};
  try {
    const url = new URL(inc.target.replace(/^\/+/, ''), 'http://emulator/');
    let segments: string[];
    try {
      segments = url.pathname
        .split('/')
        .filter(Boolean)
        .map((s) => decodeURIComponent(s));
    } catch {
      throw new GraphError(400, 'BadRequest', 'The request URI is not valid.');
    }
    const candidates = match(segments);
    if (candidates.length === 0) {
      throw new GraphError(
        400,
        'BadRequest',
        `Resource not found for the segment '${segments[segments.length - 1] ?? ''}'.`,
      );
    }
    const hit = candidates.find((c) => c.route.method === inc.method.toUpperCase());
    if (!hit) throw new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request target.');
    const req: GraphReq = {
      ctx,
      method: inc.method.toUpperCase(),
      segments,
      params: hit.params,
      query: url.searchParams,
      headers: inc.headers,
      body: inc.body,
      rawBody: inc.rawBody,
      principal,
      linkBase: inc.linkBase,
    };
    injectedFault(store, hit.route.kind);
    if (hit.route.kind === 'directory') {
      const cost = directoryCost(segments.join('/'), url.searchParams);
      Object.assign(headers, chargeDirectory(store, principal.appId, principal.tenantId, cost));
    } else {
      const mbx = addressedUser(req);
      if (mbx) release = enterMailbox(store, principal.appId, mbx.id);
    }
    if (store.faults.latencyMs > 0) await sleep(store.faults.latencyMs);
    // SMTP submissions held by the 30/min limit become visible as soon as the clock allows
    if (hit.route.kind === 'mail') await flushDeferred(store);
    const res = await hit.route.handler(req);
    return {
      status: res.status,
      headers: { ...headers, ...res.headers },
      body: res.body,
      contentType: res.contentType,
    };
  } catch (e) {
    const err = asGraphError(e);
    return { status: err.status, headers: { ...headers, ...err.headers }, body: err };
  } finally {
    release();
  }
}

function asGraphError(e: unknown): GraphError {
  return e instanceof GraphError
    ? e
    : new GraphError(500, 'UnknownError', e instanceof Error ? e.message : 'An internal server error occurred.');
}

async function handle(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const store = ctx.store;
  const requestId = randomUUID();
  const clientRequestId = String(request.headers['client-request-id'] ?? requestId);
  reply.header('request-id', requestId);
  reply.header('client-request-id', clientRequestId);
  reply.header('x-ms-ags-diagnostic', diagnostic());
  reply.header('OData-Version', '4.0');
  const ct = String(request.headers['content-type'] ?? '').toLowerCase();
  const isText = ct.startsWith('text/plain');
  const inc: Incoming = {
    method: request.method,
    target: request.url.replace(/^\/graph\/v1\.0\/?/i, ''),
    headers: request.headers,
    body: isText ? null : (request.body ?? null),
    rawBody: isText ? String(request.body ?? '') : null,
    linkBase: linkBase(ctx, request),
  };
  let out: Outcome;
  try {
    const principal = await authenticate(ctx, request.headers.authorization);
    out = /^\$batch(\?|$)/i.test(inc.target)
      ? await runBatch(ctx, principal, inc, execute)
      : await execute(ctx, principal, inc);
  } catch (e) {
    const err = asGraphError(e);
    out = { status: err.status, headers: err.headers, body: err };
  }
  for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
  reply.code(out.status);
  if (out.body instanceof GraphError) {
    reply.header('content-type', 'application/json');
    await reply.send(errorBody(out.body, store.clock.now(), requestId, clientRequestId));
  } else if (out.body === undefined) {
    await reply.send();
  } else if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) {
    reply.header('content-type', out.contentType ?? 'text/plain');
    await reply.send(out.body);
  } else {
    reply.header('content-type', ODATA_JSON);
    await reply.send(JSON.stringify(out.body));
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
    scope.setErrorHandler(async (error, request, reply) => {
      const e = error as { statusCode?: number; message?: string };
      const err =
        error instanceof GraphError
          ? error
          : new GraphError(e.statusCode ?? 500, 'BadRequest', e.message ?? 'Bad request.');
      // A body Graph cannot read still gets Graph's headers, the caller's client-request-id included.
      const id = randomUUID();
      const clientRequestId = String(request.headers['client-request-id'] ?? id);
      reply
        .code(err.status)
        .header('content-type', 'application/json')
        .header('request-id', id)
        .header('client-request-id', clientRequestId)
        .header('x-ms-ags-diagnostic', diagnostic());
      return reply.send(errorBody(err, ctx.store.clock.now(), id, clientRequestId));
    });
    scope.all('/graph/v1.0/*', (request, reply) => handle(ctx, request, reply));
    scope.all('/graph/v1.0', (request, reply) => handle(ctx, request, reply));
    registerMailControl(scope, ctx);
  });
  await registerUploadSessions(app, ctx);
}
