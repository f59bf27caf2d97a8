// Queries of the report intake: the add-in found by its id (the one thing a public caller names),
// reported_messages always by client id, outbox messages by token hash within the same client.
import type { Db } from '../../db/connection.js';
import type { ReportedMessagesTable } from '../../db/types.js';

export type ReportRow = ReportedMessagesTable;

export const findAddin = (db: Db, addinId: string) =>
  db
    .selectFrom('report_addin_settings as s')
    .innerJoin('clients as c', 'c.id', 's.client_id')
    .leftJoin('azure_apps as a', (j) => j.onRef('a.id', '=', 's.azure_app_id').onRef('a.client_id', '=', 's.client_id'))
    .select([
      's.client_id',
      's.addin_id',
      's.reporting_options',
      's.move_to',
      's.security_mailbox',
      's.count_unverified',
      'a.cloud',
      'a.tenant_id',
      'a.azure_client_id',
      'c.archived_at',
    ])
    .where('s.addin_id', '=', addinId)
    .executeTakeFirst();
export type AddinRow = NonNullable<Awaited<ReturnType<typeof findAddin>>>;

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
