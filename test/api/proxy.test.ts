// BAITWISE_TRUST_PROXY names the reverse proxy; only a request that really comes from it may say,
// in X-Forwarded-For, whom it forwards. Anyone else's header is ignored: it neither forges the
// audit log's source address nor dodges the per-address sign-in limit.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

const PROXY = '10.0.0.1';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_TRUST_PROXY: `${PROXY},192.168.50.0/24` } });
});
afterAll(async () => t?.close());

async function loginIp(remoteAddress: string, forwardedFor: string): Promise<string | null> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: ADMIN,
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
  });
  expect(res.statusCode, res.body).toBe(200);
  const s = await t.login(ADMIN.email, ADMIN.password);
  const audit = await t.as(s, 'GET', '/api/v1/audit?action=session.login&limit=2');
  return audit.json().items[1].ip as string | null; // [0] is t.login's own sign-in
}

it('takes the client address from X-Forwarded-For when the request comes from the trusted proxy', async () => {
  expect(await loginIp(PROXY, '203.0.113.7')).toBe('203.0.113.7');
  expect(await loginIp('192.168.50.20', '203.0.113.8')).toBe('203.0.113.8');
});

it('ignores X-Forwarded-For from any other address', async () => {
  expect(await loginIp('198.51.100.23', '203.0.113.9')).toBe('198.51.100.23');
  // …even when the forged header names the proxy itself as a hop.
  expect(await loginIp('198.51.100.24', `203.0.113.10, ${PROXY}`)).toBe('198.51.100.24');
});
