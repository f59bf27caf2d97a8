// What the console explains about Microsoft's consent: the two ways to get an administrator's
// consent as two separate lists (grant it now, or Entra's admin consent workflow), each naming
// what to save and where; the second "Pick an account" of an admin-consent authorization; and,
// for an AADSTS code Baitwise has no advice for, Microsoft's own lookup for that code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

const guidance = async (query: string) => {
  const res = await t.as(sys, 'GET', `/api/v1/azure-apps/guidance?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('consent guidance', () => {
  it('gives the two paths to admin consent as two lists, naming what to save and where', async () => {
    for (const key of ['admin_consent_required', 'consent_declined']) {
      const g = await guidance(`key=${key}`);
      expect(g.paths.map((p: { title: string }) => p.title)).toEqual([
        'An administrator grants consent now',
        'Entra’s admin consent workflow',
      ]);
      const [now, workflow] = g.paths as { steps: string[] }[];
      expect(now?.steps.join(' ')).toMatch(/Grant admin consent for the organization/);
      const text = workflow?.steps.join(' ') ?? '';
      expect(text).toMatch(/Admin consent settings/);
      expect(text).toMatch(/click Save at the top of Admin consent settings/);
      expect(text).toMatch(/Nothing needs saving in Baitwise/);
      // The lists are not repeated in the plain steps.
      expect(g.steps.join(' ')).not.toMatch(/Admin consent settings/);
    }
  });

  it('says why Microsoft asks to pick an account twice with admin consent', async () => {
    const g = await guidance('key=admin_consent_required');
    expect(g.paths[0].steps.join(' ')).toMatch(/Pick an account.*twice/);
  });

  it('links an unknown AADSTS code to Microsoft’s lookup for that code', async () => {
    const g = await guidance('aadsts=5000811');
    expect(g).toMatchObject({
      key: 'unknown',
      lookupUrl: 'https://login.microsoftonline.com/error?code=5000811',
    });
    expect((await guidance('aadsts=7000215')).lookupUrl).toBe('https://login.microsoftonline.com/error?code=7000215');
    expect((await guidance('key=unavailable')).lookupUrl).toBeNull();
  });
});

describe('"request sent"', () => {
  it('records that approval was requested, shows it as waiting for a reviewer, and refuses it once connected', async () => {
    const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Awaiting Approval Ltd' })).json().id;
    const app = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
        name: 'Tenant',
        azureClientId: '11111111-2222-4333-8444-555555555555',
        clientSecret: 'a-secret-value',
        tenant: '4d5e6f70-8192-4a3b-8c4d-5e6f708192a3',
      })
    ).json();
    const path = `/api/v1/clients/${clientId}/azure-apps/${app.id}/approval-requested`;
    const sent = await t.as(sys, 'POST', path);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      status: 'not_authorized',
      lastAuthorization: { outcome: 'approval_requested', guidance: { key: 'consent_pending' } },
    });
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}`)).json().items;
    expect(audit.map((e: { action: string }) => e.action)).toContain('azure_app.approval_requested');

    await t.db.handle.db.updateTable('azure_apps').set({ status: 'connected' }).where('id', '=', app.id).execute();
    const refused = await t.as(sys, 'POST', path);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.field).toBe('status');
  });
});
