// The incidents inbox (modules/incidents): reports of the same message grouped into one incident,
// its timeline, and each client's retention of raw reported messages.
//
// A report joins an incident by its Message-ID (any report of the incident with that Message-ID),
// or else by its content key — sha256 of the sender, the subject and the sorted URL set — within a
// day of the incident's last report: a wave sent with a new Message-ID per recipient is one row.
// `reported_messages` gains the analysis (parsed once, JSON), the incident it joined and when its
// raw message was deleted by retention (the summary stays).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('content_key', 'text', (c) => c.notNull()) // sha256(sender | subject | sorted URLs)
    .addColumn('subject', 'text')
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('from_domain', 'text')
    .addColumn('search_text', 'text', (c) => c.notNull()) // lower-cased subject and sender, for search
    .addColumn('status', 'text', (c) => c.notNull()) // new | in_review | resolved
    .addColumn('verdict', 'text') // phishing | spam | clean | simulation; null until classified
    .addColumn('assignee_id', 'text') // operators.id
    .addColumn('report_count', 'integer', (c) => c.notNull())
    .addColumn('first_reported_at', 'text', (c) => c.notNull())
    .addColumn('last_reported_at', 'text', (c) => c.notNull())
    .addColumn('outbox_ref_type', 'text') // a Baitwise message's campaign (simulation / training)
    .addColumn('outbox_ref_id', 'text')
    .addColumn('classified_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The inbox's default order (newest report first, keyset on id), with and without a status filter.
  await db.schema
    .createIndex('incidents_inbox_idx')
    .on('incidents')
    .columns(['client_id', 'last_reported_at', 'id'])
    .execute();
  await db.schema
    .createIndex('incidents_status_idx')
    .on('incidents')
    .columns(['client_id', 'status', 'last_reported_at', 'id'])
    .execute();
  await db.schema
    .createIndex('incidents_content_idx')
    .on('incidents')
    .columns(['client_id', 'content_key', 'last_reported_at'])
    .execute();

  await db.schema
    .createTable('incident_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    // reported | viewed | classified | assigned | noted | resolved | reopened | replied
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text') // operators.id; null for Baitwise itself
    .addColumn('detail', 'text') // JSON: the verdict, the note's text, the reply's count…
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_events_incident_idx')
    .on('incident_events')
    .columns(['client_id', 'incident_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('incident_settings')
    .addColumn('client_id', 'text', (c) => c.primaryKey().references('clients.id').onDelete('cascade'))
    .addColumn('retention_days', 'integer', (c) => c.notNull()) // raw messages kept this long (default 90)
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('reported_messages').addColumn('incident_id', 'text').execute();
  await db.schema.alterTable('reported_messages').addColumn('analysis', 'text').execute(); // JSON, see incidents/analysis.ts
  await db.schema.alterTable('reported_messages').addColumn('analysed_at', 'text').execute();
  await db.schema.alterTable('reported_messages').addColumn('raw_deleted_at', 'text').execute();
  await db.schema
    .createIndex('reported_messages_incident_idx')
    .on('reported_messages')
    .columns(['client_id', 'incident_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('reported_messages_mid_idx')
    .on('reported_messages')
    .columns(['client_id', 'internet_message_id'])
    .execute();
  await db.schema
    .createIndex('reported_messages_retention_idx')
    .on('reported_messages')
    .columns(['client_id', 'raw_deleted_at', 'created_at'])
    .execute();
}
