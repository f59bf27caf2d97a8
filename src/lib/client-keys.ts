// Per-client random keys, one per purpose (message tokens, reported-message storage), kept in
// client_keys envelope-encrypted under the master key (so master-key rotation re-wraps them and
// never touches what they protect).
//
// A key read from its committed row is kept for the process (keys never change); one created now
// is not, because the caller's transaction (pass it as `db`: on SQLite the one connection is in it)
// may still roll back, taking the key and what it protects with it.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';
import type { SecretBox } from './crypto.js';
import { newId, nowIso } from './ids.js';

export class ClientKeys {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly purpose: string,
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
        .where('purpose', '=', this.purpose)
        .executeTakeFirst();
    let row = await find();
    const created = !row;
    if (!row) {
      const id = newId();
      const secret = this.secrets.encrypt(randomBytes(32).toString('base64'), this.ctx(id, clientId));
      // Two processes may create it at once: the unique index keeps the first, both read it back.
      await db
        .insertInto('client_keys')
        .values({ id, client_id: clientId, purpose: this.purpose, secret, created_at: nowIso() })
        .onConflict((oc) => oc.columns(['client_id', 'purpose']).doNothing())
        .execute();
      row = await find();
      if (!row) throw new Error(`${this.purpose} key could not be stored`);
    }
    return { key: Buffer.from(this.secrets.decrypt(row.secret, this.ctx(row.id, clientId)), 'base64'), created };
  }

  private ctx(rowId: string, clientId: string) {
    return { table: 'client_keys', column: 'secret', rowId, clientId };
  }
}
