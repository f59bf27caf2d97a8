// recipients_name_idx (client_id, display_name, id) is a prefix of recipients_search_idx
// (0005), which serves the same sort and seeks: every lookup it served, the wider index serves
// too (bench:recipients measured the same latencies without it). Each index on a random key
// costs an import a b-tree insert per user and, on SQLite, a rewrite of most of its leaf pages
// per commit; this one bought nothing for that.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('recipients_name_idx').execute();
}
