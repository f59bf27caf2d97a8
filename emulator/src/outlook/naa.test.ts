import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OutlookKit, startOutlookKit } from './testkit.js';

// What MSAL's BridgeProxy posts through window.nestedAppAuthBridge, forwarded by the Outlook page
// with the add-in frame's origin.
interface BridgeReply {
  success: boolean;
  error: { status: string; code?: string; description: string };
  token: { access_token: string; id_token: string };
  account: Record<string, unknown>;
}
const ADDIN_ORIGIN = 'http://127.0.0.1:3999';
const envelope = (method: string, tokenParams?: Record<string, unknown>) =>
  JSON.stringify({ messageType: 'NestedAppAuthRequest', method, requestId: `req-${method}`, tokenParams });

describe('nested app authentication bridge', () => {
  let kit: OutlookKit;
  let tenant: Awaited<ReturnType<OutlookKit['tenant']>>;
  let cookie: string;

  beforeAll(async () => {
    kit = await startOutlookKit();
    tenant = await kit.tenant();
    cookie = await kit.signIn(tenant.user.userPrincipalName);
  });
  afterAll(() => kit.close());

  const app = async (over: Record<string, unknown> = {}) => {
    const res = await kit.control('POST', '/applications', {
      tenantId: tenant.id,
      displayName: 'Report add-in',
      redirectUris: [{ uri: 'brk-multihub://127.0.0.1:3999', type: 'spa' }],
      requiredScopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send'],
      ...over,
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { clientId: string }).clientId;
  };
  const consent = (clientId: string, tenantId = tenant.id) =>
    kit.control('POST', '/grants', {
      tenantId,
      clientId,
      userId: null,
      scopes: ['User.Read', 'Mail.ReadWrite', 'Mail.Send'],
    });
  const bridge = async (payload: string, origin = ADDIN_ORIGIN) => {
    const res = await kit.api(cookie, 'naa', { origin, payload });
    expect(res.status).toBe(200);
    return (await res.json()) as BridgeReply;
  };

  it('GetInitContext gives the signed-in account; GetToken a Graph token Graph accepts for /me', async () => {
    const clientId = await app();
    await consent(clientId);
    const init = await bridge(envelope('GetInitContext'));
    expect(init).toMatchObject({
      messageType: 'NestedAppAuthResponse',
      requestId: 'req-GetInitContext',
      success: true,
      initContext: { accountContext: { tenantId: tenant.id, environment: 'login.microsoftonline.com' } },
    });
    const r = await bridge(
      envelope('GetToken', { clientId, scope: 'User.Read https://graph.microsoft.com/Mail.ReadWrite openid profile' }),
    );
    expect(r.success).toBe(true);
    expect(r.account).toMatchObject({ tenantId: tenant.id, username: tenant.user.userPrincipalName });
    const claims = decodeJwt(r.token.access_token);
    expect(claims).toMatchObject({
      aud: '00000003-0000-0000-c000-000000000000',
      appid: clientId,
      tid: tenant.id,
      scp: 'User.Read Mail.ReadWrite',
    });
    expect(decodeJwt(r.token.id_token)).toMatchObject({ aud: clientId, tid: tenant.id });
    const me = await fetch(`${kit.emu.urls.graph}/v1.0/me`, {
      headers: { authorization: `Bearer ${r.token.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { userPrincipalName: string }).userPrincipalName).toBe(tenant.user.userPrincipalName);
  });

  it('without admin consent: USER_INTERACTION_REQUIRED, consent_required, AADSTS65001', async () => {
    const clientId = await app();
    for (const method of ['GetToken', 'GetTokenPopup']) {
      const r = await bridge(envelope(method, { clientId, scope: 'User.Read openid profile' }));
      expect(r.success).toBe(false);
      expect(r.error).toMatchObject({ status: 'USER_INTERACTION_REQUIRED', code: 'consent_required' });
      expect(r.error.description).toMatch(/^AADSTS65001: The user or administrator has not consented/);
    }
  });

  it('without the brk-multihub SPA redirect URI of the add-in host: refused with AADSTS50011', async () => {
    const web = await app({ redirectUris: ['brk-multihub://127.0.0.1:3999'] }); // "Web", not SPA
    const otherHost = await app({ redirectUris: [{ uri: 'brk-multihub://127.0.0.1:4000', type: 'spa' }] });
    for (const clientId of [web, otherHost]) {
      await consent(clientId);
      const r = await bridge(envelope('GetToken', { clientId, scope: 'User.Read' }));
      expect(r.error).toMatchObject({ status: 'PERSISTENT_ERROR' });
      expect(r.error.description).toMatch(/^AADSTS50011: The redirect URI 'brk-multihub:\/\/127\.0\.0\.1:3999'/);
    }
  });

  it('an application of another tenant (not multi-tenant) or an unknown one: AADSTS700016', async () => {
    const other = await kit.tenant();
    const res = await kit.control('POST', '/applications', {
      tenantId: other.id,
      redirectUris: [{ uri: 'brk-multihub://127.0.0.1:3999', type: 'spa' }],
    });
    const foreign = ((await res.json()) as { clientId: string }).clientId;
    for (const clientId of [foreign, '0b0b0b0b-0000-4000-8000-000000000000']) {
      const r = await bridge(envelope('GetToken', { clientId, scope: 'User.Read' }));
      expect(r.error.description).toMatch(/^AADSTS700016: Application with identifier/);
    }
  });

  it('scopes are checked as Entra checks them: unpublished scope 650053, unknown resource 500011', async () => {
    const clientId = await app();
    await consent(clientId);
    const unpublished = await bridge(envelope('GetToken', { clientId, scope: 'Mail.Explode' }));
    expect(unpublished.error.description).toMatch(/^AADSTS650053: .*'Mail.Explode'/);
    const unknown = await bridge(envelope('GetToken', { clientId, scope: 'api://elsewhere/Read' }));
    expect(unknown.error.description).toMatch(/^AADSTS500011: The resource principal named api:\/\/elsewhere/);
  });

  it('switched off (older Outlook): NESTED_APP_AUTH_UNAVAILABLE', async () => {
    await kit.control('PUT', '/outlook/settings', { nestedAppAuth: false });
    try {
      const r = await bridge(envelope('GetInitContext'));
      expect(r.error).toEqual({ status: 'NESTED_APP_AUTH_UNAVAILABLE', code: 'nested_app_auth_unavailable' });
    } finally {
      await kit.control('PUT', '/outlook/settings', { nestedAppAuth: true });
    }
  });

  it('the page API refuses cross-origin callers and signed-out browsers', async () => {
    const cross = await fetch(`${kit.base}/_outlook/api/naa`, {
      method: 'POST',
      headers: { cookie, origin: 'http://127.0.0.1:3999', 'content-type': 'application/json' },
      body: JSON.stringify({ origin: ADDIN_ORIGIN, payload: envelope('GetInitContext') }),
    });
    expect(cross.status).toBe(403);
    const anon = await kit.api('', 'naa', { origin: ADDIN_ORIGIN, payload: envelope('GetInitContext') });
    expect(anon.status).toBe(401);
  });
});
