// An access token cached by one process must not outlive the grant it came from, whichever
// process changed the grant. `serve` used to hold two token caches (the HTTP side's and the
// worker's), so after an administrator pointed an application at another tenant over HTTP, the
// worker kept reading the old tenant with its cached token for up to an hour. Here the second
// process is a second composition on the same database, as `baitwise worker` is.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Container, compose } from '../../src/composition.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp, type EmulatedTenant } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

let emu: TestEmulator;
let t: TestApp;
let worker: Container;
let sys: Session;
let clientId: string;
let tenant: EmulatedTenant;
let other: EmulatedTenant;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  worker = compose({ config: t.config, db: t.db.handle, secrets: t.secrets, logger: pino({ level: 'silent' }) });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Cache Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { name: 'Contoso' });
  other = await emu.tenantWithApp(REDIRECT_URI, { name: 'Fabrikam' });
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
  await emu?.close();
});

const tidOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { tid: string }).tid;
const workerToken = (appId: string) => worker.services.azure.tokens.accessToken(clientId, appId, 'graph');
const tokenVersion = async (appId: string) =>
  (
    await t.db.handle.db
      .selectFrom('azure_apps')
      .select('token_version')
      .where('id', '=', appId)
      .executeTakeFirstOrThrow()
  ).token_version;

describe("a worker's cached access token", () => {
  it('is not used once the application is pointed at another tenant over HTTP', async () => {
    const appId = await connectedApp(t, emu, sys, clientId, tenant);
    expect(tidOf(await workerToken(appId))).toBe(tenant.tenantId);

    const edit = await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}/azure-apps/${appId}`, {
      tenant: other.tenantId,
      azureClientId: other.clientId,
      clientSecret: other.clientSecret,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.json().status).toBe('not_authorized');

    await expect(workerToken(appId)).rejects.toMatchObject({ code: 'not_authorized', status: 409 });
  });

  it('is not used once the application is deleted', async () => {
    const appId = await connectedApp(t, emu, sys, clientId, tenant);
    await workerToken(appId);
    const del = await t.as(sys, 'DELETE', `/api/v1/clients/${clientId}/azure-apps/${appId}`);
    expect(del.statusCode).toBe(204);
    await expect(workerToken(appId)).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });

  it('is replaced by a refresh once the client secret or the authorization changed', async () => {
    const appId = await connectedApp(t, emu, sys, clientId, tenant);
    const first = await workerToken(appId);
    const v0 = await tokenVersion(appId);
    expect(await workerToken(appId)).toBe(first); // cached: no refresh
    expect(await tokenVersion(appId)).toBe(v0);

    // The same secret value again is a new encrypted value, as a rotated secret would be.
    const edit = await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}/azure-apps/${appId}`, {
      clientSecret: tenant.clientSecret,
    });
    expect(edit.statusCode, edit.body).toBe(200);
    await workerToken(appId);
    expect(await tokenVersion(appId)).toBe(v0 + 1); // refreshed with the stored refresh token

    // Authorized again (perhaps by another account): the next use refreshes with the new grant.
    await t.db.handle.db
      .updateTable('azure_apps')
      .set({ authorized_at: new Date().toISOString() })
      .where('id', '=', appId)
      .execute();
    await workerToken(appId);
    expect(await tokenVersion(appId)).toBe(v0 + 2);
  });

  it('stays valid when another process only refreshed (no refresh ping-pong between processes)', async () => {
    const appId = await connectedApp(t, emu, sys, clientId, tenant);
    const cached = await workerToken(appId);
    const v0 = await tokenVersion(appId);
    // The HTTP side's Test connection always refreshes: token_version moves on.
    const test = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${appId}/test`);
    expect(test.statusCode, test.body).toBe(200);
    expect(await tokenVersion(appId)).toBe(v0 + 1);
    expect(await workerToken(appId)).toBe(cached);
    expect(await tokenVersion(appId)).toBe(v0 + 1);
  });
});

describe('one process, one set of services', () => {
  it("the HTTP side and the worker's jobs share the token service, so an edit reaches both at once", () => {
    const { services } = t.container;
    expect(services.directorySync.engine.tokens).toBe(services.azure.tokens);
    expect(t.app.services).toBe(services);
    expect(t.container.jobs.map((j) => j.type.queue)).toContain('directory-sync');
  });
});
