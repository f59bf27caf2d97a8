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
