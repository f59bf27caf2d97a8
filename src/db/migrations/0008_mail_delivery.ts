// Mail delivery: sending profiles (how a client's mail leaves: an SMTP relay, Office 365 SMTP with
// OAuth2, or Microsoft Graph) with their limits and shared pacing state, the outbox (one row per
// message, the only way mail leaves Baitwise), the content that messages render from, and the
// per-client key that derives each message's opaque token.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sending_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // smtp | office365 | graph
    .addColumn('from_address', 'text') // null for office365/graph: the mailbox sends
    .addColumn('from_name', 'text')
    .addColumn('smtp_host', 'text')
    .addColumn('smtp_port', 'integer')
    .addColumn('smtp_security', 'text') // none | starttls | tls
    .addColumn('smtp_tls_verify', 'integer') // 0 only for a relay with a private or self-signed certificate
    .addColumn('smtp_username', 'text')
    .addColumn('smtp_password', 'text') // envelope-encrypted
    .addColumn('dkim_domain', 'text')
    .addColumn('dkim_selector', 'text')
    .addColumn('dkim_private_key', 'text') // envelope-encrypted
    .addColumn('custom_headers', 'text', (c) => c.notNull()) // JSON [{name, value}]
    .addColumn('azure_app_id', 'text', (c) => c.references('azure_apps.id').onDelete('set null'))
    .addColumn('mailbox', 'text') // office365/graph: a shared mailbox to send as; null = the consenting account
    .addColumn('per_minute', 'integer', (c) => c.notNull())
    .addColumn('per_day', 'integer', (c) => c.notNull())
    .addColumn('concurrency', 'integer', (c) => c.notNull())
    .addColumn('learned_per_minute', 'integer') // lowered after a 429: what the server really takes
    .addColumn('next_slot_at', 'text', (c) => c.notNull()) // pacing shared by every worker
    .addColumn('day', 'text', (c) => c.notNull()) // UTC date of day_recipients
    .addColumn('day_recipients', 'integer', (c) => c.notNull())
    .addColumn('paused_until', 'text')
    .addColumn('pause_reason', 'text') // JSON {code, message, at}
    .addColumn('throttled_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('in_doubt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sending_profiles_client_name_idx')
    .on('sending_profiles')
    .columns(['client_id', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('outbox_contents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull()) // Liquid templates, rendered per message
    .addColumn('html', 'text')
    .addColumn('text', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_contents_client_idx').on('outbox_contents').column('client_id').execute();

  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('profile_id', 'text', (c) => c.notNull().references('sending_profiles.id').onDelete('cascade'))
    .addColumn('content_id', 'text', (c) => c.notNull().references('outbox_contents.id').onDelete('cascade'))
    .addColumn('recipient_id', 'text')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('to_name', 'text')
    .addColumn('variables', 'text', (c) => c.notNull()) // JSON, the template's context
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('ref_type', 'text')
    .addColumn('ref_id', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull()) // RFC 5322 Message-ID, fixed at enqueue
    .addColumn('token_hash', 'text', (c) => c.notNull()) // SHA-256 of the per-message token
    .addColumn('status', 'text', (c) => c.notNull()) // queued | sending | sent | failed | expired | cancelled
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text')
    .addColumn('lease_until', 'text') // while sending: after it, the attempt is in doubt
    .addColumn('in_doubt', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text') // JSON {code, message, reply?}
    .addColumn('provider_id', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // The dispatcher's claim: the next due message of a profile.
  await db.schema
    .createIndex('outbox_messages_due_idx')
    .on('outbox_messages')
    .columns(['profile_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('outbox_messages_client_idx')
    .on('outbox_messages')
    .columns(['client_id', 'profile_id', 'status'])
    .execute();
  await db.schema
    .createIndex('outbox_messages_token_idx')
    .on('outbox_messages')
    .column('token_hash')
    .unique()
    .execute();
  await db.schema
    .createIndex('outbox_messages_ref_idx')
    .on('outbox_messages')
    .columns(['ref_type', 'ref_id'])
    .execute();

  await db.schema
    .createTable('client_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull()) // envelope-encrypted random key
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('client_keys_purpose_idx')
    .on('client_keys')
    .columns(['client_id', 'purpose'])
    .unique()
    .execute();
}
