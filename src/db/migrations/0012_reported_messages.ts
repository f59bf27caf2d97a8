// Messages employees reported with the Outlook add-in (modules/report-addin/intake.ts): one row
// per (client, reporter, message) — the unique key makes a second report of the same message by
// the same person the same report. The message itself (up to 25 MB) is a file under
// <dataDir>/reports/<clientId>/<id>.eml, not a column: rows stay small for the incidents inbox's
// lists, and the size and SHA-256 recorded here prove the file is the one received.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reported_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('reporter_address', 'text', (c) => c.notNull()) // lower-cased; verified: Graph's /me mail or UPN
    .addColumn('reporter_object_id', 'text') // Entra object id (verified reports only)
    .addColumn('verified', 'integer', (c) => c.notNull()) // 1: the reporter's Graph token was accepted
    .addColumn('source', 'text', (c) => c.notNull()) // graph: fetched from the mailbox | addin: the add-in's EML
    .addColumn('graph_message_id', 'text') // the REST id the add-in sent (it changes when the message moves)
    .addColumn('internet_message_id', 'text', (c) => c.notNull()) // Message-ID, or sha256:<hex> when it has none
    .addColumn('subject', 'text')
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('received_at', 'text') // the message's Date header
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('eml_path', 'text', (c) => c.notNull()) // relative to the data directory
    .addColumn('reporting_option', 'text') // the option the reporter ticked (integrated dialog)
    .addColumn('free_text', 'text')
    .addColumn('outbox_message_id', 'text') // a Baitwise message, recognised by its per-message token
    .addColumn('outbox_purpose', 'text')
    .addColumn('outbox_ref_type', 'text')
    .addColumn('outbox_ref_id', 'text')
    .addColumn('counted', 'integer', (c) => c.notNull()) // 1: counts (verified, or the client counts unverified)
    .addColumn('moved_to', 'text') // deleteditems | junkemail once Baitwise moved it; null otherwise
    .addColumn('forward_status', 'text', (c) => c.notNull()) // none | sent | failed | too_large
    .addColumn('status', 'text', (c) => c.notNull()) // new (the incidents inbox moves it on)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reported_messages_unique_idx')
    .on('reported_messages')
    .columns(['client_id', 'reporter_address', 'internet_message_id'])
    .unique()
    .execute();
  // A repeated call from the add-in carries the same REST id before any Graph call can tell.
  await db.schema
    .createIndex('reported_messages_graph_id_idx')
    .on('reported_messages')
    .columns(['client_id', 'reporter_address', 'graph_message_id'])
    .execute();
  await db.schema
    .createIndex('reported_messages_inbox_idx')
    .on('reported_messages')
    .columns(['client_id', 'status', 'created_at'])
    .execute();
  await db.schema
    .createIndex('reported_messages_outbox_idx')
    .on('reported_messages')
    .columns(['client_id', 'outbox_message_id'])
    .execute();
}
