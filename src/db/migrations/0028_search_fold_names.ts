// SQLite only: the trigram index now holds names folded as a search folds them (db/search-fold.ts:
// U+0130 "İ" as a plain "i"). Every recipient is noted as pending, so the indexer writes its entry
// again; until it has, searches test those rows directly and stay exact.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await sql`insert into recipients_search_pending (recipient_rowid, client_id)
    select r.rowid, r.client_id from recipients r
    where not exists (select 1 from recipients_search_pending p where p.recipient_rowid = r.rowid)`.execute(db);
}
