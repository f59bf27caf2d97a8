// Graph pages fetched ahead of the writer: a producer follows the nextLinks while the engine
// commits what has arrived, so Graph's latency and the database's work overlap instead of adding
// up. Bounded (`ahead` pages) so a slow database never holds the whole tenant in memory. A
// fetched page is only a read: when the run stops, what is queued is dropped and fetched again
// from the committed cursor.
import type { Page } from './graph-source.js';

export interface Fetched {
  /** the cursor (JSON) this page was fetched with */
  cursor: string;
  page: Page;
  /** the cursor (JSON) of the page after it, or null at the end */
  next: string | null;
}

export class PageFeed {
  private readonly queue: Fetched[] = [];
  private done = false;
  private failure: { err: unknown } | undefined;
  private stopped = false;
  private arrivals: (() => void)[] = [];
  private space: (() => void)[] = [];
  private readonly loop: Promise<void>;

  constructor(
    start: string,
    fetch: (cursor: string) => Promise<Page>,
    private readonly ahead: number,
  ) {
    this.loop = this.produce(start, fetch);
  }

  private static wake(list: (() => void)[]): void {
    for (const f of list.splice(0)) f();
  }

  private async produce(start: string, fetch: (cursor: string) => Promise<Page>): Promise<void> {
    let cursor: string | null = start;
    try {
      while (cursor && !this.stopped) {
        while (this.queue.length >= this.ahead && !this.stopped) await new Promise<void>((r) => this.space.push(r));
        if (this.stopped) break;
        const page = await fetch(cursor);
        const next = page.next ? JSON.stringify(page.next) : null;
        this.queue.push({ cursor, page, next });
        PageFeed.wake(this.arrivals);
        cursor = next;
      }
    } catch (err) {
      this.failure = { err };
    }
    this.done = true;
    PageFeed.wake(this.arrivals);
  }

  /**
   * The pages fetched, in order, up to `maxPages` and about `maxUsers`: waits for one, then up to
   * `holdMs` more for others (the producer keeps fetching meanwhile, so the wait costs no Graph
   * time). [] once the listing is complete; a fetch failure is thrown after the pages before it.
   */
  async take(maxPages: number, maxUsers: number, holdMs = 0): Promise<Fetched[]> {
    while (this.queue.length === 0) {
      if (this.failure) throw this.failure.err;
      if (this.done) return [];
      await new Promise<void>((r) => this.arrivals.push(r));
    }
    // A commit costs about the same for one page as for ten: on SQLite it rewrites the index
    // leaves the pages' random keys (emails, Entra ids) touched, and one page's 999 keys touch
    // most leaves already. bench:import at 100 ms per Graph page: one page per commit spent 10 s
    // of 15 in commits; collecting for up to a second makes those ten times fewer.
    const deadline = Date.now() + holdMs;
    while (this.queue.length < maxPages && !this.done) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const arrived = await Promise.race([
        new Promise<boolean>((r) => this.arrivals.push(() => r(true))),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(false), left);
        }),
      ]);
      clearTimeout(timer);
      if (!arrived) break;
    }
    const out: Fetched[] = [];
    let users = 0;
    for (let head = this.queue[0]; head && out.length < maxPages; head = this.queue[0]) {
      if (out.length > 0 && users + head.page.users.length > maxUsers) break;
      users += head.page.users.length;
      out.push(head);
      this.queue.shift();
    }
    PageFeed.wake(this.space);
    return out;
  }

  /** Stop fetching; waits for a request in flight so nothing runs on after the run. */
  async stop(): Promise<void> {
    this.stopped = true;
    PageFeed.wake(this.space);
    await this.loop;
  }
}
