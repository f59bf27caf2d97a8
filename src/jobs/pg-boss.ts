// pg-boss on PostgreSQL: several worker processes share the queues. pg-boss keeps its own
// schema (pgboss) next to ours and creates it on first start.
import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../db/connection.js';
import type { Logger } from '../lib/logger.js';
import type { EnqueueOptions, JobHandler, JobQueue, JobRunner, RegisterOptions } from './queue.js';

/** "stately": at most one queued and one active job per singleton key — one sync per import at a time. */
const queueOptions = (singleton: boolean | undefined) => ({
  policy: singleton ? 'stately' : 'standard',
  retryLimit: 5,
  retryDelay: 5,
  retryBackoff: true,
  // pg-boss has no heartbeat: a job whose worker died is retried once it expires.
  expireInSeconds: 15 * 60,
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
        if (!(await this.boss.getQueue(queue)))
          await this.boss.createQueue(queue, queueOptions(singleton) as PgBoss.Queue);
      });
      this.queues.set(queue, q);
    }
    return q;
  }

  async enqueue(trx: Db, queue: string, payload: Record<string, unknown>, opts: EnqueueOptions = {}) {
    await this.ensure(queue, Boolean(opts.singletonKey));
    const db = {
      executeSql: async (text: string, values: unknown[]) => {
        const r = await trx.executeQuery(CompiledQuery.raw(text, values));
        return { rows: r.rows };
      },
    };
    return this.boss.send(queue, payload, {
      db,
      singletonKey: opts.singletonKey,
      startAfter: opts.startAfterSeconds,
      retryLimit: opts.maxAttempts !== undefined ? opts.maxAttempts - 1 : undefined,
    } as PgBoss.SendOptions);
  }

  async close(): Promise<void> {
    if (this.ready) await this.boss.stop({ graceful: false, wait: true, timeout: 5_000 }).catch(() => undefined);
  }
}

export class PgBossRunner implements JobRunner {
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly options = new Map<string, RegisterOptions>();
  private readonly abort = new AbortController();

  constructor(url: string, logger: Logger) {
    this.boss = new PgBoss({ connectionString: url, application_name: 'baitwise-worker' });
    this.boss.on('error', (err: Error) => logger.error({ err }, 'pg-boss error'));
  }

  register(queue: string, handler: JobHandler, opts: RegisterOptions = {}): void {
    this.handlers.set(queue, handler);
    this.options.set(queue, opts);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const [queue, handler] of this.handlers) {
      if (!(await this.boss.getQueue(queue))) {
        await this.boss.createQueue(queue, queueOptions(this.options.get(queue)?.singleton) as PgBoss.Queue);
      }
      await this.boss.work<Record<string, unknown>>(queue, { pollingIntervalSeconds: 0.5 }, async (jobs) => {
        for (const job of jobs) {
          await handler(job.data, { jobId: job.id, attempt: 1, signal: this.abort.signal });
        }
      });
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }
}
