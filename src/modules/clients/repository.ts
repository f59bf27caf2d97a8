// Clients. Every read takes the actor's visible client ids (null = all, for system
// administrators) so that the tenant condition is part of the query itself.
import type { Db } from '../../db/connection.js';
import type { Client } from '../../db/types.js';

export type Visible = string[] | null;

export async function listClients(db: Db, visible: Visible, includeArchived: boolean): Promise<Client[]> {
  if (visible !== null && visible.length === 0) return [];
  let q = db.selectFrom('clients').selectAll().orderBy('name_key');
  if (visible !== null) q = q.where('id', 'in', visible);
  if (!includeArchived) q = q.where('archived_at', 'is', null);
  return q.execute();
}

export async function findClient(db: Db, visible: Visible, clientId: string): Promise<Client | undefined> {
  if (visible !== null && !visible.includes(clientId)) return undefined;
  let q = db.selectFrom('clients').selectAll().where('id', '=', clientId);
  if (visible !== null) q = q.where('id', 'in', visible);
  return q.executeTakeFirst();
}

/** Whether the client exists and is archived (read-only); the request path asks on every client write. */
export async function isClientArchived(db: Db, clientId: string): Promise<boolean> {
  const c = await db.selectFrom('clients').select('archived_at').where('id', '=', clientId).executeTakeFirst();
  return Boolean(c?.archived_at);
}

export const findClientByNameKey = (db: Db, nameKey: string): Promise<Client | undefined> =>
  db.selectFrom('clients').selectAll().where('name_key', '=', nameKey).executeTakeFirst();

export async function insertClient(db: Db, c: Client): Promise<void> {
  await db.insertInto('clients').values(c).execute();
}

export async function updateClient(
  db: Db,
  clientId: string,
  patch: Partial<Pick<Client, 'name' | 'name_key' | 'archived_at' | 'updated_at'>>,
): Promise<void> {
  await db.updateTable('clients').set(patch).where('id', '=', clientId).execute();
}

/** Administrators of one client (client-owned rows: the client id is in the where clause). */
export const listClientAdministrators = (db: Db, clientId: string) =>
  db
    .selectFrom('client_administrators')
    .innerJoin('operators', 'operators.id', 'client_administrators.operator_id')
    .selectAll('operators')
    .where('client_administrators.client_id', '=', clientId)
    .orderBy('operators.name')
    .execute();

export async function assignAdministrator(db: Db, clientId: string, operatorId: string, now: string): Promise<boolean> {
  const exists = await db
    .selectFrom('client_administrators')
    .select('operator_id')
    .where('client_id', '=', clientId)
    .where('operator_id', '=', operatorId)
    .executeTakeFirst();
  if (exists) return false;
  await db
    .insertInto('client_administrators')
    .values({ client_id: clientId, operator_id: operatorId, created_at: now })
    .execute();
  return true;
}

export async function unassignAdministrator(db: Db, clientId: string, operatorId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('client_administrators')
    .where('client_id', '=', clientId)
    .where('operator_id', '=', operatorId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
