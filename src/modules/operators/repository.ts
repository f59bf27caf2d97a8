// Operators and their client assignments. Operators are not client-owned (a system
// administrator belongs to no client); assignments are, and carry client_id.
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { isPostgres } from '../../db/engine.js';
import type { NewOperator, Operator, OperatorUpdate } from '../../db/types.js';
import { emailKey } from '../../lib/email.js';

// An operator's email is stored as its key (lower case, NFC, the domain in Unicode): signing in
// as `Zoë@Müller.de` or `zoe\u0308@xn--mller-kva.de` finds the same account.
export const findOperatorByEmail = (db: Db, email: string): Promise<Operator | undefined> =>
  db.selectFrom('operators').selectAll().where('email', '=', emailKey(email)).executeTakeFirst();

export const findOperatorById = (db: Db, id: string): Promise<Operator | undefined> =>
  db.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();

/** An operator with its client ids (clientIdsColumn), in one statement. */
export const findOperatorWithClientIds = (db: Db, id: string) =>
  db.selectFrom('operators').selectAll().select(clientIdsColumn(db)).where('id', '=', id).executeTakeFirst();

export const listOperators = (db: Db): Promise<Operator[]> =>
  db.selectFrom('operators').selectAll().orderBy('name').orderBy('email').execute();

export async function countOperators(db: Db): Promise<number> {
  const r = await db
    .selectFrom('operators')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertOperator(db: Db, op: NewOperator): Promise<void> {
  await db
    .insertInto('operators')
    .values({ ...op, email: emailKey(op.email) })
    .execute();
}

export async function updateOperator(db: Db, id: string, patch: OperatorUpdate): Promise<void> {
  await db.updateTable('operators').set(patch).where('id', '=', id).execute();
}

/**
 * The operator's client ids as a column of a query on `operators` (comma-separated: an id never
 * holds a comma). Authentication reads the token or session and the operator's clients in this one
 * statement: every API request pays for it, and on PostgreSQL each statement is a round trip.
 */
export function clientIdsColumn(db: Db) {
  const agg = isPostgres(db) ? sql`string_agg(ca.client_id, ',')` : sql`group_concat(ca.client_id, ',')`;
  return sql<string | null>`(select ${agg} from client_administrators as ca where ca.operator_id = operators.id)`.as(
    'client_ids',
  );
}

export const parseClientIds = (column: string | null): string[] => (column ? column.split(',') : []);

/** client ids per operator, for the operators given (one query for a whole list). */
export async function clientIdsOf(db: Db, operatorIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(operatorIds.map((id) => [id, []]));
  if (operatorIds.length === 0) return out;
  const rows = await db
    .selectFrom('client_administrators')
    .select(['operator_id', 'client_id'])
    .where('operator_id', 'in', operatorIds)
    .execute();
  for (const r of rows) out.get(r.operator_id)?.push(r.client_id);
  return out;
}

export async function setAssignments(db: Db, operatorId: string, clientIds: string[], now: string): Promise<void> {
  await db.deleteFrom('client_administrators').where('operator_id', '=', operatorId).execute();
  if (clientIds.length === 0) return;
  await db
    .insertInto('client_administrators')
    .values(clientIds.map((client_id) => ({ client_id, operator_id: operatorId, created_at: now })))
    .execute();
}
