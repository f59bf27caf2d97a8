// Queries for imports, runs, held changes and import members. Every function takes the client
// id and puts it in the where clause; there is no lookup by id alone.
import type { Db } from '../../db/connection.js';
import type { DirectoryHeldChangesTable, DirectoryImportsTable, DirectorySyncRunsTable } from '../../db/types.js';
import { nowIso } from '../../lib/ids.js';

export type ImportRow = DirectoryImportsTable;
export type RunRow = DirectorySyncRunsTable;
export type HeldRow = DirectoryHeldChangesTable;

export const listImports = (db: Db, clientId: string) =>
  db.selectFrom('directory_imports').selectAll().where('client_id', '=', clientId).orderBy('name').execute();

export const findImport = (db: Db, clientId: string, importId: string) =>
  db
    .selectFrom('directory_imports')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .executeTakeFirst();

export async function insertImport(db: Db, row: ImportRow): Promise<void> {
  await db.insertInto('directory_imports').values(row).execute();
}

export async function updateImport(db: Db, clientId: string, importId: string, patch: Partial<ImportRow>) {
  const r = await db
    .updateTable('directory_imports')
    .set({ ...patch, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function deleteImport(db: Db, clientId: string, importId: string) {
  const r = await db
    .deleteFrom('directory_imports')
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Take the import for one job: free, expired, or already ours (a retried job). Whatever the queue
 * guarantees, two syncs of one import never interleave their pages.
 */
export async function claimImport(db: Db, clientId: string, importId: string, owner: string, leaseMs: number) {
  const now = nowIso();
  const r = await db
    .updateTable('directory_imports')
    .set({ lock_owner: owner, lock_until: new Date(Date.now() + leaseMs).toISOString() })
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .where((eb) => eb.or([eb('lock_until', 'is', null), eb('lock_until', '<', now), eb('lock_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Extend a lease this owner holds, and only then: inside a run every write renews it first, so a
 * run whose lease lapsed and was taken (or released by the new owner) writes nothing more.
 * claimImport, which may take an expired lease, is for the start of a run only.
 */
export async function renewImport(db: Db, clientId: string, importId: string, owner: string, leaseMs: number) {
  const r = await db
    .updateTable('directory_imports')
    .set({ lock_until: new Date(Date.now() + leaseMs).toISOString() })
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .where('lock_owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function releaseImport(db: Db, clientId: string, importId: string, owner: string) {
  await db
    .updateTable('directory_imports')
    .set({ lock_owner: null, lock_until: null })
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .where('lock_owner', '=', owner)
    .execute();
}

/**
 * Imports whose next sync is due, for the scheduler (all clients: it runs for the system). An
 * archived client's imports are never due: its syncs are paused until it is restored.
 */
export const dueImports = (db: Db, now: string, limit: number) =>
  db
    .selectFrom('directory_imports')
    .innerJoin('azure_apps', 'azure_apps.id', 'directory_imports.azure_app_id')
    .innerJoin('clients', 'clients.id', 'directory_imports.client_id')
    .where('clients.archived_at', 'is', null)
    .select([
      'directory_imports.id',
      'directory_imports.client_id',
      'directory_imports.next_sync_at',
      'directory_imports.status',
      'azure_apps.status as app_status',
    ])
    .where('directory_imports.sync_enabled', '=', 1)
    .where('directory_imports.next_sync_at', '<=', now)
    .orderBy('directory_imports.next_sync_at')
    .limit(limit)
    .execute();

/**
 * A restored client's scheduled imports that have a run left waiting (its job stopped while the
 * client was archived): due now, so the scheduler queues them again and the run resumes.
 */
export async function makeWaitingImportsDue(db: Db, clientId: string, now: string): Promise<void> {
  await db
    .updateTable('directory_imports')
    .set({ next_sync_at: now })
    .where('client_id', '=', clientId)
    .where('sync_enabled', '=', 1)
    .where(
      'id',
      'in',
      db
        .selectFrom('directory_sync_runs')
        .select('import_id')
        .where('client_id', '=', clientId)
        .where('status', 'in', ['queued', 'running', 'paused']),
    )
    .execute();
}

// Runs

export const listRuns = (db: Db, clientId: string, importId: string, limit = 50) =>
  db
    .selectFrom('directory_sync_runs')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();

export const findRun = (db: Db, clientId: string, importId: string, runId: string) =>
  db
    .selectFrom('directory_sync_runs')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('id', '=', runId)
    .executeTakeFirst();

/** The run a job should work on: the oldest one not finished (a crashed or paused run resumes). */
export const unfinishedRun = (db: Db, clientId: string, importId: string) =>
  db
    .selectFrom('directory_sync_runs')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('status', 'in', ['queued', 'running', 'paused'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();

export async function insertRun(db: Db, row: RunRow): Promise<void> {
  await db.insertInto('directory_sync_runs').values(row).execute();
}

export async function updateRun(db: Db, clientId: string, runId: string, patch: Partial<RunRow>) {
  await db
    .updateTable('directory_sync_runs')
    .set({ ...patch, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('id', '=', runId)
    .execute();
}

// Held changes

export const listHeld = (
  db: Db,
  clientId: string,
  importId: string,
  status: HeldRow['status'] | null,
  limit = 1000,
) => {
  let q = db
    .selectFrom('directory_held_changes')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId);
  if (status) q = q.where('status', '=', status);
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
};

export const findHeld = (db: Db, clientId: string, importId: string, changeId: string) =>
  db
    .selectFrom('directory_held_changes')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('id', '=', changeId)
    .executeTakeFirst();

/** Held or rejected decisions about these users, so a sync neither holds twice nor re-adds a rejected user. */
export const heldFor = (db: Db, clientId: string, importId: string, entraIds: string[]) =>
  entraIds.length === 0
    ? Promise.resolve([])
    : db
        .selectFrom('directory_held_changes')
        .select(['id', 'kind', 'entra_object_id', 'status'])
        .where('client_id', '=', clientId)
        .where('import_id', '=', importId)
        .where('entra_object_id', 'in', entraIds)
        .where('status', 'in', ['pending', 'rejected'])
        .execute();

export async function decideHeld(
  db: Db,
  clientId: string,
  changeIds: string[],
  status: HeldRow['status'],
  decidedBy: string | null,
) {
  if (changeIds.length === 0) return;
  const now = nowIso();
  await db
    .updateTable('directory_held_changes')
    .set({ status, decided_by: decidedBy, decided_at: now, updated_at: now })
    .where('client_id', '=', clientId)
    .where('id', 'in', changeIds)
    .execute();
}

export const countPendingHeld = (db: Db, clientId: string, importId: string) =>
  db
    .selectFrom('directory_held_changes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

// Members

/** Members a run did not see, in pages of `limit` after `after` (keyset: removals may keep rows). */
export const membersNotSeen = (
  db: Db,
  clientId: string,
  importId: string,
  runId: string,
  after: string,
  limit: number,
) =>
  db
    .selectFrom('directory_import_members')
    .select(['entra_object_id', 'recipient_id', 'leaving_run_id', 'leaving_reason'])
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('entra_object_id', '>', after)
    .where((eb) => eb.or([eb('last_seen_run_id', 'is', null), eb('last_seen_run_id', '!=', runId)]))
    .orderBy('entra_object_id')
    .limit(limit)
    .execute();

/** Members a run's pages saw leaving (deleted, disabled, out of the filters): the partial index finds them. */
export const membersLeaving = (db: Db, clientId: string, importId: string, runId: string) =>
  db
    .selectFrom('directory_import_members')
    .select(['entra_object_id', 'recipient_id', 'leaving_reason'])
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('leaving_run_id', '=', runId)
    .orderBy('entra_object_id')
    .execute();

/** Forget which members a run saw leaving (the run lists everyone again instead). */
export async function clearLeaving(db: Db, clientId: string, importId: string, runId: string) {
  await db
    .updateTable('directory_import_members')
    .set({ leaving_run_id: null, leaving_reason: null })
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .where('leaving_run_id', '=', runId)
    .execute();
}

export const countMembers = (db: Db, clientId: string, importId: string) =>
  db
    .selectFrom('directory_import_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

/** Removals already waiting for a decision, among these users (in chunks: a mass removal may be 100,000). */
export async function pendingRemovals(db: Db, clientId: string, importId: string, entraIds: string[]) {
  const out: { entra_object_id: string }[] = [];
  for (let i = 0; i < entraIds.length; i += 500) {
    out.push(
      ...(await db
        .selectFrom('directory_held_changes')
        .select('entra_object_id')
        .where('client_id', '=', clientId)
        .where('import_id', '=', importId)
        .where('kind', '=', 'remove')
        .where('status', '=', 'pending')
        .where('entra_object_id', 'in', entraIds.slice(i, i + 500))
        .execute()),
    );
  }
  return out;
}

/**
 * The client an import belongs to, for the `baitwise sync` command only: the CLI acts for the
 * system, with no actor whose client ids could scope the lookup.
 */
export const importOwnerForCli = (db: Db, importId: string) =>
  db.selectFrom('directory_imports').select(['client_id', 'name']).where('id', '=', importId).executeTakeFirst();

/** No members and no held changes: the import has brought no one in yet. */
export async function isEmptyImport(db: Db, clientId: string, importId: string): Promise<boolean> {
  const member = await db
    .selectFrom('directory_import_members')
    .select('entra_object_id')
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .limit(1)
    .executeTakeFirst();
  const held = await db
    .selectFrom('directory_held_changes')
    .select('id')
    .where('client_id', '=', clientId)
    .where('import_id', '=', importId)
    .limit(1)
    .executeTakeFirst();
  return !member && !held;
}

/** Who holds the import's lease and until when (the `baitwise sync` command's takeover check). */
export const importLease = (db: Db, clientId: string, importId: string) =>
  db
    .selectFrom('directory_imports')
    .select(['lock_owner', 'lock_until'])
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .executeTakeFirst();

/**
 * Hand the lease from `from` to `to`, only while `from` still holds it: a `baitwise sync` taking
 * over the lease of a CLI process that died on the same host (the caller established that). Of
 * several runs racing for it one wins; the others then find the import busy. The expiry stays:
 * the run that follows renews it.
 */
export async function takeOverImportLease(db: Db, clientId: string, importId: string, from: string, to: string) {
  const r = await db
    .updateTable('directory_imports')
    .set({ lock_owner: to })
    .where('client_id', '=', clientId)
    .where('id', '=', importId)
    .where('lock_owner', '=', from)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
