// Walks every registered API route and proves that a client administrator of client A can reach
// nothing of client B: client routes answer 404 (as for a missing id), system routes 403, and
// every other authenticated route has an explicit check below. A route added without coverage
// fails this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let adminA: Session;
let adminB: Session;
const ids: Record<string, string> = {};

const PUBLIC_ROUTES = new Set([
  'GET /api/v1/auth/setup',
  'POST /api/v1/auth/setup',
  'POST /api/v1/auth/login',
  'GET /api/v1/azure-apps/callback',
]);

const APP_BODY = {
  name: 'Contoso tenant',
  azureClientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'client-b-secret-value',
  tenant: '99999999-8888-4777-8666-555555555555',
};

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  const a = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client A' })).json();
  const b = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client B' })).json();
  const pw = 'tenancy test password';
  const opA = (
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'a@tenancy.test',
      name: 'Admin A',
      role: 'client_admin',
      password: pw,
      clientIds: [a.id],
    })
  ).json();
  const opB = (
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'b@tenancy.test',
      name: 'Admin B',
      role: 'client_admin',
      password: pw,
      clientIds: [b.id],
    })
  ).json();
  adminA = await t.login('a@tenancy.test', pw);
  adminB = await t.login('b@tenancy.test', pw);
  const tokenB = (await t.as(adminB, 'POST', '/api/v1/api-tokens', { name: 'b-token' })).json();
  const appB = (await t.as(adminB, 'POST', `/api/v1/clients/${b.id}/azure-apps`, APP_BODY)).json();
  // B starts an authorization (admin-consent endpoint first: no call to Microsoft needed here).
  const started = (
    await t.as(adminB, 'POST', `/api/v1/clients/${b.id}/azure-apps/${appB.id}/authorize`, { adminConsent: true })
  ).json();
  const stateB = new URL(started.url).searchParams.get('state') ?? '';
  Object.assign(ids, {
    clientA: a.id,
    clientB: b.id,
    operatorA: opA.id,
    operatorB: opB.id,
    tokenB: tokenB.token.id,
    appB: appB.id,
    stateB,
  });
  // A recipient and a recipient group of B, for the recipients routes.
  const groupB = (await t.as(adminB, 'POST', `/api/v1/clients/${b.id}/recipient-groups`, { name: 'B group' })).json();
  const recipientB = (
    await t.as(adminB, 'POST', `/api/v1/clients/${b.id}/recipients`, { email: 'r@b.test', groupIds: [groupB.id] })
  ).json();
  Object.assign(ids, { groupB: groupB.id, recipientB: recipientB.id });
  // An Entra import of B (its first run waits in the queue: no worker here) and a held change.
  const importB = (
    await t.as(adminB, 'POST', `/api/v1/clients/${b.id}/directory-imports`, {
      name: 'B import',
      azureAppId: appB.id,
      targetGroupId: groupB.id,
      source: 'all_users',
    })
  ).json();
  const changeB = '0b0b0b0b-0000-4000-8000-000000000001';
  const now = new Date().toISOString();
  await t.db.handle.db
    .insertInto('directory_held_changes')
    .values({
      id: changeB,
      client_id: b.id,
      import_id: importB.id,
      run_id: null,
      kind: 'remove',
      entra_object_id: 'entra-user-of-b',
      display_name: 'B person',
      email: 'p@b.test',
      reason: 'removed',
      payload: null,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  Object.assign(ids, { importB: importB.id, runB: importB.lastRun.id, changeB });
  // Something in B's audit trail that A must never see.
  await t.as(sys, 'PATCH', `/api/v1/clients/${b.id}`, { name: 'Client B (renamed)' });
});
afterAll(async () => t?.close());

/** B's value for each path parameter. A new parameter name needs a fixture here. */
function fillParams(url: string): string {
  const fixtures: Record<string, string | undefined> = {
    clientId: ids.clientB,
    operatorId: ids.operatorB,
    tokenId: ids.tokenB,
    appId: ids.appB,
    groupId: ids.groupB,
    recipientId: ids.recipientB,
    importId: ids.importB,
    runId: ids.runB,
    changeId: ids.changeB,
  };
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    const v = fixtures[name];
    if (!v) throw new Error(`tenancy test: no client-B fixture for path parameter :${name} in ${url}`);
    return v;
  });
}

/** Routes open to any operator: each proves by itself that client B stays invisible to A. */
const AUTHENTICATED_CHECKS: Record<string, () => Promise<void>> = {
  'GET /api/v1/azure-apps': async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/azure-apps?clientId=${ids.clientB}`)).statusCode).toBe(404);
    const all = await t.as(adminA, 'GET', '/api/v1/azure-apps');
    expect(all.json().items).toEqual([]);
    expect((await t.as(adminB, 'GET', '/api/v1/azure-apps')).json().items).toHaveLength(1);
  },
  'GET /api/v1/azure-apps/registration-info': async () => {
    const info = await t.as(adminA, 'GET', '/api/v1/azure-apps/registration-info');
    expect(info.statusCode).toBe(200);
    expect(info.body).not.toContain(ids.clientB);
  },
  'GET /api/v1/azure-apps/guidance': async () => {
    const g = await t.as(adminA, 'GET', '/api/v1/azure-apps/guidance?aadsts=7000215');
    expect(g.json().key).toBe('invalid_secret');
    expect(g.body).not.toContain(ids.clientB);
  },
  'GET /api/v1/auth/me': async () => {
    const me = (await t.as(adminA, 'GET', '/api/v1/auth/me')).json();
    expect(me.operator.clientIds).toEqual([ids.clientA]);
  },
  'POST /api/v1/auth/logout': async () => {
    const s = await t.login('a@tenancy.test', 'tenancy test password');
    expect((await t.as(s, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.as(adminB, 'GET', '/api/v1/auth/me')).statusCode).toBe(200); // B unaffected
  },
  'POST /api/v1/auth/password': async () => {
    // Changes only the caller's own password: there is no operator id to aim at B.
    const r = await t.as(adminA, 'POST', '/api/v1/auth/password', {
      currentPassword: 'wrong wrong wrong',
      newPassword: 'whatever whatever',
    });
    expect(r.statusCode).toBe(400);
  },
  'GET /api/v1/clients': async () => {
    const list = (await t.as(adminA, 'GET', '/api/v1/clients?includeArchived=true')).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([ids.clientA]);
  },
  'GET /api/v1/api-tokens': async () => {
    const list = await t.as(adminA, 'GET', '/api/v1/api-tokens');
    expect(list.body).not.toContain(ids.tokenB);
  },
  'POST /api/v1/api-tokens': async () => {
    const r = await t.as(adminA, 'POST', '/api/v1/api-tokens', { name: 'a-token' });
    expect(r.statusCode).toBe(201);
    const list = (await t.as(adminB, 'GET', '/api/v1/api-tokens')).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['b-token']);
  },
  'DELETE /api/v1/api-tokens/:tokenId': async () => {
    const r = await t.as(adminA, 'DELETE', `/api/v1/api-tokens/${ids.tokenB}`);
    expect(r.statusCode).toBe(404);
    expect((await t.as(adminB, 'GET', '/api/v1/api-tokens')).json().items).toHaveLength(1);
  },
  'GET /api/v1/audit': async () => {
    const filtered = await t.as(adminA, 'GET', `/api/v1/audit?clientId=${ids.clientB}`);
    expect(filtered.statusCode).toBe(404);
    const all = (await t.as(adminA, 'GET', '/api/v1/audit?limit=500')).json();
    expect(all.items.length).toBeGreaterThan(0);
    for (const e of all.items) expect(e.clientId).toBe(ids.clientA);
    expect(JSON.stringify(all)).not.toContain(ids.clientB);
  },
};

describe('the OAuth callback (public route)', () => {
  it("refuses B's authorization request in A's session and leaves it usable by B", async () => {
    const r = await t.as(adminA, 'GET', `/api/v1/azure-apps/callback?state=${ids.stateB}&admin_consent=True&tenant=x`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/settings/azure-applications?authorization=failed&reason=state_invalid');
    const app = (await t.as(adminB, 'GET', `/api/v1/clients/${ids.clientB}/azure-apps/${ids.appB}`)).json();
    expect(app.lastAuthorization).toBeNull();
    const row = await t.db.handle.db.selectFrom('oauth_requests').select('used_at').executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
  });
});

describe('tenancy: client administrator of A against everything of B', () => {
  it('covers every registered API route', async () => {
    const routes = t.app.routeTable;
    expect(routes.length).toBeGreaterThan(15);
    const uncovered: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      if (r.access === 'public') {
        if (!PUBLIC_ROUTES.has(key)) uncovered.push(`${key} (public, not in the allowlist)`);
      } else if (r.access === 'authenticated') {
        if (!AUTHENTICATED_CHECKS[key]) uncovered.push(`${key} (authenticated, no check)`);
      } else if (r.access !== 'client' && r.access !== 'system') {
        uncovered.push(`${key} (unknown access ${r.access})`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('answers 404 on client routes and 403 on system routes with B ids', async () => {
    for (const r of t.app.routeTable) {
      if (r.access !== 'client' && r.access !== 'system') continue;
      const url = fillParams(r.url);
      const res = await t.as(adminA, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: r.access === 'client' ? 404 : 403,
      });
      if (r.access === 'client') {
        // Indistinguishable from a missing object: same body as for a random id.
        const missing = await t.as(
          adminA,
          r.method,
          url.replace(ids.clientB ?? '', '00000000-0000-4000-8000-000000000000'),
          r.method === 'GET' ? undefined : {},
        );
        expect(missing.statusCode).toBe(404);
        expect(missing.json().error).toEqual(res.json().error);
        // …while the object does exist: the system administrator reaches it.
        if (r.method === 'GET') expect((await t.as(sys, 'GET', url)).statusCode).toBe(200);
      }
    }
  });

  it('holds on every authenticated route', async () => {
    for (const [key, check] of Object.entries(AUTHENTICATED_CHECKS)) {
      try {
        await check();
      } catch (e) {
        throw new Error(`${key}: ${(e as Error).message}`);
      }
    }
  });

  it('gives A their own client', async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${ids.clientA}`)).statusCode).toBe(200);
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${ids.clientA}/administrators`)).json().items).toHaveLength(1);
  });
});
