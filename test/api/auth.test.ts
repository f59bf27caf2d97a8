import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('sign-in and sessions', () => {
  it('rejects unauthenticated requests with 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/clients' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('unauthenticated');
    expect(res.json().requestId).toMatch(/^req-/);
  });

  it('signs in with an HttpOnly SameSite cookie and returns the operator without secrets', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'bw_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(res.body).not.toContain('password');
    expect(res.json().operator.role).toBe('system_admin');
  });

  it('says the same for an unknown email and a wrong password', async () => {
    const a = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'nobody@x.test', password: 'whatever-password' },
    });
    const b = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN.email, password: 'wrong-password!!' },
    });
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().error).toEqual(b.json().error);
  });

  it('requires the CSRF header for cookie-authenticated writes', async () => {
    const s = await t.login(ADMIN.email, ADMIN.password);
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: { cookie: s.cookie },
      payload: { name: 'No CSRF' },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf_failed');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/clients',
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { name: 'No CSRF' },
    });
    expect(wrong.statusCode).toBe(403);
    const list = await t.as(s, 'GET', '/api/v1/clients');
    expect(list.json().items.some((c: { name: string }) => c.name === 'No CSRF')).toBe(false);
  });

  it('revokes the session on sign-out', async () => {
    const s = await t.login(ADMIN.email, ADMIN.password);
    expect((await t.as(s, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.as(s, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('locks an account for the address that keeps failing, and the audit log records it', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const email = 'locky@baitwise.test';
    const password = 'a perfectly good password';
    expect(
      (
        await t.as(admin, 'POST', '/api/v1/operators', {
          email,
          name: 'Locky',
          role: 'system_admin',
          password,
          clientIds: [],
        })
      ).statusCode,
    ).toBe(201);
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'not the password' },
        remoteAddress: '10.9.0.1',
      });
      codes.push(r.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    // Locked for the address that failed, even with the right password…
    const locked = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: '10.9.0.1',
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('account_locked');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // …and for the addresses of its /64 network on IPv6 as well.
    for (let i = 0; i < 5; i++) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'not the password' },
        remoteAddress: `2001:db8:1:2::${i + 1}`,
      });
    }
    const sameNet = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: '2001:db8:1:2:ffff::9',
    });
    expect(sameNet.json().error?.code).toBe('account_locked');
    const audit = await t.as(admin, 'GET', '/api/v1/audit?action=operator.locked');
    expect(audit.json().items).toHaveLength(2);
    expect(
      audit
        .json()
        .items.map((e: { ip: string }) => e.ip)
        .sort(),
    ).toEqual(['10.9.0.1', '2001:db8:1:2::5']);
  });

  it('changes the password, signing out the other sessions and revoking the API tokens', async () => {
    const admin = await t.login(ADMIN.email, ADMIN.password);
    const email = 'changer@baitwise.test';
    await t.as(admin, 'POST', '/api/v1/operators', {
      email,
      name: 'Changer',
      role: 'system_admin',
      password: 'first password 123',
      clientIds: [],
    });
    const s1 = await t.login(email, 'first password 123');
    const s2 = await t.login(email, 'first password 123');
    const bad = await t.as(s1, 'POST', '/api/v1/auth/password', {
      currentPassword: 'nope nope nope',
      newPassword: 'second password 456',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('currentPassword');
    const short = await t.as(s1, 'POST', '/api/v1/auth/password', {
      currentPassword: 'first password 123',
      newPassword: 'short',
    });
    expect(short.json().error.details.field).toBe('newPassword');
    const token = (await t.as(s1, 'POST', '/api/v1/api-tokens', { name: 'old password era' })).json().secret;
    const ok = await t.as(s1, 'POST', '/api/v1/auth/password', {
      currentPassword: 'first password 123',
      newPassword: 'second password 456',
    });
    expect(ok.statusCode).toBe(200);
    // Tokens made while the old password was known stop working, like the other sessions.
    expect(ok.json()).toEqual({ revokedSessions: 1, revokedApiTokens: 1 });
    expect((await t.as({ token }, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await t.as(s1, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect((await t.as(s2, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    await expect(t.login(email, 'first password 123')).rejects.toThrow(/401/);
    await t.login(email, 'second password 456');
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, carry the owner scope and stop working when revoked', async () => {
    const s = await t.login(ADMIN.email, ADMIN.password);
    const created = await t.as(s, 'POST', '/api/v1/api-tokens', { name: 'automation', expiresInDays: 30 });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json();
    expect(secret).toMatch(/^bw_/);
    const rows = await t.db.handle.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(secret);
    const list = await t.as(s, 'GET', '/api/v1/api-tokens');
    expect(list.body).not.toContain(secret);
    expect(list.json().items[0].prefix).toBe(secret.slice(0, 10));

    const viaToken = await t.as({ token: secret }, 'POST', '/api/v1/clients', { name: 'Made by token' });
    expect(viaToken.statusCode).toBe(201);
    const mint = await t.as({ token: secret }, 'POST', '/api/v1/api-tokens', { name: 'child' });
    expect(mint.statusCode).toBe(403);

    expect((await t.as(s, 'DELETE', `/api/v1/api-tokens/${token.id}`)).statusCode).toBe(204);
    expect((await t.as({ token: secret }, 'GET', '/api/v1/clients')).statusCode).toBe(401);
  });

  it('answers 401 for an unknown token', async () => {
    expect((await t.as({ token: 'bw_nothing' }, 'GET', '/api/v1/clients')).statusCode).toBe(401);
  });
});

describe('first-run setup', () => {
  it('creates the first administrator once with the one-time token', async () => {
    const fresh = await createTestApp({ withAdmin: false });
    try {
      expect((await fresh.app.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({ required: true });
      const token = await fresh.app.services.auth.createSetupToken();
      const body = { token, email: 'first@baitwise.test', name: 'First', password: 'first admin password' };
      const bad = await fresh.app.inject({
        method: 'POST',
        url: '/api/v1/auth/setup',
        payload: { ...body, token: 'forged' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.details.field).toBe('token');
      const ok = await fresh.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: body });
      expect(ok.statusCode).toBe(201);
      expect(ok.json().operator.role).toBe('system_admin');
      const again = await fresh.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: body });
      expect(again.statusCode).toBe(409);
      expect((await fresh.app.inject({ method: 'GET', url: '/api/v1/auth/setup' })).json()).toEqual({
        required: false,
      });
    } finally {
      await fresh.close();
    }
  });
});
