// Intake from a reporting mailbox (modules/reporting-mailbox): Outlook's built-in Report button,
// with Defender's user reported settings, sends each report to a mailbox Baitwise reads through
// Graph. One settings row per client (which Azure application, which mailbox, delegated or
// application access, the folder read and the folder handled submissions go to) carrying the
// delta cursor — the Graph link to fetch next, saved only once the page before it is handled — and
// when the schedule runs it next; and a log of runs with their counts and last error.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('reporting_mailbox_settings')
    .addColumn('client_id', 'text', (c) => c.primaryKey().notNull().references('clients.id').onDelete('cascade'))
    .addColumn('enabled', 'integer', (c) => c.notNull()) // 0 | 1
    .addColumn('azure_app_id', 'text', (c) => c.references('azure_apps.id').onDelete('set null'))
    .addColumn('mailbox', 'text') // the reporting mailbox's UPN or address
    .addColumn('access_mode', 'text', (c) => c.notNull()) // delegated | application
    .addColumn('source_folder', 'text', (c) => c.notNull()) // well-known name or folder id; default inbox
    .addColumn('processed_folder', 'text', (c) => c.notNull()) // display name, created under the root if missing
    .addColumn('processed_folder_id', 'text') // Graph id of that folder once found or created
    .addColumn('delta_cursor', 'text') // the nextLink or deltaLink to fetch next; null: a full round
    .addColumn('next_run_at', 'text') // null while disabled
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reporting_mailbox_due_idx')
    .on('reporting_mailbox_settings')
    .columns(['enabled', 'next_run_at'])
    .execute();

  await db.schema
    .createTable('reporting_mailbox_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull()) // schedule | manual
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | succeeded | failed
    .addColumn('ingested', 'integer', (c) => c.notNull()) // new reports recorded
    .addColumn('duplicates', 'integer', (c) => c.notNull()) // submissions already recorded (a rerun)
    .addColumn('refused', 'integer', (c) => c.notNull()) // submissions not recorded (outside the tenant, no message)
    .addColumn('restarted', 'integer', (c) => c.notNull()) // 1: Graph lost the delta token; a full round ran
    .addColumn('refusals', 'text', (c) => c.notNull()) // JSON [{sender, reason}] (at most 50; no content)
    .addColumn('error', 'text') // plain words with what to do
    .addColumn('error_code', 'text') // Graph's or Baitwise's code
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reporting_mailbox_runs_client_idx')
    .on('reporting_mailbox_runs')
    .columns(['client_id', 'created_at'])
    .execute();
}
