// PostgreSQL plans a query from its tables' statistics, which autovacuum refreshes only once a
// tenth of a table has changed, and then on its next pass. Right after an import of 100,000
// recipients the planner still thinks the table is empty or small: bench:api measured
// contains-search at 29–35 requests/s in runs where autovacuum had not analysed the table yet,
// and 307 in one where it had. A bulk write therefore analyses what it wrote to at once (a
// sample of 30,000 rows: a few hundred milliseconds at 100,000).
//
// SQLite is left alone: it plans without statistics unless ANALYZE has ever run, and the list's
// plans are tuned for that (recipients/repository.ts).
import { sql } from 'kysely';
import type { Logger } from '../lib/logger.js';
import type { Db } from './connection.js';
import { isPostgres } from './engine.js';

/** Rows written at once from which statistics are refreshed. */
export const BULK_ROWS = 1000;

/**
 * Analyses `tables` after a committed write of `rows` rows (PostgreSQL; a no-op below BULK_ROWS).
 * The write is done whatever happens here: a failure is logged, not thrown, and autovacuum will
 * analyse the tables later as it always did.
 */
export async function refreshStatistics(
  db: Db,
  tables: readonly string[],
  rows: number,
  logger?: Logger,
): Promise<boolean> {
  if (rows < BULK_ROWS || !isPostgres(db) || tables.length === 0) return false;
  try {
    await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
    return true;
  } catch (err) {
    logger?.warn({ err, tables }, 'could not refresh table statistics after a bulk write');
    return false;
  }
}
