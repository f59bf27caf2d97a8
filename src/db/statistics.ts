// PostgreSQL plans a query from its tables' statistics, which autovacuum refreshes only once a
// tenth of a table has changed, and then on its next pass. Right after an import of 100,000
// recipients the planner still thinks the table is empty or small: bench:api measured
// contains-search at 29–35 requests/s in runs where autovacuum had not analysed the table yet,
// and 307 in one where it had. A bulk write therefore analyses what it wrote to at once (a
// sample of 30,000 rows: a few hundred milliseconds at 100,000).
//
// It vacuums them too (VACUUM (ANALYZE), one pass): an index-only scan reads a row's heap page
// unless the visibility map marks the page all-visible, and only a vacuum marks it. A search for
// a term with many matches walks the client's name index (recipients README); with 20,000 of
// 110,000 rows written since the last vacuum, one page of results read 15,000 rows from the heap,
// 6.1 ms instead of 2.1 (pgbench), and bench:api's searches swung between 227 and 565 a second
// with whether autovacuum had come by since the seed.
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
 * Vacuums and analyses `tables` after a committed write of `rows` rows (PostgreSQL; a no-op below
 * BULK_ROWS). Never inside a transaction: PostgreSQL refuses VACUUM there. The write is done
 * whatever happens here: a failure is logged, not thrown, and autovacuum will do the same later
 * as it always did.
 */
export async function refreshStatistics(
  db: Db,
  tables: readonly string[],
  rows: number,
  logger?: Logger,
): Promise<boolean> {
  if (rows < BULK_ROWS || !isPostgres(db) || tables.length === 0) return false;
  try {
    await sql`vacuum (analyze) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
    return true;
  } catch (err) {
    logger?.warn({ err, tables }, 'could not refresh table statistics after a bulk write');
    return false;
  }
}
