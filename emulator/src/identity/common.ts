// Shared pieces of the identity routes: tenant-segment resolution, client lookup, HTML replies,
// the SSO cookie and the redirect back to the application (query, fragment or form_post).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { Application, Tenant } from '../model.js';
import { type AadError, buildError } from './errors.js';
import { errorPage, formPostPage } from './pages.js';
import type { Flow } from './state.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
export const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations', 'consumers']);

export type TenantLookup = { tenant: Tenant } | { multi: string } | { code: 90002 | 900023 };

export function resolveTenant(ctx: EmulatorContext, segment: string): TenantLookup {
  if (MULTI_TENANT_SEGMENTS.has(segment.toLowerCase())) return { multi: segment.toLowerCase() };
  if (!GUID.test(segment) && !DOMAIN.test(segment)) return { code: 900023 };
  const tenant = ctx.store.tenantByIdOrDomain(segment);
  return tenant ? { tenant } : { code: 90002 };
}

/** An app is visible in a tenant if it is registered there or is multi-tenant. */
export function findApp(ctx: EmulatorContext, tenant: Tenant, clientId: string | undefined): Application | undefined {
  if (!clientId) return undefined;
  const app = ctx.store.apps.get(clientId.toLowerCase()) ?? ctx.store.apps.get(clientId);
  if (!app) return undefined;
  return app.tenantId === tenant.id || app.multiTenant ? app : undefined;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's `client-request-id` (msal sends it as a query parameter and a header): Entra
 * uses a GUID-shaped one as the request's correlation id, in errors and the response header.
 */
export function clientRequestId(req: FastifyRequest): string | undefined {
  const q = (req.query as Record<string, unknown> | undefined)?.['client-request-id'];
  const h = req.headers['client-request-id'];
  const v = typeof q === 'string' ? q : typeof h === 'string' ? h : undefined;
  return v && GUID_RE.test(v) ? v.toLowerCase() : undefined;
}

export function now(ctx: EmulatorContext): number {
  return ctx.store.clock.now();
}

export function html(reply: FastifyReply, body: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store, no-cache')
    .send(body);
}

/** Fatal authorize-side errors are shown on a Microsoft page, never redirected (MICROSOFT.md §1.2). */
export function fatalPage(
  ctx: EmulatorContext,
  reply: FastifyReply,
  code: number,
  params: Record<string, string>,
  correlationId?: string,
): FastifyReply {
  const e = buildError(code, params, now(ctx), correlationId);
  return html(reply, errorPage(e), e.status);
}

export const SESSION_COOKIE = 'ESTSAUTH';

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function setSessionCookie(reply: FastifyReply, id: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Lax`);
}

/** Sends the authorization response to the app in the flow's response_mode. */
export function respond(reply: FastifyReply, flow: Flow, params: Record<string, string>): FastifyReply {
  if (flow.state !== undefined) params.state = flow.state;
  if (flow.responseMode === 'form_post') return html(reply, formPostPage(flow.redirectUri, params));
  const url = new URL(flow.redirectUri);
  if (flow.responseMode === 'fragment') {
    url.hash = new URLSearchParams(params).toString();
  } else {
    for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  }
  return reply.code(302).header('cache-control', 'no-store').redirect(url.toString(), 302);
}

/** Redirected error (error, error_description, error_uri, state); admin consent adds admin_consent=True first. */
export function respondError(
  ctx: EmulatorContext,
  reply: FastifyReply,
  flow: Flow,
  code: number,
  params: Record<string, string>,
  errorOverride?: string,
  extra: Record<string, string> = {},
): FastifyReply {
  const e: AadError = buildError(code, params, now(ctx), flow.correlationId);
  const out: Record<string, string> = {};
  if (flow.kind === 'adminconsent') out.admin_consent = 'True';
  out.error = errorOverride ?? e.error;
  out.error_description = e.description;
  out.error_uri = e.errorUri;
  Object.assign(out, extra);
  return respond(reply, flow, out);
}
