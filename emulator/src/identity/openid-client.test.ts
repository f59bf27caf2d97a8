// The emulator against openid-client v6, the library Baitwise uses (MICROSOFT.md §2.2/§2.3).
import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_APP_ID, ManualClock, OUTLOOK_RESOURCE } from '../model.js';
import { BAITWISE_SCOPE, control, type Fixture, setupTenant, tokenPost } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { FormBrowser } from './testkit.js';

const clock = new ManualClock();
let h: Harness;
let f: Fixture;
let config: client.Configuration;
const DAY = 24 * 3600;

beforeAll(async () => {
  h = await startHarness(clock);
  f = await setupTenant(h);
  // Baitwise's first step: tenant-wide admin consent, so later sign-ins need no consent page.
  await control(h, 'POST', '/grants', {
    tenantId: f.tid,
    clientId: f.clientId,
    userId: null,
    scopes: [
      'User.Read',
      'User.Read.All',
      'GroupMember.Read.All',
      'Mail.ReadWrite',
      'Mail.Send',
      'https://outlook.office.com/SMTP.Send',
    ],
  });
  config = await client.discovery(new URL(`${h.urls.authority}/${f.tid}/v2.0`), f.clientId, f.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
});
afterEach(() => clock.set(Date.now())); // id_token validation uses the real clock
afterAll(async () => {
  await h?.close();
});

/** Authorize in the emulated browser; returns the callback URL and the PKCE verifier. */
async function authorize(o: { scope?: string; login?: { userPrincipalName: string; password: string } } = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: f.redirectUri,
    scope: o.scope ?? BAITWISE_SCOPE,
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    response_mode: 'query',
    prompt: 'select_account',
  });
  const acct = o.login ?? f.admin;
  const done = await new FormBrowser(h.urls.authority).signIn(url.href, {
    username: acct.userPrincipalName,
    password: acct.password,
  });
  if (!done.location) throw new Error(`no redirect: ${done.html?.slice(0, 500)}`);
  const checks = { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce };
  return { callback: new URL(done.location), verifier, state, nonce, checks };
}

async function expectTokenError(p: Promise<unknown>, status: number, code: number, error?: string) {
  const e = (await p.then(
    () => null,
    (x: unknown) => x,
  )) as client.ResponseBodyError | null;
  expect(e, 'expected a token error').toBeInstanceOf(client.ResponseBodyError);
  expect(e?.status).toBe(status);
  expect((e?.cause as { error_codes?: number[] } | undefined)?.error_codes).toEqual([code]);
  if (error) expect(e?.error).toBe(error);
  return e?.cause as Record<string, unknown>;
}

describe('openid-client v6', () => {
  it('discovery publishes the GUID issuer; a domain still yields the GUID issuer', async () => {
    expect(config.serverMetadata().issuer).toBe(`${h.urls.authority}/${f.tid}/v2.0`);
    const res = await fetch(`${h.urls.authority}/${f.domain}/v2.0/.well-known/openid-configuration`);
    expect(((await res.json()) as { issuer: string }).issuer).toBe(`${h.urls.authority}/${f.tid}/v2.0`);
    const keys = (await (await fetch(`${h.urls.authority}/${f.tid}/discovery/v2.0/keys`)).json()) as {
      keys: { kid: string }[];
    };
    expect(keys.keys[0]?.kid).toBe(h.ctx.signer.jwk.kid);
  });

  it('unknown tenant: discovery fails with 400 invalid_tenant 90002', async () => {
    const res = await fetch(
      `${h.urls.authority}/aaaaaaaa-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.error).toBe('invalid_tenant');
    expect(body.error_codes).toEqual([90002]);
    await expect(
      client.discovery(
        new URL(`${h.urls.authority}/aaaaaaaa-0000-0000-0000-000000000000/v2.0`),
        f.clientId,
        's',
        undefined,
        {
          execute: [client.allowInsecureRequests],
        },
      ),
    ).rejects.toThrow();
  });

  it('code + PKCE → tokens with the documented shape; refresh rotates and keeps the old RT valid', async () => {
    const { callback, verifier, state, nonce } = await authorize();
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toMatch(/^1\.A/);
    expect(tokens.expires_in).toBeGreaterThanOrEqual(3600);
    expect(tokens.expires_in).toBeLessThanOrEqual(5400);
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['User.Read.All', 'Mail.Send', 'openid', 'email']));
    const claims = tokens.claims();
    expect(claims?.tid).toBe(f.tid);
    expect(claims?.oid).toBe(f.admin.id);
    expect(claims?.preferred_username).toBe(f.admin.userPrincipalName);
    expect(claims?.email).toBe(f.admin.userPrincipalName);
    expect(claims?.ver).toBe('2.0');
    const at = decodeJwt(tokens.access_token);
    expect(at.aud).toBe(GRAPH_APP_ID);
    expect(at.iss).toBe(`https://sts.windows.net/${f.tid}/`);
    expect(String(at.scp).split(' ')).toEqual(expect.arrayContaining(['User.Read', 'GroupMember.Read.All']));
    const verified = await h.ctx.signer.verifyAccessToken(tokens.access_token, GRAPH_APP_ID, Date.now());
    expect('claims' in verified).toBe(true);

    const fresh = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(fresh.refresh_token).not.toBe(tokens.refresh_token);
    const again = await client.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(again.access_token).toBeTruthy();

    // the same RT mints an Outlook token for SMTP.Send; mixing resources is refused
    const smtp = await client.refreshTokenGrant(config, fresh.refresh_token as string, {
      scope: 'https://outlook.office.com/SMTP.Send offline_access',
    });
    expect(decodeJwt(smtp.access_token).aud).toBe(OUTLOOK_RESOURCE);
    expect(decodeJwt(smtp.access_token).scp).toBe('SMTP.Send');
    await expectTokenError(
      client.refreshTokenGrant(config, fresh.refresh_token as string, {
        scope: 'https://outlook.office.com/SMTP.Send https://graph.microsoft.com/Mail.Send',
      }),
      400,
      28000,
      'invalid_scope',
    );
  });

  it('reused code → 54005; PKCE mismatch → 501481; redirect mismatch → 50011', async () => {
    const a = await authorize();
    await client.authorizationCodeGrant(config, a.callback, a.checks);
    await expectTokenError(client.authorizationCodeGrant(config, a.callback, a.checks), 400, 54005, 'invalid_grant');
    const b = await authorize();
    await expectTokenError(
      client.authorizationCodeGrant(config, b.callback, { ...b.checks, pkceCodeVerifier: 'x'.repeat(43) }),
      400,
      501481,
    );
    const c = await authorize();
    const r = await tokenPost(h, f.tid, {
      grant_type: 'authorization_code',
      code: c.callback.searchParams.get('code') as string,
      redirect_uri: 'http://127.0.0.1:59999/other',
      code_verifier: c.verifier,
      client_id: f.clientId,
      client_secret: f.clientSecret,
    });
    expect(r.body.error_codes).toEqual([50011]);
  });

  it('code older than 10 minutes → 70008', async () => {
    const a = await authorize();
    clock.advance(11 * 60 * 1000);
    await expectTokenError(client.authorizationCodeGrant(config, a.callback, a.checks), 400, 70008);
  });

  it('wrong secret → 401 7000215; expired secret → 401 7000222; secret ID is not the secret', async () => {
    const wrong = await client.discovery(new URL(`${h.urls.authority}/${f.tid}/v2.0`), f.clientId, 'nope', undefined, {
      execute: [client.allowInsecureRequests],
    });
    const a = await authorize();
    await expectTokenError(client.authorizationCodeGrant(wrong, a.callback, a.checks), 401, 7000215, 'invalid_client');
    const r = await tokenPost(h, f.tid, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: f.clientId,
      client_secret: f.secretKeyId,
    });
    expect(r.body.error_codes).toEqual([7000215]);

    const extra = await control<{ keyId: string; value: string }>(h, 'POST', `/applications/${f.clientId}/secrets`, {
      expiresInSeconds: 60,
    });
    const shortLived = await client.discovery(
      new URL(`${h.urls.authority}/${f.tid}/v2.0`),
      f.clientId,
      extra.value,
      undefined,
      {
        execute: [client.allowInsecureRequests],
      },
    );
    clock.advance(120_000);
    const b = await authorize();
    await expectTokenError(
      client.authorizationCodeGrant(shortLived, b.callback, b.checks),
      401,
      7000222,
      'invalid_client',
    );
  });

  it('client_secret_basic works', async () => {
    const basic = await client.discovery(
      new URL(`${h.urls.authority}/${f.tid}/v2.0`),
      f.clientId,
      f.clientSecret,
      client.ClientSecretBasic(f.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const a = await authorize();
    const t = await client.authorizationCodeGrant(basic, a.callback, a.checks);
    expect(t.access_token).toBeTruthy();
  });

  it('refresh token unused for 90 days → 700082 bad_token', async () => {
    const a = await authorize();
    const t = await client.authorizationCodeGrant(config, a.callback, a.checks);
    clock.advance(91 * DAY * 1000);
    const cause = await expectTokenError(client.refreshTokenGrant(config, t.refresh_token as string), 400, 700082);
    expect(cause.suberror).toBe('bad_token');
  });

  it('consent removed → 65001 consent_required; restored consent works again', async () => {
    const a = await authorize();
    const t = await client.authorizationCodeGrant(config, a.callback, a.checks);
    const grants = await control<{ value: { userId: string | null; scopes: string[] }[] }>(
      h,
      'GET',
      `/grants?tenantId=${f.tid}&clientId=${f.clientId}`,
    );
    await control(h, 'DELETE', `/grants?tenantId=${f.tid}&clientId=${f.clientId}`);
    const cause = await expectTokenError(
      client.refreshTokenGrant(config, t.refresh_token as string),
      400,
      65001,
      'invalid_grant',
    );
    expect(cause.suberror).toBe('consent_required');
    for (const g of grants.value) {
      await control(h, 'POST', '/grants', {
        tenantId: f.tid,
        clientId: f.clientId,
        userId: g.userId,
        scopes: g.scopes,
      });
    }
    expect((await client.refreshTokenGrant(config, t.refresh_token as string)).access_token).toBeTruthy();
  });

  it('MFA required → 50076 basic_action with claims; signing in again with MFA fixes it', async () => {
    const u = await control<{ id: string; userPrincipalName: string; password: string }>(
      h,
      'POST',
      `/tenants/${f.tid}/users`,
      {
        displayName: 'Mfa Person',
      },
    );
    const a = await authorize({ login: u });
    const t = await client.authorizationCodeGrant(config, a.callback, a.checks);
    await control(h, 'PUT', `/users/${u.id}/mfa`, { required: true });
    const cause = await expectTokenError(
      client.refreshTokenGrant(config, t.refresh_token as string),
      400,
      50076,
      'invalid_grant',
    );
    expect(cause.suberror).toBe('basic_action');
    expect(JSON.parse(String(cause.claims))).toHaveProperty('access_token');
    const b = await authorize({ login: u }); // FormBrowser answers the MFA page
    const t2 = await client.authorizationCodeGrant(config, b.callback, b.checks);
    expect((await client.refreshTokenGrant(config, t2.refresh_token as string)).access_token).toBeTruthy();
  });

  it('revoked sessions → 50173; revokeOld policy kills the consumed RT', async () => {
    const a = await authorize();
    const t = await client.authorizationCodeGrant(config, a.callback, a.checks);
    await control(h, 'PUT', '/refresh-tokens/policy', { revokeOld: true });
    const next = await client.refreshTokenGrant(config, t.refresh_token as string);
    await expectTokenError(client.refreshTokenGrant(config, t.refresh_token as string), 400, 50173);
    await control(h, 'PUT', '/refresh-tokens/policy', { revokeOld: false });
    await control(h, 'POST', `/users/${f.admin.id}/revoke-sessions`);
    await expectTokenError(client.refreshTokenGrant(config, next.refresh_token as string), 400, 50173, 'invalid_grant');
  });

  it('forced token errors from the faults knob', async () => {
    const a = await authorize();
    await control(h, 'PUT', '/faults', { forcedTokenErrors: [{ clientId: f.clientId, aadsts: 70008, remaining: 1 }] });
    await expectTokenError(client.authorizationCodeGrant(config, a.callback, a.checks), 400, 70008);
    const ok = await client.authorizationCodeGrant(config, a.callback, a.checks);
    expect(ok.access_token).toBeTruthy();
  });

  it('Cancel on a prompt=consent page reaches openid-client as AuthorizationResponseError', async () => {
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: f.redirectUri,
      scope: BAITWISE_SCOPE,
      state,
      prompt: 'consent',
    });
    const done = await new FormBrowser(h.urls.authority).signIn(url.href, {
      username: f.admin.userPrincipalName,
      password: f.admin.password,
      consent: 'cancel',
    });
    const e = await client
      .authorizationCodeGrant(config, new URL(done.location as string), { expectedState: state })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(client.AuthorizationResponseError);
    expect((e as client.AuthorizationResponseError).error).toBe('access_denied');
    expect((e as client.AuthorizationResponseError).error_description).toMatch(/^AADSTS65004:/);
  });

  it('SPA redirect URIs: server-side redemption → 9002327; SPA refresh tokens die after 24 h (700084)', async () => {
    const spaUri = 'http://127.0.0.1:59999/spa';
    await control(h, 'PATCH', `/applications/${f.clientId}`, {
      redirectUris: [f.redirectUri, { uri: spaUri, type: 'spa' }],
    });
    const run = async () => {
      const b = new FormBrowser(h.urls.authority);
      const url = new URL(`${h.urls.authority}/${f.tid}/oauth2/v2.0/authorize`);
      url.search = new URLSearchParams({
        client_id: f.clientId,
        response_type: 'code',
        redirect_uri: spaUri,
        scope: 'openid offline_access User.Read',
      }).toString();
      const done = await b.signIn(url.href, { username: f.admin.userPrincipalName, password: f.admin.password });
      return new URL(done.location as string).searchParams.get('code') as string;
    };
    const fields = (code: string) => ({
      grant_type: 'authorization_code',
      code,
      redirect_uri: spaUri,
      client_id: f.clientId,
      client_secret: f.clientSecret,
    });
    const server = await tokenPost(h, f.tid, fields(await run()));
    expect(server.body.error_codes).toEqual([9002327]);
    const browser = await tokenPost(h, f.tid, fields(await run()), { origin: 'http://127.0.0.1:59999' });
    expect(browser.status).toBe(200);
    clock.advance(25 * 3600 * 1000);
    const r = await tokenPost(h, f.tid, {
      grant_type: 'refresh_token',
      refresh_token: browser.body.refresh_token as string,
      client_id: f.clientId,
      client_secret: f.clientSecret,
    });
    expect(r.body.error_codes).toEqual([700084]);
  });
});
