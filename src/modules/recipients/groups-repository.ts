// Recipient groups and their memberships. Every function takes the client id and puts it in the
// where clause; membership rows carry the client id too, so a member can be checked or removed
// without first loading the group.
import type { Db } from '../../db/connection.js';
import type { RecipientGroupsTable } from '../../db/types.js';
import { breathe } from '../../lib/breathe.js';

export type GroupRow = RecipientGroupsTable;
export type GroupWithCount = GroupRow & { member_count: number };

export async function listGroups(db: Db, clientId: string): Promise<GroupWithCount[]> {
  const rows = await db
    .selectFrom('recipient_groups as g')
    .leftJoin('recipient_group_members as m', (j) =>
      j.onRef('m.group_id', '=', 'g.id').on('m.client_id', '=', clientId),
    )
    .selectAll('g')
    .select((eb) => eb.fn.count<number>('m.recipient_id').as('member_count'))
    .where('g.client_id', '=', clientId)
    .groupBy(['g.id', 'g.client_id', 'g.name', 'g.name_key', 'g.description', 'g.created_at', 'g.updated_at'])
    .orderBy('g.name_key')
    .execute();
  return rows.map((r) => ({ ...r, member_count: Number(r.member_count) }));
}

export const findGroup = (db: Db, clientId: string, groupId: string): Promise<GroupRow | undefined> =>
  db
    .selectFrom('recipient_groups')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', groupId)
    .executeTakeFirst();

export const findGroupByNameKey = (db: Db, clientId: string, nameKey: string) =>
  db
    .selectFrom('recipient_groups')
    .select('id')
    .where('client_id', '=', clientId)
    .where('name_key', '=', nameKey)
    .executeTakeFirst();

/** Which of `groupIds` exist in this client (ids of other clients are simply absent). */
export async function existingGroupIds(db: Db, clientId: string, groupIds: string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('recipient_groups')
    .select('id')
    .where('client_id', '=', clientId)
    .where('id', 'in', groupIds)
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function countMembers(db: Db, clientId: string, groupId: string): Promise<number> {
  const r = await db
    .selectFrom('recipient_group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_id', '=', clientId)
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertGroup(db: Db, row: GroupRow): Promise<void> {
  await db.insertInto('recipient_groups').values(row).execute();
}

export async function updateGroup(
  db: Db,
  clientId: string,
  groupId: string,
  patch: Partial<Pick<GroupRow, 'name' | 'name_key' | 'description' | 'updated_at'>>,
): Promise<void> {
  await db
    .updateTable('recipient_groups')
    .set(patch)
    .where('client_id', '=', clientId)
    .where('id', '=', groupId)
    .execute();
}

/** Names of the directory imports (Entra sync) that fill this group. */
export async function importsTargeting(db: Db, clientId: string, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('directory_imports')
    .select('name')
    .where('client_id', '=', clientId)
    .where('target_group_id', '=', groupId)
    .orderBy('name')
    .execute();
  return rows.map((r) => r.name);
}

export async function deleteGroup(db: Db, clientId: string, groupId: string): Promise<boolean> {
  await db
    .deleteFrom('recipient_group_members')
    .where('client_id', '=', clientId)
    .where('group_id', '=', groupId)
    .execute();
  const r = await db
    .deleteFrom('recipient_groups')
    .where('client_id', '=', clientId)
    .where('id', '=', groupId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * Adds memberships that do not exist yet; returns how many were added. The caller has checked
 * that group and recipients belong to `clientId`.
 */
export async function addMembers(
  db: Db,
  clientId: string,
  groupId: string,
  recipientIds: string[],
  now: string,
): Promise<number> {
  let added = 0;
  for (let i = 0; i < recipientIds.length; i += 500) {
    if (i > 0) await breathe();
    const chunk = recipientIds.slice(i, i + 500);
    const present = new Set(
      (
        await db
          .selectFrom('recipient_group_members')
          .select('recipient_id')
          .where('client_id', '=', clientId)
          .where('group_id', '=', groupId)
          .where('recipient_id', 'in', chunk)
          .execute()
      ).map((r) => r.recipient_id),
    );
    const fresh = [...new Set(chunk)].filter((id) => !present.has(id));
    if (fresh.length === 0) continue;
    await db
      .insertInto('recipient_group_members')
      .values(fresh.map((recipient_id) => ({ client_id: clientId, group_id: groupId, recipient_id, created_at: now })))
      .execute();
    added += fresh.length;
  }
  return added;
}

/** Which of `recipientIds` are already members of the group. */
export async function memberIdsAmong(
  db: Db,
  clientId: string,
  groupId: string,
  recipientIds: string[],
): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < recipientIds.length; i += 500) {
    if (i > 0) await breathe();
    const rows = await db
      .selectFrom('recipient_group_members')
      .select('recipient_id')
      .where('client_id', '=', clientId)
      .where('group_id', '=', groupId)
      .where('recipient_id', 'in', recipientIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.add(r.recipient_id);
  }
  return out;
}

export async function removeMember(db: Db, clientId: string, groupId: string, recipientId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('recipient_group_members')
    .where('client_id', '=', clientId)
    .where('group_id', '=', groupId)
    .where('recipient_id', '=', recipientId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Replaces a recipient's memberships with exactly `groupIds` (all checked to be this client's). */
export async function setRecipientGroups(
  db: Db,
  clientId: string,
  recipientId: string,
  groupIds: string[],
  now: string,
): Promise<void> {
  await db
    .deleteFrom('recipient_group_members')
    .where('client_id', '=', clientId)
    .where('recipient_id', '=', recipientId)
    .execute();
  const unique = [...new Set(groupIds)];
  if (unique.length === 0) return;
  await db
    .insertInto('recipient_group_members')
    .values(unique.map((group_id) => ({ client_id: clientId, group_id, recipient_id: recipientId, created_at: now })))
    .execute();
}
