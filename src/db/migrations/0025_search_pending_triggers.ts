// SQLite only: the triggers of 0011 that note a recipient whose search-index entry is stale used
// INSERT OR IGNORE, but a trigger's conflict policy gives way to that of the statement that fired
// it, and directory sync writes recipients with an upsert (ON CONFLICT DO UPDATE): a second change
// to a recipient still waiting for the indexer failed the whole run with "UNIQUE constraint
// failed: recipients_search_pending.recipient_rowid". The triggers now insert only a row that is
// not there, so there is no conflict for any policy to resolve.
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

const mark = (row: 'new' | 'old') =>
  `insert into recipients_search_pending (recipient_rowid, client_id)
     select ${row}.rowid, ${row}.client_id
     where not exists (select 1 from recipients_search_pending where recipient_rowid = ${row}.rowid);`;

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  for (const t of ['recipients_search_insert', 'recipients_search_delete', 'recipients_search_update'])
    await sql.raw(`drop trigger if exists ${t}`).execute(db);
  await sql
    .raw(`create trigger recipients_search_insert after insert on recipients begin ${mark('new')} end`)
    .execute(db);
  await sql
    .raw(`create trigger recipients_search_delete after delete on recipients begin ${mark('old')} end`)
    .execute(db);
  // Only when a searched column changes (as in 0011).
  await sql
    .raw(
      `create trigger recipients_search_update after update of email_key, display_name, first_name, last_name on recipients begin ${mark('new')} end`,
    )
    .execute(db);
}
