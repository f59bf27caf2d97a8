// POST /$batch (JSON batching): up to 20 sub-requests, each authorised, throttled and answered
// on its own (a 429 or 404 inside does not fail the batch). Run in order, so `dependsOn` is
// honoured trivially; a failed dependency yields 424 like Graph. Non-JSON bodies come back base64.
import type { EmulatorContext } from '../context.js';
import type { Principal } from './auth.js';
import { errorBody, GraphError } from './errors.js';
import type { Incoming, Outcome } from './routes.js';

interface SubRequest {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: Record<string, unknown>;
  body?: unknown;
  dependsOn?: unknown;
}

export const MAX_BATCH = 20;

export async function runBatch(
  ctx: EmulatorContext,
  principal: Principal,
  inc: Incoming,
  execute: (ctx: EmulatorContext, p: Principal, inc: Incoming) => Promise<Outcome>,
): Promise<Outcome> {
  if (inc.method.toUpperCase() !== 'POST') {
    throw new GraphError(405, 'BadRequest', 'Specified HTTP method is not allowed for the request target.');
  }
  const requests = (inc.body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new GraphError(400, 'BadRequest', 'Invalid batch payload format.');
  }
  if (requests.length > MAX_BATCH) {
    throw new GraphError(
      400,
      'BadRequest',
      `Too many requests in the batch. The maximum number of requests is ${MAX_BATCH}.`,
    );
  }
  const ids = new Set<string>();
  for (const r of requests as SubRequest[]) {
    const id = String(r?.id ?? '');
    if (!id || ids.has(id) || typeof r.method !== 'string' || typeof r.url !== 'string') {
      throw new GraphError(
        400,
        'BadRequest',
        'Invalid batch payload format: every request needs a unique id, a method and a url.',
      );
    }
    ids.add(id);
  }
  const statusById = new Map<string, number>();
  const responses: Record<string, unknown>[] = [];
  for (const r of requests as SubRequest[]) {
    const id = String(r.id);
    const deps = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
    if (deps.some((d) => (statusById.get(d) ?? 424) >= 400)) {
      statusById.set(id, 424);
      responses.push({ id, status: 424, body: { error: { code: 'FailedDependency', message: 'Failed dependency.' } } });
      continue;
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    const isText = (headers['content-type'] ?? '').toLowerCase().startsWith('text/plain');
    const out = await execute(ctx, principal, {
      method: String(r.method),
      target: String(r.url).replace(/^\/?(v1\.0\/)?/i, ''),
      headers, // sub-requests carry their own headers only (ConsistencyLevel, Prefer …)
      body: isText ? null : (r.body ?? null),
      rawBody: isText ? String(r.body ?? '') : null,
      linkBase: inc.linkBase,
    });
    statusById.set(id, out.status);
    const entry: Record<string, unknown> = { id, status: out.status, headers: { ...out.headers } };
    if (out.body instanceof GraphError) {
      const rid = String(inc.headers['client-request-id'] ?? id);
      entry.body = JSON.parse(errorBody(out.body, ctx.store.clock.now(), rid, rid));
      (entry.headers as Record<string, string>)['Content-Type'] = 'application/json';
    } else if (typeof out.body === 'string') {
      entry.body = Buffer.from(out.body).toString('base64');
      (entry.headers as Record<string, string>)['Content-Type'] = out.contentType ?? 'text/plain';
    } else if (out.body !== undefined) {
      entry.body = out.body;
      (entry.headers as Record<string, string>)['Content-Type'] = 'application/json';
    }
    responses.push(entry);
  }
  return { status: 200, headers: {}, body: { responses } };
}
