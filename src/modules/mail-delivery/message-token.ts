// Each message's opaque token: derived from the message id with a per-client random key
// (HMAC-SHA256), so it is fixed before the first attempt and the same on every retry, yet nothing
// that could be replayed is stored — the outbox keeps only its SHA-256 for lookup (a reported or
// clicked message is recognised by hashing the token it carries). The key lives in client_keys,
// envelope-encrypted, and is re-wrapped by master-key rotation.
import { createHmac } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { ClientKeys } from '../../lib/client-keys.js';
import type { SecretBox } from '../../lib/crypto.js';
import { sha256 } from '../../lib/tokens.js';

const PURPOSE = 'message-token';

export const messageToken = (key: Buffer, messageId: string): string =>
  `bwm_${createHmac('sha256', key).update(messageId).digest('base64url').slice(0, 32)}`;

/** The shape messageToken produces: `bwm_` and 32 base64url characters. */
export const isMessageToken = (value: string): boolean => /^bwm_[A-Za-z0-9_-]{32}$/.test(value);

export const tokenHash = (token: string): string => sha256(token);

/** Per-client token keys (client_keys, purpose message-token). */
export class MessageTokenKeys extends ClientKeys {
  constructor(db: Db, secrets: SecretBox) {
    super(db, secrets, PURPOSE);
  }
}
