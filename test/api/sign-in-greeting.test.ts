// The session's previousSignInAt, from which the console greets "Welcome" on an operator's first
// session (the one setup opens, or a new operator's first sign-in) and "Welcome back" after,
// with when they last signed in (a person spots a sign-in that was not theirs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
const FIRST = { email: 'first@greeting.test', name: 'First', password: 'first admin password' };

const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
  `bw_session=${res.cookies.find((c) => c.name === 'bw_session')?.value}`;
const me = async (cookie: string) =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).json();
const login = (email: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });

beforeAll(async () => {
  t = await createTestApp({ withAdmin: false });
});
afterAll(async () => t?.close());

describe('the greeting after sign-in', () => {
  it('is a first session right after setup, and a returning one at the next sign-in', async () => {
    const token = await t.app.services.auth.createSetupToken();
    const setup = await t.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { token, ...FIRST } });
    expect(setup.statusCode).toBe(201);
    expect(setup.json().previousSignInAt).toBeNull();
    const setupCookie = cookieOf(setup);
    expect((await me(setupCookie)).previousSignInAt).toBeNull();
    const setupSession = await t.db.handle.db.selectFrom('sessions').select('created_at').executeTakeFirstOrThrow();

    const again = await login(FIRST.email, FIRST.password);
    expect(again.statusCode).toBe(200);
    expect(again.json().previousSignInAt).toBe(setupSession.created_at);
    expect((await me(cookieOf(again))).previousSignInAt).toBe(setupSession.created_at);
    // The setup session's own view is unchanged: a later sign-in elsewhere is not "before" it.
    expect((await me(setupCookie)).previousSignInAt).toBeNull();
  });

  it("is a first session at a new operator's first sign-in", async () => {
    const admin = await login(FIRST.email, FIRST.password);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/operators',
      headers: { cookie: cookieOf(admin), 'x-csrf-token': admin.json().csrfToken },
      payload: { email: 'new@greeting.test', name: 'New', role: 'system_admin', password: 'new operator password' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const first = await login('new@greeting.test', 'new operator password');
    expect(first.json().previousSignInAt).toBeNull();
    const second = await login('new@greeting.test', 'new operator password');
    expect(typeof second.json().previousSignInAt).toBe('string');
  });
});
