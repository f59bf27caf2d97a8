// Microsoft's error_description arrives in the browser's redirect, which anyone holding a valid
// state can shape: what Baitwise stores of it (last authorization, status reason) is bounded.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

it('stores at most 2,000 characters of an error_description, and a bounded error code', async () => {
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Bounded' })).json().id;
  const app = (
    await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
      name: 'Bounded tenant',
      azureClientId: '11111111-2222-4333-8444-555555555555',
      clientSecret: 'bounded-secret-value',
      tenant: '99999999-8888-4777-8666-555555555555',
    })
  ).json();
  const started = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/authorize`, {
    adminConsent: true,
  });
  const state = new URL(started.json().url).searchParams.get('state') ?? '';
  const description = `AADSTS65004: User declined to consent. ${'x'.repeat(50_000)}`;
  const query = new URLSearchParams({
    state,
    error: `access_denied${'y'.repeat(5_000)}`,
    error_description: description,
  });
  const cb = await t.as(sys, 'GET', `/api/v1/azure-apps/callback?${query}`);
  expect(cb.statusCode).toBe(303);

  const got = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/azure-apps/${app.id}`)).json();
  expect(got.lastAuthorization.aadsts).toBe(65004); // still understood
  expect(got.lastAuthorization.description.length).toBeLessThanOrEqual(2000);
  expect(got.lastAuthorization.description.startsWith('AADSTS65004: User declined')).toBe(true);
  expect(got.lastAuthorization.error.length).toBeLessThanOrEqual(200);
  const row = await t.db.handle.db
    .selectFrom('azure_apps')
    .select('last_authorization')
    .where('id', '=', app.id)
    .executeTakeFirstOrThrow();
  expect(row.last_authorization?.length ?? 0).toBeLessThan(3000);
});
