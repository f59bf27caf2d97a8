// Exchange's SMTP AUTH limit of 30 messages per minute per mailbox does not reject: excess
// submissions are accepted and delivered in later minutes ("throttled and successively carried
// over to the following minutes"). Each submission gets a minute slot; messages whose slot is in
// the future wait here until store.clock reaches it (flushed by a timer and on every mailbox read).
import type { Store } from '../model.js';
import { mailState } from './state.js';

export const MESSAGES_PER_MINUTE = 30;

/** Reserve the first minute (now or later) with room for one more message; returns when it may be delivered. */
export function reserveSlot(store: Store, mailboxId: string): number {
  const s = mailState(store);
  const now = store.clock.now();
  const minute = Math.floor(now / 60_000);
  let slots = s.minuteSlots.get(mailboxId);
  if (!slots) {
    slots = new Map();
    s.minuteSlots.set(mailboxId, slots);
  }
  for (const k of slots.keys()) if (k < minute) slots.delete(k);
  let m = minute;
  while ((slots.get(m) ?? 0) >= MESSAGES_PER_MINUTE) m++;
  slots.set(m, (slots.get(m) ?? 0) + 1);
  return m === minute ? now : m * 60_000;
}

export function defer(store: Store, dueAt: number, run: () => Promise<void>): void {
  mailState(store).deferred.push({ dueAt, run });
}

/**
 * Deliver every held submission that is due. Flushes are chained, so a caller (a mailbox read)
 * that runs while the timer's flush is still delivering waits for it instead of seeing a
 * half-delivered state.
 */
export function flushDeferred(store: Store): Promise<number> {
  const s = mailState(store);
  const run = s.flushing.then(() => flushDue(store));
  s.flushing = run.catch(() => 0);
  return run;
}

async function flushDue(store: Store): Promise<number> {
  const s = mailState(store);
  const now = store.clock.now();
  const due = s.deferred.filter((d) => d.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
  if (!due.length) return 0;
  s.deferred = s.deferred.filter((d) => d.dueAt > now);
  for (const d of due) await d.run();
  return due.length;
}

export function pending(store: Store): { dueAt: number }[] {
  return mailState(store).deferred.map((d) => ({ dueAt: d.dueAt }));
}
