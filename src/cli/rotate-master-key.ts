// Re-wraps every stored secret's data key under a new master key. The new key is installed
// first (file mode keeps the old one as master.key.previous), then rows are re-wrapped in one
// transaction, so an interruption leaves every blob readable by one of the two keys.
import { sql } from 'kysely';
import { generateMasterKey, masterKeyFromBase64, SecretBox } from '../lib/crypto.js';
import { installRotatedKeyFile } from '../lib/master-key.js';
import { SECRET_COLUMNS, type SecretColumn } from '../lib/secret-columns.js';
import { purgeExpiredOauthRequests } from '../modules/azure-apps/module.js';
import type { Runtime } from '../runtime.js';

export async function rotateMasterKey(
  rt: Runtime,
  newKeyB64: string | undefined,
  columns: SecretColumn[] = SECRET_COLUMNS,
): Promise<{ rewrapped: number; keyId: string; keyFile: boolean }> {
  if (rt.keys.source === 'env' && !newKeyB64) {
    throw new Error(
      'BAITWISE_MASTER_KEY is set: give the new key in BAITWISE_NEW_MASTER_KEY (openssl rand -base64 32), then set it as BAITWISE_MASTER_KEY.',
    );
  }
  const keyB64 = newKeyB64 ?? generateMasterKey();
  const next = masterKeyFromBase64(keyB64);
  const box = new SecretBox(next, [rt.keys.current, ...rt.keys.previous]);
  const keyFile = rt.keys.source !== 'env';
  if (keyFile) installRotatedKeyFile(rt.config.dataDir, keyB64);
  let rewrapped = 0;
  // An expired authorize request's PKCE verifier is dead: delete it rather than re-wrap it.
  await purgeExpiredOauthRequests(rt.db.db);
  await rt.db.db.transaction().execute(async (trx) => {
    for (const { table, column } of columns) {
      const rows = await sql<{ id: string; client_id: string; value: string }>`
        select id, client_id, ${sql.ref(column)} as value from ${sql.table(table)} where ${sql.ref(column)} is not null`.execute(
        trx,
      );
      for (const row of rows.rows) {
        const value = box.rewrap(row.value, { table, column, rowId: row.id, clientId: row.client_id });
        await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${value} where id = ${row.id}`.execute(trx);
        rewrapped += 1;
      }
    }
  });
  return { rewrapped, keyId: next.id, keyFile };
}
