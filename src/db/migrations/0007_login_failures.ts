// Sign-in failures move off the operators table into login_failures, keyed by a hash of the
// normalised email address and the source address: unknown addresses are tracked exactly like
// existing accounts (same answers, same work), and a lock binds only the source that caused it.
// The operators' own counters are dropped; nothing reads them any more.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.primaryKey()) // sha256(account hash, source)
    .addColumn('account', 'text', (c) => c.notNull()) // sha256 of the lower-cased email address
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('last_failure_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .execute();
  await db.schema.createIndex('login_failures_account_idx').on('login_failures').column('account').execute();
  await db.schema
    .createIndex('login_failures_last_failure_idx')
    .on('login_failures')
    .column('last_failure_at')
    .execute();
  await db.schema.alterTable('operators').dropColumn('failed_logins').execute();
  await db.schema.alterTable('operators').dropColumn('locked_until').execute();
}
