// Per-client fairness (http/fair-share.ts): a token flooding its client's routes is refused with
// 429 and Retry-After once its bucket is empty, while another client's administrator — and another
// person of the same client — are served; all of one client's actors together share its budget;
// sign-in is never counted. Limits here are small (per second, a burst of two seconds' worth) so a
// handful of requests empties them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

const PW = 'fair share test password';

async function clientWithAdmins(t: TestApp, sys: Session, name: string, emails: string[]) {
  const client = (await t.as(sys, 'POST', '/api/v1/clients', { name })).json() as { id: string };
  const sessions: Session[] = [];
  for (const email of emails) {
    await t.as(sys, 'POST', '/api/v1/operators', {
      email,
      name: email,
      role: 'client_admin',
      password: PW,
      clientIds: [client.id],
    });
    sessions.push(await t.login(email, PW));
  }
  return { id: client.id, sessions };
}

/**
 * Requests until the first refusal (at most `max`): how many were served, the refusal, and how many
 * tokens the bucket (`perSecond`) may have regained meanwhile on a slow machine.
 */
async function flood(t: TestApp, who: Session | { token: string }, url: string, max: number, perSecond = 0) {
  const start = performance.now();
  const regained = () => Math.ceil(((performance.now() - start) / 1000) * perSecond);
  for (let served = 0; served < max; served++) {
    const r = await t.as(who, 'GET', url);
    if (r.statusCode !== 200) return { served, refusal: r, regained: regained() };
  }
  return { served: max, refusal: null, regained: regained() };
}

describe('per actor', () => {
  let t: TestApp;
  let a: { id: string; sessions: Session[] };
  let b: { id: string; sessions: Session[] };
  let token: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { BAITWISE_API_RATE_PER_ACTOR: '4', BAITWISE_API_RATE_PER_CLIENT: '0' } });
    const sys = await t.login(ADMIN.email, ADMIN.password);
    a = await clientWithAdmins(t, sys, 'Flooding client', ['flood@fair.test', 'person@fair.test']);
    b = await clientWithAdmins(t, sys, 'Quiet client', ['quiet@fair.test']);
    token = (await t.as(a.sessions[0]!, 'POST', '/api/v1/api-tokens', { name: 'automation' })).json().secret;
  });
  afterAll(async () => t?.close());

  it('refuses a flooding token with 429 and Retry-After; other clients and other people are served', async () => {
    const { served, refusal, regained } = await flood(t, { token }, `/api/v1/clients/${a.id}/recipients`, 40, 4);
    // the burst of 8 (and what the bucket regained while they ran), then a refusal
    expect(served).toBeGreaterThanOrEqual(8);
    expect(served).toBeLessThanOrEqual(8 + regained);
    expect(refusal?.statusCode).toBe(429);
    expect(refusal?.json().error.code).toBe('rate_limited');
    expect(Number(refusal?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // while another client's administrator and another person of the same client are served
    expect((await t.as(b.sessions[0]!, 'GET', `/api/v1/clients/${b.id}/recipients`)).statusCode).toBe(200);
    expect((await t.as(a.sessions[1]!, 'GET', `/api/v1/clients/${a.id}/recipients`)).statusCode).toBe(200);
  });

  it('refuses a flood before any database work: a made-up token spends only its own bucket', async () => {
    const bogus = { token: 'bw_not-a-real-token' };
    const statuses: number[] = [];
    while (statuses.length < 40 && statuses.at(-1) !== 429)
      statuses.push((await t.as(bogus, 'GET', `/api/v1/clients/${a.id}/recipients`)).statusCode);
    // 401 while its bucket lasts (authentication refuses it), then 429 before authentication runs
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses.at(-1)).toBe(429);
    // nobody else is affected
    expect((await t.as(b.sessions[0]!, 'GET', `/api/v1/clients/${b.id}/recipients`)).statusCode).toBe(200);
  });

  it('never counts signing in and the session', async () => {
    const s = a.sessions[1]!;
    for (let i = 0; i < 12; i++) expect((await t.as(s, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });
});

describe('per client', () => {
  let t: TestApp;
  let a: { id: string; sessions: Session[] };
  let b: { id: string; sessions: Session[] };

  beforeAll(async () => {
    t = await createTestApp({ env: { BAITWISE_API_RATE_PER_ACTOR: '0', BAITWISE_API_RATE_PER_CLIENT: '5' } });
    const sys = await t.login(ADMIN.email, ADMIN.password);
    a = await clientWithAdmins(t, sys, 'Busy client', ['one@fair.test', 'two@fair.test']);
    b = await clientWithAdmins(t, sys, 'Other client', ['other@fair.test']);
  });
  afterAll(async () => t?.close());

  it("shares one budget among a client's actors and leaves another client's alone", async () => {
    const first = await flood(t, a.sessions[0]!, `/api/v1/clients/${a.id}/recipients`, 6, 5);
    expect(first).toMatchObject({ served: 6, refusal: null });
    // the second person of the same client gets what is left of the client's 10, then 429
    const second = await flood(t, a.sessions[1]!, `/api/v1/clients/${a.id}/recipient-groups`, 20, 5);
    expect(second.served).toBeLessThanOrEqual(4 + first.regained + second.regained);
    expect(second.refusal?.statusCode).toBe(429);
    expect(second.refusal?.headers['retry-after']).toBeDefined();
    // another client's routes are not this client's budget
    const other = await flood(t, b.sessions[0]!, `/api/v1/clients/${b.id}/recipients`, 8);
    expect(other).toMatchObject({ served: 8, refusal: null });
  });
});
