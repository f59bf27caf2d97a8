// Rows for tests that write the recipient tables directly (repository and search tests), without
// the API: a client, and a recipient with every column a test does not care about left empty.
import type { Db } from '../../src/db/connection.js';
import type { RecipientRow } from '../../src/modules/recipients/repository.js';

export const AT = '2026-12-01T00:00:00.000Z';

export const insertClient = (db: Db, id = 'c1', name = 'Contoso') =>
  db
    .insertInto('clients')
    .values({ id, name, name_key: name.toLowerCase(), archived_at: null, created_at: AT, updated_at: AT })
    .execute();

/** A recipient group named `name` of client `client`. */
export const insertGroup = (db: Db, id: string, client = 'c1', name = 'Pilots') =>
  db
    .insertInto('recipient_groups')
    .values({
      id,
      client_id: client,
      name,
      name_key: name.toLowerCase(),
      description: null,
      created_at: AT,
      updated_at: AT,
    })
    .execute();

/** A CSV-sourced, enabled recipient of client `c1` unless `row` says otherwise; email_key is the email. */
export const recipientRow = (
  row: Pick<RecipientRow, 'id' | 'email' | 'first_name' | 'last_name' | 'display_name'> & Partial<RecipientRow>,
): RecipientRow => ({
  client_id: 'c1',
  email_key: row.email,
  department: null,
  job_title: null,
  office_location: null,
  time_zone: null,
  entra_object_id: null,
  user_type: null,
  enabled: 1,
  source: 'csv',
  created_at: AT,
  updated_at: AT,
  ...row,
});
