// The report intake's query: the add-in found by its id (the one thing a public caller names).
import type { Db } from '../../db/connection.js';

export const findAddin = (db: Db, addinId: string) =>
  db
    .selectFrom('report_addin_settings as s')
    .innerJoin('clients as c', 'c.id', 's.client_id')
    .leftJoin('azure_apps as a', (j) => j.onRef('a.id', '=', 's.azure_app_id').onRef('a.client_id', '=', 's.client_id'))
    .select([
      's.client_id',
      's.addin_id',
      's.reporting_options',
      's.move_to',
      's.security_mailbox',
      's.count_unverified',
      'a.cloud',
      'a.tenant_id',
      'a.azure_client_id',
      'c.archived_at',
    ])
    .where('s.addin_id', '=', addinId)
    .executeTakeFirst();
export type AddinRow = NonNullable<Awaited<ReturnType<typeof findAddin>>>;
