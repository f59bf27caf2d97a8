// Mail-side bookkeeping that is not part of the shared model: id and address indexes, the
// per-mailbox recipient log (10,000 recipients/day) and SMTP submissions held back by the
// 30-messages-per-minute limit. Kept per Store so parallel emulators never share it.
import type { MailMessage, Store, User } from '../model.js';

export interface DeferredSubmission {
  dueAt: number;
  run: () => Promise<void>;
}

export interface MailState {
  byRestId: Map<string, string>; // rest id → immutable id
  addresses: Map<string, string>; // lower-case UPN/mail → user id
  addressesSeq: number;
  addressesSize: number;
  recipientLog: Map<string, { at: number; n: number }[]>;
  /** per mailbox: minute number → SMTP submissions scheduled in that minute */
  minuteSlots: Map<string, Map<number, number>>;
  deferred: DeferredSubmission[];
  /** tail of the chain of deferred-delivery flushes (see deferred.ts) */
  flushing: Promise<number>;
}

const states = new WeakMap<Store, MailState>();

export function mailState(store: Store): MailState {
  let s = states.get(store);
  if (!s) {
    s = {
      byRestId: new Map(),
      addresses: new Map(),
      addressesSeq: -1,
      addressesSize: -1,
      recipientLog: new Map(),
      minuteSlots: new Map(),
      deferred: [],
      flushing: Promise.resolve(0),
    };
    states.set(store, s);
  }
  return s;
}

/** Find a message by immutable or REST id (EWS ids are converted by the caller). */
export function messageById(store: Store, id: string): MailMessage | undefined {
  const direct = store.messages.get(id);
  if (direct) return direct;
  const s = mailState(store);
  const imm = s.byRestId.get(id);
  const hit = imm ? store.messages.get(imm) : undefined;
  if (hit && hit.restId === id) return hit;
  // messages added by other modules (control API, generators) are not indexed yet: rebuild once
  s.byRestId.clear();
  for (const m of store.messages.values()) s.byRestId.set(m.restId, m.id);
  const again = s.byRestId.get(id);
  return again ? store.messages.get(again) : undefined;
}

export function indexMessage(store: Store, m: MailMessage): void {
  mailState(store).byRestId.set(m.restId, m.id);
}

/** Address → user across all tenants, rebuilt only when the directory changed (Store.seq). */
export function userByAddress(store: Store, address: string): User | undefined {
  const s = mailState(store);
  const key = address.toLowerCase();
  if (s.addressesSeq !== store.seq || s.addressesSize !== store.users.size) {
    s.addresses.clear();
    for (const u of store.users.values()) {
      s.addresses.set(u.userPrincipalName.toLowerCase(), u.id);
      if (u.mail) s.addresses.set(u.mail.toLowerCase(), u.id);
    }
    s.addressesSeq = store.seq;
    s.addressesSize = store.users.size;
  }
  const id = s.addresses.get(key);
  if (!id) return undefined;
  const u = store.users.get(id);
  if (u && (u.userPrincipalName.toLowerCase() === key || u.mail?.toLowerCase() === key)) return u;
  // the entry went stale through an in-place edit without a seq bump: ask the Store itself
  return store.userByAddress(address);
}

const DAY = 24 * 3600 * 1000;

export function recipientsLast24h(store: Store, userId: string): number {
  const now = store.clock.now();
  const log = (mailState(store).recipientLog.get(userId) ?? []).filter((e) => e.at > now - DAY);
  mailState(store).recipientLog.set(userId, log);
  return log.reduce((a, e) => a + e.n, 0);
}

export function logRecipients(store: Store, userId: string, n: number): void {
  const s = mailState(store);
  const log = s.recipientLog.get(userId) ?? [];
  log.push({ at: store.clock.now(), n });
  s.recipientLog.set(userId, log);
}
