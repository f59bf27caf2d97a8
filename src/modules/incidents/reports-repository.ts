// Queries of reported_messages, the incidents module's table of every report received (from the
// Outlook add-in, and from a reporting mailbox): always by client id; outbox messages by token hash
// within the same client.
import type { Db } from '../../db/connection.js';
import type { ReportedMessagesTable } from '../../db/types.js';

export type ReportRow = ReportedMessagesTable;

export const findByGraphId = (db: Db, clientId: string, reporter: string, graphId: string) =>
  db
    .selectFrom('reported_messages')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('reporter_address', '=', reporter)
    .where('graph_message_id', '=', graphId)
    .executeTakeFirst();

export const findByMessageId = (db: Db, clientId: string, reporter: string, internetMessageId: string) =>
  db
    .selectFrom('reported_messages')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('reporter_address', '=', reporter)
    .where('internet_message_id', '=', internetMessageId)
    .executeTakeFirst();

/** false when the same reporter's report of the same message is there already (idempotency). */
export async function insertReport(db: Db, row: ReportRow): Promise<boolean> {
  const r = await db
    .insertInto('reported_messages')
    .values(row)
    .onConflict((oc) => oc.columns(['client_id', 'reporter_address', 'internet_message_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

export const updateReport = (
  db: Db,
  clientId: string,
  id: string,
  patch: Partial<Pick<ReportRow, 'moved_to' | 'forward_status' | 'updated_at'>>,
) => db.updateTable('reported_messages').set(patch).where('client_id', '=', clientId).where('id', '=', id).execute();

export const outboxByTokenHash = (db: Db, clientId: string, hashes: string[]) =>
  hashes.length === 0
    ? Promise.resolve(undefined)
    : db
        .selectFrom('outbox_messages')
        .select(['id', 'purpose', 'ref_type', 'ref_id'])
        .where('client_id', '=', clientId)
        .where('token_hash', 'in', hashes)
        .executeTakeFirst();
