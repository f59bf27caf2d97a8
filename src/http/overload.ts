// Graceful overload. When the one thread is saturated, requests wait in the event loop's queue
// longer than any caller will: the server then works through requests whose callers have gone,
// and everyone times out (an outside probe: 197 of 197 sign-in checks timed out right after a
// flood of searches). Two rules keep it answering:
// - a request whose connection closed while it waited is dropped before any work is done;
// - while the event loop lags behind by more than `maxLagMs`, or a database read has waited that
//   long for a SQLite reader thread (reads queue there, not in the loop), API requests other than
//   sign-in, session and health get an immediate 503 with Retry-After instead of a place in the
//   queue; those priority requests read on the read-write connection, past the readers' queue.
// The lag is measured by a timer that should fire every TICK_MS: how late it fires is how long
// anything queued behind the current work waits. Once it was too late, shedding lasts for the
// Retry-After the refused callers were given, so the queue drains instead of refilling at once:
// what waits for the loop (sockets not yet read) cannot be seen until the loop gets to it.
// The readers' queue can be seen, so shedding for it lasts exactly while its oldest read has
// waited too long, looked at every tick: the queue then stays about that long and the readers
// never run dry. Shedding for a whole Retry-After left them idle once the queue had drained, and
// a flood of searches was answered at 107 a second instead of the ~176 the readers manage.
// Time is the monotonic clock (performance.now), never the wall clock: a step of the wall clock
// (NTP, a resumed VM) is not lag, and a shed deadline set before a step back would otherwise last
// as long as the step.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { urgentReads } from '../db/urgent.js';

const TICK_MS = 25;

/** Routes that stay open under load: signing in, the session, health. */
const PRIORITY = [/^\/api\/v1\/auth\//, /^\/healthz$/];

export interface OverloadOptions {
  /** event-loop lag above which non-priority API requests are refused; 0 turns shedding off */
  maxLagMs: number;
  /** seconds a refused caller is asked to wait */
  retryAfterSeconds?: number;
  /**
   * How long a database read has been waiting for a SQLite reader thread (ms): reads queue there,
   * not in the event loop, so the loop's lag alone no longer shows the server is saturated.
   */
  queuedReadMs?: () => number;
}

export function overloadGuard(app: FastifyInstance, opts: OverloadOptions): void {
  const retryAfter = opts.retryAfterSeconds ?? 1;
  let shedUntil = 0;
  let readsBehind = false;
  let expected = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    if (opts.maxLagMs > 0 && now - expected > opts.maxLagMs) shedUntil = now + retryAfter * 1000;
    readsBehind = opts.maxLagMs > 0 && (opts.queuedReadMs?.() ?? 0) > opts.maxLagMs;
    expected = now + TICK_MS;
  }, TICK_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  // Priority requests read on the read-write connection, never queued behind reader threads busy
  // with a flood (db/sqlite-readers.ts). Callback style, so the rest of the request runs inside.
  app.addHook('onRequest', (req, _reply, done) => {
    const path = req.url.split('?')[0] ?? '';
    if (PRIORITY.some((p) => p.test(path))) urgentReads(done);
    else done();
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // A connection that closed while the request waited: nobody is left to read the answer.
    if (req.raw.socket?.destroyed) {
      req.log.info({ url: req.url }, 'request dropped: the caller closed the connection while it waited');
      return reply.hijack();
    }
    if (performance.now() >= shedUntil && !readsBehind) return;
    const path = req.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') || PRIORITY.some((p) => p.test(path))) return;
    return reply
      .code(503)
      .header('retry-after', String(retryAfter))
      .send({
        error: {
          code: 'overloaded',
          message: `Baitwise is busy answering other requests. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
        },
      });
  });
}
