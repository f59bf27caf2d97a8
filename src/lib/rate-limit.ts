// A small in-memory sliding-window limiter (per process). Used for sign-in attempts per IP;
// per-account lockout lives in the database so it holds across processes.
export class SlidingWindowLimiter {
  private hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a hit; returns 0 when allowed, else the seconds until the oldest hit leaves the window. */
  hit(key: string): number {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return Math.max(1, Math.ceil(((list[0] ?? t) + this.windowMs - t) / 1000));
    }
    list.push(t);
    this.hits.set(key, list);
    if (this.hits.size > 10_000) this.prune(t);
    return 0;
  }

  private prune(t: number): void {
    for (const [k, v] of this.hits) if (v.every((h) => t - h >= this.windowMs)) this.hits.delete(k);
  }
}

/**
 * A fixed-window counter (per process): constant memory per key, for limits in the hundreds per
 * minute where SlidingWindowLimiter's list of hit times would be wasteful (the learner portal).
 * A burst at a window's edge can reach twice the limit; that is acceptable for abuse control.
 */
export class FixedWindowLimiter {
  private windows = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a hit; returns 0 when allowed, else the seconds until the window ends. */
  hit(key: string): number {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size >= 50_000) this.prune(t);
      w = { start: t, n: 0 };
      this.windows.set(key, w);
    }
    w.n += 1;
    if (w.n > this.limit) return Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
    return 0;
  }

  private prune(t: number): void {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}
