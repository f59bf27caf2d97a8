// Queries of the report add-in's settings: one row per client, always looked up by client id.
import type { Db } from '../../db/connection.js';
import type { ReportAddinSettingsTable } from '../../db/types.js';

export type SettingsRow = ReportAddinSettingsTable;

export const findSettings = (db: Db, clientId: string): Promise<SettingsRow | undefined> =>
  db.selectFrom('report_addin_settings').selectAll().where('client_id', '=', clientId).executeTakeFirst();

export async function insertSettings(db: Db, row: SettingsRow): Promise<void> {
  await db.insertInto('report_addin_settings').values(row).execute();
}

export async function updateSettings(
  db: Db,
  clientId: string,
  changes: Omit<SettingsRow, 'client_id' | 'addin_id' | 'created_at'>,
): Promise<void> {
  await db.updateTable('report_addin_settings').set(changes).where('client_id', '=', clientId).execute();
}

/** The client's name, for the manifest's file name (the settings row belongs to this client). */
export const clientName = async (db: Db, clientId: string): Promise<string | undefined> =>
  (await db.selectFrom('clients').select('name').where('id', '=', clientId).executeTakeFirst())?.name;
