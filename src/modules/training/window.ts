// When each invitation of a campaign goes: spread evenly over the allowed hours of the campaign's
// window, in the campaign's IANA time zone or each recipient's own (Spread). Pure functions over Intl (no tz database of our own),
// so the spread is deterministic (same campaign, same recipients → same times) and correct across
// daylight-saving changes: each day's window is converted to UTC on its own, so a 09:00–17:00
// window is 09:00–17:00 local on both sides of a change, and a day that loses an hour inside the
// window spreads over the 7 hours it really has.

export interface SendWindow {
  /** ISO weekdays the window is open: 1 = Monday … 7 = Sunday */
  days: number[];
  /** local opening and closing time, 'HH:MM' (from < to) */
  from: string;
  to: string;
  /** spread the invitations over this many open days, starting with the first one on or after the start */
  spreadDays: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (IANA names such as Europe/Berlin; 'UTC'). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? ''] ?? 0,
  };
}

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (ms % 1000));
}

/**
 * The UTC instant of a local wall-clock time. A time that does not exist (skipped by a spring
 * change) maps to the same distance after the change; an ambiguous one (autumn) to one of its
 * two occurrences.
 */
export function zonedTimeToUtc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (first === second) return first;
  // Two candidates: one whose local time is the wall time, else (a skipped time) the later.
  for (const c of [Math.min(first, second), Math.max(first, second)]) if (c + offsetAt(c, timeZone) === wall) return c;
  return Math.max(first, second);
}

const hm = (s: string): [number, number] => {
  const [h, m] = s.split(':').map(Number);
  return [h ?? 0, m ?? 0];
};

/** The open intervals [start, end) in UTC ms: `spreadDays` open days from `startMs` on. */
export function windowIntervals(startMs: number, w: SendWindow, timeZone: string): [number, number][] {
  const [fh, fm] = hm(w.from);
  const [th, tm] = hm(w.to);
  const days = new Set(w.days);
  const out: [number, number][] = [];
  const first = localParts(startMs, timeZone);
  // Walk local calendar days (noon UTC of the date avoids any DST edge when stepping).
  let cursor = Date.UTC(first.year, first.month - 1, first.day, 12);
  for (let i = 0; out.length < w.spreadDays && i < 366 + 7; i++, cursor += 86_400_000) {
    const d = new Date(cursor);
    const y = d.getUTCFullYear();
    const mo = d.getUTCMonth() + 1;
    const da = d.getUTCDate();
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (!days.has(weekday)) continue;
    const open = Math.max(zonedTimeToUtc(y, mo, da, fh, fm, timeZone), startMs);
    const close = zonedTimeToUtc(y, mo, da, th, tm, timeZone);
    if (close > open) out.push([open, close]);
  }
  return out;
}

/**
 * `count` send times, evenly spaced over the window's open time: the i-th at i/count of the way
 * through, so the first goes when the window opens and none at its close. No window: all at the
 * start.
 *
 * Each time is placed in a zone of its own (the recipient's, where the campaign uses it): the
 * i-th of `count` goes at i/count of the open time of the window **in that zone**, so every zone's
 * recipients are spread over their own working hours, interleaved in the campaign's order. A
 * zone's intervals are worked out once (a launch sees few distinct zones); a time is then a binary
 * search, so a chunked launch asks for index i without building the whole list.
 */
export class Spread {
  private readonly zones = new Map<string, { starts: number[]; before: number[]; total: number }>();
  private readonly start: string;

  constructor(
    private readonly count: number,
    private readonly startMs: number,
    private readonly window: SendWindow | null,
    private readonly defaultZone: string,
  ) {
    this.start = new Date(startMs).toISOString();
  }

  private plan(zone: string) {
    let p = this.zones.get(zone);
    if (!p) {
      const intervals = this.window ? windowIntervals(this.startMs, this.window, zone) : [];
      const starts: number[] = [];
      const before: number[] = []; // open time in the intervals before each one
      let total = 0;
      for (const [a, b] of intervals) {
        starts.push(a);
        before.push(total);
        total += b - a;
      }
      p = { starts, before, total };
      this.zones.set(zone, p);
    }
    return p;
  }

  /** The i-th send time (ISO), in `zone` (default: the campaign's). */
  at(i: number, zone: string = this.defaultZone): string {
    if (!this.window) return this.start;
    const { starts, before, total } = this.plan(zone);
    if (total === 0) return this.start;
    // An index past the count (recipients added between a launch's count and its last page, on
    // PostgreSQL's read committed) goes with the last one rather than after the window closes.
    const offset = Math.floor((Math.min(i, this.count - 1) * total) / this.count);
    // The last interval whose open time starts at or before `offset`.
    let lo = 0;
    let hi = before.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((before[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return new Date((starts[lo] ?? this.startMs) + offset - (before[lo] ?? 0)).toISOString();
  }
}

/** Every send time of `count` recipients in one zone (see Spread). */
export function spreadTimes(count: number, startMs: number, w: SendWindow | null, timeZone: string): string[] {
  const spread = new Spread(count, startMs, w, timeZone);
  return Array.from({ length: count }, (_, i) => spread.at(i));
}
