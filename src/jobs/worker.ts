// Starting the job runner that fits the database: embedded on SQLite, pg-boss on PostgreSQL.
import { directorySyncWorker } from '../modules/directory-sync/jobs.js';
import type { Runtime } from '../runtime.js';
import { EmbeddedRunner } from './embedded.js';
import { PgBossRunner } from './pg-boss.js';
import { handlers, type JobRunner } from './queue.js';

export async function startWorker(rt: Runtime): Promise<JobRunner> {
  const config = rt.config.database;
  const runner: JobRunner =
    config.kind === 'postgres' ? new PgBossRunner(config.url, rt.logger) : new EmbeddedRunner(rt.db.db, rt.logger);
  for (const [queue, handler] of handlers) runner.register(queue, handler);
  const sync = directorySyncWorker(rt);
  runner.register(sync.queue, sync.handler, sync.options);
  await runner.start();
  sync.startScheduler();
  return {
    register: (queue, handler, opts) => runner.register(queue, handler, opts),
    start: () => runner.start(),
    async stop() {
      await sync.stop();
      await runner.stop();
    },
  };
}
