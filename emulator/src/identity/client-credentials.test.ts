// The client-credentials grant as msal-node's acquireTokenByClientCredential uses it: app-only
// tokens whose `roles` are the application permissions an administrator consented to in the
// tenant, accepted by Graph where Graph accepts them (/users) and refused where it does not (/me),
// and by SMTP for SMTP.SendAsApp.
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from '@azure/msal-node';
import { decodeJwt } from 'jose';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, type Fixture, setupTenant, tokenPost } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let f: Fixture;

const MS = 'https://login.microsoftonline.com';
const networkClient: INetworkModule = {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await fetch(h.urls.authority + url.slice(MS.length), { headers: options?.headers ?? {} });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as T };
  },
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await fetch(h.urls.authority + url.slice(MS.length), {
      method: 'POST',
      headers: options?.headers ?? {},
      body: options?.body ?? '',
    });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as T };
  },
};
const newApp = () =>
  new ConfidentialClientApplication({
    auth: { clientId: f.clientId, authority: `${MS}/${f.tid}`, clientSecret: f.clientSecret },
    system: { networkClient },
  });

const graph = (path: string, token: string) =>
  fetch(`${h.urls.graph}/v1.0/${path}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  h = await startHarness();
  f = await setupTenant(h, 'Daemon', 'daemon');
});
afterAll(async () => {
  await h?.close();
});

describe('client_credentials', () => {
  it('without consented application permissions: a token without roles, which Graph refuses (403)', async () => {
    const r = await newApp().acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = decodeJwt(r?.accessToken as string);
    expect(claims).toMatchObject({ aud: '00000003-0000-0000-c000-000000000000', tid: f.tid, appid: f.clientId });
    expect(claims.idtyp).toBe('app');
    expect(claims.roles).toBeUndefined();
    expect(claims.scp).toBeUndefined();
    const res = await graph('users', r?.accessToken as string);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');
  });

  it('with admin-consented User.Read.All: roles claim, /users works, /me is refused, no RT or id_token', async () => {
    const granted = await fetch(`${h.urls.control}/app-role-grants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: f.tid, clientId: f.clientId, roles: ['User.Read.All'] }),
    });
    expect(granted.status).toBe(201);
    const r = await newApp().acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(decodeJwt(r?.accessToken as string).roles).toEqual(['User.Read.All']);
    const users = await graph('users?$top=5', r?.accessToken as string);
    expect(users.status).toBe(200);
    expect(((await users.json()) as { value: unknown[] }).value).toHaveLength(5);
    const me = await graph('me', r?.accessToken as string);
    expect(me.status).toBe(400);
    expect(((await me.json()) as { error: { message: string } }).error.message).toBe(
      '/me request is only valid with delegated authentication flow.',
    );
    const raw = await tokenPost(h, f.tid, {
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_secret: f.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(raw.status).toBe(200);
    expect(Object.keys(raw.body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
  });

  it('a scope other than <resource>/.default → 400 invalid_scope AADSTS1002012 (msal ServerError)', async () => {
    for (const scope of ['User.Read.All', 'https://graph.microsoft.com/.default openid', '.default']) {
      const r = await tokenPost(h, f.tid, {
        grant_type: 'client_credentials',
        client_id: f.clientId,
        client_secret: f.clientSecret,
        scope,
      });
      expect(r.status, scope).toBe(400);
      expect(r.body, scope).toMatchObject({ error: 'invalid_scope', error_codes: [1002012] });
    }
    const err = await newApp()
      .acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/User.Read.All'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_scope' });
  });

  it('a wrong secret is still 7000215, and the control API refuses roles that do not exist', async () => {
    const r = await tokenPost(h, f.tid, {
      grant_type: 'client_credentials',
      client_id: f.clientId,
      client_secret: 'wrong',
      scope: 'https://graph.microsoft.com/.default',
    });
    expect(r.body).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    const bad = await fetch(`${h.urls.control}/app-role-grants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: f.tid, clientId: f.clientId, roles: ['User.Read'] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^roles: User\.Read /);
  });

  it('Exchange: SMTP.SendAsApp gives an outlook.office.com token that SMTP AUTH accepts for a mailbox of the tenant', async () => {
    await control(h, 'POST', '/app-role-grants', {
      tenantId: f.tid,
      clientId: f.clientId,
      roles: ['https://outlook.office.com/SMTP.SendAsApp'],
    });
    const r = await newApp().acquireTokenByClientCredential({ scopes: ['https://outlook.office.com/.default'] });
    const claims = decodeJwt(r?.accessToken as string);
    expect(claims).toMatchObject({ aud: 'https://outlook.office.com', roles: ['SMTP.SendAsApp'] });
    const tx = nodemailer.createTransport({
      host: '127.0.0.1',
      port: h.urls.smtp.port,
      secure: false,
      requireTLS: true,
      tls: { ca: h.urls.caPem },
      auth: { type: 'OAuth2', user: f.user.userPrincipalName, accessToken: r?.accessToken as string },
    });
    const info = await tx.sendMail({
      from: f.user.userPrincipalName,
      to: f.admin.userPrincipalName,
      subject: 'From a daemon',
      text: 'hi',
    });
    expect(info.response).toMatch(/^250 2\.0\.0 OK/);
    tx.close();
    // A Graph app token (no SMTP.SendAsApp) is refused by SMTP.
    const g = await newApp().acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const tx2 = nodemailer.createTransport({
      host: '127.0.0.1',
      port: h.urls.smtp.port,
      secure: false,
      requireTLS: true,
      tls: { ca: h.urls.caPem },
      auth: { type: 'OAuth2', user: f.user.userPrincipalName, accessToken: g?.accessToken as string },
    });
    await expect(tx2.verify()).rejects.toMatchObject({ responseCode: 535 });
    tx2.close();
  });

  it('discovery advertises no device-code endpoint (the flow is not emulated)', async () => {
    const doc = (await (
      await fetch(`${h.urls.authority}/${f.tid}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(doc).not.toHaveProperty('device_authorization_endpoint');
    expect(doc.token_endpoint).toBe(`${h.urls.authority}/${f.tid}/oauth2/v2.0/token`);
  });
});
