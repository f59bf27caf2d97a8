// PostgreSQL only: the searched text of a recipient (0011's expression: email key and names,
// lower-cased, joined by newlines) is stored in the row as a generated column, and both search
// indexes hold the stored text instead of computing it:
// - the trigram index is on the column (the same trigrams as the expression's);
// - recipients_search_idx is (client_id, display_name, id) with the text as an included column,
//   so a dense term's page, which walks the client in name order testing each row until it has
//   a page, tests a stored string. Before, each row's four columns were joined and lower-cased
//   first: pgbench on bench:api's 100,000 recipients, a page of "hloe" (15,000 rows walked)
//   8.3 → 2.1 ms, "ülle" 2.1 → 0.6, "okaf" 2.9 → 0.8; terms the trigram index answers were
//   already cheap (0.15–0.18 ms).
// The table is rewritten once to fill the column (2.7 s at 110,000 rows). SQLite searches
// through its own FTS5 index (0011, 0028) and is left alone.
import { type Kysely, sql } from 'kysely';
import { PG_SEARCH_EXPRESSION } from './0011_recipient_search.js';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql
    .raw(`alter table recipients add column search_text text generated always as (${PG_SEARCH_EXPRESSION}) stored`)
    .execute(db);
  await sql`drop index recipients_trgm_idx`.execute(db);
  await sql`create index recipients_trgm_idx on recipients using gin (search_text gin_trgm_ops)`.execute(db);
  await sql`drop index recipients_search_idx`.execute(db);
  await sql`create index recipients_search_idx on recipients (client_id, display_name, id) include (search_text)`.execute(
    db,
  );
}
