// Exchange's SMTP AUTH limit of 30 messages per minute per mailbox does not reject: excess
// submissions are accepted and delivered in later minutes ("throttled and successively carried
// over to the following minutes"). Each submission gets a minute slot; messages whose slot is in
// the future wait here until store.clock reaches it (flushed by a timer and on every mailbox read).
import type { Store } from '../model.js';
import { mailState } from './state.js';

/**
 * Reserve the first window (now or later; a minute unless faults.mailboxLimits scales it) with
 * room for one more message; returns when it may be delivered.
 */
export function reserveSlot(store: Store, mailboxId: string): number {
  const s = mailState(store);
  const { smtpMessages, smtpWindowSeconds } = store.faults.mailboxLimits;
  const windowMs = smtpWindowSeconds * 1000;
  const now = store.clock.now();
  const window = Math.floor(now / windowMs);
  let slots = s.minuteSlots.get(mailboxId);
  if (!slots) {
    slots = new Map();
    s.minuteSlots.set(mailboxId, slots);
  }
  for (const k of slots.keys()) if (k < window) slots.delete(k);
  let m = window;
  while ((slots.get(m) ?? 0) >= smtpMessages) m++;
  slots.set(m, (slots.get(m) ?? 0) + 1);
  return m === window ? now : m * windowMs;
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
