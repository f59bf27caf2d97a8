// The side effects of incidents (issue #13): feedback replies to reporters and signed webhooks.
//
// `incident_feedback_settings`: per client, whether classified incidents may be answered, through
// which sending profile, and the per-verdict templates the administrator changed (JSON; a verdict
// absent there uses the built-in default). `incident_feedback_replies`: one row per reporter told
// of a verdict, unique per (incident, verdict, reporter), so the same verdict is never told twice
// while a re-classification to another verdict may reply again.
// `webhooks`: a client's endpoints, their events and their signing secret (envelope-encrypted,
// lib/secret-columns.ts). `webhook_deliveries`: one row per event sent to one webhook, the body
// exactly as signed (a retry sends the same bytes) and what the endpoint answered.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('incident_feedback_settings')
    .addColumn('client_id', 'text', (c) => c.primaryKey().references('clients.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // A deleted profile leaves the feedback without one: a reply asked for then is refused clearly.
    .addColumn('profile_id', 'text', (c) => c.references('sending_profiles.id').onDelete('set null'))
    .addColumn('templates', 'text', (c) => c.notNull()) // JSON {verdict: {subject, body}} (changed ones)
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('incident_feedback_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('reporter_address', 'text', (c) => c.notNull()) // lower-cased
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_feedback_replies_once_idx')
    .on('incident_feedback_replies')
    .columns(['client_id', 'incident_id', 'verdict', 'reporter_address'])
    .unique()
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull()) // JSON array: incident.created, incident.classified
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull()) // encrypted (SecretBox), shown once
    .addColumn('secret_rotated_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhooks_client_idx').on('webhooks').columns(['client_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey()) // ordered id: newest first by id
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull()) // incident.created | incident.classified | ping
    .addColumn('body', 'text', (c) => c.notNull()) // the JSON sent, byte for byte on every attempt
    .addColumn('status', 'text', (c) => c.notNull()) // pending | delivering | succeeded | failed | cancelled
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('lease_until', 'text') // a delivering row whose worker died is taken again after it
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_duration_ms', 'integer')
    .addColumn('response_excerpt', 'text') // at most 1 KB of the endpoint's answer
    .addColumn('last_attempt_at', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_log_idx')
    .on('webhook_deliveries')
    .columns(['client_id', 'webhook_id', 'id'])
    .execute();
}
