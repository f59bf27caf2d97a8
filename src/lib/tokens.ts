// Opaque bearer secrets (session cookies, API tokens, setup links): random, shown once, and
// stored only as a SHA-256 hash, so a copy of the database grants nothing.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** CSRF token derived from the session cookie value: stateless, and useless without the cookie. */
export const csrfFor = (sessionValue: string): string =>
  createHmac('sha256', sessionValue).update('baitwise-csrf').digest('base64url');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
