// Safer sync: each import's deletion threshold (how many removals one run may apply before they
// are held for approval, as a number of users or a percentage of the import), a run's record of
// why its removals were held, the users it skipped (with the reason) and those its filters left
// out, and — per import member — the run in which the user was seen leaving, so that a run's
// removals are counted in full before any is applied. An Azure application also records why its
// Entra tenant is shared with another client, when the operator chose to connect it twice.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('directory_imports')
    .addColumn('deletion_threshold_unit', 'text', (c) => c.notNull().defaultTo('percent')) // users | percent
    .execute();
  await db.schema
    .alterTable('directory_imports')
    .addColumn('deletion_threshold', 'integer', (c) => c.notNull().defaultTo(10))
    .execute();
  // JSON {removals, members, unit, threshold}: the run's removals went over the threshold and wait
  await db.schema.alterTable('directory_sync_runs').addColumn('removals_held', 'text').execute();
  // in scope of nothing: listed by Graph but outside the import's filters (not a failure)
  await db.schema
    .alterTable('directory_sync_runs')
    .addColumn('filtered', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // JSON [{entraObjectId, displayName, email, reason}], the first 200 skipped users
  await db.schema
    .alterTable('directory_sync_runs')
    .addColumn('skipped_users', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('directory_import_members').addColumn('leaving_run_id', 'text').execute();
  await db.schema.alterTable('directory_import_members').addColumn('leaving_reason', 'text').execute();
  // Only members seen leaving are in it: a run's completion finds its leavers without a pass over
  // the import, and the page writes of a 100,000-user import do not maintain it.
  await db.schema
    .createIndex('directory_import_members_leaving_idx')
    .on('directory_import_members')
    .columns(['import_id', 'leaving_run_id'])
    .where(sql.ref('leaving_run_id'), 'is not', null)
    .execute();
  await db.schema.alterTable('azure_apps').addColumn('shared_tenant_reason', 'text').execute();
}
