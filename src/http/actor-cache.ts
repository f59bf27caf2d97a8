// The rows behind a request's actor (a token's or a session's, with the operator, its role and
// its clients), kept a second per credential. Every API request reads them; under a flood from
// one credential (an automation script on 200 connections, the console's polling) that was one
// statement per request, half of a list page's on PostgreSQL, where each statement is a socket
// write and a backend wake-up.
//
// A write to any table the rows come from (operators, api_tokens, sessions, client_administrators,
// and clients, whose deletion takes its administrators with it by a foreign key the watch cannot
// see) drops every entry at once (WriteWatch, db/write-watch.ts): a token revoked, an operator
// disabled, demoted or removed from a client, a session signed out, a client deleted, all take
// effect on the next request of this process. What a second's expiry still bounds: a write by
// another process (the CLI), a credential's own expiry passing, and a read that started while a
// writing transaction had not yet committed (it saw the rows as they were, and keeps them at most
// a second).
import { performance } from 'node:perf_hooks';
import type { findLiveApiToken } from '../modules/api-tokens/repository.js';
import type { findLiveSession } from '../modules/auth/repository.js';

export type TokenRows = NonNullable<Awaited<ReturnType<typeof findLiveApiToken>>>;
export type SessionRows = NonNullable<Awaited<ReturnType<typeof findLiveSession>>>;
export type ActorRows = TokenRows | SessionRows;

export const ACTOR_CACHE_TTL_MS = 1000;
/** Tables whose rows an actor is made of: a write to one of them drops the cache. */
export const ACTOR_TABLES = ['operators', 'api_tokens', 'sessions', 'client_administrators', 'clients'] as const;
const MAX_ENTRIES = 10_000;

export class ActorCache<T extends object> {
  private readonly entries = new Map<string, { row: Promise<T | undefined>; until: number }>();

  constructor(private readonly ttlMs = ACTOR_CACHE_TTL_MS) {}

  /**
   * The rows for `key` (a credential's hash), loaded once for everyone asking within the TTL —
   * concurrent requests share the one read. Neither "no such credential" nor a failed read is kept.
   */
  get(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.row;
    const entry = { row: load(), until: now + this.ttlMs };
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, entry);
    const forget = () => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    };
    entry.row.then((r) => r === undefined && forget(), forget);
    return entry.row;
  }

  clear(): void {
    this.entries.clear();
  }
}
