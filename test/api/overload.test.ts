// Graceful overload (http/overload.ts): while the event loop is saturated, API requests get an
// immediate 503 with Retry-After instead of a place in a queue longer than any caller waits,
// and signing in, the session and health still answer. Measured over real HTTP: app.inject would
// bypass the event loop's queue that the guard is about.
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let s: Session;
let base: string;

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_OVERLOAD_MAX_LAG_MS: '150' } });
  s = await t.login(ADMIN.email, ADMIN.password);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => t?.close());

const get = (path: string) => fetch(`${base}${path}`, { headers: { cookie: s.cookie } });

/** Keeps the one thread busy, as a flood of expensive requests does. */
function saturate(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    /* busy */
  }
}

/** The status once the guard lets the request through: it refuses for its Retry-After, then serves. */
async function served(path: string): Promise<number> {
  const until = Date.now() + 10_000;
  let status = 503;
  while (status === 503 && Date.now() < until) status = (await get(path)).status;
  return status;
}

it('answers 503 with Retry-After while saturated, keeps sign-in and health open, and recovers', async () => {
  // Start from a quiet loop (setting up the app may itself have kept the thread busy).
  expect(await served('/api/v1/clients')).toBe(200);

  saturate(400);
  const [clients, me, health] = await Promise.all([get('/api/v1/clients'), get('/api/v1/auth/me'), get('/healthz')]);
  expect(clients.status).toBe(503);
  expect(clients.headers.get('retry-after')).toBe('1');
  expect((await clients.json()).error.code).toBe('overloaded');
  expect(me.status).toBe(200);
  expect(health.status).toBe(200);

  // Refusals last the Retry-After given; then, the loop keeping time again, the request is served.
  expect(await served('/api/v1/clients')).toBe(200);
});

it('does not take a step of the wall clock (NTP, a resumed VM) for lag, nor shed until the clock catches up', async () => {
  expect(await served('/api/v1/clients')).toBe(200);
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  try {
    // The wall clock steps a day ahead while requests keep coming (the guard's timer ticks in between).
    vi.setSystemTime(Date.now() + 86_400_000);
    const statuses: number[] = [];
    for (const until = performance.now() + 200; performance.now() < until; )
      statuses.push((await get('/api/v1/clients')).status);
    // (a day ahead the session has expired: 401, but never 503)
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses).not.toContain(503);
  } finally {
    // …and back: no refusal either (a shed deadline set in the day ahead would last a day).
    vi.useRealTimers();
  }
  expect((await get('/api/v1/clients')).status).toBe(200);
});

it('sheds while database reads wait for a SQLite reader thread, the loop itself being free', async () => {
  expect(await served('/api/v1/clients')).toBe(200);
  // Reads queue in the reader threads, not in the event loop: the guard asks the database how
  // long a read has waited (what a flood of searches leaves behind on SQLite).
  const handle = t.container.db;
  const real = handle.queuedReadMs;
  let waited = 0;
  handle.queuedReadMs = () => waited;
  try {
    waited = 400;
    // the guard looks every 25 ms; the loop is idle, so only the reads' wait can make it shed
    await vi.waitFor(
      async () => {
        if ((await get('/api/v1/clients')).status !== 503) throw new Error('not shedding');
      },
      { timeout: 5_000, interval: 10 },
    );
    expect((await get('/api/v1/auth/me')).status).toBe(200);
    // The readers' queue is looked at every tick: serving resumes as soon as it is short again,
    // not a whole Retry-After (1 s) later, which would leave the readers idle.
    waited = 0;
    const resumedFrom = performance.now();
    expect(await served('/api/v1/clients')).toBe(200);
    expect(performance.now() - resumedFrom).toBeLessThan(600);
  } finally {
    handle.queuedReadMs = real;
  }
});
