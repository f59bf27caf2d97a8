// Substring search over recipients' email and names through an index built for it, instead of
// scanning every row of the client with four LIKEs (bench:api: 12–15 searches/s at 100,000
// recipients before).
// - SQLite: a contentless FTS5 table with the trigram tokenizer (it folds case for every letter
//   and matches any substring of three characters or more), keyed by the recipients row's rowid.
//   Writing it inline cost an import four times its storage time (bench:import, 30,000 users:
//   15.5 s instead of 3.7 s), so triggers only note which rows changed in
//   recipients_search_pending (one small insert), and `SearchIndexer` (modules/recipients/
//   search-index.ts) moves them into the index in short transactions afterwards. A search reads
//   the index for the rows that are indexed and tests the pending rows directly, so it is exact
//   at every moment, right after any write.
//   recipients has no INTEGER PRIMARY KEY, so VACUUM may renumber its rowids: Baitwise never runs
//   it, and `SearchIndexer.rebuild` re-indexes everything if someone did.
// - PostgreSQL: pg_trgm (a trusted extension since PostgreSQL 13: the database owner may create
//   it) and a GIN index on the lower-cased searched columns joined by a newline, which a term
//   (one line) never spans; LIKE on the same expression uses it. GIN's pending list already
//   defers the index work of bulk writes.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

/** The indexed expression on PostgreSQL; repository.ts's search repeats it exactly. */
export const PG_SEARCH_EXPRESSION =
  "lower(email_key || E'\\n' || coalesce(display_name, '') || E'\\n' || coalesce(first_name, '') || E'\\n' || coalesce(last_name, ''))";

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql
      .raw(`create index recipients_trgm_idx on recipients using gin ((${PG_SEARCH_EXPRESSION}) gin_trgm_ops)`)
      .execute(db);
    return;
  }
  await sql`create virtual table recipients_fts using fts5(
    email_key, display_name, first_name, last_name,
    content='', contentless_delete=1, tokenize='trigram')`.execute(db);
  // The rows whose index entry is missing or stale; client_id says whose they are.
  await sql`create table recipients_search_pending (
    recipient_rowid integer primary key, client_id text not null)`.execute(db);
  await sql`create index recipients_search_pending_client_idx on recipients_search_pending (client_id)`.execute(db);
  const mark = (row: 'new' | 'old') =>
    `insert or ignore into recipients_search_pending (recipient_rowid, client_id) values (${row}.rowid, ${row}.client_id);`;
  await sql
    .raw(`create trigger recipients_search_insert after insert on recipients begin ${mark('new')} end`)
    .execute(db);
  await sql
    .raw(`create trigger recipients_search_delete after delete on recipients begin ${mark('old')} end`)
    .execute(db);
  // Only when a searched column changes: a sync that touches departments or enabled flags on
  // 100,000 rows leaves the index alone.
  await sql
    .raw(
      `create trigger recipients_search_update after update of email_key, display_name, first_name, last_name on recipients begin ${mark('new')} end`,
    )
    .execute(db);
  await sql`insert into recipients_search_pending (recipient_rowid, client_id) select rowid, client_id from recipients`.execute(
    db,
  );
}
