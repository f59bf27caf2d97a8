// Awareness training (modules/training): uploaded SCORM packages, training campaigns and one
// enrolment per (campaign, recipient).
//
// Built-in courses are files in the repository (content/courses/), not rows: a campaign names its
// content by reference, `builtin:<slug>` or `package:<id>`, and keeps the title it had at launch.
//
// training_packages.client_id is NULL for the shared library (published by a system administrator
// to every client); every query still names the client: `client_id = :client OR client_id IS NULL`
// for reading, and only a system administrator's route writes a shared row.
//
// A learner's link carries the outbox message's token (mail-delivery/message-token.ts): derived,
// never stored, its SHA-256 indexed in outbox_messages. The enrolment is the message's ref, so
// every invitation and reminder opens the same enrolment, and revoking the enrolment revokes all.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('training_packages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.references('clients.id').onDelete('cascade')) // NULL: shared
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('language', 'text') // BCP 47 from the manifest when it says, else NULL
    .addColumn('scorm_version', 'text', (c) => c.notNull()) // '1.2' | '2004'
    .addColumn('launch_href', 'text', (c) => c.notNull()) // relative to the package root, checked
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull()) // uncompressed
    .addColumn('uploaded_by', 'text', (c) => c.references('operators.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('archived_at', 'text')
    .execute();
  await db.schema.createIndex('training_packages_client_idx').on('training_packages').column('client_id').execute();

  await db.schema
    .createTable('training_campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | scheduled | running | completed | cancelled
    .addColumn('content_ref', 'text', (c) => c.notNull()) // builtin:<slug> | package:<id>
    .addColumn('content_title', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull()) // the course's and the portal's language: en | de
    .addColumn('profile_id', 'text', (c) => c.references('sending_profiles.id').onDelete('set null'))
    .addColumn('audience', 'text', (c) => c.notNull()) // JSON: { everyone, groupIds, recipientIds }
    .addColumn('auto_enrol', 'integer', (c) => c.notNull()) // 1: later members of the groups join
    .addColumn('invite_subject', 'text', (c) => c.notNull())
    .addColumn('invite_html', 'text', (c) => c.notNull())
    .addColumn('reminder_subject', 'text', (c) => c.notNull())
    .addColumn('reminder_html', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull()) // IANA, for the window and the due date's display
    .addColumn('starts_at', 'text') // NULL in a draft: launched now
    .addColumn('window', 'text') // JSON or NULL: { days: 1..7[], from: 'HH:MM', to: 'HH:MM', spreadDays }
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('reminders', 'text', (c) => c.notNull()) // JSON: { beforeDueDays, afterDueEveryDays, maxAfterDue }
    .addColumn('pass_mark', 'integer') // built-in courses: percent; NULL: the course's own
    .addColumn('link_days_after_due', 'integer', (c) => c.notNull()) // links expire this long after due_at
    .addColumn('created_by', 'text', (c) => c.references('operators.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('launched_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema
    .createIndex('training_campaigns_client_idx')
    .on('training_campaigns')
    .columns(['client_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('training_enrolments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('training_campaigns.id').onDelete('cascade'))
    .addColumn('recipient_id', 'text', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('due_at', 'text', (c) => c.notNull()) // the campaign's, or extended for this learner
    .addColumn('invite_at', 'text', (c) => c.notNull()) // the invitation's planned time (the window's spread)
    .addColumn('invite_message_id', 'text') // the latest invitation's outbox message (its status: sent, failed)
    .addColumn('revoked_at', 'text') // the learner's links stop working
    .addColumn('opened_at', 'text') // soft signal: an image proxy or privacy feature may fake or hide it
    .addColumn('clicked_at', 'text') // a GET of the link: scanners and previews do this too
    .addColumn('started_at', 'text') // the learner's browser ran the course page
    .addColumn('last_seen_at', 'text')
    .addColumn('progress', 'integer', (c) => c.notNull()) // 0..100
    .addColumn('state', 'text') // JSON: where the learner is (built-in course) or the SCORM run-time data
    .addColumn('completed_at', 'text')
    .addColumn('completed_by', 'text', (c) => c.references('operators.id').onDelete('set null')) // manual
    .addColumn('score', 'integer') // percent
    .addColumn('passed', 'integer') // 1 | 0 | NULL (not yet known)
    .addColumn('time_spent_seconds', 'integer', (c) => c.notNull())
    .addColumn('reminders_sent', 'integer', (c) => c.notNull())
    .addColumn('next_reminder_at', 'text') // NULL: none due (completed, revoked, or no more)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('training_enrolments_campaign_recipient_idx')
    .on('training_enrolments')
    .columns(['campaign_id', 'recipient_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('training_enrolments_client_campaign_idx')
    .on('training_enrolments')
    .columns(['client_id', 'campaign_id', 'completed_at'])
    .execute();
  await db.schema
    .createIndex('training_enrolments_reminder_idx')
    .on('training_enrolments')
    .column('next_reminder_at')
    .where('next_reminder_at', 'is not', null)
    .execute();
  await db.schema
    .createIndex('training_enrolments_recipient_idx')
    .on('training_enrolments')
    .columns(['client_id', 'recipient_id'])
    .execute();
}
