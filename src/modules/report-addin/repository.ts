// Queries of the report add-in's settings: one row per client, always looked up by client id.
import type { Db } from '../../db/connection.js';
import type { ReportAddinSettingsTable } from '../../db/types.js';

export type SettingsRow = ReportAddinSettingsTable;

export const findSettings = (db: Db, clientId: string): Promise<SettingsRow | undefined> =>
  db.selectFrom('report_addin_settings').selectAll().where('client_id', '=', clientId).executeTakeFirst();

/**
 * Inserts the client's first settings; false when a row exists already (a concurrent first save
 * won: on PostgreSQL this waits for it to commit rather than failing on the primary key).
 */
export async function insertSettings(db: Db, row: SettingsRow): Promise<boolean> {
  const inserted = await db
    .insertInto('report_addin_settings')
    .values(row)
    .onConflict((oc) => oc.column('client_id').doNothing())
    .returning('client_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Writes a new revision only if the row is still at `fromRevision`: false when another save got
 * there first, so two concurrent edits never share a manifest version.
 */
export async function updateSettings(
  db: Db,
  clientId: string,
  fromRevision: number,
  changes: Omit<SettingsRow, 'client_id' | 'addin_id' | 'created_at'>,
): Promise<boolean> {
  const r = await db
    .updateTable('report_addin_settings')
    .set(changes)
    .where('client_id', '=', clientId)
    .where('revision', '=', fromRevision)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The client's name, for the manifest's file name (the settings row belongs to this client). */
export const clientName = async (db: Db, clientId: string): Promise<string | undefined> =>
  (await db.selectFrom('clients').select('name').where('id', '=', clientId).executeTakeFirst())?.name;
