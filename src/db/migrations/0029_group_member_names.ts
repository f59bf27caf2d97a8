// A page of a group's recipients is read in the list's order (display name, then id). The members
// table knew only ids, so a page walked the client's name index and probed membership row by row:
// about 510 rows and probes for a page of a group of 10,000 in 100,000 recipients (PostgreSQL
// 2.4 ms a page under load against 0.5 for a first page; the slowest list route on SQLite too).
// Each membership now carries its recipient's display name, with an index in page order, so such a
// page is one bounded range scan of the group's members.
//
// The copy is kept by triggers, not by the writers: memberships are written by the console, the
// CSV import and directory sync, and display names by those and by manual edits, and a copy that
// one writer forgot would put a recipient on the wrong page. A membership takes the name when it
// is inserted; a rename updates the recipient's memberships. One writer gives the name itself:
// directory sync, which writes the recipient's row just before in the same transaction. On SQLite
// the insert trigger then does nothing (it can only fill the name by rewriting the row it follows,
// and the page index's entry with it: about 0.5 s of a 100,000-user import into a group);
// PostgreSQL's sets it before the row is written, at the cost of one lookup, whoever inserts. No
// code updates the column (its type in db/types.ts allows no update).
import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: see 0001_foundation.ts
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('recipient_group_members').addColumn('display_name', 'text').execute();
  await sql`update recipient_group_members set display_name = (select r.display_name from recipients as r
    where r.id = recipient_group_members.recipient_id and r.client_id = recipient_group_members.client_id)`.execute(db);
  // Led by the group, and not covering: SQLite keeps no statistics here and prefers a covering
  // index. One starting (client_id, …) was its pick for every lookup of a recipient's groups (each
  // row of every page then scanned the client's 10,000 memberships: a first page 27 ms instead of
  // 1), and one holding client_id at its end won over the primary key (group_id, recipient_id) for
  // "which of these are members" (the group's members scanned per 500 ids). The page reads the
  // client of each of its 51 keys from the row.
  await db.schema
    .createIndex('recipient_group_members_page_idx')
    .on('recipient_group_members')
    .columns(['group_id', 'display_name', 'recipient_id'])
    .execute();

  if (dialect === 'sqlite') {
    // SQLite's triggers cannot change the row being inserted: the membership is updated after.
    await sql
      .raw(
        `create trigger recipient_group_members_name_insert after insert on recipient_group_members
           when new.display_name is null begin
           update recipient_group_members set display_name =
             (select r.display_name from recipients as r where r.id = new.recipient_id and r.client_id = new.client_id)
           where group_id = new.group_id and recipient_id = new.recipient_id;
         end`,
      )
      .execute(db);
    await sql
      .raw(
        `create trigger recipients_name_to_members after update of display_name on recipients
           when old.display_name is not new.display_name begin
           update recipient_group_members set display_name = new.display_name
           where client_id = new.client_id and recipient_id = new.id;
         end`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(
      `create function recipient_group_members_name() returns trigger language plpgsql as $$
       begin
         new.display_name := (select r.display_name from recipients as r
           where r.id = new.recipient_id and r.client_id = new.client_id);
         return new;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger recipient_group_members_name_insert before insert on recipient_group_members
       for each row execute function recipient_group_members_name()`,
    )
    .execute(db);
  await sql
    .raw(
      `create function recipients_name_to_members() returns trigger language plpgsql as $$
       begin
         update recipient_group_members set display_name = new.display_name
         where client_id = new.client_id and recipient_id = new.id;
         return null;
       end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger recipients_name_to_members after update of display_name on recipients
       for each row when (old.display_name is distinct from new.display_name)
       execute function recipients_name_to_members()`,
    )
    .execute(db);
}
