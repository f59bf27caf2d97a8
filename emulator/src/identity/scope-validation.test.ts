// Scopes are checked against what the resource publishes before anything is consented: a
// permission Graph or Exchange does not have is AADSTS650053, `/.default` beside explicit
// permissions of the same resource is AADSTS70011. Authorize redirects the error; the token
// endpoint answers JSON 400.
import { ConfidentialClientApplication, type INetworkModule, ServerError } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, control, type Fixture, setupTenant, tokenPost } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { FormBrowser } from './testkit.js';

let h: Harness;
let f: Fixture;

beforeAll(async () => {
  h = await startHarness();
  f = await setupTenant(h, 'Scopes', 'scopes');
});
afterAll(async () => {
  await h?.close();
});

const params = (location: string | undefined) => new URL(location ?? 'http://x/').searchParams;

describe('authorize refuses scopes Entra refuses (redirected error, nothing consented)', () => {
  it('a Graph permission that does not exist → invalid_client AADSTS650053 naming scope and resource', async () => {
    const res = await new FormBrowser(h.urls.authority).get(
      authorizeUrl(h, f, { scope: 'openid offline_access User.Read Mail.Sendd', state: 'x1' }),
    );
    const p = params(res.location);
    expect(res.location?.startsWith(f.redirectUri)).toBe(true);
    expect(p.get('error')).toBe('invalid_client');
    expect(p.get('error_description')).toMatch(
      /^AADSTS650053: The application 'Baitwise Test' asked for scope 'Mail.Sendd' that doesn't exist on the resource '00000003-0000-0000-c000-000000000000'\. Contact the app vendor\.\r\nTrace ID: /,
    );
    expect(p.get('state')).toBe('x1');
    const grants = await control<{ value: unknown[] }>(h, 'GET', `/grants?tenantId=${f.tid}&clientId=${f.clientId}`);
    expect(grants.value).toEqual([]);
  });

  it('an Exchange permission that does not exist names Exchange Online as the resource', async () => {
    const res = await new FormBrowser(h.urls.authority).get(
      authorizeUrl(h, f, { scope: 'openid https://outlook.office.com/SMTP.Sends' }),
    );
    expect(params(res.location).get('error_description')).toMatch(
      /^AADSTS650053: .*'SMTP.Sends' that doesn't exist on the resource '00000002-0000-0ff1-ce00-000000000000'/,
    );
  });

  it('/.default with another permission of the same resource → invalid_scope AADSTS70011', async () => {
    const res = await new FormBrowser(h.urls.authority).get(
      authorizeUrl(h, f, { scope: 'openid https://graph.microsoft.com/.default User.Read' }),
    );
    const p = params(res.location);
    expect(p.get('error')).toBe('invalid_scope');
    expect(p.get('error_description')).toMatch(/^AADSTS70011: /);
  });

  it('admin consent with an unknown permission is refused the same way', async () => {
    const u = new URL(`${h.urls.authority}/${f.tid}/v2.0/adminconsent`);
    u.searchParams.set('client_id', f.clientId);
    u.searchParams.set('redirect_uri', f.redirectUri);
    u.searchParams.set('scope', 'https://graph.microsoft.com/Users.Read.All');
    const res = await new FormBrowser(h.urls.authority).get(u.toString());
    const p = params(res.location);
    expect(p.get('admin_consent')).toBe('True');
    expect(p.get('error_description')).toMatch(/^AADSTS650053: /);
  });

  it('known permissions in any letter case and /.default with OIDC scopes are accepted', async () => {
    for (const scope of ['openid user.read MAIL.SEND', 'openid offline_access https://graph.microsoft.com/.default']) {
      const res = await new FormBrowser(h.urls.authority).get(authorizeUrl(h, f, { scope }));
      expect(res.html).toContain('Sign in');
    }
  });
});

describe('the token endpoint answers JSON 400 for the same scopes', () => {
  async function refreshToken(): Promise<string> {
    const done = await new FormBrowser(h.urls.authority).signIn(authorizeUrl(h, f), {
      username: f.admin.userPrincipalName,
      password: f.admin.password,
      consent: 'accept-org',
    });
    const r = await tokenPost(h, f.tid, {
      grant_type: 'authorization_code',
      client_id: f.clientId,
      client_secret: f.clientSecret,
      code: params(done.location).get('code') as string,
      redirect_uri: f.redirectUri,
    });
    return r.body.refresh_token as string;
  }

  it('refresh with an unknown scope → 400 invalid_client 650053; with /.default + User.Read → 400 70011', async () => {
    const rt = await refreshToken();
    const base = { grant_type: 'refresh_token', client_id: f.clientId, client_secret: f.clientSecret };
    const unknown = await tokenPost(h, f.tid, { ...base, refresh_token: rt, scope: 'User.Reed' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ error: 'invalid_client', error_codes: [650053] });
    const mixed = await tokenPost(h, f.tid, {
      ...base,
      refresh_token: rt,
      scope: 'https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read',
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ error: 'invalid_scope', error_codes: [70011] });
  });

  it('msal-node surfaces 650053 as a ServerError when redeeming a code for an unknown scope', async () => {
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
    const err = await cca
      .acquireTokenByRefreshToken({ refreshToken: await refreshToken(), scopes: ['Group.Reed.All'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ errorCode: 'invalid_client' });
    expect((err as ServerError).errorMessage).toMatch(/Description: AADSTS650053: /);
  });
});
