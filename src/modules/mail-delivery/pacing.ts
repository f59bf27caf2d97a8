// A profile's pace, shared by every worker process through its row: `next_slot_at` is the
// earliest time the next message may start, moved on by 60 s / rate with each send (so sends are
// spread evenly, never a burst at the top of the minute), and `day_recipients` counts the UTC
// day's recipients against the daily limit. Both change in one conditional update, so two
// processes can never take the same slot or overrun the day.
import type { Db } from '../../db/connection.js';
import * as repo from './repository.js';

export type Slot = { ok: true } | { waitMs: number } | { paused: true } | { quotaUntil: string };

/** The rate in force: the profile's limit, or less where the server showed it takes less. */
export const effectivePerMinute = (p: Pick<repo.ProfileRow, 'per_minute' | 'learned_per_minute'>) =>
  Math.max(1, Math.min(p.per_minute, p.learned_per_minute ?? Number.POSITIVE_INFINITY));

const nextUtcMidnight = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();

export async function takeSlot(db: Db, clientId: string, profileId: string, now = new Date()): Promise<Slot> {
  for (let tries = 0; tries < 8; tries++) {
    const p = await repo.findProfile(db, clientId, profileId);
    if (!p) return { paused: true };
    const nowIso = now.toISOString();
    if (p.paused_until && p.paused_until > nowIso) return { paused: true };
    const today = nowIso.slice(0, 10);
    const dayCount = p.day === today ? p.day_recipients : 0;
    if (dayCount >= p.per_day) return { quotaUntil: nextUtcMidnight(now) };
    const interval = 60_000 / effectivePerMinute(p);
    const slotAt = Math.max(now.getTime(), Date.parse(p.next_slot_at));
    if (slotAt > now.getTime()) return { waitMs: slotAt - now.getTime() };
    const r = await db
      .updateTable('sending_profiles')
      .set({ next_slot_at: new Date(slotAt + interval).toISOString(), day: today, day_recipients: dayCount + 1 })
      .where('client_id', '=', clientId)
      .where('id', '=', profileId)
      .where('next_slot_at', '=', p.next_slot_at)
      .where('day', '=', p.day)
      .where('day_recipients', '=', p.day_recipients)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return { ok: true };
  }
  // Lost the race eight times in a row: someone else is sending; look again shortly.
  return { waitMs: 50 };
}

/**
 * The server answered 429/503 with Retry-After: nobody sends on this profile before it passes,
 * and the pace drops below what was being sent, so the next 429 needs a new limit, not a retry.
 */
export async function backOff(
  db: Db,
  clientId: string,
  profileId: string,
  retryAfterMs: number,
  /** what was sent in the last minute; null when the rate was not the problem (concurrency) */
  sentLastMinute: number | null,
) {
  const p = await repo.findProfile(db, clientId, profileId);
  if (!p) return;
  const until = new Date(Date.now() + retryAfterMs).toISOString();
  const current = effectivePerMinute(p);
  const learned =
    sentLastMinute === null
      ? p.learned_per_minute
      : Math.max(1, Math.min(current - 1, Math.floor(Math.max(sentLastMinute, 1) * 0.9)));
  await repo.updateProfile(db, clientId, profileId, {
    // ISO-8601 UTC strings: the later sorts last.
    next_slot_at: [until, p.next_slot_at].sort()[1] ?? until,
    learned_per_minute: learned,
    throttled_count: p.throttled_count + 1,
  });
}
