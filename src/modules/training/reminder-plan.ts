// When an enrolment's next reminder is due: one `beforeDueDays` before its due date (if that is
// after its invitation), then every `afterDueEveryDays` after the due date, at most `maxAfterDue`
// of those. Only next_reminder_at and reminders_sent are stored; which reminder comes next is
// worked out from them and the campaign's settings, so an edit of the settings or a learner's new
// due date simply replans. Completion and revocation set next_reminder_at to NULL elsewhere.
import type { Reminders } from './view.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Enrolment {
  due_at: string;
  invite_at: string;
  reminders_sent: number;
}

/** Whether this enrolment gets a reminder before its due date at all. */
const beforeDuePlanned = (e: Enrolment, r: Reminders) =>
  r.beforeDueDays > 0 && Date.parse(e.due_at) - r.beforeDueDays * DAY > Date.parse(e.invite_at);

/** After-due reminders already sent (the before-due one, if planned, is counted first). */
const afterDueSent = (e: Enrolment, r: Reminders) =>
  Math.max(0, e.reminders_sent - (beforeDuePlanned(e, r) && e.reminders_sent > 0 ? 1 : 0));

/** The next reminder from `nowMs` on, or null when none is left. */
export function nextReminder(e: Enrolment, r: Reminders, nowMs: number): string | null {
  const due = Date.parse(e.due_at);
  if (beforeDuePlanned(e, r) && e.reminders_sent === 0) {
    const before = due - r.beforeDueDays * DAY;
    if (before > nowMs) return iso(before);
  }
  if (r.afterDueEveryDays === 0 || afterDueSent(e, r) >= r.maxAfterDue) return null;
  const at = due + (afterDueSent(e, r) + 1) * r.afterDueEveryDays * DAY;
  // One already overdue (the due date moved back) goes now, once.
  return iso(Math.max(at, nowMs));
}

/** The plan after the reminder due at `e.next_reminder_at` was sent at `nowMs`. */
export function afterReminder(
  e: Enrolment & { next_reminder_at: string },
  r: Reminders,
  nowMs: number,
): { next: string | null; sent: number } {
  const sent = e.reminders_sent + 1;
  if (Date.parse(e.next_reminder_at) < Date.parse(e.due_at)) {
    // the before-due one: next, the first after the due date
    if (r.afterDueEveryDays === 0 || r.maxAfterDue === 0) return { next: null, sent };
    return { next: iso(Date.parse(e.due_at) + r.afterDueEveryDays * DAY), sent };
  }
  if (r.afterDueEveryDays === 0 || afterDueSent({ ...e, reminders_sent: sent }, r) >= r.maxAfterDue)
    return { next: null, sent };
  // A reminder missed while no worker ran goes once, late; the next one a full period later.
  const next = Math.max(Date.parse(e.next_reminder_at), nowMs) + r.afterDueEveryDays * DAY;
  return { next: iso(next), sent };
}
