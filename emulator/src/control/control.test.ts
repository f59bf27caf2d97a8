import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, setupTenant } from '../identity/fixtures.js';
import { type Harness, startHarness } from '../identity/harness.js';
import { ManualClock } from '../model.js';

let h: Harness;
const clock = new ManualClock();

beforeAll(async () => {
  h = await startHarness(clock);
});
afterAll(async () => {
  await h?.close();
});

describe('control API', () => {
  it('tenants: create with generated directory, list, get by id or domain', async () => {
    const t = await control<{ id: string; users: number; groups: number; admin: { password: string } }>(
      h,
      'POST',
      '/tenants',
      {
        name: 'Northwind',
        domain: 'northwind.onmicrosoft.com',
        users: 50,
        groups: 6,
        seed: 'nw',
      },
    );
    expect(t.users).toBe(50);
    expect(t.groups).toBe(6);
    expect(t.admin.password).toBeTruthy();
    const list = await control<{ value: { id: string }[] }>(h, 'GET', '/tenants');
    expect(list.value.map((x) => x.id)).toContain(t.id);
    const byDomain = await control<{ id: string }>(h, 'GET', '/tenants/northwind.onmicrosoft.com');
    expect(byDomain.id).toBe(t.id);
    const dup = await fetch(`${h.urls.control}/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'northwind.onmicrosoft.com' }),
    });
    expect(dup.status).toBe(409);
  });

  it('users: create, patch (delta stamp), soft delete, restore', async () => {
    const f = await setupTenant(h, 'Users', 'u');
    const u = await control<{ id: string; password: string; changeSeq: number }>(h, 'POST', `/tenants/${f.tid}/users`, {
      displayName: 'Pat Doe',
      isAdmin: true,
      password: 'Secret-1!',
    });
    expect(u.password).toBe('Secret-1!');
    const patched = await control<{ jobTitle: string; changeSeq: number }>(h, 'PATCH', `/users/${u.id}`, {
      jobTitle: 'CISO',
    });
    expect(patched.jobTitle).toBe('CISO');
    expect(patched.changeSeq).toBeGreaterThan(u.changeSeq);
    await control(h, 'DELETE', `/users/${u.id}?reason=changed`);
    expect(h.store.tombstones.get(u.id)?.reason).toBe('changed');
    await control(h, 'POST', `/users/${u.id}/restore`);
    expect(h.store.users.get(u.id)).toBeTruthy();
  });

  it('applications and secrets; clock and faults', async () => {
    const f = await setupTenant(h, 'Apps', 'a');
    const s = await control<{ keyId: string; value: string }>(h, 'POST', `/applications/${f.clientId}/secrets`, {});
    await control(h, 'POST', `/applications/${f.clientId}/secrets/${s.keyId}/expire`);
    const app = await control<{ secrets: { keyId: string; expiresAt: string }[] }>(
      h,
      'GET',
      `/applications/${f.clientId}`,
    );
    expect(JSON.stringify(app)).not.toContain(s.value);
    expect(Date.parse(app.secrets.find((x) => x.keyId === s.keyId)?.expiresAt ?? '')).toBeLessThan(clock.now());
    const before = clock.now();
    await control(h, 'POST', '/clock/advance', { seconds: 60 });
    expect(clock.now() - before).toBe(60_000);
    const faults = await control<{ graphThrottleEvery: number; latencyMs: number }>(h, 'PUT', '/faults', {
      graphThrottleEvery: 3,
    });
    expect(faults.graphThrottleEvery).toBe(3);
    expect(faults.latencyMs).toBe(0);
    await control(h, 'PUT', '/faults', { graphThrottleEvery: 0 });
    const pem = await fetch(`${h.urls.control}/ca.pem`);
    expect(await pem.text()).toBe(h.urls.caPem);
  });

  it('consent requests: deny via API, HTML review page lists them', async () => {
    const f = await setupTenant(h, 'Review', 'r');
    const id = 'req-1';
    h.store.consentRequests.set(id, {
      id,
      tenantId: f.tid,
      clientId: f.clientId,
      userId: f.user.id,
      scopes: ['User.Read.All'],
      justification: '<script>x</script>',
      status: 'pending',
      createdAt: clock.now(),
      decidedBy: null,
    });
    const page = await (await fetch(`${h.urls.control}/consent-requests`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toContain('<script>x');
    const denied = await control<{ status: string }>(h, 'POST', `/consent-requests/${id}/deny`, {});
    expect(denied.status).toBe('denied');
    const grants = await control<{ value: unknown[] }>(h, 'GET', `/grants?tenantId=${f.tid}`);
    expect(grants.value).toHaveLength(0);
  });
});

describe('control API: permissions must exist', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${h.urls.control}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('an app registration or a grant naming a permission Graph/Exchange lacks → 400 naming the field', async () => {
    const f = await setupTenant(h, 'PermCheck', 'pc');
    const app = await post('/applications', {
      tenantId: f.tid,
      redirectUris: [],
      requiredScopes: ['User.Read', 'Foo.Bar'],
    });
    expect(app.status).toBe(400);
    expect(((await app.json()) as { error: string }).error).toMatch(/^requiredScopes: Foo\.Bar /);
    const grant = await post('/grants', {
      tenantId: f.tid,
      clientId: f.clientId,
      userId: null,
      scopes: ['Mail.Sendd'],
    });
    expect(grant.status).toBe(400);
    expect(((await grant.json()) as { error: string }).error).toMatch(/^scopes: Mail\.Sendd /);
    const ok = await post('/applications', {
      tenantId: f.tid,
      redirectUris: [],
      requiredScopes: [
        'User.Read',
        'https://outlook.office.com/SMTP.Send',
        'https://outlook.office.com/SMTP.SendAsApp',
      ],
    });
    expect(ok.status).toBe(201);
  });
});
