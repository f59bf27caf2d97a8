// Email keys under the rule of src/lib/email.ts (NFC, lower case, the domain in Unicode). Rows
// written before it were keyed by lower-casing alone; for ASCII addresses that is the same key,
// but an address Entra gave with an xn-- domain, or in another Unicode form, would no longer be
// found by the same address typed or imported now (and could be added a second time). Only such
// rows are read. Where two rows of one client would get the same key, the later one keeps its
// old key: merging people is not a migration's decision.
import { type Kysely, sql } from 'kysely';
import { emailKey } from '../../lib/email.js';
import type { Dialect } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema of their time
export async function up(db: Kysely<any>, dialect: Dialect): Promise<void> {
  const unusual = (column: string) =>
    dialect === 'postgres'
      ? sql<boolean>`(${sql.ref(column)} ~ '[^ -~]' or ${sql.ref(column)} like '%xn--%')`
      : sql<boolean>`(${sql.ref(column)} glob '*[^ -~]*' or ${sql.ref(column)} like '%xn--%')`;

  const recipients: { id: string; client_id: string; email: string; email_key: string }[] = await db
    .selectFrom('recipients')
    .select(['id', 'client_id', 'email', 'email_key'])
    .where(unusual('email_key'))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  for (const r of recipients) {
    const key = emailKey(r.email);
    if (key === r.email_key) continue;
    const taken = await db
      .selectFrom('recipients')
      .select('id')
      .where('client_id', '=', r.client_id)
      .where('email_key', '=', key)
      .executeTakeFirst();
    if (!taken) await db.updateTable('recipients').set({ email_key: key }).where('id', '=', r.id).execute();
  }

  // Operators are stored by their key (src/modules/operators/repository.ts).
  const operators: { id: string; email: string }[] = await db
    .selectFrom('operators')
    .select(['id', 'email'])
    .where(unusual('email'))
    .orderBy('created_at')
    .execute();
  for (const o of operators) {
    const key = emailKey(o.email);
    if (key === o.email) continue;
    const taken = await db.selectFrom('operators').select('id').where('email', '=', key).executeTakeFirst();
    if (!taken) await db.updateTable('operators').set({ email: key }).where('id', '=', o.id).execute();
  }
}
