import { describe, expect, it } from 'vitest';
import { DecryptionError, generateMasterKey, masterKeyFromBase64, SecretBox } from './crypto.js';

const ctx = { table: 'azure_apps', column: 'client_secret', rowId: 'row-1', clientId: 'client-a' };

describe('SecretBox envelope encryption', () => {
  const key = masterKeyFromBase64(generateMasterKey());
  const box = new SecretBox(key);

  it('round-trips and never contains the plaintext', () => {
    const blob = box.encrypt('s3cr3t-value', ctx);
    expect(blob.startsWith('bw1.')).toBe(true);
    expect(blob).not.toContain('s3cr3t');
    expect(Buffer.from(blob.slice(4), 'base64url').toString('latin1')).not.toContain('s3cr3t');
    expect(box.decrypt(blob, ctx)).toBe('s3cr3t-value');
    expect(SecretBox.keyIdOf(blob)).toBe(key.id);
  });

  it('refuses a tampered blob', () => {
    const blob = box.encrypt('value', ctx);
    const raw = Buffer.from(blob.slice(4), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01; // flip one bit of the ciphertext
    expect(() => box.decrypt(`bw1.${raw.toString('base64url')}`, ctx)).toThrow(DecryptionError);
  });

  it('refuses a blob copied to another row, column, table or client', () => {
    const blob = box.encrypt('value', ctx);
    expect(() => box.decrypt(blob, { ...ctx, rowId: 'row-2' })).toThrow(DecryptionError);
    expect(() => box.decrypt(blob, { ...ctx, clientId: 'client-b' })).toThrow(DecryptionError);
    expect(() => box.decrypt(blob, { ...ctx, column: 'refresh_token' })).toThrow(DecryptionError);
    expect(() => box.decrypt(blob, { ...ctx, table: 'smtp_servers' })).toThrow(DecryptionError);
  });

  it('refuses a blob under an unknown master key', () => {
    const other = new SecretBox(masterKeyFromBase64(generateMasterKey()));
    expect(() => other.decrypt(box.encrypt('value', ctx), ctx)).toThrow(/not available/);
  });

  it('re-wraps under a new key without changing the value, and the old key is then not needed', () => {
    const blob = box.encrypt('value', ctx);
    const next = masterKeyFromBase64(generateMasterKey());
    const rotated = new SecretBox(next, [key]).rewrap(blob, ctx);
    expect(SecretBox.keyIdOf(rotated)).toBe(next.id);
    expect(new SecretBox(next).decrypt(rotated, ctx)).toBe('value');
    expect(() => box.decrypt(rotated, ctx)).toThrow(DecryptionError);
  });
});
