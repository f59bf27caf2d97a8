// The actor cache (http/actor-cache.ts): a credential's rows are read once for the requests of a
// second, and every change to who may do what takes effect on the very next request all the same.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tokensRepo from '../../src/modules/api-tokens/repository.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Cached Ltd' })).json().id;
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
/** A client administrator of `clientId`, signed in, with an API token. */
async function administrator() {
  n++;
  const email = `cached${n}@op.test`;
  const op = (
    await t.as(sys, 'POST', '/api/v1/operators', {
      email,
      name: `Cached ${n}`,
      role: 'client_admin',
      password: 'a long enough password',
      clientIds: [clientId],
    })
  ).json();
  const session = await t.login(email, 'a long enough password');
  const token = (await t.as(session, 'POST', '/api/v1/api-tokens', { name: 'automation' })).json();
  return { id: op.id as string, session, token: { token: token.secret as string }, tokenId: token.token.id as string };
}

const recipients = () => `/api/v1/clients/${clientId}/recipients?limit=5`;

/** Two requests, so the rows are cached after the first use's touch (a write) dropped them. */
async function warm(who: Session | { token: string }) {
  for (let i = 0; i < 2; i++) expect((await t.as(who, 'GET', recipients())).statusCode).toBe(200);
}

describe('the actor cache', () => {
  it("reads a token's rows once for the requests of a second", async () => {
    const a = await administrator();
    await warm(a.token);
    const reads = vi.spyOn(tokensRepo, 'findLiveApiToken');
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.as(a.token, 'GET', recipients())));
      expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      // at most one: the one before may just have expired
      expect(reads.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('answers /auth/me while a read of the same token started by another request is still waiting', async () => {
    // Under a flood, a search's read of the token waits for a busy connection; /auth/me has a lane
    // of its own (db/urgent.ts), and must not wait on that read instead.
    const a = await administrator();
    let release: () => void = () => undefined;
    const stuck = new Promise<undefined>((resolve) => {
      release = () => resolve(undefined);
    });
    const reads = vi.spyOn(tokensRepo, 'findLiveApiToken').mockImplementationOnce(() => stuck);
    try {
      const list = t.as(a.token, 'GET', recipients());
      await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(1));
      expect((await t.as(a.token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
      release();
      expect((await list).statusCode).toBe(401);
    } finally {
      reads.mockRestore();
    }
  });

  it('refuses a revoked token on the next request', async () => {
    const a = await administrator();
    await warm(a.token);
    expect((await t.as(a.session, 'DELETE', `/api/v1/api-tokens/${a.tokenId}`)).statusCode).toBe(204);
    expect((await t.as(a.token, 'GET', recipients())).statusCode).toBe(401);
  });

  it('refuses a disabled operator on the next request, by token and by session', async () => {
    const a = await administrator();
    await warm(a.token);
    await warm(a.session);
    expect((await t.as(sys, 'PATCH', `/api/v1/operators/${a.id}`, { disabled: true })).statusCode).toBe(200);
    expect((await t.as(a.token, 'GET', recipients())).statusCode).toBe(401);
    expect((await t.as(a.session, 'GET', recipients())).statusCode).toBe(401);
  });

  it('hides a client from an administrator removed from it on the next request', async () => {
    const a = await administrator();
    await warm(a.token);
    const removed = await t.as(sys, 'DELETE', `/api/v1/clients/${clientId}/administrators/${a.id}`);
    expect(removed.statusCode).toBe(204);
    expect((await t.as(a.token, 'GET', recipients())).statusCode).toBe(404);
  });

  it('ends a signed-out session on the next request', async () => {
    const a = await administrator();
    await warm(a.session);
    expect((await t.as(a.session, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.as(a.session, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
  });
});
