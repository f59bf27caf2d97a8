// client-request-id becomes Entra's correlation id (token errors, redirected errors, the response
// header), and an authorization code is spent by any redemption attempt, failed ones included.
import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, type INetworkModule, ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, type Fixture, pkce, setupTenant, tokenPost } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { FormBrowser } from './testkit.js';

let h: Harness;
let f: Fixture;

beforeAll(async () => {
  h = await startHarness();
  f = await setupTenant(h, 'Correlation', 'corr');
});
afterAll(async () => {
  await h?.close();
});

const params = (location: string | undefined) => new URL(location ?? 'http://x/').searchParams;

describe('client-request-id', () => {
  it('is the correlation_id of a token error and comes back as a response header', async () => {
    const id = randomUUID();
    const res = await fetch(`${h.urls.authority}/${f.tid}/oauth2/v2.0/token?client-request-id=${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        client_id: f.clientId,
        client_secret: f.clientSecret,
        code: 'garbage',
        redirect_uri: f.redirectUri,
      }),
    });
    expect(res.headers.get('client-request-id')).toBe(id);
    const body = (await res.json()) as { correlation_id: string; error_description: string };
    expect(body.correlation_id).toBe(id);
    expect(body.error_description).toContain(`\r\nCorrelation ID: ${id}\r\n`);
  });

  it('msal-node: the ServerError carries the correlation id the request was sent with', async () => {
    const MS = 'https://login.microsoftonline.com';
    const networkClient: INetworkModule = {
      async sendGetRequestAsync() {
        throw new Error('no GETs expected');
      },
      async sendPostRequestAsync(url, options) {
        const res = await fetch(h.urls.authority + url.slice(MS.length), {
          method: 'POST',
          headers: options?.headers ?? {},
          body: options?.body ?? '',
        });
        // biome-ignore lint/suspicious/noExplicitAny: msal's generic body type
        return { status: res.status, headers: Object.fromEntries(res.headers), body: (await res.json()) as any };
      },
    };
    const cca = new ConfidentialClientApplication({
      auth: { clientId: f.clientId, authority: `${MS}/${f.tid}`, clientSecret: f.clientSecret },
      system: { networkClient },
    });
    const correlationId = randomUUID();
    const err = await cca
      .acquireTokenByCode({ code: 'garbage', scopes: ['User.Read'], redirectUri: f.redirectUri, correlationId })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).correlationId).toBe(correlationId);
    expect((err as ServerError).errorMessage).toContain(`Correlation ID: ${correlationId}`);
  });

  it('is the correlation id of a redirected authorize error', async () => {
    const id = randomUUID();
    const res = await new FormBrowser(h.urls.authority).get(
      authorizeUrl(h, f, { scope: 'openid Not.AScope', 'client-request-id': id }),
    );
    expect(params(res.location).get('error_description')).toContain(`\r\nCorrelation ID: ${id}\r\n`);
  });
});

describe('authorization codes are spent by any redemption attempt', () => {
  it('a redemption failing on the PKCE verifier spends the code: the retry gets 54005', async () => {
    const { verifier, challenge } = pkce();
    const done = await new FormBrowser(h.urls.authority).signIn(
      authorizeUrl(h, f, { code_challenge: challenge, code_challenge_method: 'S256' }),
      { username: f.admin.userPrincipalName, password: f.admin.password, consent: 'accept-org' },
    );
    const code = params(done.location).get('code') as string;
    const redeem = (codeVerifier: string) =>
      tokenPost(h, f.tid, {
        grant_type: 'authorization_code',
        client_id: f.clientId,
        client_secret: f.clientSecret,
        code,
        redirect_uri: f.redirectUri,
        code_verifier: codeVerifier,
      });
    expect((await redeem('wrong-verifier-wrong-verifier-wrong-verifier')).body).toMatchObject({
      error: 'invalid_grant',
      error_codes: [501481],
    });
    const retry = await redeem(verifier);
    expect(retry.status).toBe(400);
    expect(retry.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('a failed client authentication does not touch the code', async () => {
    const done = await new FormBrowser(h.urls.authority).signIn(authorizeUrl(h, f), {
      username: f.admin.userPrincipalName,
      password: f.admin.password,
      consent: 'accept-org',
    });
    const fields = {
      grant_type: 'authorization_code',
      client_id: f.clientId,
      code: params(done.location).get('code') as string,
      redirect_uri: f.redirectUri,
    };
    expect((await tokenPost(h, f.tid, { ...fields, client_secret: 'wrong' })).body).toMatchObject({
      error_codes: [7000215],
    });
    expect((await tokenPost(h, f.tid, { ...fields, client_secret: f.clientSecret })).status).toBe(200);
  });
});
