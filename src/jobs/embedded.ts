// The embedded job runner: a `jobs` table polled by the process that serves HTTP. Claiming is a
// single UPDATE … WHERE state='queued', so two pollers never take the same job; a job whose
// process died is retried once its lease (locked_until) expires.
import { sql } from 'kysely';
import type { Db } from '../db/connection.js';
import { newId, nowIso } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import type { EnqueueOptions, JobHandler, JobQueue, JobRunner } from './queue.js';

const LEASE_MS = 5 * 60_000;
const POLL_MS = 1_000;

export class EmbeddedQueue implements JobQueue {
  async enqueue(trx: Db, queue: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}) {
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
  private readonly handlers = new Map<string, JobHandler>();
  private timer: NodeJS.Timeout | undefined;
  private running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  register(queue: string, handler: JobHandler): void {
    this.handlers.set(queue, handler);
  }

  async start(): Promise<void> {
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
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
    this.schedule(POLL_MS);
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
    const lease = new Date(Date.now() + LEASE_MS).toISOString();
    return this.db
      .updateTable('jobs')
      .set({ state: 'active', locked_until: lease, attempts: sql`attempts + 1`, updated_at: now })
      .where('id', '=', candidate.id)
      .where((eb) => eb.or([eb('state', '=', 'queued'), eb('locked_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
  }

  private async run(job: { id: string; queue: string; payload: string; attempts: number; max_attempts: number }) {
    const handler = this.handlers.get(job.queue);
    if (!handler) return;
    try {
      await handler(JSON.parse(job.payload) as Record<string, unknown>, {
        jobId: job.id,
        attempt: job.attempts,
        signal: this.abort.signal,
      });
      await this.db
        .updateTable('jobs')
        .set({ state: 'completed', locked_until: null, updated_at: nowIso() })
        .where('id', '=', job.id)
        .execute();
    } catch (err) {
      const failed = job.attempts >= job.max_attempts;
      // Exponential backoff between attempts: 2, 4, 8 … seconds, at most 5 minutes.
      const retryAt = new Date(Date.now() + Math.min(300, 2 ** job.attempts) * 1000).toISOString();
      this.logger.warn({ err, jobId: job.id, queue: job.queue, attempt: job.attempts }, 'job failed');
      await this.db
        .updateTable('jobs')
        .set({
          state: failed ? 'failed' : 'queued',
          run_after: retryAt,
          locked_until: null,
          last_error: err instanceof Error ? err.message.slice(0, 2000) : 'error',
          updated_at: nowIso(),
        })
        .where('id', '=', job.id)
        .execute();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }
}
