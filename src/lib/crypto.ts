// Envelope encryption for secrets at rest (client secrets, refresh tokens, SMTP passwords).
//
// Each value gets its own random 256-bit data key (DEK). The value is sealed with the DEK
// (AES-256-GCM); the DEK is sealed with the master key (KEK, AES-256-GCM). Both seals carry the
// same additional authenticated data: table, column, row id and client id. A blob copied to
// another row or client therefore fails authentication, and so does any flipped bit.
//
// Blob layout (then base64url, prefixed "bw1."):
//   version(1) | kidLen(1) | kid | dekIv(12) | dekTag(16) | wrappedDek(32) | iv(12) | tag(16) | ciphertext
// Rotation only re-wraps the DEK (rewrap), so it is cheap and never touches the plaintext.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const PREFIX = 'bw1.';

export interface SecretContext {
  table: string;
  column: string;
  rowId: string;
  clientId: string;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`Secret cannot be decrypted: ${reason}`);
    this.name = 'DecryptionError';
  }
}

export interface MasterKey {
  id: string; // short fingerprint, stored in each blob so rotation knows which key wrapped it
  key: Buffer;
}

export function masterKeyFromBase64(b64: string): MasterKey {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32) throw new Error('master key must be 32 bytes');
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 12), key };
}

export const generateMasterKey = (): string => randomBytes(32).toString('base64');

/** Strings as additional data, each length-prefixed so that ("a|b","c") and ("a","b|c") cannot collide. */
export function lengthPrefixed(parts: string[]): Buffer {
  return Buffer.concat(
    parts.map((p) => {
      const b = Buffer.from(p, 'utf8');
      const len = Buffer.alloc(2);
      len.writeUInt16BE(b.length);
      return Buffer.concat([len, b]);
    }),
  );
}

function aad(ctx: SecretContext): Buffer {
  return Buffer.concat([Buffer.from([VERSION]), lengthPrefixed([ctx.table, ctx.column, ctx.rowId, ctx.clientId])]);
}

/** AES-256-GCM with additional data: what every seal here is (secrets, stored reported messages). */
export function seal(key: Buffer, plaintext: Buffer, ad: Buffer): { iv: Buffer; tag: Buffer; ct: Buffer } {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(ad);
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, tag: c.getAuthTag(), ct };
}

export function open(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer, ad: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(ad);
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

interface Parsed {
  kid: string;
  dekIv: Buffer;
  dekTag: Buffer;
  wrappedDek: Buffer;
  iv: Buffer;
  tag: Buffer;
  ct: Buffer;
}

function parse(blob: string): Parsed {
  if (!blob.startsWith(PREFIX)) throw new DecryptionError('unknown format');
  const buf = Buffer.from(blob.slice(PREFIX.length), 'base64url');
  if (buf.length < 2 || buf[0] !== VERSION) throw new DecryptionError('unsupported version');
  const kidLen = buf[1] ?? 0;
  let o = 2;
  const take = (n: number) => {
    if (o + n > buf.length) throw new DecryptionError('truncated');
    const b = buf.subarray(o, o + n);
    o += n;
    return b;
  };
  const kid = take(kidLen).toString('utf8');
  const dekIv = take(12);
  const dekTag = take(16);
  const wrappedDek = take(32);
  const iv = take(12);
  const tag = take(16);
  return { kid, dekIv, dekTag, wrappedDek, iv, tag, ct: buf.subarray(o) };
}

function serialize(p: Parsed): string {
  const kid = Buffer.from(p.kid, 'utf8');
  return (
    PREFIX +
    Buffer.concat([
      Buffer.from([VERSION, kid.length]),
      kid,
      p.dekIv,
      p.dekTag,
      p.wrappedDek,
      p.iv,
      p.tag,
      p.ct,
    ]).toString('base64url')
  );
}

export class SecretBox {
  private readonly keys: Map<string, MasterKey>;

  /** `current` encrypts; `previous` keys only decrypt (during and after a rotation). */
  constructor(
    private readonly current: MasterKey,
    previous: MasterKey[] = [],
  ) {
    this.keys = new Map([current, ...previous].map((k) => [k.id, k]));
  }

  get keyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: string, ctx: SecretContext): string {
    const ad = aad(ctx);
    const dek = randomBytes(32);
    const wrapped = seal(this.current.key, dek, ad);
    const body = seal(dek, Buffer.from(plaintext, 'utf8'), ad);
    return serialize({
      kid: this.current.id,
      dekIv: wrapped.iv,
      dekTag: wrapped.tag,
      wrappedDek: wrapped.ct,
      iv: body.iv,
      tag: body.tag,
      ct: body.ct,
    });
  }

  decrypt(blob: string, ctx: SecretContext): string {
    const p = parse(blob);
    const ad = aad(ctx);
    const dek = this.unwrap(p, ad);
    try {
      return open(dek, p.iv, p.tag, p.ct, ad).toString('utf8');
    } catch {
      throw new DecryptionError('authentication failed');
    }
  }

  /** Re-wrap the data key under the current master key; the ciphertext is untouched. */
  rewrap(blob: string, ctx: SecretContext): string {
    const p = parse(blob);
    const ad = aad(ctx);
    const dek = this.unwrap(p, ad);
    const wrapped = seal(this.current.key, dek, ad);
    return serialize({ ...p, kid: this.current.id, dekIv: wrapped.iv, dekTag: wrapped.tag, wrappedDek: wrapped.ct });
  }

  static keyIdOf(blob: string): string {
    return parse(blob).kid;
  }

  private unwrap(p: Parsed, ad: Buffer): Buffer {
    const kek = this.keys.get(p.kid);
    if (!kek) throw new DecryptionError(`master key ${p.kid} is not available`);
    try {
      return open(kek.key, p.dekIv, p.dekTag, p.wrappedDek, ad);
    } catch {
      throw new DecryptionError('authentication failed');
    }
  }
}
