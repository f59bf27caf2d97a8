// The embedded job runner: a `jobs` table polled by the process that serves HTTP. Claiming is a
// single UPDATE … WHERE state='queued', so two pollers never take the same job; a job whose
// process died is retried once its lease (locked_until) expires.
//
// The lease is renewed while the handler runs, so a long job is never claimed a second time by
// another process sharing the database file (`baitwise serve` and `baitwise worker` on one SQLite
// file). The lease value doubles as a fencing token: every write about a claimed job requires
// locked_until to be the value this runner last set, so a runner that lost its claim (stalled past
// the lease) learns it, aborts its handler and overwrites nothing.

import type { Static, TSchema } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { newId, nowIso } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { checkedHandler, type JobDefinition, type JobType, type RawJobHandler } from './definition.js';
import { type EnqueueOptions, type JobQueue, type JobRunner, RescheduleJob } from './queue.js';

export interface EmbeddedRunnerOptions {
  /** how long a claim lasts without renewal (a dead process's job waits this long); renewed every third of it */
  leaseMs?: number;
  /** how often an idle runner looks for due jobs */
  pollMs?: number;
}

const LEASE_MS = 2 * 60_000;
const POLL_MS = 1_000;

export class EmbeddedQueue implements JobQueue {
  async enqueue<S extends TSchema>(trx: Db, job: JobType<S>, payload: Static<S>, opts: EnqueueOptions = {}) {
    const queue = job.queue;
    if (opts.singletonKey) {
      const waiting = await trx
        .selectFrom('jobs')
        .select('id')
        .where('queue', '=', queue)
        .where('singleton_key', '=', opts.singletonKey)
        .where('state', 'in', ['queued', 'active'])
        .executeTakeFirst();
      if (waiting) return null;
    }
    const id = newId();
    const now = nowIso();
    await trx
      .insertInto('jobs')
      .values({
        id,
        queue,
        payload: JSON.stringify(payload),
        singleton_key: opts.singletonKey ?? null,
        state: 'queued',
        attempts: 0,
        max_attempts: opts.maxAttempts ?? 5,
        run_after: new Date(Date.now() + (opts.startAfterSeconds ?? 0) * 1000).toISOString(),
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }
}

export class EmbeddedRunner implements JobRunner {
  private readonly handlers = new Map<string, RawJobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;

  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    opts: EmbeddedRunnerOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    this.pollMs = opts.pollMs ?? POLL_MS;
  }

  register<S extends TSchema>(job: JobDefinition<S>): void {
    this.handlers.set(job.type.queue, checkedHandler(job));
  }

  async start(): Promise<void> {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    // Not unref'd: a started runner is what keeps `baitwise worker` on SQLite alive (nothing else
    // holds its event loop open); stop() clears it.
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    try {
      while (!this.stopped && this.handlers.size > 0) {
        const job = await this.claim();
        if (!job) break;
        const p = this.run(job).finally(() => this.running.delete(p));
        this.running.add(p);
        await p;
      }
    } catch (err) {
      this.logger.error({ err }, 'job runner poll failed');
    }
    this.schedule(this.pollMs);
  }

  private async claim() {
    const now = nowIso();
    const candidate = await this.db
      .selectFrom('jobs')
      .select(['id'])
      .where('queue', 'in', [...this.handlers.keys()])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', now)]),
          eb.and([eb('state', '=', 'active'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_after')
      .limit(1)
      .executeTakeFirst();
    if (!candidate) return undefined;
    const lease = new Date(Date.now() + this.leaseMs).toISOString();
    return this.db
      .updateTable('jobs')
      .set({ state: 'active', locked_until: lease, attempts: sql`attempts + 1`, updated_at: now })
      .where('id', '=', candidate.id)
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb('locked_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  private async run(job: {
    id: string;
    queue: string;
    payload: string;
    attempts: number;
    max_attempts: number;
    locked_until: string | null;
  }) {
    const handler = this.handlers.get(job.queue);
    if (!handler) return;
    const lost = new AbortController();
    const lease = new JobLease(this.db, job.id, job.locked_until ?? '', this.leaseMs, () =>
      lost.abort(new Error('job lease lost')),
    );
    let outcome: { ok: true; result: unknown } | { ok: false; err: unknown };
    try {
      const result = await handler(JSON.parse(job.payload) as unknown, {
        jobId: job.id,
        attempt: job.attempts,
        signal: AbortSignal.any([this.abort.signal, lost.signal]),
      });
      outcome = { ok: true, result };
    } catch (err) {
      outcome = { ok: false, err };
    }
    const held = await lease.end();
    if (!held) {
      // Another runner has claimed the job since (this one stalled past its lease): it is theirs.
      this.logger.warn({ jobId: job.id, queue: job.queue }, 'job lease lost; leaving the job to its new owner');
      return;
    }
    const now = nowIso();
    if (outcome.ok && outcome.result instanceof RescheduleJob) {
      // Part of the work done, the rest resumable: queued again at once, behind jobs already due,
      // and the attempt given back (a slice is not a failure).
      await lease.write({
        state: 'queued',
        run_after: now,
        attempts: job.attempts - 1,
        locked_until: null,
        updated_at: now,
      });
    } else if (outcome.ok) {
      await lease.write({ state: 'completed', locked_until: null, updated_at: now });
    } else {
      const { err } = outcome;
      const failed = job.attempts >= job.max_attempts;
      // Exponential backoff between attempts: 2, 4, 8 … seconds, at most 5 minutes.
      const retryAt = new Date(Date.now() + Math.min(300, 2 ** job.attempts) * 1000).toISOString();
      this.logger.warn({ err, jobId: job.id, queue: job.queue, attempt: job.attempts }, 'job failed');
      await lease.write({
        state: failed ? 'failed' : 'queued',
        run_after: retryAt,
        locked_until: null,
        last_error: err instanceof Error ? err.message.slice(0, 2000) : 'error',
        updated_at: now,
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }
}

type JobPatch = Partial<{
  state: 'queued' | 'active' | 'completed' | 'failed';
  run_after: string;
  attempts: number;
  locked_until: string | null;
  last_error: string | null;
  updated_at: string;
}>;

/** A claimed job's lease: renewed while the handler runs; writes require it still to be ours. */
class JobLease {
  private timer: NodeJS.Timeout;
  private chain: Promise<boolean> = Promise.resolve(true);

  constructor(
    private readonly db: Db,
    private readonly id: string,
    private until: string,
    leaseMs: number,
    onLost: () => void,
  ) {
    this.timer = setInterval(() => {
      const until = new Date(Date.now() + leaseMs).toISOString();
      this.chain = this.chain.then(async (held) => {
        if (!held) return false;
        let ok: boolean;
        try {
          ok = await this.write({ locked_until: until });
        } catch {
          return true; // the database refused this once: the lease still runs; renewed next time
        }
        if (ok) this.until = until;
        else onLost();
        return ok;
      });
    }, leaseMs / 3);
    this.timer.unref();
  }

  /** Stops renewing; true while the job is still held by this runner. */
  async end(): Promise<boolean> {
    clearInterval(this.timer);
    return this.chain;
  }

  async write(patch: JobPatch): Promise<boolean> {
    const r = await this.db
      .updateTable('jobs')
      .set(patch)
      .where('id', '=', this.id)
      .where('state', '=', 'active')
      .where('locked_until', '=', this.until)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
