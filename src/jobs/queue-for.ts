// The queue that fits the database: the embedded jobs table on SQLite, pg-boss on PostgreSQL.
import type { DatabaseConfig } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { EmbeddedQueue } from './embedded.js';
import { PgBossQueue } from './pg-boss.js';
import type { JobQueue } from './queue.js';

export const jobQueueFor = (db: DatabaseConfig, logger?: Logger): JobQueue =>
  db.kind === 'postgres' ? new PgBossQueue(db.url, logger) : new EmbeddedQueue();
