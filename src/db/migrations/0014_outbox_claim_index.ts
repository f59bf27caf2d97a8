// The outbox's claim reads the queue in the order it goes out (next_attempt_at, then id). With
// only (profile_id, status, next_attempt_at) and (client_id, profile_id, status) to go on, SQLite
// read every message of the profile — sent ones included — and sorted them, on every claim: the
// cost of a claim grew with the queue (10,000 messages: over a millisecond each, O(n²) overall).
// One index in that order lets a claim stop after the rows it takes; it also serves every query
// the two it replaces served (their columns are its prefix, or equalities on them).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('outbox_messages_claim_idx')
    .on('outbox_messages')
    .columns(['client_id', 'profile_id', 'status', 'next_attempt_at', 'id'])
    .execute();
  await db.schema.dropIndex('outbox_messages_due_idx').execute();
  await db.schema.dropIndex('outbox_messages_client_idx').execute();
}
