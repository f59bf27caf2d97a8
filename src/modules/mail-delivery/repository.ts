// Queries for sending profiles and the outbox. Every function takes the client id and puts it in
// the where clause, except the worker's scans (due profiles), which return the client id with
// each row so that everything after them is scoped again.

import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { retryOnPgCodes } from '../../db/retry.js';
import { reusedQuery } from '../../db/reused-query.js';
import type { Database, OutboxMessagesTable, OutboxStatus, SendingProfilesTable } from '../../db/types.js';
import { nowIso } from '../../lib/ids.js';

export type ProfileRow = SendingProfilesTable;
export type MessageRow = OutboxMessagesTable;

/** Paused "until an administrator acts": a date no reset reaches. */
export const INDEFINITELY = '9999-12-31T00:00:00.000Z';

export const listProfiles = (db: Db, clientId: string) =>
  db.selectFrom('sending_profiles').selectAll().where('client_id', '=', clientId).orderBy('name').execute();

export const findProfile = (db: Db, clientId: string, profileId: string) =>
  db
    .selectFrom('sending_profiles')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .executeTakeFirst();

export const findProfileByName = (db: Db, clientId: string, name: string) =>
  db
    .selectFrom('sending_profiles')
    .select('id')
    .where('client_id', '=', clientId)
    .where('name', '=', name)
    .executeTakeFirst();

export async function insertProfile(db: Db, row: ProfileRow): Promise<void> {
  await db.insertInto('sending_profiles').values(row).execute();
}

export async function updateProfile(db: Db, clientId: string, profileId: string, patch: Partial<ProfileRow>) {
  const r = await db
    .updateTable('sending_profiles')
    .set({ ...patch, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** One more message sent again after a lost attempt (an increment in SQL: workers may race). */
export async function countInDoubt(db: Db, clientId: string, profileId: string): Promise<void> {
  await db
    .updateTable('sending_profiles')
    .set({ in_doubt_count: sql`in_doubt_count + 1` })
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .execute();
}

export async function deleteProfile(db: Db, clientId: string, profileId: string) {
  const r = await db
    .deleteFrom('sending_profiles')
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Messages of a profile that are still to go out (queued or in flight). */
export async function pendingCount(db: Db, clientId: string, profileId: string): Promise<number> {
  const r = await db
    .selectFrom('outbox_messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The message a link's token belongs to, of any client: the token is the only thing the link's
 * holder has, so this lookup names no client and returns the message's client id for every
 * query after it (like the worker's scans).
 */
export const findMessageByTokenHash = (db: Db, hash: string) =>
  db
    .selectFrom('outbox_messages')
    .select(['id', 'client_id', 'ref_type', 'ref_id', 'purpose'])
    .where('token_hash', '=', hash)
    .executeTakeFirst();

export const findContent = (db: Db, clientId: string, contentId: string) =>
  db
    .selectFrom('outbox_contents')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', contentId)
    .executeTakeFirst();

/** Queued messages whose window closed before they could go: never sent late. */
export async function expireOverdue(db: Db, clientId: string, profileId: string, now: string): Promise<number> {
  const queued = await db
    .updateTable('outbox_messages')
    .set({ status: 'expired', updated_at: now })
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where('status', '=', 'queued')
    .where('not_after', '<', now)
    .executeTakeFirst();
  // A lost attempt whose window closed meanwhile: it may have gone (in doubt), and is not sent late.
  const lost = await db
    .updateTable('outbox_messages')
    .set({ status: 'expired', in_doubt: 1, lease_until: null, updated_at: now })
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where('status', '=', 'sending')
    .where('lease_until', '<', now)
    .where('not_after', '<', now)
    .executeTakeFirst();
  return Number(queued.numUpdatedRows) + Number(lost.numUpdatedRows);
}

/** Due now: queued and its time come, or a lost attempt (lease run out) — within its window. */
const due = (now: string) => (eb: ExpressionBuilder<Database, 'outbox_messages'>) =>
  eb.and([
    eb.or([
      eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)]),
    ]),
    eb.or([eb('not_after', 'is', null), eb('not_after', '>=', now)]),
  ]);

/** Not after the client was archived (since the slice began): nothing more is claimed. */
const clientActive = (eb: ExpressionBuilder<Database, 'outbox_messages'>) =>
  eb.exists(
    eb
      .selectFrom('clients')
      .select('clients.id')
      .whereRef('clients.id', '=', 'outbox_messages.client_id')
      .where('clients.archived_at', 'is', null),
  );
const withinWindow = (now: string) => (eb: ExpressionBuilder<Database, 'outbox_messages'>) =>
  eb.or([eb('not_after', 'is', null), eb('not_after', '>=', now)]);

/** A message a sender may take now: due and queued, or (`lost`) in flight with its lease run out. */
const takeable = (lost: boolean, now: string) => (eb: ExpressionBuilder<Database, 'outbox_messages'>) =>
  lost
    ? eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', now)])
    : eb.and([eb('status', '=', 'queued'), eb('next_attempt_at', '<=', now)]);

/**
 * Messages of the profile a sender may take, in the order they go (next_attempt_at, then id):
 * due queued ones, or (`lost`) attempts whose sender died while they were in flight (lease run
 * out). The claim index (client_id, profile_id, status, next_attempt_at, id) holds them in that
 * order, so this reads `limit` rows whatever the length of the queue (an OR of the two in one
 * statement made SQLite read and sort every message of the profile on every claim).
 */
const claimable = (db: Db, clientId: string, profileId: string, lost: boolean, now: string, limit: number) =>
  db
    .selectFrom('outbox_messages')
    .select('id')
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where(takeable(lost, now))
    .where(withinWindow(now))
    .where(clientActive)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit);

/** The due queued messages a claim takes (the test reads its query plan). */
export const dueQueued = (db: Db, clientId: string, profileId: string, now: string, limit: number) =>
  claimable(db, clientId, profileId, false, now, limit);

/**
 * Claims, in one statement, up to `limit` of the messages `claimable` selects (due queued ones or,
 * `inDoubt`, the lost attempts), repeating its condition on each row, so of two senders claiming at once each
 * message goes to one of them. The client's id is compared as an expression: a bare
 * `client_id = ?` lets SQLite (no statistics) walk the claim index over the profile's whole queue
 * instead of looking the selected ids up by primary key.
 */
export const claimUpdate = (
  db: Db,
  clientId: string,
  profileId: string,
  inDoubt: boolean,
  now: string,
  leaseUntil: string,
  limit: number,
) =>
  db
    .updateTable('outbox_messages')
    .set({
      status: 'sending',
      lease_until: leaseUntil,
      attempts: sql`attempts + 1`,
      ...(inDoubt ? { in_doubt: 1 } : {}),
      updated_at: now,
    })
    .where(sql<string>`'' || ${sql.ref('client_id')}`, '=', clientId)
    .where('profile_id', '=', profileId)
    // One message (a busy profile claims one as another ends): `=` lets SQLite update the row as it
    // finds it. `in` first collects the ids in a temporary table, and with RETURNING the rows
    // again: a claim of one took 0.18 ms that way and 0.02 ms this way (scratch loop, 20,000 queued).
    .where('id', limit === 1 ? '=' : 'in', claimable(db, clientId, profileId, inDoubt, now, limit))
    .where(takeable(inDoubt, now))
    .returningAll();

/** claimUpdate, compiled once per shape (reused-query.ts): a claim per message or so. */
const claim = (...[db, clientId, profileId, inDoubt, now, leaseUntil, limit]: Parameters<typeof claimUpdate>) =>
  db
    .executeQuery(
      // a claim of one is a statement of its own shape (claimUpdate)
      reusedQuery(db, `outbox.claim.${inDoubt}.${limit === 1}`, { clientId, profileId, now, leaseUntil, limit }, (v) =>
        claimUpdate(db, v.clientId, v.profileId, inDoubt, v.now, v.leaseUntil, limit === 1 ? 1 : v.limit),
      ),
    )
    .then((r) => r.rows);

/**
 * PostgreSQL: two senders claiming one profile's queue at once can pick the same rows and lock
 * them in different orders; PostgreSQL then aborts one claim with a deadlock (40P01). The claim's
 * transaction (the dispatcher's turn) is rolled back whole, so it is simply run again (a worker
 * died of it in a CI run of mail-shared-rate.test.ts).
 */
export const retryDeadlock = <T>(claim: () => Promise<T>, tries = 5): Promise<T> =>
  retryOnPgCodes(DEADLOCK, claim, tries);
const DEADLOCK = new Set(['40P01']);

const queueOrder = (a: MessageRow, b: MessageRow) =>
  a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : a.id < b.id ? -1 : 1;

/**
 * Up to `limit` messages to send, claimed for `leaseUntil`: first, when `lookForLost`, attempts
 * whose sender died while they were in flight (their lease ran out) — those are in doubt: they may
 * have been delivered, and go again with the same Message-ID — then due queued ones, in the
 * queue's order. One statement each, whatever the count. (A deadlock aborts the transaction it
 * runs in: the caller runs that again, retryDeadlock.)
 */
export async function claimBatch(
  db: Db,
  clientId: string,
  profileId: string,
  now: string,
  leaseUntil: string,
  limit: number,
  lookForLost = true,
): Promise<{ message: MessageRow; inDoubt: boolean }[]> {
  const lost = lookForLost ? await claim(db, clientId, profileId, true, now, leaseUntil, limit) : [];
  const queued =
    lost.length < limit ? await claim(db, clientId, profileId, false, now, leaseUntil, limit - lost.length) : [];
  // RETURNING gives no order: the queue's
  return [
    ...lost.sort(queueOrder).map((message) => ({ message, inDoubt: true })),
    ...queued.sort(queueOrder).map((message) => ({ message, inDoubt: false })),
  ];
}

/** Ends an attempt; only while this sender still holds the message (its lease unchanged). */
export async function finishAttempt(
  db: Db,
  clientId: string,
  m: Pick<MessageRow, 'id' | 'lease_until'>,
  patch: Partial<MessageRow>,
): Promise<boolean> {
  const set = { ...patch, lease_until: null, updated_at: nowIso() };
  // one compiled statement per set of columns patched (reused-query.ts)
  const keys = Object.keys(set).sort() as (keyof typeof set)[];
  const values: Record<string, unknown> = { clientId, id: m.id, lease: m.lease_until };
  for (const k of keys) values[`set.${k}`] = set[k];
  const r = await db.executeQuery(
    reusedQuery(db, `outbox.finish.${keys.join(',')}`, values, (v) =>
      db
        .updateTable('outbox_messages')
        .set(Object.fromEntries(keys.map((k) => [k, v[`set.${k}`]])))
        .where('client_id', '=', v.clientId as string)
        .where('id', '=', v.id as string)
        .where('status', '=', 'sending')
        .where('lease_until', '=', v.lease as string | null),
    ),
  );
  return Number(r.numAffectedRows) === 1;
}

/**
 * Ends several attempts in one transaction (one commit instead of one per message), or in the
 * caller's when `db` is one; each still only while its sender holds it. Returns, per attempt,
 * whether it was recorded.
 */
export async function finishAttempts(
  db: Db,
  clientId: string,
  done: { m: Pick<MessageRow, 'id' | 'lease_until'>; patch: Partial<MessageRow> }[],
): Promise<boolean[]> {
  const each = async (on: Db) => {
    const out: boolean[] = [];
    for (const d of done) out.push(await finishAttempt(on, clientId, d.m, d.patch));
    return out;
  };
  return done.length === 1 || db.isTransaction ? each(db) : db.transaction().execute(each);
}

/** Moves a live attempt's lease on, only while it is still the one this sender holds. */
export async function renewLease(db: Db, clientId: string, m: Pick<MessageRow, 'id' | 'lease_until'>, until: string) {
  const r = await db
    .updateTable('outbox_messages')
    .set({ lease_until: until })
    .where('client_id', '=', clientId)
    .where('id', '=', m.id)
    .where('status', '=', 'sending')
    .where('lease_until', '=', m.lease_until)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function hasDueWork(db: Db, clientId: string, profileId: string, now: string): Promise<boolean> {
  const r = await db
    .selectFrom('outbox_messages')
    .select('id')
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where(due(now))
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/** Profiles, of any client, that are not paused and have a message due: the worker's scan. */
export async function profilesWithDueWork(db: Db, now: string) {
  return (
    db
      .selectFrom('sending_profiles as p')
      .innerJoin('clients as c', 'c.id', 'p.client_id')
      .select(['p.id', 'p.client_id'])
      // An archived client's mail waits until the client is restored.
      .where('c.archived_at', 'is', null)
      .where((eb) => eb.or([eb('p.paused_until', 'is', null), eb('p.paused_until', '<=', now)]))
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('outbox_messages as m')
            .select('m.id')
            .whereRef('m.profile_id', '=', 'p.id')
            .whereRef('m.client_id', '=', 'p.client_id')
            .where((w) =>
              w.or([
                w.and([w('m.status', '=', 'queued'), w('m.next_attempt_at', '<=', now)]),
                w.and([w('m.status', '=', 'sending'), w('m.lease_until', '<', now)]),
              ]),
            ),
        ),
      )
      .execute()
  );
}

/** Profiles paused for their Azure application whose application is connected again. */
export async function profilesToResume(db: Db) {
  return db
    .selectFrom('sending_profiles as p')
    .innerJoin('azure_apps as a', (j) =>
      j.onRef('a.id', '=', 'p.azure_app_id').onRef('a.client_id', '=', 'p.client_id'),
    )
    .innerJoin('clients as c', 'c.id', 'p.client_id')
    .select(['p.id', 'p.client_id', 'p.pause_reason'])
    .where('c.archived_at', 'is', null)
    .where('p.paused_until', '=', INDEFINITELY)
    .where('a.status', '=', 'connected')
    .execute();
}

/** Messages of a profile sent since `since`, and when the first of them was. */
export async function recentSends(db: Db, clientId: string, profileId: string, since: string) {
  const r = await db
    .selectFrom('outbox_messages')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('sent_at').as('first')])
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where('status', '=', 'sent')
    .where('sent_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { n: Number(r.n), first: (r.first as string | null) ?? null };
}

export interface QueueCounts {
  queued: number;
  sending: number;
  deferred: number;
  sentToday: number;
  sentLastMinute: number;
  failed: number;
  expired: number;
  inDoubt: number;
}

export async function queueCounts(db: Db, clientId: string, profileId: string, now: Date): Promise<QueueCounts> {
  const iso = now.toISOString();
  const dayStart = `${iso.slice(0, 10)}T00:00:00.000Z`;
  const minuteAgo = new Date(now.getTime() - 60_000).toISOString();
  const rows = await db
    .selectFrom('outbox_messages')
    .select([
      'status',
      sql<number>`count(*)`.as('n'),
      sql<number>`sum(case when status = 'queued' and attempts > 0 then 1 else 0 end)`.as('deferred'),
      sql<number>`sum(case when status = 'sent' and sent_at >= ${dayStart} then 1 else 0 end)`.as('today'),
      sql<number>`sum(case when status = 'sent' and sent_at >= ${minuteAgo} then 1 else 0 end)`.as('minute'),
      sql<number>`sum(in_doubt)`.as('doubt'),
    ])
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .groupBy('status')
    .execute();
  const c: QueueCounts = {
    queued: 0,
    sending: 0,
    deferred: 0,
    sentToday: 0,
    sentLastMinute: 0,
    failed: 0,
    expired: 0,
    inDoubt: 0,
  };
  for (const r of rows) {
    const n = Number(r.n);
    if (r.status === 'queued') c.queued = n - Number(r.deferred);
    if (r.status === 'sending') c.sending = n;
    if (r.status === 'failed') c.failed = n;
    if (r.status === 'expired') c.expired = n;
    c.deferred += Number(r.deferred);
    c.sentToday += Number(r.today);
    c.sentLastMinute += Number(r.minute);
    c.inDoubt += Number(r.doubt);
  }
  return c;
}

export async function listMessages(
  db: Db,
  clientId: string,
  profileId: string,
  status: OutboxStatus | undefined,
  limit: number,
  after?: string,
) {
  let q = db
    .selectFrom('outbox_messages')
    .select([
      'id',
      'to_address',
      'to_name',
      'purpose',
      'ref_type',
      'ref_id',
      'message_id',
      'status',
      'attempts',
      'next_attempt_at',
      'not_after',
      'in_doubt',
      'last_error',
      'provider_id',
      'sent_at',
      'created_at',
    ])
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId);
  if (status) q = q.where('status', '=', status);
  if (after) q = q.where('id', '<', after);
  return q.orderBy('id', 'desc').limit(limit).execute();
}

/** Failed or expired messages back to the queue, as new (attempts reset). */
export async function requeue(db: Db, clientId: string, profileId: string, messageId: string | null, now: string) {
  let q = db
    .updateTable('outbox_messages')
    .set({ status: 'queued', attempts: 0, next_attempt_at: now, not_after: null, last_error: null, updated_at: now })
    .where('client_id', '=', clientId)
    .where('profile_id', '=', profileId)
    .where('status', 'in', ['failed', 'expired']);
  if (messageId) q = q.where('id', '=', messageId);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Ids of what produced messages: a list, or a subquery selecting them (one `id` column). */
// biome-ignore lint/suspicious/noExplicitAny: a subquery of any table that selects an `id`
export type RefIds = readonly string[] | SelectQueryBuilder<Database, any, { id: string }>;

/** Queued messages of those refs to `cancelled`, in one statement whatever their number. */
export async function cancelQueuedByRef(db: Db, clientId: string, refType: string, refIds: RefIds, now: string) {
  if (Array.isArray(refIds) && refIds.length === 0) return 0;
  const r = await db
    .updateTable('outbox_messages')
    .set({ status: 'cancelled', updated_at: now })
    .where('client_id', '=', clientId)
    .where('ref_type', '=', refType)
    .where('ref_id', 'in', refIds as readonly string[])
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
