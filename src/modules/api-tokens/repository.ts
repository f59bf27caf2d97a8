// Personal API tokens, stored as SHA-256 hashes. Owned by an operator, not by a client.
import type { Db } from '../../db/connection.js';
import type { ApiTokenRow } from '../../db/types.js';
import { clientIdsColumn } from '../operators/repository.js';

export async function findLiveApiToken(db: Db, hash: string, now: string) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('operators', 'operators.id', 'api_tokens.operator_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.last_used_at',
      'operators.id',
      'operators.email',
      'operators.name',
      'operators.role',
      clientIdsColumn(db),
    ])
    .where('api_tokens.token_hash', '=', hash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]))
    .where('operators.disabled_at', 'is', null)
    .executeTakeFirst();
}

export async function touchApiToken(db: Db, id: string, now: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
}

export const listOwnTokens = (db: Db, operatorId: string): Promise<ApiTokenRow[]> =>
  db
    .selectFrom('api_tokens')
    .selectAll()
    .where('operator_id', '=', operatorId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();

export async function insertApiToken(db: Db, row: ApiTokenRow): Promise<void> {
  await db.insertInto('api_tokens').values(row).execute();
}

/** Revoke one token of the operator; false when it is not theirs or not live. */
export async function revokeOwnToken(db: Db, operatorId: string, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('operator_id', '=', operatorId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Revoke every live token of an operator; returns how many were revoked. */
export async function revokeAllTokensOf(db: Db, operatorId: string, now: string): Promise<number> {
  const r = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('operator_id', '=', operatorId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** One live token of the given operator, for revocation by an administrator. */
export const findLiveTokenOf = (db: Db, operatorId: string, id: string): Promise<ApiTokenRow | undefined> =>
  db
    .selectFrom('api_tokens')
    .selectAll()
    .where('id', '=', id)
    .where('operator_id', '=', operatorId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
