// The emulator against @azure/msal-node with the real authority and a network client that
// rewrites login.microsoftonline.com to the emulator (MICROSOFT.md §2.1, setup 1).
import {
  ConfidentialClientApplication,
  CryptoProvider,
  type INetworkModule,
  InteractionRequiredAuthError,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { control, type Fixture, setupTenant } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { FormBrowser } from './testkit.js';

let h: Harness;
let f: Fixture;
const SCOPES = ['User.Read', 'User.Read.All', 'GroupMember.Read.All', 'Mail.ReadWrite', 'Mail.Send'];

beforeAll(async () => {
  h = await startHarness();
  f = await setupTenant(h, 'Msal', 'msal');
});
afterAll(async () => {
  await h?.close();
});

const MS = 'https://login.microsoftonline.com';
const toEmulator = (url: string) => (url.startsWith(MS) ? h.urls.authority + url.slice(MS.length) : url);

const networkClient: INetworkModule = {
  async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await fetch(toEmulator(url), { headers: options?.headers ?? {} });
    return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as T };
  },
  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const res = await fetch(toEmulator(url), {
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

async function code(cca: ConfidentialClientApplication, verifierChallenge?: { challenge: string }): Promise<string> {
  const url = await cca.getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: f.redirectUri,
    state: 'msal-state',
    prompt: 'select_account',
    ...(verifierChallenge ? { codeChallenge: verifierChallenge.challenge, codeChallengeMethod: 'S256' } : {}),
  });
  expect(url).toContain('client-request-id=');
  const done = await new FormBrowser(h.urls.authority).signIn(toEmulator(url), {
    username: f.admin.userPrincipalName,
    password: f.admin.password,
    consent: 'accept-org',
  });
  const c = new URL(done.location as string).searchParams.get('code');
  if (!c) throw new Error(`no code: ${done.location ?? done.html?.slice(0, 300)}`);
  return c;
}

describe('msal-node 7 with the real authority and a rewriting network client', () => {
  it('acquireTokenByCode → account from client_info; RT from the cache; acquireTokenByRefreshToken', async () => {
    const cca = newApp();
    const result = await cca.acquireTokenByCode({ code: await code(cca), scopes: SCOPES, redirectUri: f.redirectUri });
    expect(result.account?.homeAccountId).toBe(`${f.admin.id}.${f.tid}`);
    expect(result.tenantId).toBe(f.tid);
    expect(result.scopes).toEqual(expect.arrayContaining(['User.Read.All', 'Mail.Send']));
    const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const rt = Object.values(cache.RefreshToken)[0]?.secret as string;
    expect(rt).toMatch(/^1\.A/);
    const refreshed = await newApp().acquireTokenByRefreshToken({ refreshToken: rt, scopes: SCOPES });
    expect(refreshed?.accessToken).toBeTruthy();
  });

  it('reused code → ServerError 54005', async () => {
    const cca = newApp();
    const c = await code(cca);
    await cca.acquireTokenByCode({ code: c, scopes: SCOPES, redirectUri: f.redirectUri });
    const e = await newApp()
      .acquireTokenByCode({ code: c, scopes: SCOPES, redirectUri: f.redirectUri })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ServerError);
    expect((e as ServerError).errorCode).toBe('invalid_grant');
    expect(String((e as ServerError).errorNo)).toBe('54005');
  });

  it('PKCE with msal: wrong verifier → 501481', async () => {
    const cca = newApp();
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const c = await code(cca, { challenge });
    const e = await cca
      .acquireTokenByCode({ code: c, scopes: SCOPES, redirectUri: f.redirectUri, codeVerifier: `${verifier}x` })
      .catch((x: unknown) => x);
    expect(String((e as ServerError).errorNo)).toBe('501481');
  });

  it('MFA requirement and unknown RT surface as InteractionRequiredAuthError', async () => {
    const cca = newApp();
    await cca.acquireTokenByCode({ code: await code(cca), scopes: SCOPES, redirectUri: f.redirectUri });
    const cache = JSON.parse(cca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const rt = Object.values(cache.RefreshToken)[0]?.secret as string;
    await control(h, 'PUT', `/users/${f.admin.id}/mfa`, { required: true });
    try {
      const e = await newApp()
        .acquireTokenByRefreshToken({ refreshToken: rt, scopes: SCOPES })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(InteractionRequiredAuthError);
      expect(String((e as InteractionRequiredAuthError).errorNo)).toBe('50076');
      expect((e as InteractionRequiredAuthError).subError).toBe('basic_action');
      expect((e as InteractionRequiredAuthError).claims).toContain('access_token');
    } finally {
      await control(h, 'PUT', `/users/${f.admin.id}/mfa`, { required: false });
    }
    const wrong = new ConfidentialClientApplication({
      auth: { clientId: f.clientId, authority: `${MS}/${f.tid}`, clientSecret: 'wrong' },
      system: { networkClient },
    });
    const e2 = await wrong.acquireTokenByRefreshToken({ refreshToken: rt, scopes: SCOPES }).catch((x: unknown) => x);
    expect(String((e2 as ServerError).errorNo)).toBe('7000215');
  });
});
