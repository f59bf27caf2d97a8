// Queries of the reporting mailbox's settings and runs; every one filters by client id.
import type { Db } from '../../db/connection.js';
import type { ReportingMailboxRunsTable, ReportingMailboxSettingsTable } from '../../db/types.js';

export type SettingsRow = ReportingMailboxSettingsTable;
export type RunRow = ReportingMailboxRunsTable;

export const findSettings = (db: Db, clientId: string): Promise<SettingsRow | undefined> =>
  db.selectFrom('reporting_mailbox_settings').selectAll().where('client_id', '=', clientId).executeTakeFirst();

export async function upsertSettings(db: Db, row: SettingsRow): Promise<void> {
  const { client_id: _c, created_at: _a, ...update } = row;
  await db
    .insertInto('reporting_mailbox_settings')
    .values(row)
    .onConflict((oc) => oc.column('client_id').doUpdateSet(update))
    .execute();
}

export async function updateSettings(db: Db, clientId: string, patch: Partial<SettingsRow>): Promise<void> {
  await db.updateTable('reporting_mailbox_settings').set(patch).where('client_id', '=', clientId).execute();
}

/**
 * Enabled settings whose next reading is due. An archived client's data is read-only: its mailbox
 * waits (its due time stays, so restoring the client reads it at once).
 */
export const dueSettings = (db: Db, now: string, limit: number) =>
  db
    .selectFrom('reporting_mailbox_settings as s')
    .innerJoin('clients as c', 'c.id', 's.client_id')
    .select(['s.client_id', 's.next_run_at'])
    .where('s.enabled', '=', 1)
    .where('s.next_run_at', '<=', now)
    .where('c.archived_at', 'is', null)
    .orderBy('s.next_run_at')
    .limit(limit)
    .execute();

/** Moves the due time on only if it is still `from`: one scheduler takes each due client. */
export async function takeDue(db: Db, clientId: string, from: string, next: string): Promise<boolean> {
  const r = await db
    .updateTable('reporting_mailbox_settings')
    .set({ next_run_at: next })
    .where('client_id', '=', clientId)
    .where('next_run_at', '=', from)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function insertRun(db: Db, row: RunRow): Promise<void> {
  await db.insertInto('reporting_mailbox_runs').values(row).execute();
}

export async function updateRun(db: Db, clientId: string, id: string, patch: Partial<RunRow>): Promise<void> {
  await db
    .updateTable('reporting_mailbox_runs')
    .set(patch)
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .execute();
}

/** The oldest run not finished yet: what a job works on (a queued one, or one a crash left running). */
export const unfinishedRun = (db: Db, clientId: string): Promise<RunRow | undefined> =>
  db
    .selectFrom('reporting_mailbox_runs')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirst();

export const latestRuns = (db: Db, clientId: string, limit: number): Promise<RunRow[]> =>
  db
    .selectFrom('reporting_mailbox_runs')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

/** Whether the address is one of the client's recipients (the people of its tenant Baitwise knows). */
export async function isRecipient(db: Db, clientId: string, emailKey: string): Promise<boolean> {
  const r = await db
    .selectFrom('recipients')
    .select('id')
    .where('client_id', '=', clientId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();
  return r !== undefined;
}

export async function isArchived(db: Db, clientId: string): Promise<boolean> {
  const c = await db.selectFrom('clients').select('archived_at').where('id', '=', clientId).executeTakeFirst();
  return !c || c.archived_at !== null;
}
