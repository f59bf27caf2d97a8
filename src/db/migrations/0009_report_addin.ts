// The Outlook report add-in: one settings row per client (which Azure application the add-in
// authenticates reporters with, the button's label, the pre-report dialog, where a reported
// message goes, the security mailbox) and the add-in's id, generated once and never changed, since
// Microsoft 365 identifies an installed add-in by it (a new id would be a second add-in).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('report_addin_settings')
    .addColumn('client_id', 'text', (c) => c.primaryKey().notNull().references('clients.id').onDelete('cascade'))
    .addColumn('addin_id', 'text', (c) => c.notNull().unique()) // the manifest's <Id>, a GUID
    .addColumn('revision', 'integer', (c) => c.notNull()) // bumped on each change: the manifest's <Version>
    .addColumn('azure_app_id', 'text', (c) => c.references('azure_apps.id').onDelete('set null'))
    .addColumn('button_label', 'text', (c) => c.notNull())
    .addColumn('reporting_options', 'text', (c) => c.notNull()) // JSON array of up to five strings
    .addColumn('free_text', 'integer', (c) => c.notNull()) // 1: the dialog has a free-text box
    .addColumn('move_to', 'text', (c) => c.notNull()) // deleted_items | junk
    .addColumn('security_mailbox', 'text')
    .addColumn('count_unverified', 'integer', (c) => c.notNull()) // 1: unverified reports count
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
