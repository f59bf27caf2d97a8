// Two clients connecting the same Entra tenant: usually a mistake (the wrong tenant ID pasted, a
// client added twice), sometimes intended (a subsidiary with its own contract). The second
// registration is refused until the operator says why; the reason is kept, shown and audited.
// Another client's name is only given to an operator who can see that client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;

const TENANT = '0f1e2d3c-4b5a-4968-8776-655443322110';
const app = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  azureClientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'a-secret-value',
  tenant: TENANT,
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

const newClient = async (name: string) => (await t.as(sys, 'POST', '/api/v1/clients', { name })).json().id as string;

describe('the same Entra tenant for two clients', () => {
  it('is refused without a reason, naming the other client and the field; with one it is kept and audited', async () => {
    const first = await newClient('Woodgrove Bank');
    const second = await newClient('Woodgrove Insurance');
    const created = await t.as(sys, 'POST', `/api/v1/clients/${first}/azure-apps`, app('Woodgrove'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().sharedTenantReason).toBeNull();
    // A second application of the same client in its own tenant is no warning.
    const again = await t.as(sys, 'POST', `/api/v1/clients/${first}/azure-apps`, app('Woodgrove mail'));
    expect(again.statusCode, again.body).toBe(201);

    const refused = await t.as(sys, 'POST', `/api/v1/clients/${second}/azure-apps`, app('Insurance'));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({
      code: 'tenant_shared',
      details: { field: 'sharedTenantReason', clients: ['Woodgrove Bank'] },
    });
    expect(refused.json().error.message).toContain('Woodgrove Bank already connects this Entra tenant');
    expect((await t.as(sys, 'GET', `/api/v1/azure-apps?clientId=${second}`)).json().items).toEqual([]);

    const blank = await t.as(
      sys,
      'POST',
      `/api/v1/clients/${second}/azure-apps`,
      app('Insurance', { sharedTenantReason: '   ' }),
    );
    expect(blank.statusCode).toBe(409);

    const reason = 'Subsidiary billed separately; same Microsoft 365 tenant as the bank.';
    const ok = await t.as(
      sys,
      'POST',
      `/api/v1/clients/${second}/azure-apps`,
      app('Insurance', { sharedTenantReason: reason }),
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().sharedTenantReason).toBe(reason);
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${second}`)).json().items;
    expect(audit.find((e: { action: string }) => e.action === 'azure_app.create').details).toMatchObject({
      sharedTenantReason: reason,
    });
  });

  it("a client administrator is warned without being told the other client's name", async () => {
    const mine = await newClient('Litware');
    const theirs = await newClient('Secret Corp');
    const tenant = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
    expect(
      (await t.as(sys, 'POST', `/api/v1/clients/${theirs}/azure-apps`, app('Theirs', { tenant }))).statusCode,
    ).toBe(201);
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'litware@shared.test',
      name: 'Litware admin',
      role: 'client_admin',
      password: 'shared tenant password',
      clientIds: [mine],
    });
    const admin = await t.login('litware@shared.test', 'shared tenant password');
    const refused = await t.as(admin, 'POST', `/api/v1/clients/${mine}/azure-apps`, app('Mine', { tenant }));
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details).toMatchObject({ field: 'sharedTenantReason', clients: [] });
    expect(refused.body).not.toContain('Secret Corp');
    expect(refused.json().error.message).toContain('Another client already connects this Entra tenant');
  });

  it('moving an application to a tenant another client connects asks for the reason too', async () => {
    const a = await newClient('Proseware');
    const b = await newClient('Proseware Labs');
    const tenant = '2b3c4d5e-6f70-4a8b-9cad-1e2f3a4b5c6d';
    expect((await t.as(sys, 'POST', `/api/v1/clients/${a}/azure-apps`, app('A', { tenant }))).statusCode).toBe(201);
    const own = '3c4d5e6f-7081-4b9c-8dbe-2f3a4b5c6d7e';
    const other = (await t.as(sys, 'POST', `/api/v1/clients/${b}/azure-apps`, app('B', { tenant: own }))).json();
    const path = `/api/v1/clients/${b}/azure-apps/${other.id}`;
    const refused = await t.as(sys, 'PATCH', path, { tenant });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.field).toBe('sharedTenantReason');
    expect((await t.as(sys, 'GET', path)).json().tenantId).toBe(own);
    const moved = await t.as(sys, 'PATCH', path, { tenant, sharedTenantReason: 'Lab tenant shared on purpose' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ tenantId: tenant, sharedTenantReason: 'Lab tenant shared on purpose' });
  });
});
