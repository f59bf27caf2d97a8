// Each message's opaque token: derived from the message id with a per-client random key
// (HMAC-SHA256), so it is fixed before the first attempt and the same on every retry, yet nothing
// that could be replayed is stored — the outbox keeps only its SHA-256 for lookup (a reported or
// clicked message is recognised by hashing the token it carries). The key lives in client_keys,
// envelope-encrypted, and is re-wrapped by master-key rotation.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import type { SecretBox } from '../../lib/crypto.js';
import { newId, nowIso } from '../../lib/ids.js';
import { sha256 } from '../../lib/tokens.js';

const PURPOSE = 'message-token';

export const messageToken = (key: Buffer, messageId: string): string =>
  `bwm_${createHmac('sha256', key).update(messageId).digest('base64url').slice(0, 32)}`;

/** The shape messageToken produces: `bwm_` and 32 base64url characters. */
export const isMessageToken = (value: string): boolean => /^bwm_[A-Za-z0-9_-]{32}$/.test(value);

export const tokenHash = (token: string): string => sha256(token);

/**
 * Per-client token keys. A key read from its committed row is kept for the process (keys never
 * change); one created now is not, because the caller's transaction (pass it as `db`: on SQLite
 * the one connection is in it) may still roll back, taking the key and its messages with it.
 */
export class MessageTokenKeys {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
  ) {}

  async key(clientId: string, db: Db = this.db): Promise<Buffer> {
    const cached = this.keys.get(clientId);
    if (cached) return cached;
    const { key, created } = await this.load(db, clientId);
    if (!created) this.keys.set(clientId, key);
    return key;
  }

  private async load(db: Db, clientId: string): Promise<{ key: Buffer; created: boolean }> {
    const find = () =>
      db
        .selectFrom('client_keys')
        .select(['id', 'secret'])
        .where('client_id', '=', clientId)
        .where('purpose', '=', PURPOSE)
        .executeTakeFirst();
    let row = await find();
    const created = !row;
    if (!row) {
      const id = newId();
      const secret = this.secrets.encrypt(randomBytes(32).toString('base64'), this.ctx(id, clientId));
      // Two processes may create it at once: the unique index keeps the first, both read it back.
      await db
        .insertInto('client_keys')
        .values({ id, client_id: clientId, purpose: PURPOSE, secret, created_at: nowIso() })
        .onConflict((oc) => oc.columns(['client_id', 'purpose']).doNothing())
        .execute();
      row = await find();
      if (!row) throw new Error('message token key could not be stored');
    }
    return { key: Buffer.from(this.secrets.decrypt(row.secret, this.ctx(row.id, clientId)), 'base64'), created };
  }

  private ctx(rowId: string, clientId: string) {
    return { table: 'client_keys', column: 'secret', rowId, clientId };
  }
}
