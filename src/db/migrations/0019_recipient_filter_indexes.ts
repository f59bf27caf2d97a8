// A page of recipients filtered by department or job title is read in the list's order (display
// name, then id). With (client_id, department) alone, the engine either read every recipient of the
// department and sorted them all for 50 rows (4,000 rows at 100,000 recipients in 25 departments),
// or walked the name index testing each row. With the sort keys after the filter column, a page is
// one bounded range scan; the index still serves facets and counts (its first columns are the old
// index's), so it replaces it.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('recipients_department_page_idx')
    .on('recipients')
    .columns(['client_id', 'department', 'display_name', 'id'])
    .execute();
  await db.schema.dropIndex('recipients_department_idx').execute();
  await db.schema
    .createIndex('recipients_job_title_page_idx')
    .on('recipients')
    .columns(['client_id', 'job_title', 'display_name', 'id'])
    .execute();
  await db.schema.dropIndex('recipients_job_title_idx').execute();
}
