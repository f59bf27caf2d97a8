// Azure applications against the Microsoft 365 emulator: register, authorize as an Entra
// administrator, the admin consent workflow for a non-administrator, wrong secret, revoked
// refresh token, tenant domains, and that no secret or token is ever returned or stored in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let tenant: Awaited<ReturnType<TestEmulator['tenantWithApp']>>;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Contoso Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI);
});
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

async function createApp(overrides: Record<string, unknown> = {}) {
  const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
    name: `App ${Math.random().toString(36).slice(2, 8)}`,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string };
}

/** Click Authorize, sign in at the emulator, and follow Microsoft's redirect back into Baitwise. */
async function authorize(
  appId: string,
  who: { userPrincipalName: string; password: string },
  o: { adminConsent?: boolean; consent?: 'accept' | 'accept-org' | 'cancel' } = {},
) {
  const start = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${appId}/authorize`, {
    adminConsent: o.adminConsent ?? false,
  });
  expect(start.statusCode, start.body).toBe(200);
  const browser = new FormBrowser(emu.emu.urls.authority);
  let step = await browser.signIn(start.json().url, {
    username: who.userPrincipalName,
    password: who.password,
    consent: o.consent ?? 'accept-org',
  });
  let landing = '';
  for (let hop = 0; hop < 3 && step.location?.startsWith(REDIRECT_URI); hop++) {
    const cb = new URL(step.location);
    const res = await t.as(sys, 'GET', `${cb.pathname}${cb.search}`);
    expect(res.statusCode).toBe(303);
    landing = String(res.headers.location);
    if (!landing.startsWith('http')) break;
    // Admin consent done: Baitwise sends the browser on to the code flow.
    // (a fresh browser: the emulator's account picker is not driven by FormBrowser)
    step = await new FormBrowser(emu.emu.urls.authority).signIn(landing, {
      username: who.userPrincipalName,
      password: who.password,
      consent: o.consent ?? 'accept-org',
    });
  }
  return { landing, step, browser };
}

const getApp = async (appId: string) =>
  (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/azure-apps/${appId}`)).json();

describe('registering an Azure application', () => {
  it('shows what to register in Entra', async () => {
    const info = (await t.as(sys, 'GET', '/api/v1/azure-apps/registration-info')).json();
    expect(info.redirectUri).toBe(REDIRECT_URI);
    const scopes = info.permissions.map((p: { scope: string }) => p.scope);
    expect(scopes).toEqual([
      'openid',
      'offline_access',
      'email',
      'User.Read',
      'User.Read.All',
      'GroupMember.Read.All',
      'Mail.ReadWrite',
      'Mail.ReadWrite.Shared',
      'Mail.Send',
      'https://outlook.office.com/SMTP.Send',
    ]);
    expect(
      info.permissions.filter((p: { adminConsent: boolean }) => p.adminConsent).map((p: { scope: string }) => p.scope),
    ).toEqual(['User.Read.All', 'GroupMember.Read.All']);
  });

  it('never returns the secret, and resolves a tenant domain to its GUID', async () => {
    const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
      name: 'By domain',
      azureClientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      tenant: tenant.domain,
    });
    expect(res.statusCode).toBe(201);
    expect(res.body).not.toContain(tenant.clientSecret);
    expect(res.json()).toMatchObject({
      tenantId: tenant.tenantId,
      tenantDomain: tenant.domain,
      status: 'not_authorized',
      secretStored: true,
    });
    const list = await t.as(sys, 'GET', `/api/v1/azure-apps?clientId=${clientId}`);
    expect(list.body).not.toContain(tenant.clientSecret);
  });

  it('rejects bad input naming the field, writing nothing', async () => {
    const base = { name: 'Bad', azureClientId: tenant.clientId, clientSecret: 'x', tenant: tenant.tenantId };
    const cases: [Record<string, unknown>, string, number][] = [
      [{ ...base, azureClientId: 'not-a-guid' }, 'azureClientId', 400],
      [{ ...base, tenant: 'not a tenant!' }, 'tenant', 400],
      [{ ...base, tenant: 'unknown-tenant.onmicrosoft.com' }, 'tenant', 400],
      [{ ...base, cloud: 'mars' }, 'cloud', 400],
      [{ ...base, clientSecret: '' }, 'clientSecret', 400],
      [{ ...base, extra: true }, 'extra', 400],
    ];
    const before = (await t.as(sys, 'GET', '/api/v1/azure-apps')).json().items.length;
    for (const [body, field, status] of cases) {
      const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, body);
      expect({ field: r.json().error?.details?.field, status: r.statusCode }).toEqual({ field, status });
    }
    expect((await t.as(sys, 'GET', '/api/v1/azure-apps')).json().items.length).toBe(before);
  });
});

describe('Authorize', () => {
  it('connects when an Entra administrator consents for the organization, and Test connection reports every capability', async () => {
    const app = await createApp();
    const { landing } = await authorize(app.id, tenant.admin);
    expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=connected`);
    const connected = await getApp(app.id);
    expect(connected).toMatchObject({
      status: 'connected',
      authorizedBy: ADMIN.email,
      microsoftAccount: { upn: tenant.admin.userPrincipalName },
      missingScopes: [],
    });
    const test = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/test`);
    expect(test.statusCode, test.body).toBe(200);
    expect(test.json().account.userPrincipalName).toBe(tenant.admin.userPrincipalName);
    expect(test.json().tenantId).toBe(tenant.tenantId);
    expect(test.json().capabilities.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}&action=azure_app.authorized`)).json();
    expect(audit.items[0].details.microsoftAccount).toBe(tenant.admin.userPrincipalName);
  });

  it('goes through the admin-consent endpoint first when asked', async () => {
    const app = await createApp();
    const { landing } = await authorize(app.id, tenant.admin, { adminConsent: true });
    expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=connected`);
  });

  it('guides a non-administrator through the admin consent workflow until the reviewer approves', async () => {
    const t2 = await emu.tenantWithApp(REDIRECT_URI, { name: 'Fabrikam' });
    const app = await createApp({ azureClientId: t2.clientId, clientSecret: t2.clientSecret, tenant: t2.tenantId });
    // Workflow off: "Need admin approval"; the user returns to Baitwise without consent.
    const start = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/authorize`, { adminConsent: false })
    ).json();
    const browser = new FormBrowser(emu.emu.urls.authority);
    const page = await browser.signIn(start.url, { username: t2.user.userPrincipalName, password: t2.user.password });
    expect(page.html).toContain('Need admin approval');
    const back = await browser.get(
      /href="([^"]*login\/return[^"]*)"/.exec(page.html ?? '')?.[1]?.replaceAll('&amp;', '&') ?? '',
    );
    const cb = new URL(back.location ?? '');
    const res = await t.as(sys, 'GET', `${cb.pathname}${cb.search}`);
    expect(res.headers.location).toBe(`/settings/azure-applications/${app.id}?authorization=failed`);
    const failed = await getApp(app.id);
    expect(failed.status).toBe('not_authorized');
    expect(failed.lastAuthorization.guidance.key).toBe('consent_declined');
    expect(failed.lastAuthorization.guidance.paths.flatMap((p: { steps: string[] }) => p.steps).join(' ')).toMatch(
      /Users can request admin consent/,
    );

    // Workflow on: "Approval required" → Request approval → the reviewer approves → Authorize again.
    await emu.control('PUT', `/tenants/${t2.tenantId}/admin-consent-workflow`, { enabled: true, reviewerIds: [] });
    const again = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/authorize`, { adminConsent: false })
    ).json();
    const b2 = new FormBrowser(emu.emu.urls.authority);
    const approval = await b2.signIn(again.url, { username: t2.user.userPrincipalName, password: t2.user.password });
    expect(approval.html).toContain('Approval required');
    const sent = await b2.submit(approval, 'request-approval', {
      justification: 'Baitwise needs to import recipients',
    });
    expect(sent.html).toContain('Request sent');
    const pending = await emu.control<{ value: { id: string; status: string }[] }>(
      'GET',
      `/consent-requests?tenantId=${t2.tenantId}`,
    );
    expect(pending.value).toHaveLength(1);
    await emu.control('POST', `/consent-requests/${pending.value[0]?.id}/approve`, {});
    const { landing } = await authorize(app.id, t2.user, { consent: 'accept' });
    expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=connected`);
    expect((await getApp(app.id)).status).toBe('connected');
  });

  it('explains an invalid client secret (AADSTS7000215) and stores nothing', async () => {
    const app = await createApp({ clientSecret: 'this-is-the-secret-id-not-the-value' });
    const { landing } = await authorize(app.id, tenant.admin);
    expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=failed`);
    const a = await getApp(app.id);
    expect(a.status).toBe('not_authorized');
    expect(a.lastAuthorization).toMatchObject({ aadsts: 7000215, guidance: { key: 'invalid_secret' } });
    const row = await t.db.handle.db
      .selectFrom('azure_apps')
      .select('refresh_token')
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(row.refresh_token).toBeNull();
  });

  it('explains a cancelled consent (AADSTS65004)', async () => {
    const t3 = await emu.tenantWithApp(REDIRECT_URI, { name: 'Initech' }); // nothing consented there yet
    const app = await createApp({ azureClientId: t3.clientId, clientSecret: t3.clientSecret, tenant: t3.tenantId });
    const { landing } = await authorize(app.id, t3.admin, { consent: 'cancel' });
    expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=failed`);
    expect((await getApp(app.id)).lastAuthorization).toMatchObject({
      aadsts: 65004,
      guidance: { key: 'consent_declined' },
    });
  });

  it('refuses an id_token issued by another tenant and stores nothing', async () => {
    const other = await emu.tenantWithApp(REDIRECT_URI, { name: 'Elsewhere' });
    const app = await createApp();
    await emu.control('PUT', '/faults', { foreignIdTokens: [{ clientId: tenant.clientId, tenantId: other.tenantId }] });
    try {
      const { landing } = await authorize(app.id, tenant.admin);
      expect(landing).toBe(`/settings/azure-applications/${app.id}?authorization=failed`);
    } finally {
      await emu.control('PUT', '/faults', { foreignIdTokens: [] });
    }
    const a = await getApp(app.id);
    expect(a.status).toBe('not_authorized');
    expect(a.lastAuthorization.guidance.key).toBe('tenant_mismatch');
    const row = await t.db.handle.db
      .selectFrom('azure_apps')
      .select(['refresh_token', 'ms_oid'])
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ refresh_token: null, ms_oid: null });
  });

  it('refuses a reused or foreign state', async () => {
    const app = await createApp();
    const start = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/authorize`, { adminConsent: false })
    ).json();
    const step = await new FormBrowser(emu.emu.urls.authority).signIn(start.url, {
      username: tenant.admin.userPrincipalName,
      password: tenant.admin.password,
      consent: 'accept-org',
    });
    const cb = new URL(step.location ?? '');
    const other = await t.login(ADMIN.email, ADMIN.password); // same operator, another session
    const foreign = await t.as(other, 'GET', `${cb.pathname}${cb.search}`);
    expect(foreign.headers.location).toContain('reason=state_invalid');
    expect((await t.as(sys, 'GET', `${cb.pathname}${cb.search}`)).headers.location).toContain(
      'authorization=connected',
    );
    expect((await t.as(sys, 'GET', `${cb.pathname}${cb.search}`)).headers.location).toContain('reason=state_invalid');
  });
});

describe('the connection after that', () => {
  it('rotates the refresh token on use and moves to re-authorization required when it is revoked', async () => {
    const app = await createApp();
    await authorize(app.id, tenant.admin);
    const before = await t.db.handle.db
      .selectFrom('azure_apps')
      .select(['refresh_token', 'token_version'])
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    // A fresh token service (another process) has no cached access token and must refresh.
    t.app.services.azure.tokens.forget(app.id);
    await t.app.services.azure.tokens.accessToken(clientId, app.id, 'graph');
    const after = await t.db.handle.db
      .selectFrom('azure_apps')
      .select(['refresh_token', 'token_version'])
      .where('id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(after.token_version).toBe(before.token_version + 1);
    expect(after.refresh_token).not.toBe(before.refresh_token);

    const admin = await emu.control<{ value: { id: string; userPrincipalName: string }[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?search=${encodeURIComponent(tenant.admin.userPrincipalName)}`,
    );
    const adminId = admin.value.find((u) => u.userPrincipalName === tenant.admin.userPrincipalName)?.id;
    await emu.control('POST', `/users/${adminId}/revoke-sessions`, {});
    // No forget(): Test connection must notice the revocation although an access token is cached.
    const test = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/test`);
    expect(test.statusCode).toBe(409);
    expect(test.json().error.code).toBe('reauthorization_required');
    const a = await getApp(app.id);
    expect(a.status).toBe('reauth_required');
    expect(a.statusReason.guidance.key).toBe('grant_expired');
    const audit = (
      await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}&action=azure_app.reauth_required`)
    ).json();
    expect(audit.items.length).toBeGreaterThan(0);
    // Authorizing again restores it.
    await authorize(app.id, tenant.admin);
    expect((await getApp(app.id)).status).toBe('connected');
  });

  it('keeps secrets and tokens out of the database in clear, responses and the audit log', async () => {
    const rows = await t.db.handle.db.selectFrom('azure_apps').selectAll().execute();
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(tenant.clientSecret);
    for (const r of rows) {
      expect(r.client_secret.startsWith('bw1.')).toBe(true);
      if (r.refresh_token) expect(r.refresh_token.startsWith('bw1.')).toBe(true);
    }
    const rts = [...emu.emu.store.refreshTokens.keys()];
    expect(rts.length).toBeGreaterThan(0);
    const audit = (await t.as(sys, 'GET', '/api/v1/audit?limit=500')).body;
    for (const rt of rts) {
      expect(dump).not.toContain(rt);
      expect(audit).not.toContain(rt);
    }
    expect(audit).not.toContain(tenant.clientSecret);
  });

  it('deletes an application with its tokens', async () => {
    const app = await createApp();
    await authorize(app.id, tenant.admin);
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${clientId}/azure-apps/${app.id}`)).statusCode).toBe(204);
    expect((await t.as(sys, 'GET', `/api/v1/clients/${clientId}/azure-apps/${app.id}`)).statusCode).toBe(404);
    const left = await t.db.handle.db.selectFrom('azure_apps').select('id').where('id', '=', app.id).execute();
    expect(left).toHaveLength(0);
  });
});
