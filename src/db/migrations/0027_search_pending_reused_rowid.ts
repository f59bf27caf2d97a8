// SQLite only: a recipient inserted with the rowid of one just deleted (SQLite hands out the largest
// rowid + 1 again once that row is gone) found the deleted row's pending note still there, naming
// the other client. The insert trigger of 0025 then added nothing, and the new recipient's client,
// whose searches test only its own pending rows, did not find it until the indexer ran. The insert
// trigger now gives an existing note the new row's client first. (An UPDATE of a column outside any
// unique index cannot conflict, so no conflict policy is involved; see 0025.)
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  await sql`drop trigger if exists recipients_search_insert`.execute(db);
  await sql
    .raw(
      `create trigger recipients_search_insert after insert on recipients begin
         update recipients_search_pending set client_id = new.client_id
           where recipient_rowid = new.rowid and client_id <> new.client_id;
         insert into recipients_search_pending (recipient_rowid, client_id)
           select new.rowid, new.client_id
           where not exists (select 1 from recipients_search_pending where recipient_rowid = new.rowid);
       end`,
    )
    .execute(db);
}
