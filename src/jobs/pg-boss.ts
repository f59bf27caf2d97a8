// pg-boss on PostgreSQL: several worker processes share the queues. pg-boss keeps its own
// schema (pgboss) next to ours and creates it on first start.

import type { Static, TSchema } from '@sinclair/typebox';
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../db/connection.js';
import type { Logger } from '../lib/logger.js';
import { checkedHandler, type JobDefinition, type JobType, type RawJobHandler } from './definition.js';
import { type EnqueueOptions, type JobQueue, type JobRunner, type RegisterOptions, RescheduleJob } from './queue.js';
import { setUpQueue } from './queue-setup.js';

type QueueSettings = RegisterOptions & { singleton?: boolean };

/**
 * "stately": at most one queued and one active job per singleton key — one sync per import at a
 * time (a job in 'retry' has a slot of its own). A failed job is retried after 5–10 s, then
 * 10–20 s, 20–40 s … (pg-boss's backoff with jitter).
 */
const queueOptions = (opts: QueueSettings = {}) => ({
  policy: opts.singleton ? 'stately' : 'standard',
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  // pg-boss has no heartbeat: a job whose worker died is retried once it expires, so a queue
  // whose jobs are short (time-sliced) says so and comes back from a crash within minutes.
  expireInSeconds: opts.expireInSeconds ?? 15 * 60,
});

/**
 * Sending through pg-boss inside the caller's Kysely transaction (pg-boss's `db` option), so the
 * job exists exactly when the change that needs it commits. pg-boss creates its schema on start,
 * and `send` writes nothing to a queue that does not exist: both happen once, before the first send.
 */
export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  private ready: Promise<void> | undefined;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(url: string, logger?: Logger) {
    this.boss = new PgBoss({
      connectionString: url,
      application_name: 'baitwise',
      supervise: false,
      schedule: false,
      max: 2,
    });
    this.boss.on('error', (err: Error) => logger?.error({ err }, 'pg-boss error'));
  }

  private ensure(queue: string, singleton: boolean): Promise<void> {
    this.ready ??= this.boss.start().then(() => undefined);
    let q = this.queues.get(queue);
    if (!q) {
      q = this.ready.then(async () => {
        await setUpQueue(this.boss, queue, queueOptions({ singleton }) as PgBoss.Queue, false);
      });
      this.queues.set(queue, q);
    }
    return q;
  }

  async enqueue<S extends TSchema>(trx: Db, job: JobType<S>, payload: Static<S>, opts: EnqueueOptions = {}) {
    const queue = job.queue;
    await this.ensure(queue, Boolean(job.singleton ?? opts.singletonKey));
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await trx.executeQuery(CompiledQuery.raw(text, values));
        return { rows: r.rows };
      },
    };
    return this.boss.send(
      queue,
      payload as object,
      // Only the options given: pg-boss refuses a key present with the value undefined.
      {
        db,
        ...(opts.singletonKey !== undefined ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterSeconds !== undefined ? { startAfter: opts.startAfterSeconds } : {}),
        ...(opts.maxAttempts !== undefined ? { retryLimit: opts.maxAttempts - 1 } : {}),
      } as PgBoss.SendOptions,
    );
  }

  async close(): Promise<void> {
    if (this.ready) await this.boss.stop({ graceful: false, wait: true, timeout: 5_000 }).catch(() => undefined);
  }
}

/** How often pg-boss looks for expired jobs at most (its default is every 2 minutes). */
const MAINTENANCE_MAX_SECONDS = 30;

export interface PgBossRunnerOptions {
  /** how often an idle worker polls its queues */
  pollingIntervalSeconds?: number;
}

export class PgBossRunner implements JobRunner {
  private boss: PgBoss | undefined;
  private readonly handlers = new Map<string, RawJobHandler>();
  private readonly options = new Map<string, QueueSettings>();
  private readonly abort = new AbortController();
  private readonly polling: number;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    opts: PgBossRunnerOptions = {},
  ) {
    this.polling = opts.pollingIntervalSeconds ?? 0.5;
  }

  register<S extends TSchema>(job: JobDefinition<S>): void {
    this.handlers.set(job.type.queue, checkedHandler(job));
    this.options.set(job.type.queue, { singleton: job.type.singleton, ...job.options });
  }

  async start(): Promise<void> {
    // Expired jobs (a dead worker's) are found by pg-boss's maintenance, which runs often enough
    // here that a short expiry means a short wait. Created at start: it depends on the queues.
    const boss = new PgBoss({
      connectionString: this.url,
      application_name: 'baitwise-worker',
      maintenanceIntervalSeconds: this.maintenanceSeconds(),
    });
    boss.on('error', (err: Error) => this.logger.error({ err }, 'pg-boss error'));
    this.boss = boss;
    await boss.start();
    for (const [queue, handler] of this.handlers) {
      const options = queueOptions(this.options.get(queue)) as PgBoss.Queue;
      // Created by whoever comes first (an API process sending, or a worker); the worker's
      // settings win, so a changed expiry reaches a queue created by an older version.
      await setUpQueue(boss, queue, options, true);
      await boss.work<Record<string, unknown>>(
        queue,
        { pollingIntervalSeconds: this.polling, includeMetadata: true },
        async (jobs) => {
          for (const job of jobs) await this.run(boss, queue, handler, job);
        },
      );
    }
  }

  private maintenanceSeconds(): number {
    const expiries = [...this.options.values()].map((o) => o.expireInSeconds ?? MAINTENANCE_MAX_SECONDS);
    return Math.max(1, Math.min(MAINTENANCE_MAX_SECONDS, ...expiries.map((e) => Math.floor(e / 3))));
  }

  private async run(
    boss: PgBoss,
    queue: string,
    handler: RawJobHandler,
    job: PgBoss.JobWithMetadata<Record<string, unknown>>,
  ) {
    const result = await handler(job.data, {
      jobId: job.id,
      attempt: job.retryCount + 1,
      signal: this.abort.signal,
    });
    if (!(result instanceof RescheduleJob)) return;
    // The rest of the work as a new job, then this one completes. Sent outside any transaction of
    // ours: the work is already recorded (the run and its cursor are committed), and the first job
    // was enqueued with it, so if this send is lost (the process dies right here) this job expires
    // and is retried, and that retry resumes the work. A stately queue accepts the new job while
    // this one is still active (one created + one active per key); refused (null), a job for the
    // key is already waiting and will resume the work.
    const next = await boss.send(queue, job.data, {
      singletonKey: job.singletonKey ?? undefined,
      priority: job.priority,
      retryLimit: job.retryLimit,
    });
    this.logger.debug({ queue, jobId: job.id, next, reason: result.reason }, 'job rescheduled');
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.boss?.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
}
