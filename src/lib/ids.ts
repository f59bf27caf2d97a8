import { randomBytes, randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** Timestamps are stored as ISO-8601 UTC text on both databases so they sort and compare alike. */
export const nowIso = (): string => new Date().toISOString();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);

/**
 * A UUIDv7 (RFC 9562): 48 bits of milliseconds, a 12-bit counter, then random bits. Rows created
 * together get neighbouring ids, so bulk inserts append to primary-key indexes instead of touching
 * a random B-tree page per row (the directory sync writes 100,000 recipients at a time), and ids
 * made by one process sort in the order they were made, even within a millisecond (RFC 9562
 * method 1), so the outbox sends a batch in the order it was enqueued.
 */
let lastMs = 0;
let seq = 0;
export function newOrderedId(): string {
  const b = randomBytes(16);
  let ms = Date.now();
  if (ms <= lastMs) {
    seq += 1;
    if (seq > 0xfff) {
      seq = 0;
      lastMs += 1;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    seq = 0;
  }
  for (let i = 5; i >= 0; i--) {
    b[i] = ms & 0xff;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (seq >> 8);
  b[7] = seq & 0xff;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
