// Which engine a Kysely instance (or transaction) runs on, for the few statements whose SQL the
// two engines spell differently (aggregates, JSON, full-text search).
import { PostgresAdapter } from 'kysely';
import type { Db } from './connection.js';

export type Engine = 'sqlite' | 'postgres';

export const engineOf = (db: Db): Engine =>
  db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';

export const isPostgres = (db: Db): boolean => engineOf(db) === 'postgres';
