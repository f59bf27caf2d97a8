// Recipients (the people training is sent to) and recipient groups, per client. A recipient
// imported from Entra ID is keyed by its object id, so renames and email changes update it in
// place; one email address is one recipient per client.
import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('recipient_groups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recipient_groups_name_uq')
    .on('recipient_groups')
    .columns(['client_id', 'name_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('recipients')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull()) // lower-cased email
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('display_name', 'text')
    .addColumn('department', 'text')
    .addColumn('job_title', 'text')
    .addColumn('office_location', 'text')
    .addColumn('entra_object_id', 'text') // stable key of users imported from Entra ID
    .addColumn('user_type', 'text') // Member | Guest (Entra)
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('source', 'text', (c) => c.notNull()) // manual | csv | entra
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('recipients_email_uq')
    .on('recipients')
    .columns(['client_id', 'email_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('recipients_entra_uq')
    .on('recipients')
    .columns(['client_id', 'entra_object_id'])
    .unique()
    .where(sql.ref('entra_object_id'), 'is not', null)
    .execute();
  // Server-side paging sorts by display name (then id) and filters by department within a client.
  await db.schema
    .createIndex('recipients_name_idx')
    .on('recipients')
    .columns(['client_id', 'display_name', 'id'])
    .execute();
  await db.schema
    .createIndex('recipients_department_idx')
    .on('recipients')
    .columns(['client_id', 'department'])
    .execute();

  await db.schema
    .createTable('recipient_group_members')
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('group_id', 'text', (c) => c.notNull().references('recipient_groups.id').onDelete('cascade'))
    .addColumn('recipient_id', 'text', (c) => c.notNull().references('recipients.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('recipient_group_members_pk', ['group_id', 'recipient_id'])
    .execute();
  await db.schema
    .createIndex('recipient_group_members_recipient_idx')
    .on('recipient_group_members')
    .columns(['client_id', 'recipient_id'])
    .execute();
}
