import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** Timestamps are stored as ISO-8601 UTC text on both databases so they sort and compare alike. */
export const nowIso = (): string => new Date().toISOString();

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID_RE.test(s);
