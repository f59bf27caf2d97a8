// Directory sync: imports of Entra users into a recipient group (config, saved delta link, pause
// reason), their runs (counters and the resume cursor), the changes held for approval, and which
// Entra users each import brought in — so that only a complete listing can remove the unseen.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('directory_imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('azure_app_id', 'text', (c) => c.notNull().references('azure_apps.id').onDelete('cascade'))
    .addColumn('target_group_id', 'text', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull()) // all_users | groups
    .addColumn('entra_groups', 'text', (c) => c.notNull()) // JSON [{id, displayName}]
    .addColumn('filters', 'text', (c) => c.notNull()) // JSON {departments, jobTitles, userType, enabledOnly}
    .addColumn('sync_enabled', 'integer', (c) => c.notNull())
    .addColumn('sync_interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('new_user_policy', 'text', (c) => c.notNull()) // add | hold
    .addColumn('removed_user_policy', 'text', (c) => c.notNull()) // delete | keep | hold
    .addColumn('delta_link', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // active | paused
    .addColumn('status_reason', 'text') // JSON {code, message, at}
    .addColumn('initialized_at', 'text') // first complete run: before it, the hold policy for new users does not apply
    .addColumn('next_sync_at', 'text')
    .addColumn('lock_owner', 'text') // job holding the import (one sync at a time, whatever the queue does)
    .addColumn('lock_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_imports_client_idx').on('directory_imports').column('client_id').execute();
  await db.schema
    .createIndex('directory_imports_due_idx')
    .on('directory_imports')
    .columns(['sync_enabled', 'next_sync_at'])
    .execute();

  await db.schema
    .createTable('directory_sync_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('import_id', 'text', (c) => c.notNull().references('directory_imports.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull()) // create | manual | schedule | cli
    .addColumn('kind', 'text') // full | delta, decided when the run starts
    .addColumn('status', 'text', (c) => c.notNull()) // queued | running | succeeded | failed | paused
    .addColumn('cursor', 'text') // JSON: the next page to fetch after the last committed one
    .addColumn('pending_delta_link', 'text') // becomes the import's delta link when the run completes
    .addColumn('total', 'integer') // expected users, when Graph can tell
    .addColumn('pages', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('users_seen', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('errors', 'text', (c) => c.notNull()) // JSON [{at, code, message}]
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('directory_sync_runs_import_idx')
    .on('directory_sync_runs')
    .columns(['client_id', 'import_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('directory_import_members')
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('import_id', 'text', (c) => c.notNull().references('directory_imports.id').onDelete('cascade'))
    .addColumn('entra_object_id', 'text', (c) => c.notNull())
    .addColumn('recipient_id', 'text', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('last_seen_run_id', 'text')
    .addPrimaryKeyConstraint('directory_import_members_pk', ['import_id', 'entra_object_id'])
    .execute();
  await db.schema
    .createIndex('directory_import_members_client_idx')
    .on('directory_import_members')
    .columns(['client_id', 'recipient_id'])
    .execute();

  await db.schema
    .createTable('directory_held_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('import_id', 'text', (c) => c.notNull().references('directory_imports.id').onDelete('cascade'))
    .addColumn('run_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull()) // add | remove
    .addColumn('entra_object_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('email', 'text')
    .addColumn('reason', 'text', (c) => c.notNull()) // new | removed | disabled | out_of_scope | not_listed
    .addColumn('payload', 'text') // JSON of the mapped user, for adds
    .addColumn('status', 'text', (c) => c.notNull()) // pending | approved | rejected | superseded
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('directory_held_changes_import_idx')
    .on('directory_held_changes')
    .columns(['client_id', 'import_id', 'status'])
    .execute();
  await db.schema
    .createIndex('directory_held_changes_user_idx')
    .on('directory_held_changes')
    .columns(['import_id', 'entra_object_id'])
    .execute();
}
