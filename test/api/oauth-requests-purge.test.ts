// Every Authorize click stores a request with an encrypted PKCE verifier that is worthless ten
// minutes later. The worker's schedule deletes expired requests, and a master-key rotation does
// not re-wrap them (it used to re-wrap every verifier ever stored).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../../src/cli/rotate-master-key.js';
import { generateMasterKey, masterKeyFromBase64 } from '../../src/lib/crypto.js';
import type { Runtime } from '../../src/runtime.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const MASTER_KEY = generateMasterKey();

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let appId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL, BAITWISE_MASTER_KEY: MASTER_KEY } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Purge Ltd' })).json().id;
  const tenant = await emu.tenantWithApp(`${PUBLIC_URL}/api/v1/azure-apps/callback`);
  const app = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
    name: 'Contoso',
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
  });
  appId = app.json().id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

const requests = () => t.db.handle.db.selectFrom('oauth_requests').select(['id', 'expires_at']).execute();

/** Clicks Authorize; returns the new request's id, expired at once when asked. */
async function authorizeClick(expired: boolean): Promise<string> {
  const before = new Set((await requests()).map((r) => r.id));
  const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${appId}/authorize`, {
    adminConsent: false,
  });
  expect(res.statusCode, res.body).toBe(200);
  const id = (await requests()).find((r) => !before.has(r.id))?.id ?? '';
  if (expired) {
    await t.db.handle.db
      .updateTable('oauth_requests')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return id;
}

describe('expired authorize requests', () => {
  it("are deleted by the azure-apps module's schedule, which the worker runs; live ones are kept", async () => {
    const dead = await authorizeClick(true);
    const live = await authorizeClick(false);
    const purge = t.container.schedules.find((s) => s.name === 'azure-apps.purge-oauth-requests');
    expect(purge).toBeDefined();
    await purge?.run();
    const left = (await requests()).map((r) => r.id);
    expect(left).toContain(live);
    expect(left).not.toContain(dead);
  });

  it('are not re-wrapped by a master-key rotation, which deletes them first', async () => {
    const dead = await authorizeClick(true);
    const live = await authorizeClick(false);
    const rt = {
      config: t.config,
      db: t.db.handle,
      keys: { source: 'env', current: masterKeyFromBase64(MASTER_KEY), previous: [] },
    } as unknown as Runtime;
    const r = await rotateMasterKey(rt, generateMasterKey(), [{ table: 'oauth_requests', column: 'code_verifier' }]);
    const left = (await requests()).map((x) => x.id);
    expect(left).toContain(live);
    expect(left).not.toContain(dead);
    expect(r.rewrapped).toBe(left.length);
  });
});
