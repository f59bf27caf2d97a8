import { describe, expect, it } from 'vitest';
import { isTimeZone, localParts, Spread, spreadTimes, windowIntervals, zonedTimeToUtc } from './window.js';

const BERLIN = 'Europe/Berlin';
const local = (iso: string, tz = BERLIN) => localParts(Date.parse(iso), tz);

describe('invitation spread over a window', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('converts local wall time to UTC on both sides of a DST change', () => {
    expect(new Date(zonedTimeToUtc(2027, 3, 27, 9, 0, BERLIN)).toISOString()).toBe('2027-03-27T08:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2027, 3, 29, 9, 0, BERLIN)).toISOString()).toBe('2027-03-29T07:00:00.000Z');
    expect(new Date(zonedTimeToUtc(2027, 11, 8, 9, 0, 'America/New_York')).toISOString()).toBe(
      '2027-11-08T14:00:00.000Z',
    );
  });

  it('keeps 09:00–17:00 local across the spring change and counts the hour a night window loses', () => {
    // Saturday 27 March 2027; Berlin moves from +01:00 to +02:00 on Sunday 28 March at 02:00.
    const start = Date.parse('2027-03-27T00:00:00Z');
    const day = windowIntervals(start, { days: [6, 7], from: '09:00', to: '17:00', spreadDays: 2 }, BERLIN);
    expect(day.map(([a, b]) => [new Date(a).toISOString(), new Date(b).toISOString()])).toEqual([
      ['2027-03-27T08:00:00.000Z', '2027-03-27T16:00:00.000Z'],
      ['2027-03-28T07:00:00.000Z', '2027-03-28T15:00:00.000Z'],
    ]);
    const night = windowIntervals(start, { days: [7], from: '01:00', to: '04:00', spreadDays: 1 }, BERLIN);
    expect(night.map(([a, b]) => (b - a) / 3_600_000)).toEqual([2]);
  });

  it('spreads evenly, deterministically, only inside the open days and hours', () => {
    // Friday 29 October 2027 12:00 local; Berlin goes back to +01:00 on Sunday 31 October.
    const start = Date.parse('2027-10-29T10:00:00Z');
    const w = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', spreadDays: 3 };
    const times = spreadTimes(600, start, w, BERLIN);
    expect(spreadTimes(600, start, w, BERLIN)).toEqual(times);
    expect(times[0]).toBe('2027-10-29T10:00:00.000Z'); // the start, inside Friday's window
    const perDay = new Map<number, number>();
    for (const t of times) {
      const p = local(t);
      expect(p.weekday).toBeLessThanOrEqual(5);
      expect(p.hour * 60 + p.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(p.hour * 60 + p.minute).toBeLessThan(17 * 60);
      expect(Date.parse(t)).toBeGreaterThanOrEqual(start);
      perDay.set(p.day, (perDay.get(p.day) ?? 0) + 1);
    }
    // Friday has 5 open hours left, Monday and Tuesday (after the change) 8 each: 5:8:8 of 600.
    expect([...perDay.entries()]).toEqual([
      [29, 143],
      [1, 229],
      [2, 228],
    ]);
    // Sorted: the order of the recipients is the order of their times.
    expect([...times].sort()).toEqual(times);
  });

  it('sends everything at the start when there is no window', () => {
    expect(spreadTimes(3, Date.parse('2027-01-04T10:00:00Z'), null, BERLIN)).toEqual(
      new Array(3).fill('2027-01-04T10:00:00.000Z'),
    );
  });
});

describe('invitation spread in each recipient’s own time zone', () => {
  const NY = 'America/New_York';
  const TOKYO = 'Asia/Tokyo';
  const w = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', spreadDays: 1 };

  it('places each recipient inside the window of their zone, at their share of it', () => {
    // Monday 4 January 2027 00:00 UTC: Tokyo's Monday window is already open, New York's is ahead.
    const start = Date.parse('2027-01-04T00:00:00Z');
    const spread = new Spread(2, start, w, BERLIN);
    // Recipient 0 of 2 at the opening of their day, recipient 1 halfway through it.
    expect(spread.at(0, TOKYO)).toBe('2027-01-04T00:00:00.000Z'); // 09:00 Tokyo
    expect(spread.at(1, NY)).toBe('2027-01-04T18:00:00.000Z'); // 13:00 New York
    expect(spread.at(1, BERLIN)).toBe('2027-01-04T12:00:00.000Z'); // 13:00 Berlin
    // Deterministic, and the campaign's zone alone gives what spreadTimes gives.
    expect(new Spread(2, start, w, BERLIN).at(1, NY)).toBe(spread.at(1, NY));
    expect([0, 1].map((i) => spread.at(i, BERLIN))).toEqual(spreadTimes(2, start, w, BERLIN));
  });

  it('keeps 09:00–17:00 local in a zone whose clocks change inside the spread (DST)', () => {
    // Friday 12 March 2027, New York moves to -04:00 on Sunday 14 March; Berlin not until the 28th.
    const start = Date.parse('2027-03-12T00:00:00Z');
    const two = { ...w, spreadDays: 2 };
    const n = 8;
    const spread = new Spread(n, start, two, BERLIN);
    const ny = Array.from({ length: n }, (_, i) => spread.at(i, NY));
    for (const at of ny) {
      const p = localParts(Date.parse(at), NY);
      expect(p.hour * 60 + p.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(p.hour * 60 + p.minute).toBeLessThan(17 * 60);
      expect([5, 1]).toContain(p.weekday); // Friday, then Monday
    }
    expect(ny[0]).toBe('2027-03-12T14:00:00.000Z'); // Friday 09:00 EST (-05:00)
    expect(ny[4]).toBe('2027-03-15T13:00:00.000Z'); // Monday 09:00 EDT (-04:00)
  });

  it('sends everything at the start when there is no window, whatever the zone', () => {
    const start = Date.parse('2027-01-04T10:00:00Z');
    expect(new Spread(2, start, null, BERLIN).at(1, TOKYO)).toBe('2027-01-04T10:00:00.000Z');
  });
});
