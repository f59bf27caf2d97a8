// The job worker of a composed process: the runner that fits the database (embedded on SQLite,
// pg-boss on PostgreSQL) with every module's jobs, and every module's schedules. It knows no
// module: the composition root hands it their definitions.
import type { Container } from '../composition.js';
import { EmbeddedRunner } from './embedded.js';
import { PgBossRunner } from './pg-boss.js';
import type { JobRunner } from './queue.js';
import { startSchedules } from './schedules.js';

export interface Worker {
  stop(): Promise<void>;
}

export async function startWorker(
  c: Pick<Container, 'config' | 'db' | 'logger' | 'jobs' | 'schedules'>,
): Promise<Worker> {
  const database = c.config.database;
  const runner: JobRunner =
    database.kind === 'postgres' ? new PgBossRunner(database.url, c.logger) : new EmbeddedRunner(c.db.db, c.logger);
  for (const job of c.jobs) runner.register(job);
  await runner.start();
  const schedules = startSchedules(c.schedules, c.logger);
  return {
    async stop() {
      schedules.stop();
      await runner.stop();
    },
  };
}
