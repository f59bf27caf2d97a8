// Sign-in lockout (src/modules/auth/login-throttle.ts): five failures from one address lock that
// address out of that account for 15 minutes. The lock decays: failures older than the lock
// period are forgotten and an expired lock starts a new count, so a trickle of wrong passwords
// never keeps anyone out for good, and a lock holds only for the address (IPv6: /64) that caused
// it, so nobody outside can lock an operator out of their own address. Unknown addresses are
// tracked the same way and answer the same, in the same time.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

interface Target {
  t: TestApp;
  sys: Session;
}
let t: TestApp;
let sys: Session;
// The tests that time password checks, or race them against the lock, run on an app hashing at
// production's scrypt cost: at the test helpers' cheap cost a check takes about as long as the
// request around it. The others run on the cheap one.
let strong: Target;
// Those tests make 10 to 26 production-strength password checks on purpose; with another test
// file running beside them on two cores that can take longer than the default 30 s.
const PRODUCTION_COST_TIMEOUT = 90_000;
beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  const app = await createTestApp({ productionPasswords: true });
  strong = { t: app, sys: await app.login(ADMIN.email, ADMIN.password) };
});
afterAll(async () => {
  await t?.close();
  await strong?.t.close();
});
afterEach(() => {
  vi.useRealTimers();
});

// One attacker address per test: each also counts against the per-address limit of 20 sign-ins in 5 minutes.
const ATTACKER = '203.0.113.66';
const MINUTE = 60_000;

const attempt = (email: string, password: string, remoteAddress: string, on: Target = { t, sys }) =>
  on.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

async function newOperator(email: string, password: string, on: Target = { t, sys }): Promise<string> {
  const r = await on.t.as(on.sys, 'POST', '/api/v1/operators', {
    email,
    name: email.split('@')[0],
    role: 'system_admin',
    password,
    clientIds: [],
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

/** Only Date is faked (scrypt, timers and the database run for real); `advance` moves the clock. */
function fakeClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  let now = Date.now();
  vi.setSystemTime(now);
  return (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };
}

async function lockOut(email: string, remoteAddress: string, on: Target = { t, sys }): Promise<void> {
  const codes: number[] = [];
  for (let i = 0; i < 5; i++) codes.push((await attempt(email, 'wrong password!', remoteAddress, on)).statusCode);
  expect(codes).toEqual([401, 401, 401, 401, 429]);
}

describe('lockout', () => {
  it('decays: after the lock period one wrong password does not lock again, and a trickle never does', async () => {
    const advance = fakeClock();
    const email = 'trickle@lockout.test';
    const password = 'the trickle password';
    await newOperator(email, password);
    await lockOut(email, ATTACKER);
    advance(10 * MINUTE);
    expect((await attempt(email, password, ATTACKER)).json().error.code).toBe('account_locked');
    advance(5 * MINUTE + 1000);
    // The lock has expired: one more wrong password starts a new count instead of re-locking.
    expect((await attempt(email, 'wrong password!', ATTACKER)).statusCode).toBe(401);
    for (let round = 0; round < 6; round++) {
      advance(15 * MINUTE + 1000);
      expect((await attempt(email, 'wrong password!', ATTACKER)).statusCode).toBe(401);
    }
    expect((await attempt(email, password, ATTACKER)).statusCode).toBe(200);
  });

  it('never locks the only system administrator out of their own address', async () => {
    const attacker = '203.0.113.67';
    await lockOut(ADMIN.email, attacker);
    expect((await attempt(ADMIN.email, ADMIN.password, attacker)).statusCode).toBe(429);
    expect((await attempt(ADMIN.email, ADMIN.password, '198.51.100.7')).statusCode).toBe(200);
  });

  it(
    'holds against a burst: a right password sent behind a volley of wrong ones is refused once they lock',
    async () => {
      const attacker = '203.0.113.69';
      const email = 'burst@lockout.test';
      const on = strong;
      await newOperator(email, 'the right password', on);
      // Password checks run four at a time. The right password arrives once four wrong ones have
      // been answered (four failures: no lock yet) while four more are being checked: those lock
      // the account before its own check ends, and the lock is read after the check. (Sent with
      // the volley, on PostgreSQL its first query could finish before wrong ones' and put it
      // earlier in the queue of checks, which made the test race.)
      const volley = Array.from({ length: 8 }, () => attempt(email, 'wrong password!', attacker, on));
      await Promise.all(volley.slice(0, 4));
      const right = attempt(email, 'the right password', attacker, on);
      await Promise.all(volley);
      const r = await right;
      expect(r.statusCode, r.body).toBe(429);
      expect(r.json().error.code).toBe('account_locked');
    },
    PRODUCTION_COST_TIMEOUT,
  );

  it('counts an IPv6 /64 as one source for the per-address sign-in limit', async () => {
    const net = '2001:db8:6:4';
    const codes: number[] = [];
    for (let i = 1; i <= 21; i++)
      codes.push((await attempt(`nobody${i}@lockout.test`, 'wrong password!', `${net}::${i}`)).statusCode);
    expect(codes.slice(0, 20).every((c) => c === 401)).toBe(true);
    const over = await attempt('nobody22@lockout.test', 'wrong password!', `${net}::ffff`);
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect((await attempt('nobody23@lockout.test', 'wrong password!', '2001:db8:6:5::1')).statusCode).toBe(401);
  });

  it('is lifted by a password reset from the console, without the CLI', async () => {
    const attacker = '203.0.113.68';
    const email = 'reset@lockout.test';
    const id = await newOperator(email, 'the first password');
    await lockOut(email, attacker);
    const reset = await t.as(sys, 'POST', `/api/v1/operators/${id}/password`, { password: 'the second password' });
    expect(reset.statusCode).toBe(200);
    expect((await attempt(email, 'the second password', attacker)).statusCode).toBe(200);
  });
});

describe('unknown addresses', () => {
  it('answer exactly like an existing account, lock included', async () => {
    const email = 'exists@lockout.test';
    await newOperator(email, 'the existing password');
    const answers = async (address: string, ip: string) => {
      const out: { status: number; code: string; message: string; retryAfter: boolean }[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await attempt(address, 'wrong password!', ip);
        out.push({
          status: r.statusCode,
          code: r.json().error.code,
          message: r.json().error.message,
          retryAfter: r.headers['retry-after'] !== undefined,
        });
      }
      return out;
    };
    const known = await answers(email, '192.0.2.10');
    const unknown = await answers('nobody-here@lockout.test', '192.0.2.11');
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.code)).toEqual([
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'invalid_credentials',
      'account_locked',
      'account_locked',
      'account_locked',
    ]);
    // The address is matched the way operators are: case does not make a new account.
    expect((await attempt('NOBODY-HERE@lockout.test', 'wrong password!', '192.0.2.11')).statusCode).toBe(429);
  });

  it(
    'take as long to answer as an existing account, locked or not',
    async () => {
      const email = 'timing@lockout.test';
      const on = strong;
      await newOperator(email, 'the timing password', on);
      const unknown = 'timing-nobody@lockout.test';
      await lockOut(email, '192.0.2.20', on);
      await lockOut(unknown, '192.0.2.21', on);
      const time = async (address: string, ip: string) => {
        const start = performance.now();
        const r = await attempt(address, 'wrong password!', ip, on);
        const ms = performance.now() - start;
        expect(r.json().error.code).toBe('account_locked');
        return ms;
      };
      const lockedKnown: number[] = [];
      const lockedUnknown: number[] = [];
      const freshUnknown: number[] = [];
      for (let i = 0; i < 5; i++) {
        lockedKnown.push(await time(email, '192.0.2.20'));
        lockedUnknown.push(await time(unknown, '192.0.2.21'));
        const start = performance.now();
        await attempt(`fresh-${i}@lockout.test`, 'wrong password!', `192.0.2.${30 + i}`, on);
        freshUnknown.push(performance.now() - start);
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
      // A locked account used to answer in milliseconds and an unknown address only after a full
      // password check: the medians must now be of the same order (the band allows a shared,
      // busy machine; the difference it guards against was a factor of about 100).
      const [k, u, f] = [median(lockedKnown), median(lockedUnknown), median(freshUnknown)];
      expect({ k, u, ratio: k / u }).toMatchObject({ ratio: expect.toSatisfy((r: number) => r > 0.5 && r < 2) });
      expect({ k, f, ratio: k / f }).toMatchObject({ ratio: expect.toSatisfy((r: number) => r > 0.5 && r < 2) });
    },
    PRODUCTION_COST_TIMEOUT,
  );
});
