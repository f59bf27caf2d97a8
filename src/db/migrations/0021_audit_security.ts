// The audit log as a security team needs it. Each entry keeps the source's user agent (next to
// its address) and its target's name as it was then: a renamed client or a deleted recipient
// must still read as it did, and ids alone say nothing to a person. API tokens remember the
// source addresses they were used from, so the first use from a new one is recorded.
// Listing the actions there are (for the filter) reads the action index instead of the whole log.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('user_agent', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('target_name', 'text').execute();
  await db.schema.createIndex('audit_log_action_idx').on('audit_log').columns(['action', 'client_id']).execute();
  // A deleted target keeps the name of its latest entry: found by its id, not by reading the log.
  await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target_id', 'seq']).execute();
  await db.schema
    .createTable('api_token_sources')
    .addColumn('token_id', 'text', (c) => c.notNull().references('api_tokens.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull()) // an IPv4 address, or an IPv6 address's /64
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_token_sources_pk', ['token_id', 'source'])
    .execute();
}
