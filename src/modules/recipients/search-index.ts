// Keeps SQLite's recipient search index (migration 0011_recipient_search) in step. Writers only
// note changed rows in recipients_search_pending (triggers); this moves them into the FTS5 index
// in short transactions, off the writers' path: a directory sync of 100,000 users does not pay
// for the index while it runs (bench:import measured four times its storage time when it did).
// Searches stay exact meanwhile: they test pending rows directly (repository.ts).
// PostgreSQL maintains its GIN index itself, so everything here is a no-op there.
import { sql } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import type { Schedule } from '../../jobs/definition.js';
import { breathe } from '../../lib/breathe.js';

/** Rows per transaction: short enough that an administrator's write waits at most a moment. */
export const SEARCH_INDEX_CHUNK = 1000;

export class SearchIndexer {
  constructor(private readonly handle: DbHandle) {}

  /** Indexes up to `limit` pending rows in one transaction; returns how many it took. */
  async catchUp(limit = SEARCH_INDEX_CHUNK): Promise<number> {
    if (this.handle.kind !== 'sqlite') return 0;
    return this.handle.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ hi: number | null; n: number }>`
        select max(recipient_rowid) as hi, count(*) as n from (
          select recipient_rowid from recipients_search_pending order by recipient_rowid limit ${limit})`.execute(trx);
      const hi = rows[0]?.hi;
      if (hi === null || hi === undefined) return 0;
      // Drop the stale entries (changed or deleted rows), then index what the rows hold now.
      await sql`delete from recipients_fts where rowid in (
        select recipient_rowid from recipients_search_pending where recipient_rowid <= ${hi})`.execute(trx);
      // Names folded as a search folds them (bw_lower, db/search-fold.ts); email keys are lower case.
      await sql`insert into recipients_fts (rowid, email_key, display_name, first_name, last_name)
        select r.rowid, r.email_key, bw_lower(r.display_name), bw_lower(r.first_name), bw_lower(r.last_name)
        from recipients r
        where r.rowid in (select recipient_rowid from recipients_search_pending where recipient_rowid <= ${hi})`.execute(
        trx,
      );
      await sql`delete from recipients_search_pending where recipient_rowid <= ${hi}`.execute(trx);
      return Number(rows[0]?.n ?? 0);
    });
  }

  /** Indexes everything pending, chunk by chunk; returns the number of rows. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.catchUp(); n > 0; n = await this.catchUp()) total += n;
    return total;
  }

  /** Re-indexes every recipient (after something renumbered rowids, such as a VACUUM). */
  async rebuild(): Promise<number> {
    if (this.handle.kind !== 'sqlite') return 0;
    await this.handle.db.transaction().execute(async (trx) => {
      await sql`delete from recipients_fts`.execute(trx);
      await sql`insert or ignore into recipients_search_pending (recipient_rowid, client_id)
        select rowid, client_id from recipients`.execute(trx);
    });
    return this.drain();
  }
}

/**
 * Every worker indexes what writers left pending, a chunk per transaction with a turn of the event
 * loop between chunks, for at most `budgetMs` per run (an import's 100,000 rows take a few runs).
 * Two workers may run it at once: SQLite serialises their transactions and each takes what the
 * other left.
 */
export const searchIndexSchedule = (indexer: SearchIndexer, budgetMs = 1500): Schedule => ({
  name: 'recipients-search-index',
  everyMs: 2000,
  async run() {
    const until = Date.now() + budgetMs;
    let total = 0;
    for (let n = await indexer.catchUp(); n > 0 && Date.now() < until; n = await indexer.catchUp()) {
      total += n;
      await breathe();
    }
    return total;
  },
});
