// Per-recipient time zones (issue #11): a training campaign may spread its invitations over its
// window in each recipient's own zone where it is known, else in the campaign's.
// - recipients.time_zone: an IANA name (Europe/Berlin) or NULL for "not known". Set by hand or by
//   the CSV import; directory sync never writes it (Entra's user resource has no time zone, and
//   mailboxSettings needs a permission per user that Baitwise does not ask for), so it survives
//   every sync.
// - training_campaigns.recipient_time_zones: 1 = each recipient's own zone where known, 0 = the
//   campaign's zone for everyone (what every campaign before this migration did).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('recipients').addColumn('time_zone', 'text').execute();
  await db.schema
    .alterTable('training_campaigns')
    .addColumn('recipient_time_zones', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}
