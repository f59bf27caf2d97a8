// Azure applications and OAuth requests. Every function takes the client id and puts it in the
// where clause: there is no lookup of an application by id alone.
import type { Db } from '../../db/connection.js';
import type { AzureAppRow, AzureAppsTable, OauthRequestsTable } from '../../db/types.js';

export async function listApps(db: Db, clientIds: string[] | null, filterClientId?: string): Promise<AzureAppRow[]> {
  if (clientIds !== null && clientIds.length === 0) return [];
  let q = db.selectFrom('azure_apps').selectAll().orderBy('name');
  if (clientIds !== null) q = q.where('client_id', 'in', clientIds);
  if (filterClientId) q = q.where('client_id', '=', filterClientId);
  return q.execute();
}

export const findApp = (db: Db, clientId: string, appId: string): Promise<AzureAppRow | undefined> =>
  db.selectFrom('azure_apps').selectAll().where('client_id', '=', clientId).where('id', '=', appId).executeTakeFirst();

/** The same row locked for update on PostgreSQL (serialises token refreshes across processes). */
export async function findAppForUpdate(db: Db, clientId: string, appId: string, postgres: boolean) {
  const q = db.selectFrom('azure_apps').selectAll().where('client_id', '=', clientId).where('id', '=', appId);
  return (postgres ? q.forUpdate() : q).executeTakeFirst();
}

export const findAppByName = (db: Db, clientId: string, name: string) =>
  db
    .selectFrom('azure_apps')
    .select('id')
    .where('client_id', '=', clientId)
    .where('name', '=', name)
    .executeTakeFirst();

/**
 * The other clients that connect this Entra tenant in this cloud. Deliberately across clients: it
 * is how a second client on one tenant is noticed. Callers name only the clients the actor can see.
 */
export const clientsSharingTenant = (db: Db, cloud: string, tenantId: string, exceptClientId: string) =>
  db
    .selectFrom('azure_apps')
    .innerJoin('clients', 'clients.id', 'azure_apps.client_id')
    .select(['clients.id', 'clients.name'])
    .distinct()
    .where('azure_apps.cloud', '=', cloud as never)
    .where('azure_apps.tenant_id', '=', tenantId)
    .where('azure_apps.client_id', '!=', exceptClientId)
    .orderBy('clients.name')
    .execute();

export async function insertApp(db: Db, row: AzureAppsTable): Promise<void> {
  await db.insertInto('azure_apps').values(row).execute();
}

export async function updateApp(
  db: Db,
  clientId: string,
  appId: string,
  patch: Partial<AzureAppsTable>,
): Promise<number> {
  const r = await db
    .updateTable('azure_apps')
    .set(patch)
    .where('client_id', '=', clientId)
    .where('id', '=', appId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Store a rotated refresh token only if nobody else stored one since `version` was read. */
export async function replaceRefreshToken(
  db: Db,
  clientId: string,
  appId: string,
  version: number,
  patch: Pick<AzureAppsTable, 'refresh_token' | 'last_used_at' | 'updated_at'>,
): Promise<boolean> {
  const r = await db
    .updateTable('azure_apps')
    .set({ ...patch, token_version: version + 1 })
    .where('client_id', '=', clientId)
    .where('id', '=', appId)
    .where('token_version', '=', version)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteApp(db: Db, clientId: string, appId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('azure_apps')
    .where('client_id', '=', clientId)
    .where('id', '=', appId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function insertOauthRequest(db: Db, row: OauthRequestsTable): Promise<void> {
  await db.insertInto('oauth_requests').values(row).execute();
}

/**
 * The OAuth request for a state hash. The callback carries no client id, so this lookup is by
 * the secret state alone; the caller checks session and client before using it.
 */
export const findOauthRequest = (db: Db, id: string) =>
  db.selectFrom('oauth_requests').selectAll().where('id', '=', id).executeTakeFirst();

/** Single use: true only for the first caller, and only before expiry. */
export async function markOauthRequestUsed(db: Db, clientId: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('oauth_requests')
    .set({ used_at: now })
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes the requests that expired before `before` (used ones expire too); returns how many. */
export async function purgeOauthRequests(db: Db, before: string): Promise<number> {
  const r = await db.deleteFrom('oauth_requests').where('expires_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
