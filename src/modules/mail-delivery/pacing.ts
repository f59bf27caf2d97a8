// A profile's pace, shared by every worker process through its row: `next_slot_at` is the
// earliest time the next message may start, moved on by 60 s / rate with each send (so sends are
// spread evenly, never a burst at the top of the minute), and `day_recipients` counts the UTC
// day's recipients against the daily limit. Both change in one conditional update, so two
// processes can never take the same slot or overrun the day.
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { reusedQuery } from '../../db/reused-query.js';
import * as repo from './repository.js';

/** Slots taken: how many, and what `returnSlots` needs to give back the ones not used. */
export interface Taken {
  ok: true;
  count: number;
  day: string;
  /** when the first slot taken is (ms): slot i is at startsAt + i × intervalMs */
  startsAt: number;
  /** next_slot_at as this taking left it */
  nextSlotAt: string;
  intervalMs: number;
  /** the profile row as this taking left it: the next taking may start from it */
  row: repo.ProfileRow;
}
export type Slot = Taken | { waitMs: number } | { paused: true } | { quotaUntil: string };

/**
 * Slots whose time comes within this much of now may be taken together, so a fast profile (a
 * slot every millisecond) claims its messages several to a statement instead of one; a slow one
 * (a slot every 20 ms or more) still takes them one at a time, each at its time.
 */
export const SLOTS_AHEAD_MS = 20;

/**
 * A slot taken late by less than this part of its interval keeps its place on the schedule: the
 * next one is an interval after where it was due, not after when it was taken. Every taking comes a
 * little late (a timer, a statement); moving the schedule by that each time made a profile paced
 * at 2,693 a minute send 2,479 (the dispatcher's own delay, 8% of a 22 ms interval). Anything later
 * than this (an idle profile, a pause) starts the schedule again from now, so no burst makes up
 * for time nobody sent in.
 */
export const LATE_SLOT_FRACTION = 0.5;

/** The rate in force: the profile's limit, or less where the server showed it takes less. */
export const effectivePerMinute = (p: Pick<repo.ProfileRow, 'per_minute' | 'learned_per_minute'>) =>
  Math.max(1, Math.min(p.per_minute, p.learned_per_minute ?? Number.POSITIVE_INFINITY));

const nextUtcMidnight = (now: Date) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();

/**
 * Up to `want` slots that are due now (see SLOTS_AHEAD_MS), at most what the day has left.
 * `known`: the row as the caller's last taking left it (Taken.row), tried without reading the row
 * again — the update's condition names every field the decision read, so a row anyone changed
 * since (a pace, a pause, an edit) is not written, and is read again.
 */
export async function takeSlots(
  db: Db,
  clientId: string,
  profileId: string,
  want: number,
  now = new Date(),
  known?: repo.ProfileRow,
): Promise<Slot> {
  for (let tries = 0; tries < 8; tries++) {
    // Only a taking is tried on the known row: anything else it would say is said from the row.
    const fromKnown = tries === 0 && known !== undefined;
    const p = fromKnown ? known : await repo.findProfile(db, clientId, profileId);
    if (!p) return { paused: true };
    const nowIso = now.toISOString();
    const today = nowIso.slice(0, 10);
    const dayCount = p.day === today ? p.day_recipients : 0;
    const newDay = p.day !== today;
    const interval = 60_000 / effectivePerMinute(newDay ? { ...p, learned_per_minute: null } : p);
    const due = Date.parse(p.next_slot_at);
    const slotAt = now.getTime() - due > interval * LATE_SLOT_FRACTION ? now.getTime() : due;
    const paused = Boolean(p.paused_until && p.paused_until > nowIso);
    if (fromKnown && (paused || dayCount >= p.per_day || slotAt > now.getTime())) continue;
    if (paused) return { paused: true };
    if (dayCount >= p.per_day) return { quotaUntil: nextUtcMidnight(now) };
    // (A pace learned from a 429 holds for the rest of the UTC day, and until the profile is
    // edited: a new day tries the configured limit again, so a server that now takes more is
    // found, at the cost of at most one 429 a day when it does not.)
    if (slotAt > now.getTime()) return { waitMs: slotAt - now.getTime() };
    const count = Math.max(
      1,
      Math.min(want, p.per_day - dayCount, 1 + Math.floor((now.getTime() + SLOTS_AHEAD_MS - slotAt) / interval)),
    );
    const nextSlotAt = new Date(slotAt + count * interval).toISOString();
    const set = {
      next_slot_at: nextSlotAt,
      day: today,
      day_recipients: dayCount + count,
      ...(newDay ? { learned_per_minute: null } : {}),
    };
    // Compiled once per shape (reused-query.ts): a taking per message or so. A column that is
    // null is compared with `is null`, which takes no value: that is part of the shape.
    const learnedNull = p.learned_per_minute === null;
    const pausedNull = p.paused_until === null;
    const same = (k: 'learned_per_minute' | 'paused_until', isNull: boolean, v: unknown) =>
      isNull ? sql<boolean>`${sql.ref(k)} is null` : sql<boolean>`${sql.ref(k)} = ${v}`;
    const r = await db.executeQuery(
      reusedQuery(
        db,
        `pacing.take.${newDay}.${learnedNull}.${pausedNull}`,
        {
          ...set,
          clientId,
          profileId,
          was: p.next_slot_at,
          wasDay: p.day,
          wasCount: p.day_recipients,
          perMinute: p.per_minute,
          perDay: p.per_day,
          learned: p.learned_per_minute,
          paused: p.paused_until,
        },
        (v) =>
          db
            .updateTable('sending_profiles')
            .set({
              next_slot_at: v.next_slot_at,
              day: v.day,
              day_recipients: v.day_recipients,
              ...(newDay ? { learned_per_minute: null } : {}),
            })
            .where('client_id', '=', v.clientId)
            .where('id', '=', v.profileId)
            .where('next_slot_at', '=', v.was)
            .where('day', '=', v.wasDay)
            .where('day_recipients', '=', v.wasCount)
            .where('per_minute', '=', v.perMinute)
            .where('per_day', '=', v.perDay)
            .where(same('learned_per_minute', learnedNull, v.learned))
            .where(same('paused_until', pausedNull, v.paused)),
      ),
    );
    if (Number(r.numAffectedRows) === 1)
      return {
        ok: true,
        count,
        day: today,
        startsAt: slotAt,
        nextSlotAt,
        intervalMs: interval,
        row: { ...p, ...set },
      };
  }
  // Lost the race eight times in a row: someone else is sending; look again shortly.
  return { waitMs: 50 };
}

export const takeSlot = (db: Db, clientId: string, profileId: string, now = new Date()) =>
  takeSlots(db, clientId, profileId, 1, now);

/**
 * Gives back slots taken but not used (fewer messages were due than slots taken), so the day's
 * count stays exact: the day's recipients go down by the unused ones, and the pace moves back
 * unless someone has taken a slot since.
 */
export async function returnSlots(db: Db, clientId: string, profileId: string, taken: Taken, unused: number) {
  if (unused <= 0) return;
  const earlier = new Date(Date.parse(taken.nextSlotAt) - unused * taken.intervalMs).toISOString();
  await db
    .updateTable('sending_profiles')
    .set({
      day_recipients: sql`day_recipients - ${unused}`,
      next_slot_at: sql`case when next_slot_at = ${taken.nextSlotAt} then ${earlier} else next_slot_at end`,
    })
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .where('day', '=', taken.day)
    .where('day_recipients', '>=', unused)
    .execute();
}

/** Margin under a learned rate: the estimate is exact for a sliding window, and jitter is not. */
export const LEARNED_MARGIN = 0.95;

/**
 * The rate a server's limit allows, from its first 429: it refused the next request after `sent`
 * ones since `firstAt` and accepts again in `retryAfterMs`, so it takes `sent` per
 * (now − firstAt + retryAfter) — exact for a sliding window holding everything sent since
 * firstAt (Graph's 10,000 per 10 minutes), lower (safe) for one longer than what was looked at.
 * The last minute's count alone (what this replaced) says 450 a minute of a 3,000-a-minute limit
 * hit within 10 s: the pace fell to a sixth of what the server takes.
 */
export function learnedRate(sent: number, firstAt: number, nowMs: number, retryAfterMs: number): number {
  const span = Math.max(1, nowMs - firstAt) + retryAfterMs;
  return Math.max(1, Math.floor(((Math.max(sent, 1) * 60_000) / span) * LEARNED_MARGIN));
}

/**
 * The server answered 429/503 with Retry-After: nobody sends on this profile before it passes,
 * and, when the rate was the problem (not concurrency), the pace drops to the rate the server
 * showed it takes, so the next 429 needs a new limit, not a retry.
 */
export async function backOff(
  db: Db,
  clientId: string,
  profileId: string,
  retryAfterMs: number,
  /** learn a rate from what was sent (false when concurrency, not the rate, was the problem) */
  learn: boolean,
  /** when the refused request was started (ms) */
  startedAt: number,
  now = new Date(),
) {
  const p = await repo.findProfile(db, clientId, profileId);
  if (!p) return;
  const until = new Date(now.getTime() + retryAfterMs).toISOString();
  let learned = p.learned_per_minute;
  // A request started before the pace was lowered for a 429 (the back-off moved the next slot
  // past its start + Retry-After, further than the pace with every sender's slots does) is
  // refused for the same limit: no new one to learn.
  const paceReach = (p.concurrency + 1) * (60_000 / effectivePerMinute(p)) + SLOTS_AHEAD_MS;
  const alreadyBackedOff = Date.parse(p.next_slot_at) > startedAt + retryAfterMs + paceReach;
  if (learn && !alreadyBackedOff) {
    const recent = await repo.recentSends(db, clientId, profileId, new Date(now.getTime() - 60_000).toISOString());
    const firstAt = recent.first ? Date.parse(recent.first) : now.getTime();
    const current = effectivePerMinute(p);
    learned = Math.max(1, Math.min(current - 1, learnedRate(recent.n, firstAt, now.getTime(), retryAfterMs)));
  }
  await db
    .updateTable('sending_profiles')
    .set({
      // ISO-8601 UTC strings: the later sorts last.
      next_slot_at: [until, p.next_slot_at].sort()[1] ?? until,
      learned_per_minute: learned,
      // in SQL: the refusals of requests in flight together come back together, and a count read
      // before the others wrote theirs kept one of three
      throttled_count: sql`throttled_count + 1`,
      updated_at: now.toISOString(),
    })
    .where('client_id', '=', clientId)
    .where('id', '=', profileId)
    .execute();
}
