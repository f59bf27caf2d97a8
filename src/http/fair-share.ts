// Per-client fairness. One client's automation flooding the API must not starve the other clients'
// administrators, nor one script the people of its own client: every authenticated API request
// takes a token from two buckets — its actor's (an API token or a session, by the credential it
// carries) and, for a route of one client (/clients/:clientId/…), that client's. An empty bucket answers 429 `rate_limited` with
// Retry-After at once, before the route does any work, so a flood costs little more than its
// refusals and the others' requests keep their place.
//
// Token buckets: the limit per second, evenly, after a burst of two seconds' worth.
// Sign-in, the session and health are never limited here (sign-in has its own lockout). The buckets
// are per process; several Baitwise servers behind a balancer each allow the limit.
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { RateLimitedError } from '../lib/errors.js';
import { SESSION_COOKIE } from './authenticate.js';

/** A bucket holds this many seconds of its rate: the burst an idle actor may send at once. */
const BURST_S = 2;
const EXEMPT = [/^\/api\/v1\/auth\//];
const MAX_BUCKETS = 50_000;

export interface FairShareOptions {
  /** requests per second per actor (API token or session); 0: no limit */
  perActor: number;
  /** requests per second per client, all its actors together; 0: no limit */
  perClient: number;
}

class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.capacity = perSecond * BURST_S;
  }

  /** 0 when a token was taken, else the seconds until one is there. */
  take(key: string): number {
    const t = this.now();
    const rate = this.perSecond / 1000; // tokens per ms
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.prune(t, rate);
      b = { tokens: this.capacity, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.capacity, b.tokens + (t - b.at) * rate);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }

  /** Full buckets hold nothing worth keeping. */
  private prune(t: number, rate: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + (t - b.at) * rate >= this.capacity) this.buckets.delete(k);
  }
}

/** The longest a refusal is held back (see refuse). */
const TARPIT_MS = 1000;

/**
 * A 429, answered after up to a second instead of at once. A client that ignores Retry-After and
 * asks again the moment it is refused (a script's retry loop, 200 connections of it) would
 * otherwise have the server answer thousands of refusals a second — measured: 4,000 a second,
 * enough work on the one thread to slow every other client's requests to seconds. Held back, each
 * of its connections is refused at most once a second; a waiting timer costs no CPU.
 */
async function refuse(waitSeconds: number): Promise<never> {
  await new Promise((r) => setTimeout(r, Math.min(TARPIT_MS, waitSeconds * 1000)).unref());
  throw new RateLimitedError(waitSeconds);
}

/**
 * Two hooks. `credentials`, registered before the overload guard and authentication: the actor's
 * bucket, keyed by the credential the request carries (the API token, or the session cookie) — no
 * database work, so a flood's excess is refused for almost nothing and does not push the server
 * into shedding everyone's requests. A made-up credential only spends its own bucket (and then
 * fails authentication). `clients`, registered after authentication: the client's bucket, which only
 * an actor allowed to see that client can spend.
 */
export function fairShare(
  opts: FairShareOptions,
  now: () => number = performance.now.bind(performance),
): { credentials: onRequestHookHandler; clients: onRequestHookHandler } {
  const actors = opts.perActor > 0 ? new Buckets(opts.perActor, now) : null;
  const clients = opts.perClient > 0 ? new Buckets(opts.perClient, now) : null;
  const limited = (req: FastifyRequest) => {
    const access = req.routeOptions.config?.access;
    if (access === undefined || access === 'public') return false; // console assets, public endpoints
    const path = req.url.split('?')[0] ?? '';
    return !EXEMPT.some((p) => p.test(path));
  };
  return {
    credentials: async (req: FastifyRequest) => {
      if (!actors || !limited(req)) return;
      const auth = req.headers.authorization;
      const credential = typeof auth === 'string' && auth ? auth : req.cookies?.[SESSION_COOKIE];
      if (!credential) return; // authentication refuses it
      const wait = actors.take(credential);
      if (wait > 0) await refuse(wait);
    },
    clients: async (req: FastifyRequest) => {
      if (!clients || !req.actor || !limited(req)) return;
      const clientId = (req.params as Record<string, unknown> | undefined)?.clientId;
      if (typeof clientId !== 'string') return;
      const wait = clients.take(clientId);
      if (wait > 0) await refuse(wait);
    },
  };
}
