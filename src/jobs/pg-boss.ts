// pg-boss on PostgreSQL: several worker processes share the queues. pg-boss keeps its own
// schema (pgboss) next to ours and creates it on first start.
import PgBoss from 'pg-boss';
import type { Logger } from '../lib/logger.js';
import type { JobHandler, JobRunner } from './queue.js';

export class PgBossRunner implements JobRunner {
  private readonly boss: PgBoss;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly abort = new AbortController();

  constructor(url: string, logger: Logger) {
    this.boss = new PgBoss({ connectionString: url, application_name: 'baitwise-worker' });
    this.boss.on('error', (err: Error) => logger.error({ err }, 'pg-boss error'));
  }

  register(queue: string, handler: JobHandler): void {
    this.handlers.set(queue, handler);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const [queue, handler] of this.handlers) {
      await this.boss.createQueue(queue);
      await this.boss.work<Record<string, unknown>>(queue, async (jobs) => {
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
