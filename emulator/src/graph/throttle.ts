// Injected faults and Graph's throttling models (MICROSOFT.md §3.7), all driven by store.faults
// and store.clock so tests can provoke and then outwait them deterministically.
import type { Store } from '../model.js';
import { GraphError } from './errors.js';

export type Workload = 'directory' | 'mail';

interface ThrottleState {
  calls: number;
  buckets: Map<string, { tokens: number; at: number }>;
  concurrent: Map<string, number>;
  windows: Map<string, number[]>;
}
const states = new WeakMap<Store, ThrottleState>();
function state(store: Store): ThrottleState {
  let s = states.get(store);
  if (!s) {
    s = { calls: 0, buckets: new Map(), concurrent: new Map(), windows: new Map() };
    states.set(store, s);
  }
  return s;
}

const tooMany = (w: Workload, retryAfter: number, message?: string, extra: Record<string, string> = {}) =>
  new GraphError(
    429,
    w === 'mail' ? 'ApplicationThrottled' : 'TooManyRequests',
    message ??
      (w === 'mail'
        ? 'Application is over its MailboxConcurrency limit.'
        : 'Too many requests. Please try again later.'),
    { 'Retry-After': String(retryAfter), ...extra },
  );

/** The every-n-th 429/503 faults; counted over all authenticated Graph calls. */
export function injectedFault(store: Store, w: Workload): void {
  const f = store.faults;
  const s = state(store);
  s.calls += 1;
  if (f.graphThrottleEvery > 0 && s.calls % f.graphThrottleEvery === 0) {
    throw tooMany(
      w,
      f.graphRetryAfterSeconds,
      w === 'mail' ? 'Application is over its MailboxConcurrency limit.' : undefined,
    );
  }
  if (f.graph503Every > 0 && s.calls % f.graph503Every === 0) {
    throw new GraphError(503, 'serviceNotAvailable', 'Service unavailable, please retry later.', {
      'Retry-After': String(f.graphRetryAfterSeconds),
    });
  }
}

/** Resource-unit cost of a directory request (throttling-limits: identity and access). */
export function directoryCost(path: string, query: URLSearchParams): number {
  let cost = 1;
  if (/^users\/?$/i.test(path) || /^users\/delta$/i.test(path)) cost = 2;
  else if (/\/members(\/|$)/i.test(path)) cost = 3;
  else if (/\/transitiveMembers(\/|$)/i.test(path)) cost = 5;
  const keys = [...query.keys()].map((k) => k.toLowerCase());
  if (keys.includes('$select')) cost -= 1;
  if (keys.includes('$expand')) cost += 1;
  const top = Number(query.get('$top') ?? query.get('$TOP') ?? Number.NaN);
  if (Number.isFinite(top) && top < 20) cost -= 1;
  return Math.max(1, cost);
}

/** Token bucket per app+tenant: 3,500 / 5,000 / 8,000 RU per 10 s by tenant size. */
export function chargeDirectory(store: Store, appId: string, tenantId: string, cost: number): Record<string, string> {
  const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost) };
  if (!store.faults.directoryBudget) return headers;
  const users = store.usersByTenant.get(tenantId)?.length ?? 0;
  const capacity = users < 50 ? 3500 : users <= 500 ? 5000 : 8000;
  const now = store.clock.now();
  const s = state(store);
  const key = `${appId}|${tenantId}`;
  const b = s.buckets.get(key) ?? { tokens: capacity, at: now };
  b.tokens = Math.min(capacity, b.tokens + ((now - b.at) * capacity) / 10_000);
  b.at = now;
  s.buckets.set(key, b);
  if (b.tokens < cost) {
    const retryAfter = Math.max(1, Math.ceil(((cost - b.tokens) * 10_000) / capacity / 1000));
    throw tooMany('directory', retryAfter, 'Too many requests. Please try again later.', {
      ...headers,
      'x-ms-throttle-scope': `Tenant_Application/Read/${appId}/${tenantId}`,
      'x-ms-throttle-information': 'ResourceUnitLimitExceeded',
      'x-ms-throttle-limit-percentage': '1.0',
    });
  }
  b.tokens -= cost;
  const used = 1 - b.tokens / capacity;
  if (used >= 0.8) headers['x-ms-throttle-limit-percentage'] = used.toFixed(1);
  return headers;
}

/**
 * Outlook limits per app and mailbox: 4 concurrent requests, 10,000 per 10 minutes (or the scaled
 * faults.mailboxLimits). Returns a release function the router calls when the response is done.
 */
export function enterMailbox(store: Store, appId: string, mailboxId: string): () => void {
  if (!store.faults.outlookLimits) return () => {};
  const s = state(store);
  const key = `${appId}|${mailboxId}`;
  const { graphRequests, graphWindowSeconds, graphConcurrent } = store.faults.mailboxLimits;
  const windowMs = graphWindowSeconds * 1000;
  const now = store.clock.now();
  const win = s.windows.get(key) ?? [];
  s.windows.set(key, win);
  // timestamps are appended in clock order, so expired ones are at the front
  let expired = 0;
  while (expired < win.length && win[expired]! <= now - windowMs) expired++;
  if (expired) win.splice(0, expired);
  if (win.length >= graphRequests) {
    const retryAfter = Math.max(1, Math.ceil((win[0]! + windowMs - now) / 1000));
    throw tooMany('mail', retryAfter, 'Application is over its MailboxRequests limit.');
  }
  const cur = s.concurrent.get(key) ?? 0;
  if (cur >= graphConcurrent) throw tooMany('mail', 1);
  win.push(now);
  s.concurrent.set(key, cur + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.concurrent.set(key, (s.concurrent.get(key) ?? 1) - 1);
  };
}
