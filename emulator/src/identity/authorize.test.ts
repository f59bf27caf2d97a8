import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeUrl, control, type Fixture, setupTenant, tokenPost } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';
import { aadstsLine, FormBrowser } from './testkit.js';

let h: Harness;
let f: Fixture;

beforeAll(async () => {
  h = await startHarness();
  f = await setupTenant(h);
});
afterAll(async () => {
  await h?.close();
});

const params = (location: string | undefined) => new URL(location ?? 'http://x/').searchParams;

describe('authorize: fatal errors are HTML pages, never redirects', () => {
  const cases: [string, (u: URL) => void, RegExp][] = [
    [
      'unknown tenant',
      (u) => (u.pathname = u.pathname.replace(f.tid, '11111111-2222-3333-4444-555555555555')),
      /^AADSTS90002:/,
    ],
    ['malformed tenant', (u) => (u.pathname = u.pathname.replace(f.tid, 'not_a_tenant!')), /^AADSTS900023:/],
    [
      'unknown client',
      (u) => u.searchParams.set('client_id', '99999999-2222-3333-4444-555555555555'),
      /^AADSTS700016:/,
    ],
    ['missing redirect', (u) => u.searchParams.delete('redirect_uri'), /^AADSTS500113:/],
    ['prompt=admin_consent', (u) => u.searchParams.set('prompt', 'admin_consent'), /^AADSTS901001:/],
    ['combined prompt', (u) => u.searchParams.set('prompt', 'consent select_account'), /^AADSTS90023:/],
  ];
  for (const [name, mutate, expected] of cases) {
    it(name, async () => {
      const u = new URL(authorizeUrl(h, f));
      mutate(u);
      const res = await fetch(u, { redirect: 'manual' });
      expect(res.headers.get('location')).toBeNull();
      const html = await res.text();
      expect(aadstsLine(html)).toMatch(expected);
      expect(html).toMatch(/Correlation Id: [0-9a-f-]{36}/);
      expect(html).toMatch(/Timestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    });
  }

  it('redirect URI not registered names the URI', async () => {
    const res = await fetch(authorizeUrl(h, f, { redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    const line = aadstsLine(await res.text());
    expect(line).toMatch(/^AADSTS50011:/);
    expect(line).toContain('https://evil.example/cb');
  });

  it('domain tenants work like the GUID', async () => {
    const url = authorizeUrl(h, f).replace(`/${f.tid}/`, `/${f.domain}/`);
    const page = await new FormBrowser(h.urls.authority).get(url);
    expect(page.html).toContain('name="loginfmt"');
  });
});

describe('authorize: sign-in, consent and redirects', () => {
  it('admin signs in, consents for the organization, gets code + state + session_state', async () => {
    const b = new FormBrowser(h.urls.authority);
    const first = await b.get(
      authorizeUrl(h, f, { 'client-request-id': 'x', client_info: '1', 'x-client-SKU': 'msal' }),
    );
    expect(first.html).toContain('Sign in');
    const pw = await b.submit(first, 'username', { loginfmt: f.admin.userPrincipalName });
    expect(pw.html).toContain('Enter password');
    const bad = await b.submit(pw, 'password', { passwd: 'wrong' });
    expect(bad.html).toContain('Your account or password is incorrect');
    const consent = await b.submit(bad, 'password', { passwd: f.admin.password });
    expect(consent.html).toContain('Permissions requested');
    expect(consent.html).toContain('Consent on behalf of your organization');
    expect(consent.html).toContain('Read all users&#39; full profiles');
    const done = await b.submit(consent, 'consent', { decision: 'accept', ConsentForOrganization: 'true' });
    expect(done.status).toBe(302);
    const p = params(done.location);
    expect(done.location?.startsWith(f.redirectUri)).toBe(true);
    expect(p.get('code')).toMatch(/^1\.A/);
    expect(p.get('state')).toBe('st-1');
    expect(p.get('session_state')).toMatch(/^[0-9a-f-]{36}$/);
    const grants = await control<{ value: { userId: string | null }[] }>(h, 'GET', `/grants?tenantId=${f.tid}`);
    expect(grants.value.some((g) => g.userId === null)).toBe(true);

    // SSO: the session cookie lets prompt=none return a code silently
    const silent = await b.get(authorizeUrl(h, f, { prompt: 'none', state: 's2' }));
    expect(params(silent.location).get('code')).toBeTruthy();
    expect(params(silent.location).get('state')).toBe('s2');

    // select_account shows the picker with this account
    const picker = await b.get(authorizeUrl(h, f, { prompt: 'select_account' }));
    expect(picker.html).toContain('Pick an account');
    const picked = await b.submit(picker, 'pick', { account: f.admin.id });
    expect(params(picked.location).get('code')).toBeTruthy();
  });

  it('prompt=none without a session → login_required; without consent → consent_required 65001', async () => {
    const anon = await new FormBrowser(h.urls.authority).get(authorizeUrl(h, f, { prompt: 'none' }));
    expect(params(anon.location).get('error')).toBe('login_required');

    const g = await setupTenant(h, 'PromptNone', 'pn');
    const b = new FormBrowser(h.urls.authority);
    // sign in the regular user with a scope that needs no admin, then ask for more silently
    const ok = await b.signIn(authorizeUrl(h, g, { scope: 'openid User.Read' }), {
      username: g.user.userPrincipalName,
      password: g.user.password,
    });
    expect(params(ok.location).get('code')).toBeTruthy();
    const silent = await b.get(authorizeUrl(h, g, { prompt: 'none', scope: 'openid User.Read Mail.Send' }));
    const p = params(silent.location);
    expect(p.get('error')).toBe('consent_required');
    expect(p.get('error_description')).toMatch(
      /^AADSTS65001: .*\r\nTrace ID: .*\r\nCorrelation ID: .*\r\nTimestamp: /s,
    );
    expect(p.get('error_uri')).toBe('https://login.microsoftonline.com/error?code=65001');
  });

  it('Cancel on the consent page → access_denied 65004', async () => {
    const g = await setupTenant(h, 'Cancel', 'c');
    const b = new FormBrowser(h.urls.authority);
    const done = await b.signIn(authorizeUrl(h, g), {
      username: g.admin.userPrincipalName,
      password: g.admin.password,
      consent: 'cancel',
    });
    const p = params(done.location);
    expect(p.get('error')).toBe('access_denied');
    expect(p.get('error_description')).toMatch(/^AADSTS65004:/);
    expect(p.get('state')).toBe('st-1');
  });

  it('a user of another tenant → access_denied 50020', async () => {
    const other = await setupTenant(h, 'Elsewhere', 'e');
    const b = new FormBrowser(h.urls.authority);
    const first = await b.get(authorizeUrl(h, f));
    const done = await b.submit(first, 'username', { loginfmt: other.user.userPrincipalName });
    expect(params(done.location).get('error')).toBe('access_denied');
    expect(params(done.location).get('error_description')).toMatch(/^AADSTS50020:/);
  });

  it('non-admin + admin-only scope → Need admin approval (90094); return link → access_denied', async () => {
    const g = await setupTenant(h, 'NeedAdmin', 'na');
    const b = new FormBrowser(h.urls.authority);
    const page = await b.signIn(authorizeUrl(h, g), { username: g.user.userPrincipalName, password: g.user.password });
    expect(page.html).toContain('Need admin approval');
    expect(aadstsLine(page.html)).toMatch(/^AADSTS90094:/);
    // "Have an admin account? Sign in with that account" restarts sign-in in the same flow
    const other = await b.submit(page, 'another');
    expect(other.html).toContain('name="loginfmt"');
    const href = /href="([^"]+)" id="returnToApp"/.exec(page.html ?? '')?.[1] ?? '';
    const back = await b.get(href.replace(/&amp;/g, '&'));
    expect(params(back.location).get('error')).toBe('access_denied');
  });

  it('Need admin approval → "Sign in with that account" → admin consents for the org → code', async () => {
    const g = await setupTenant(h, 'AdminTakesOver', 'ato');
    const b = new FormBrowser(h.urls.authority);
    const page = await b.signIn(authorizeUrl(h, g), { username: g.user.userPrincipalName, password: g.user.password });
    const signIn = await b.submit(page, 'another');
    const pw = await b.submit(signIn, 'username', { loginfmt: g.admin.userPrincipalName });
    const consent = await b.submit(pw, 'password', { passwd: g.admin.password });
    const done = await b.submit(consent, 'consent', { decision: 'accept', ConsentForOrganization: 'true' });
    expect(params(done.location).get('code')).toBeTruthy();
    // now the employee gets through without any page
    const employee = await new FormBrowser(h.urls.authority).signIn(authorizeUrl(h, g), {
      username: g.user.userPrincipalName,
      password: g.user.password,
    });
    expect(params(employee.location).get('code')).toBeTruthy();
  });

  it('admin-consent workflow: request approval, reviewer approves, user gets a code', async () => {
    const g = await setupTenant(h, 'Workflow', 'wf');
    await control(h, 'PUT', `/tenants/${g.tid}/admin-consent-workflow`, { enabled: true, reviewerIds: [g.admin.id] });
    const b = new FormBrowser(h.urls.authority);
    const page = await b.signIn(authorizeUrl(h, g), { username: g.user.userPrincipalName, password: g.user.password });
    expect(page.html).toContain('Approval required');
    expect(aadstsLine(page.html)).toMatch(/^AADSTS90095:/);
    const sent = await b.submit(page, 'request-approval', { justification: 'Phishing training' });
    expect(sent.html).toContain('Request sent');
    const list = await control<{ value: { id: string; status: string; justification: string }[] }>(
      h,
      'GET',
      `/consent-requests?tenantId=${g.tid}`,
    );
    expect(list.value).toHaveLength(1);
    expect(list.value[0]?.justification).toBe('Phishing training');
    await control(h, 'POST', `/consent-requests/${list.value[0]?.id}/approve`, { reviewerId: g.admin.id });
    const again = await b.get(authorizeUrl(h, g));
    expect(params(again.location).get('code')).toBeTruthy();
  });

  it('response_mode=form_post renders an auto-submitting form', async () => {
    const b = new FormBrowser(h.urls.authority);
    const page = await b.signIn(authorizeUrl(h, f, { response_mode: 'form_post' }), {
      username: f.admin.userPrincipalName,
      password: f.admin.password,
    });
    expect(page.html).toContain(`action="${f.redirectUri}"`);
    expect(page.html).toMatch(/name="code" value="1\.A/);
    expect(page.html).toContain('document.forms[0].submit()');
  });
});

describe('admin consent endpoint', () => {
  const adminConsentUrl = (g: Fixture, tenant = g.tid) =>
    `${h.urls.authority}/${tenant}/v2.0/adminconsent?${new URLSearchParams({
      client_id: g.clientId,
      scope: 'https://graph.microsoft.com/.default',
      redirect_uri: g.redirectUri,
      state: 'ac',
    })}`;

  it('admin accepts → admin_consent=True&tenant&scope', async () => {
    const g = await setupTenant(h, 'AdminConsent', 'ac');
    const b = new FormBrowser(h.urls.authority);
    const done = await b.signIn(adminConsentUrl(g), {
      username: g.admin.userPrincipalName,
      password: g.admin.password,
    });
    const p = params(done.location);
    expect(p.get('admin_consent')).toBe('True');
    expect(p.get('tenant')).toBe(g.tid);
    expect(p.get('scope')).toContain('https://graph.microsoft.com/User.Read.All');
    expect(p.get('state')).toBe('ac');
  });

  it('cancel → access_denied 65004 with admin_consent=True and no tenant', async () => {
    const g = await setupTenant(h, 'AdminConsentCancel', 'acc');
    const b = new FormBrowser(h.urls.authority);
    const done = await b.signIn(adminConsentUrl(g), {
      username: g.admin.userPrincipalName,
      password: g.admin.password,
      consent: 'cancel',
    });
    const p = params(done.location);
    expect(p.get('admin_consent')).toBe('True');
    expect(p.get('error')).toBe('access_denied');
    expect(p.get('error_description')).toMatch(/^AADSTS65004:/);
    expect(p.has('tenant')).toBe(false);
  });

  it('non-admin → access_denied 90094; /common → invalid_request', async () => {
    const g = await setupTenant(h, 'AdminConsentUser', 'acu');
    const b = new FormBrowser(h.urls.authority);
    const done = await b.signIn(adminConsentUrl(g), { username: g.user.userPrincipalName, password: g.user.password });
    expect(params(done.location).get('error')).toBe('access_denied');
    expect(params(done.location).get('error_description')).toMatch(/^AADSTS90094:/);
    const common = await b.get(adminConsentUrl(g, 'common'));
    expect(params(common.location).get('error')).toBe('invalid_request');
  });
});

describe('token endpoint basics', () => {
  it('garbled code → 9002313; missing secret → 7000218; unknown client → 700016', async () => {
    const r1 = await tokenPost(h, f.tid, {
      grant_type: 'authorization_code',
      code: 'garbage',
      client_id: f.clientId,
      client_secret: f.clientSecret,
      redirect_uri: f.redirectUri,
    });
    expect(r1.status).toBe(400);
    expect(r1.body.error_codes).toEqual([9002313]);
    const r2 = await tokenPost(h, f.tid, { grant_type: 'authorization_code', code: 'x', client_id: f.clientId });
    expect(r2.status).toBe(401);
    expect(r2.body.error_codes).toEqual([7000218]);
    const r3 = await tokenPost(h, f.tid, {
      grant_type: 'authorization_code',
      client_id: crypto.randomUUID(),
      client_secret: 'x',
    });
    expect(r3.body.error).toBe('unauthorized_client');
    expect(r3.body.error_codes).toEqual([700016]);
    const r4 = await tokenPost(h, 'contoso-nope.onmicrosoft.com', { grant_type: 'refresh_token' });
    expect(r4.body.error_codes).toEqual([90002]);
    expect(r4.body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(r4.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('sessions, hints and modes', () => {
  it('prompt=login asks again; login_hint goes straight to the password; logout ends SSO', async () => {
    const g = await setupTenant(h, 'Sessions', 'ss');
    await control(h, 'POST', '/grants', { tenantId: g.tid, clientId: g.clientId, userId: null, scopes: ['User.Read'] });
    const b = new FormBrowser(h.urls.authority);
    const url = (p: Record<string, string>) => authorizeUrl(h, g, { scope: 'openid User.Read', ...p });
    const hinted = await b.get(url({ login_hint: g.user.userPrincipalName }));
    expect(hinted.html).toContain('Enter password');
    const signed = await b.submit(hinted, 'password', { passwd: g.user.password });
    expect(params(signed.location).get('code')).toBeTruthy();
    const again = await b.get(url({ prompt: 'login' }));
    expect(again.html).toContain('name="loginfmt"');
    const sso = await b.get(url({ response_mode: 'fragment' }));
    expect(new URLSearchParams(new URL(sso.location as string).hash.slice(1)).get('code')).toBeTruthy();
    await b.get(`${h.urls.authority}/${g.tid}/oauth2/v2.0/logout`);
    const after = await b.get(url({ prompt: 'none' }));
    expect(params(after.location).get('error')).toBe('login_required');
  });

  it('/common with a single-tenant app → 50194 page', async () => {
    const res = await fetch(authorizeUrl(h, f).replace(`/${f.tid}/`, '/common/'), { redirect: 'manual' });
    expect(aadstsLine(await res.text())).toMatch(/^AADSTS50194:/);
  });

  it('a password reset revokes refresh tokens (50173); a disabled user gets 50057', async () => {
    const g = await setupTenant(h, 'Reset', 'rs');
    await control(h, 'POST', '/grants', { tenantId: g.tid, clientId: g.clientId, userId: null, scopes: ['User.Read'] });
    const b = new FormBrowser(h.urls.authority);
    const done = await b.signIn(authorizeUrl(h, g, { scope: 'openid offline_access User.Read' }), {
      username: g.user.userPrincipalName,
      password: g.user.password,
    });
    const code = params(done.location).get('code') as string;
    const client = { client_id: g.clientId, client_secret: g.clientSecret };
    const t = await tokenPost(h, g.tid, {
      ...client,
      grant_type: 'authorization_code',
      code,
      redirect_uri: g.redirectUri,
    });
    expect(t.status).toBe(200);
    expect(Object.keys(t.body)).toEqual([
      'token_type',
      'scope',
      'expires_in',
      'ext_expires_in',
      'access_token',
      'refresh_token',
      'id_token',
    ]);
    const rt = t.body.refresh_token as string;
    const ok = await tokenPost(h, g.tid, { ...client, grant_type: 'refresh_token', refresh_token: rt });
    await control(h, 'PATCH', `/users/${g.user.id}`, { accountEnabled: false });
    const disabled = await tokenPost(h, g.tid, {
      ...client,
      grant_type: 'refresh_token',
      refresh_token: ok.body.refresh_token as string,
    });
    expect(disabled.body.error_codes).toEqual([50057]);
    await control(h, 'PATCH', `/users/${g.user.id}`, { accountEnabled: true, password: 'New-Password-1!' });
    const revoked = await tokenPost(h, g.tid, { ...client, grant_type: 'refresh_token', refresh_token: rt });
    expect(revoked.body.error).toBe('invalid_grant');
    expect(revoked.body.error_codes).toEqual([50173]);
  });
});
