// Indexes for the recipients list at 100,000 rows per client (measured by
// bench/recipients-list.ts):
// - recipients_search_idx covers the list's sort key and every searched column, so a search
//   ("contains", which no b-tree can seek) and its count scan this index alone instead of
//   fetching each table row, and the page's ids come from it before the rows are read;
// - recipients_job_title_idx serves the job-title filter and its facet list;
// - recipients_client_id_uq makes "client_id = ? and id in (…)" (a page's rows, fetched by id
//   with the client in the where clause) a seek on both columns: without it, SQLite (which has
//   no statistics unless ANALYZE runs) walks a client_id index through every row of the client.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('recipients_search_idx')
    .on('recipients')
    .columns(['client_id', 'display_name', 'id', 'email_key', 'first_name', 'last_name'])
    .execute();
  await db.schema
    .createIndex('recipients_client_id_uq')
    .on('recipients')
    .columns(['client_id', 'id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('recipients_job_title_idx')
    .on('recipients')
    .columns(['client_id', 'job_title'])
    .execute();
}
