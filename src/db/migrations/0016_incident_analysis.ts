// The inbox's other orders (incidents/list.ts): by first report and by report count within a
// client, and every client's incidents by last report for a system administrator's all-clients
// view. Without them a page of a client with 100,000 incidents sorts them all; the all-clients
// view sorts every incident of the installation.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('incidents_first_idx')
    .on('incidents')
    .columns(['client_id', 'first_reported_at', 'id'])
    .execute();
  await db.schema
    .createIndex('incidents_count_idx')
    .on('incidents')
    .columns(['client_id', 'report_count', 'id'])
    .execute();
  await db.schema.createIndex('incidents_all_idx').on('incidents').columns(['last_reported_at', 'id']).execute();
}
