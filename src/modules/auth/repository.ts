// Sessions and one-time setup tokens. Session ids are hashes of the cookie value.
import type { Db } from '../../db/connection.js';
import { clientIdsColumn } from '../operators/repository.js';

export async function insertSession(
  db: Db,
  s: { id: string; operatorId: string; now: string; expiresAt: string; ip: string | null; userAgent: string | null },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      operator_id: s.operatorId,
      created_at: s.now,
      expires_at: s.expiresAt,
      last_seen_at: s.now,
      ip: s.ip,
      user_agent: s.userAgent,
      revoked_at: null,
    })
    .execute();
}

/** The live session and its operator, or undefined when revoked, expired or the operator is disabled. */
export async function findLiveSession(db: Db, id: string, now: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('operators', 'operators.id', 'sessions.operator_id')
    .select([
      'sessions.id as session_id',
      'sessions.last_seen_at',
      'operators.id',
      'operators.email',
      'operators.name',
      'operators.role',
      clientIdsColumn(db),
    ])
    .where('sessions.id', '=', id)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', now)
    .where('operators.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchSession(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeSession(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', id).execute();
}

/**
 * Revoke every live session of an operator except, optionally, the one making the request;
 * returns how many were revoked (expired ones are not counted: they no longer sign anyone in).
 */
export async function revokeOperatorSessions(db: Db, operatorId: string, now: string, keep?: string): Promise<number> {
  let q = db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('operator_id', '=', operatorId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now);
  if (keep) q = q.where('id', '!=', keep);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function insertSetupToken(db: Db, id: string, now: string, expiresAt: string): Promise<void> {
  await db.insertInto('setup_tokens').values({ id, created_at: now, expires_at: expiresAt, used_at: null }).execute();
}

/** Marks the token used; returns false when it is unknown, used or expired (single use, race-safe). */
export async function consumeSetupToken(db: Db, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('setup_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recordSuccessfulLogin(db: Db, operatorId: string, now: string): Promise<void> {
  await db.updateTable('operators').set({ last_login_at: now }).where('id', '=', operatorId).execute();
}

/**
 * When the operator last signed in before `sessionId` began (sessions are kept, revoked or
 * expired, so this is their sign-in history); null when that session is their first. Without a
 * session (an API token), their latest sign-in.
 */
export async function previousSignInAt(db: Db, operatorId: string, sessionId: string | null): Promise<string | null> {
  let q = db
    .selectFrom('sessions')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('operator_id', '=', operatorId);
  if (sessionId) {
    q = q
      .where('id', '!=', sessionId)
      .where('created_at', '<=', (eb) =>
        eb
          .selectFrom('sessions')
          .select('created_at')
          .where('id', '=', sessionId)
          .where('operator_id', '=', operatorId),
      );
  }
  const row = await q.executeTakeFirst();
  return row?.at ?? null;
}
