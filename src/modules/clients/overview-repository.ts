// The reads behind a client's overview (the console's client page) and the clients list's
// per-client columns. Every query names the client (one id, or the actor's visible ids; null =
// every client, for system administrators), so one client's counts never include another's.
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { AzureAppStatus, DirectorySyncRunsTable } from '../../db/types.js';
import type { Visible } from './repository.js';

export interface AppRow {
  id: string;
  client_id: string;
  name: string;
  status: AzureAppStatus;
  tenant_domain: string | null;
  authorized_at: string | null;
  secret_expires_at: string | null;
}

export interface LastSyncRow {
  client_id: string;
  import_id: string;
  import_name: string;
  status: DirectorySyncRunsTable['status'];
  finished_at: string;
}

/** Counts per client, as numbers (PostgreSQL returns count(*) as a string). */
export type Counts = Map<string, number>;

/**
 * The visible clients as a list for `where client_id in (…)`, or null for every client. Callers
 * return early on an empty list (an empty `in ()` is not SQL).
 */
const ids = (clients: Visible): string[] => clients ?? [];
const all = (clients: Visible): boolean => clients === null;

async function countBy(
  db: Db,
  table: 'recipients' | 'recipient_groups' | 'directory_imports' | 'sending_profiles',
  clients: Visible,
): Promise<Counts> {
  const rows = await db
    .selectFrom(table)
    .select(['client_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy('client_id')
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Map(rows.map((r) => [r.client_id, Number(r.n)]));
}

export const recipientCounts = (db: Db, clients: Visible) => countBy(db, 'recipients', clients);
export const groupCounts = (db: Db, clients: Visible) => countBy(db, 'recipient_groups', clients);
export const importCounts = (db: Db, clients: Visible) => countBy(db, 'directory_imports', clients);
export const profileCounts = (db: Db, clients: Visible) => countBy(db, 'sending_profiles', clients);

export async function pausedProfileCounts(db: Db, clients: Visible, now: string): Promise<Counts> {
  const rows = await db
    .selectFrom('sending_profiles')
    .select(['client_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('paused_until', '>', now)
    .groupBy('client_id')
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Map(rows.map((r) => [r.client_id, Number(r.n)]));
}

export async function pendingHeldChangeCounts(db: Db, clients: Visible): Promise<Counts> {
  const rows = await db
    .selectFrom('directory_held_changes')
    .select(['client_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', '=', 'pending')
    .groupBy('client_id')
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Map(rows.map((r) => [r.client_id, Number(r.n)]));
}

export async function openIncidentCounts(db: Db, clients: Visible): Promise<Counts> {
  const rows = await db
    .selectFrom('incidents')
    .select(['client_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('status', '!=', 'resolved')
    .groupBy('client_id')
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Map(rows.map((r) => [r.client_id, Number(r.n)]));
}

/** Campaigns per client and status. */
export async function campaignCounts(db: Db, clients: Visible): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .selectFrom('training_campaigns')
    .select(['client_id', 'status', (eb) => eb.fn.countAll<number | string>().as('n')])
    .groupBy(['client_id', 'status'])
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  const out = new Map<string, Record<string, number>>();
  for (const r of rows) out.set(r.client_id, { ...out.get(r.client_id), [r.status]: Number(r.n) });
  return out;
}

export const azureApps = (db: Db, clients: Visible): Promise<AppRow[]> =>
  db
    .selectFrom('azure_apps')
    .select(['id', 'client_id', 'name', 'status', 'tenant_domain', 'authorized_at', 'secret_expires_at'])
    .orderBy('name')
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();

/**
 * Each client's most recently finished directory sync run (succeeded or failed), with its import's
 * name: the latest finish per client, found by a correlated subquery on the same client.
 */
export const lastSyncs = (db: Db, clients: Visible): Promise<LastSyncRow[]> =>
  db
    .selectFrom('directory_sync_runs as r')
    .innerJoin('directory_imports as i', (j) =>
      j.onRef('i.id', '=', 'r.import_id').onRef('i.client_id', '=', 'r.client_id'),
    )
    .select(['r.client_id', 'r.import_id', 'i.name as import_name', 'r.status', 'r.finished_at'])
    .where('r.finished_at', 'is not', null)
    .where(
      'r.finished_at',
      '=',
      sql<string>`(select max(r2.finished_at) from directory_sync_runs r2 where r2.client_id = r.client_id)`,
    )
    .$if(!all(clients), (q) => q.where('r.client_id', 'in', ids(clients)))
    .execute() as Promise<LastSyncRow[]>;

/** Clients whose report add-in is set up (settings saved with an application to sign in with). */
export async function reportAddinClients(db: Db, clients: Visible): Promise<Set<string>> {
  const rows = await db
    .selectFrom('report_addin_settings')
    .select('client_id')
    .where('azure_app_id', 'is not', null)
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Set(rows.map((r) => r.client_id));
}

export async function reportingMailboxClients(db: Db, clients: Visible): Promise<Set<string>> {
  const rows = await db
    .selectFrom('reporting_mailbox_settings')
    .select('client_id')
    .where('enabled', '=', 1)
    .$if(!all(clients), (q) => q.where('client_id', 'in', ids(clients)))
    .execute();
  return new Set(rows.map((r) => r.client_id));
}
