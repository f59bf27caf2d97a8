// The business rule of a sync: what a page of Entra users does to the client's recipients, under
// the import's policies. One call per Graph page, inside the transaction that also advances the
// run's cursor, so a page is applied once or not at all. Reads and writes go through bulk.ts:
// keyed lookups and upserts for the whole page, the cheapest way each engine takes them.
import type { Db } from '../../db/connection.js';
import { newId, newOrderedId } from '../../lib/ids.js';
import { bulkInsert, type Column, chunks, type Engine, rowsByKey } from './bulk.js';
import { type EntraUser, type Filters, inScope, type MappedUser, mapUser, sameRecipient } from './mapping.js';
import type { ImportRow } from './repository.js';
import { heldFor } from './repository.js';

export interface Counters {
  added: number;
  updated: number;
  removed: number;
  held: number;
  skipped: number;
  /** who was skipped and why (every skipped user, the run keeps the first 200) */
  skippedUsers: SkippedUser[];
  /** listed but outside the import's filters, and not a member: left out by choice */
  filtered: number;
  errors: { code: string; message: string; entraObjectId?: string }[];
}

export interface SkippedUser {
  entraObjectId: string;
  displayName: string | null;
  email: string | null;
  reason: 'no_address' | 'email_conflict' | 'rejected' | 'awaiting_approval';
}

export const zeroCounters = (): Counters => ({
  added: 0,
  updated: 0,
  removed: 0,
  held: 0,
  skipped: 0,
  skippedUsers: [],
  filtered: 0,
  errors: [],
});

export interface ApplyContext {
  imp: ImportRow;
  runId: string | null;
  filters: Filters;
  now: string;
  /** the import had no members when this full listing began: skip the member lookups */
  fresh?: boolean;
  /** how the page's lookups and writes reach the database (bulk.ts) */
  engine: Engine;
}

export type RemovalReason = 'removed' | 'out_of_scope' | 'not_listed' | 'disabled';
export interface Removal {
  entraObjectId: string;
  recipientId: string;
  reason: RemovalReason;
}

type Existing = {
  id: string;
  email: string;
  email_key: string;
  entra_object_id: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  department: string | null;
  job_title: string | null;
  office_location: string | null;
  user_type: string | null;
  enabled: number;
  source: string;
  created_at: string;
};

async function loadRecipients(db: Db, engine: Engine, clientId: string, entraIds: string[], emailKeys: string[]) {
  const where = { client_id: clientId };
  return [
    ...(await rowsByKey<Existing>(db, engine, 'recipients', '*', where, 'entra_object_id', entraIds)),
    ...(await rowsByKey<Existing>(db, engine, 'recipients', '*', where, 'email_key', emailKeys)),
  ];
}

async function loadMembers(db: Db, engine: Engine, imp: ImportRow, entraIds: string[]) {
  const rows = await rowsByKey<{ entra_object_id: string; recipient_id: string }>(
    db,
    engine,
    'directory_import_members',
    ['entra_object_id', 'recipient_id'],
    { client_id: imp.client_id, import_id: imp.id },
    'entra_object_id',
    entraIds,
  );
  return new Map(rows.map((r) => [r.entra_object_id, r.recipient_id]));
}

/** Apply one page of users (full listing or delta). */
export async function applyUsers(db: Db, ctx: ApplyContext, page: EntraUser[]): Promise<Counters> {
  const { imp, filters, now } = ctx;
  const c = zeroCounters();
  // Last occurrence wins when a page repeats a user (a user in two selected groups' pages is fine too).
  const byId = new Map<string, EntraUser>();
  for (const u of page) if (u?.id) byId.set(u.id, u);
  const ids = [...byId.keys()];
  const inScopeUsers: MappedUser[] = [];
  const leaving: { id: string; reason: RemovalReason }[] = [];
  for (const u of byId.values()) {
    if (u['@removed']) leaving.push({ id: u.id, reason: 'removed' });
    else if (!inScope(u, filters))
      leaving.push({
        id: u.id,
        reason: filters.enabledOnly && u.accountEnabled === false ? 'disabled' : 'out_of_scope',
      });
    else {
      const m = mapUser(u);
      if (m) inScopeUsers.push(m);
      else skip(c, { entraObjectId: u.id, displayName: u.displayName ?? null, email: null, reason: 'no_address' });
    }
  }

  const [members, existing, held] = await Promise.all([
    ctx.fresh ? new Map<string, string>() : loadMembers(db, ctx.engine, imp, ids),
    loadRecipients(
      db,
      ctx.engine,
      imp.client_id,
      inScopeUsers.map((m) => m.entraObjectId),
      inScopeUsers.map((m) => m.emailKey),
    ),
    ctx.fresh ? [] : heldFor(db, imp.client_id, imp.id, ids),
  ]);
  const byEntra = new Map<string, Existing>();
  const byEmail = new Map<string, Existing>();
  for (const r of existing) {
    if (r.entra_object_id) byEntra.set(r.entra_object_id, r);
    byEmail.set(r.email_key, r);
  }
  const pendingAdd = new Map<string, string>();
  const pendingRemove = new Map<string, string>();
  const rejectedAdd = new Set<string>();
  for (const h of held) {
    if (h.status === 'pending') (h.kind === 'add' ? pendingAdd : pendingRemove).set(h.entra_object_id, h.id);
    else if (h.kind === 'add') rejectedAdd.add(h.entra_object_id);
  }

  const writes: RecipientWrite[] = [];
  const toHold: HeldInsert[] = [];
  const superseded: string[] = [];
  const claimed = new Set<string>(); // email keys taken within this page
  const holdNew = imp.new_user_policy === 'hold' && imp.initialized_at !== null;

  for (const m of inScopeUsers) {
    const mine = members.has(m.entraObjectId);
    const rec = byEntra.get(m.entraObjectId) ?? adoptable(byEmail.get(m.emailKey));
    const owner = byEmail.get(m.emailKey);
    if ((owner && owner.id !== rec?.id) || claimed.has(m.emailKey)) {
      skip(c, skipped(m, 'email_conflict'));
      continue;
    }
    claimed.add(m.emailKey);
    const restored = pendingRemove.get(m.entraObjectId);
    if (restored) superseded.push(restored); // back in scope: the held removal no longer applies
    if (mine) {
      if (rec && !sameRecipient(m, rec)) {
        writes.push({ m, id: rec.id, created: rec.created_at, member: true });
        c.updated++;
      } else
        writes.push({
          m,
          id: rec?.id ?? newOrderedId(),
          created: rec?.created_at ?? now,
          member: true,
          unchanged: !!rec,
        });
      continue;
    }
    if (rejectedAdd.has(m.entraObjectId)) {
      skip(c, skipped(m, 'rejected'));
      continue;
    }
    if (holdNew) {
      if (!pendingAdd.has(m.entraObjectId)) {
        toHold.push({ kind: 'add', m, reason: 'new' });
        c.held++;
      } else skip(c, skipped(m, 'awaiting_approval'));
      continue;
    }
    writes.push({
      m,
      id: rec?.id ?? newOrderedId(),
      created: rec?.created_at ?? now,
      member: false,
      unchanged: rec ? sameRecipient(m, rec) : false,
    });
    c.added++;
  }

  await writeRecipients(db, ctx, writes);

  const removals: Removal[] = [];
  for (const l of leaving) {
    const recipientId = members.get(l.id);
    const pending = pendingAdd.get(l.id);
    if (pending) superseded.push(pending); // a held addition of someone who left: nothing to decide any more
    if (!recipientId) {
      if (l.reason !== 'removed') c.filtered++;
      continue;
    }
    removals.push({ entraObjectId: l.id, recipientId, reason: l.reason });
  }
  // Deletions wait for the run's end, where they are counted against the deletion threshold all at
  // once (engine complete()): a mass removal spread over many pages is held as a whole.
  if (imp.removed_user_policy === 'delete' && ctx.runId) await markLeaving(db, imp, ctx.runId, removals);
  const r =
    imp.removed_user_policy === 'delete' && ctx.runId
      ? { removed: 0, held: 0, hold: [] }
      : await applyRemovals(db, ctx, removals, pendingRemove);
  c.removed += r.removed;
  c.held += r.held;
  toHold.push(...r.hold);

  await insertHeld(db, ctx, toHold);
  if (superseded.length > 0) {
    await db
      .updateTable('directory_held_changes')
      .set({ status: 'superseded', decided_at: now, updated_at: now })
      .where('client_id', '=', imp.client_id)
      .where('id', 'in', superseded)
      .execute();
  }
  return c;
}

function skip(c: Counters, user: SkippedUser) {
  c.skipped++;
  c.skippedUsers.push(user);
}

const skipped = (m: MappedUser, reason: SkippedUser['reason']): SkippedUser => ({
  entraObjectId: m.entraObjectId,
  displayName: m.displayName,
  email: m.email,
  reason,
});

/** Members seen leaving in this run, with the reason; complete() applies or holds them. */
async function markLeaving(db: Db, imp: ImportRow, runId: string, removals: Removal[]) {
  const byReason = new Map<RemovalReason, string[]>();
  for (const r of removals) byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r.entraObjectId]);
  for (const [reason, ids] of byReason) {
    for (const part of chunks(ids)) {
      await db
        .updateTable('directory_import_members')
        .set({ leaving_run_id: runId, leaving_reason: reason })
        .where('client_id', '=', imp.client_id)
        .where('import_id', '=', imp.id)
        .where('entra_object_id', 'in', part)
        .execute();
    }
  }
}

/** A recipient entered by hand (or CSV) with the same address becomes the Entra user's. */
const adoptable = (r: Existing | undefined) => (r && r.entra_object_id === null ? r : undefined);

export interface RecipientWrite {
  m: MappedUser;
  id: string;
  created: string;
  /** already this import's member */
  member: boolean;
  /** the recipient row needs no write */
  unchanged?: boolean;
}

export async function writeRecipients(db: Db, ctx: ApplyContext, writes: RecipientWrite[]): Promise<void> {
  const { imp, now, runId } = ctx;
  const rows = writes
    .filter((w) => !w.unchanged)
    .map((w) => ({
      id: w.id,
      client_id: imp.client_id,
      email: w.m.email,
      email_key: w.m.emailKey,
      first_name: w.m.firstName,
      last_name: w.m.lastName,
      display_name: w.m.displayName,
      department: w.m.department,
      job_title: w.m.jobTitle,
      office_location: w.m.officeLocation,
      entra_object_id: w.m.entraObjectId,
      user_type: w.m.userType,
      enabled: w.m.enabled,
      source: 'entra' as const,
      created_at: w.created,
      updated_at: now,
    }));
  const { engine } = ctx;
  // Keyed by the row id we resolved from the Entra object id (or adopted by address): new rows
  // insert, known rows update in place — renames and address changes keep the recipient.
  await bulkInsert(db, engine, 'recipients', RECIPIENT_COLUMNS, rows, RECIPIENT_UPSERT);
  const joining = writes
    .filter((w) => !w.member)
    // The membership carries the recipient's name for the group's pages (migration 0029): the name
    // written to the recipient just above, so SQLite's trigger need not look it up and rewrite
    // the row (about 0.5 s of a 100,000-user import into a group).
    .map((w) => ({
      client_id: imp.client_id,
      group_id: imp.target_group_id,
      recipient_id: w.id,
      created_at: now,
      display_name: w.m.displayName,
    }));
  await bulkInsert(
    db,
    engine,
    'recipient_group_members',
    GROUP_MEMBER_COLUMNS,
    joining,
    '(group_id, recipient_id) do nothing',
  );
  // Every user seen in scope is stamped with this run: a complete listing removes only the unstamped.
  const seen = writes.map((w) => ({
    client_id: imp.client_id,
    import_id: imp.id,
    entra_object_id: w.m.entraObjectId,
    recipient_id: w.id,
    last_seen_run_id: runId,
  }));
  await bulkInsert(
    db,
    engine,
    'directory_import_members',
    IMPORT_MEMBER_COLUMNS,
    seen,
    '(import_id, entra_object_id) do update set recipient_id = excluded.recipient_id, last_seen_run_id = excluded.last_seen_run_id',
  );
}

const text = (...names: string[]): Column[] => names.map((name) => ({ name, pg: 'text' }));
const GROUP_MEMBER_COLUMNS = text('client_id', 'group_id', 'recipient_id', 'created_at', 'display_name');
const IMPORT_MEMBER_COLUMNS = text('client_id', 'import_id', 'entra_object_id', 'recipient_id', 'last_seen_run_id');

export const RECIPIENT_COLUMNS: Column[] = [
  ...text(
    'id',
    'client_id',
    'email',
    'email_key',
    'first_name',
    'last_name',
    'display_name',
    'department',
    'job_title',
    'office_location',
    'entra_object_id',
    'user_type',
  ),
  { name: 'enabled', pg: 'int4' },
  ...text('source', 'created_at', 'updated_at'),
];
export const RECIPIENT_UPSERT = `(id) do update set ${RECIPIENT_COLUMNS.filter(
  (c) => !['id', 'client_id', 'created_at'].includes(c.name),
)
  .map((c) => `${c.name} = excluded.${c.name}`)
  .join(', ')}`;

interface HeldInsert {
  kind: 'add' | 'remove';
  m?: MappedUser;
  entraObjectId?: string;
  reason: string;
  displayName?: string | null;
  email?: string | null;
}

/** The removals applyRemovals returned to hold (given a map of pending ones, it leaves the insert to its caller). */
export const insertHeldRemovals = (db: Db, ctx: ApplyContext, items: HeldInsert[]) => insertHeld(db, ctx, items);

async function insertHeld(db: Db, ctx: ApplyContext, items: HeldInsert[]) {
  const { imp, now, runId } = ctx;
  for (const part of chunks(items)) {
    await db
      .insertInto('directory_held_changes')
      .values(
        part.map((h) => ({
          id: newId(),
          client_id: imp.client_id,
          import_id: imp.id,
          run_id: runId,
          kind: h.kind,
          entra_object_id: h.m?.entraObjectId ?? h.entraObjectId ?? '',
          display_name: h.m?.displayName ?? h.displayName ?? null,
          email: h.m?.email ?? h.email ?? null,
          reason: h.reason,
          payload: h.m ? JSON.stringify(h.m) : null,
          status: 'pending' as const,
          decided_by: null,
          decided_at: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
}

/**
 * Users who left the import (explicit @removed, out of scope, or absent from a complete listing)
 * under the removed-user policy: delete, keep (no longer managed by this import) or hold.
 */
export async function applyRemovals(
  db: Db,
  ctx: ApplyContext,
  removals: Removal[],
  pendingRemove?: Map<string, string>,
): Promise<{ removed: number; held: number; hold: HeldInsert[] }> {
  const { imp } = ctx;
  if (removals.length === 0) return { removed: 0, held: 0, hold: [] };
  const pending =
    pendingRemove ??
    new Map(
      (
        await heldFor(
          db,
          imp.client_id,
          imp.id,
          removals.map((r) => r.entraObjectId),
        )
      )
        .filter((h) => h.status === 'pending' && h.kind === 'remove')
        .map((h) => [h.entra_object_id, h.id]),
    );
  if (imp.removed_user_policy === 'hold') {
    const fresh = removals.filter((r) => !pending.has(r.entraObjectId));
    const info = await recipientInfo(
      db,
      imp.client_id,
      fresh.map((r) => r.recipientId),
    );
    const hold = fresh.map((r) => ({
      kind: 'remove' as const,
      entraObjectId: r.entraObjectId,
      reason: r.reason,
      displayName: info.get(r.recipientId)?.display_name ?? null,
      email: info.get(r.recipientId)?.email ?? null,
    }));
    if (!pendingRemove) await insertHeld(db, ctx, hold);
    return { removed: 0, held: hold.length, hold: pendingRemove ? hold : [] };
  }
  await forgetMembers(
    db,
    imp,
    removals.map((r) => r.entraObjectId),
  );
  if (imp.removed_user_policy === 'keep') return { removed: 0, held: 0, hold: [] };
  return {
    removed: await deleteRecipients(
      db,
      imp,
      removals.map((r) => r.recipientId),
    ),
    held: 0,
    hold: [],
  };
}

async function recipientInfo(db: Db, clientId: string, ids: string[]) {
  const map = new Map<string, { display_name: string | null; email: string }>();
  for (const part of chunks(ids)) {
    const rows = await db
      .selectFrom('recipients')
      .select(['id', 'display_name', 'email'])
      .where('client_id', '=', clientId)
      .where('id', 'in', part)
      .execute();
    for (const r of rows) map.set(r.id, r);
  }
  return map;
}

export async function forgetMembers(db: Db, imp: ImportRow, entraIds: string[]) {
  for (const part of chunks(entraIds)) {
    await db
      .deleteFrom('directory_import_members')
      .where('client_id', '=', imp.client_id)
      .where('import_id', '=', imp.id)
      .where('entra_object_id', 'in', part)
      .execute();
  }
}

/**
 * Delete recipients this import brought in, unless another import still holds them (then they
 * only leave this import's group). Returns how many left the import.
 */
export async function deleteRecipients(db: Db, imp: ImportRow, recipientIds: string[]): Promise<number> {
  for (const part of chunks(recipientIds)) {
    const kept = new Set(
      (
        await db
          .selectFrom('directory_import_members')
          .select('recipient_id')
          .where('client_id', '=', imp.client_id)
          .where('recipient_id', 'in', part)
          .execute()
      ).map((r) => r.recipient_id),
    );
    const gone = part.filter((id) => !kept.has(id));
    const stay = part.filter((id) => kept.has(id));
    if (gone.length > 0) {
      await db.deleteFrom('recipients').where('client_id', '=', imp.client_id).where('id', 'in', gone).execute();
    }
    if (stay.length > 0) {
      await db
        .deleteFrom('recipient_group_members')
        .where('client_id', '=', imp.client_id)
        .where('group_id', '=', imp.target_group_id)
        .where('recipient_id', 'in', stay)
        .execute();
    }
  }
  return recipientIds.length;
}
