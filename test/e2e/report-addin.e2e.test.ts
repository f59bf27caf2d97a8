// The report add-in end to end, in Chromium: the manifests Baitwise generates for a client are
// installed in the emulated Outlook on the web for the client's tenant, a signed-in employee
// opens a message and reports it, and the add-in's own pages (served by Baitwise, Office.js from
// the emulator, MSAL.js's nested app authentication through the emulated bridge) carry the report
// to the real server, which verifies the reporter with Graph, moves the message, forwards it to
// the security mailbox in Defender's format and stores it.
//
// Outlook loads add-ins only over https, and Baitwise refuses to make a manifest for a
// non-https BAITWISE_PUBLIC_URL. So Baitwise is put behind a TLS terminator on loopback (as a
// deployment puts it behind a reverse proxy) with a self-signed certificate that Chromium is told
// to accept by its public key only (--ignore-certificate-errors-spki-list): nothing else about
// certificates is relaxed.
//
// One browser and one Baitwise for all scenarios; the tests run in order (the two variants share
// the add-in id, so installing one replaces the other, as in Microsoft 365). No sleeps: locators
// and polls wait for what the user would see.
import { createHash, X509Certificate } from 'node:crypto';
import { type AddressInfo, connect } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { launchBrowser } from '../helpers/browser.js';
import { type Api, apiSession } from '../helpers/e2e.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SCOPES = ['User.Read', 'Mail.ReadWrite', 'Mail.Send'];

interface EmuUser {
  id: string;
  userPrincipalName: string;
  mail: string | null;
  hasMailbox: boolean;
  userType: string;
  accountEnabled?: boolean;
}
interface EmuMessage {
  id: string;
  subject: string;
  folder: string;
  mime: string;
  internetMessageId: string;
}

let emu: TestEmulator;
let server: TestServer;
let tls: TlsServer;
let publicUrl: string;
let browser: Browser;
let call: Api;
/** the system administrator's session cookie, for requests made outside `call` */
let cookie: string;
let clientId: string;
let azureAppId: string;
let tenant: Awaited<ReturnType<TestEmulator['tenantWithApp']>>;
let users: EmuUser[];
/** the redirect URI Baitwise names for nested app authentication (registered on the client's application) */
let naaRedirectUri: string;
/** how far the emulator's clock — and so its identity platform's tokens — is from the real one */
const identityClock = { skewMs: 0 };
let next = 0;
const reporter = () =>
  users[2 + next++] ??
  (() => {
    throw new Error('out of emulated users');
  })();
const security = () => users[1]!;

/** A TLS terminator on loopback in front of Baitwise's http listener (target port set once it listens). */
async function startTlsFront(): Promise<{ server: TlsServer; url: string; spki: string; target: { port: number } }> {
  const notBeforeDate = new Date(Date.now() - 3600_000);
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(Date.now() + 7 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const target = { port: 0 };
  const front = createTlsServer({ key: pems.private, cert: pems.cert }, (socket) => {
    const upstream = connect(target.port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    const end = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const der = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  return {
    server: front,
    url: `https://127.0.0.1:${(front.address() as AddressInfo).port}`,
    spki: createHash('sha256').update(der).digest('base64'),
    target,
  };
}

beforeAll(async () => {
  emu = await startTestEmulator({ clock: { now: () => Date.now() + identityClock.skewMs } });
  const front = await startTlsFront();
  tls = front.server;
  publicUrl = front.url;
  server = await startTestServer({
    ...emu.env,
    BAITWISE_PUBLIC_URL: publicUrl,
    BAITWISE_OFFICE_JS_URL: `${emu.urls.authority}/_outlook/office.js`,
  });
  front.target.port = Number(new URL(server.url).port);
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${front.spki}`]);

  // The system administrator's API session.
  ({ call, cookie } = await apiSession(server));

  // A client whose Azure application is connected (admin consent for the organisation).
  tenant = await emu.tenantWithApp(`${publicUrl}/api/v1/azure-apps/callback`, { name: 'Northwind', users: 24 });
  clientId = (await call<{ id: string }>('POST', '/clients', { name: 'Northwind Traders' })).id;
  azureAppId = (
    await call<{ id: string }>('POST', `/clients/${clientId}/azure-apps`, {
      name: 'Northwind M365',
      azureClientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      tenant: tenant.tenantId,
    })
  ).id;
  const { url } = await call<{ url: string }>('POST', `/clients/${clientId}/azure-apps/${azureAppId}/authorize`, {
    adminConsent: false,
  });
  const step = await new FormBrowser(emu.urls.authority).signIn(url, {
    username: tenant.admin.userPrincipalName,
    password: tenant.admin.password,
    consent: 'accept-org',
  });
  if (!step.location) throw new Error(`no redirect from the emulator: ${step.html?.slice(0, 500)}`);
  const cb = new URL(step.location);
  await fetch(`${server.url}${cb.pathname}${cb.search}`, { headers: { cookie }, redirect: 'manual' });
  expect((await call<{ status: string }>('GET', `/clients/${clientId}/azure-apps/${azureAppId}`)).status).toBe(
    'connected',
  );

  users = (await emu.control<{ value: EmuUser[] }>('GET', `/tenants/${tenant.tenantId}/users?top=100`)).value.filter(
    (u) =>
      u.hasMailbox &&
      u.accountEnabled !== false &&
      u.userType === 'Member' &&
      u.userPrincipalName !== tenant.admin.userPrincipalName,
  );
  const s = await settings({});
  naaRedirectUri = s.nestedAppAuthRedirectUri;
  // What the client's administrator does with the console's instructions: register the redirect URI
  // nested app authentication needs (the one Baitwise names) as a single-page-application redirect,
  // and grant the add-in's delegated permissions for the organisation.
  await emu.control('PATCH', `/applications/${tenant.clientId}`, {
    redirectUris: [`${publicUrl}/api/v1/azure-apps/callback`, { uri: s.nestedAppAuthRedirectUri, type: 'spa' }],
  });
  await emu.control('POST', '/grants', {
    tenantId: tenant.tenantId,
    clientId: tenant.clientId,
    userId: null,
    scopes: SCOPES,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => (tls ? tls.close(r) : r(undefined)));
  await emu?.close();
});

async function settings(over: Record<string, unknown>) {
  return call<{ addinId: string; nestedAppAuthRedirectUri: string }>('PUT', `/clients/${clientId}/report-addin`, {
    azureAppId,
    reportingOptions: ['Phishing', 'Spam'],
    moveTo: 'deleted_items',
    securityMailbox: security().userPrincipalName,
    ...over,
  });
}

/** Downloads the client's manifest (as the console's button does) and installs it for `tenantId`. */
async function install(variant: 'classic' | 'integrated', tenantId = tenant.tenantId): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/clients/${clientId}/report-addin/manifest?variant=${variant}`, {
    headers: { cookie },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  await emu.control('POST', '/outlook/install', { tenant: tenantId, manifestXml: await res.text() });
}

let seq = 0;
async function deliver(u: EmuUser, subject = `Your mailbox is full ${++seq}`) {
  await emu.control('POST', `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages`, {
    from: { name: 'Mail Admin', address: 'admin@phish.example' },
    subject,
    text: 'Click to keep your messages.',
  });
  return subject;
}

const messages = (u: EmuUser, folder?: string) =>
  emu
    .control<{ value: EmuMessage[] }>(
      'GET',
      `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages${folder ? `?folder=${folder}` : ''}`,
    )
    .then((r) => r.value);
const folderOf = async (u: EmuUser, subject: string) => (await messages(u)).find((m) => m.subject === subject)?.folder;

const rows = () =>
  server.database.handle.db.selectFrom('reported_messages').selectAll().where('client_id', '=', clientId).execute();

/** A page signed in to the emulated Outlook as `u`, with the message open; CSP reports and page errors collected. */
async function openMessage(u: EmuUser, subject: string) {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to|Mixed Content/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  const { url } = await emu.control<{ url: string }>('POST', '/outlook/sign-in', {
    userPrincipalName: u.userPrincipalName,
  });
  await page.goto(url);
  await page.getByTestId('message').filter({ hasText: subject }).click();
  await expect.poll(() => page.getByTestId('item-subject').textContent()).toBe(subject);
  return { page, problems };
}

async function finish(page: Page, problems: string[], name: string, scenario: () => Promise<void>) {
  try {
    await scenario();
    expect(problems).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: `test-results/report-addin-e2e-${name}.png`, fullPage: true }).catch(() => {});
    throw new Error(`${(error as Error).message}\nbrowser: ${problems.join(' | ')}`, { cause: error });
  } finally {
    await page.close();
  }
}

/** Reports through the integrated button (pre-processing dialog: tick `option`); the time from Baitwise's answer to the feedback. */
async function reportIntegrated(page: Page, option: number | null) {
  await page.getByTestId('report-button').click();
  await page.getByTestId('preprocessing-dialog').waitFor();
  if (option !== null) await page.getByTestId(`report-option-${option}`).check();
  // The add-in's frame is gone once it completes, so the answer is read as it arrives.
  const answered = page
    .waitForResponse((r) => r.url().startsWith(`${publicUrl}/api/v1/report-addin/reports`))
    .then(async (r) => {
      const at = Date.now();
      return { at, status: r.status(), body: (await r.json().catch(() => null)) as Record<string, unknown> | null };
    });
  await page.getByTestId('report-submit').click();
  const { at, status, body } = await answered;
  const title = page.getByTestId('postprocessing-title');
  await title.waitFor({ timeout: 15_000 });
  return {
    status,
    answer: body,
    feedbackMs: Date.now() - at,
    title: await title.textContent(),
    description: await page.getByTestId('postprocessing-description').textContent(),
  };
}

async function expectForward(subject: string, prefix: string, u: EmuUser) {
  await expect
    .poll(async () => (await messages(security(), 'inbox')).map((m) => m.subject))
    .toContain(`${prefix}${subject}`);
  const fwd = (await messages(security(), 'inbox')).find((m) => m.subject === `${prefix}${subject}`)!;
  const parsed = await simpleParser(Buffer.from(fwd.mime, 'utf8'));
  expect(parsed.from?.value[0]?.address?.toLowerCase()).toBe((u.mail ?? u.userPrincipalName).toLowerCase());
  const original = (await messages(u)).find((m) => m.subject === subject)!;
  const eml = parsed.attachments.find((a) => a.filename === 'reported-message.eml');
  expect(eml?.contentType).toBe('message/rfc822');
  expect(eml?.content.equals(Buffer.from(original.mime, 'utf8'))).toBe(true);
}

describe('the report add-in in the emulated Outlook on the web', () => {
  it('classic manifest: the Report button reports a message, verified; it is moved, forwarded and stored', async () => {
    await install('classic');
    const u = reporter();
    const subject = await deliver(u);
    const { page, problems } = await openMessage(u, subject);
    await finish(page, problems, 'classic', async () => {
      await page
        .getByTestId('addin-button')
        .filter({ hasText: /^Report/ })
        .first()
        .click();
      await expect
        .poll(() => page.getByTestId('notification').textContent(), { timeout: 15_000 })
        .toBe('Thank you for reporting this message. Your security team will look at it.');
      expect(await folderOf(u, subject)).toBe('deleteditems');
      await expectForward(subject, '3|', u);
      const row = (await rows()).find((r) => r.subject === subject);
      expect(row).toMatchObject({
        reporter_address: (u.mail ?? u.userPrincipalName).toLowerCase(),
        reporter_object_id: u.id,
        verified: 1,
        counted: 1,
        source: 'graph',
        moved_to: 'deleteditems',
        forward_status: 'sent',
      });
      // The feedback pane's own Report button, on another message.
      const second = await deliver(u);
      await page.reload();
      await page.getByTestId('message').filter({ hasText: second }).click();
      await expect.poll(() => page.getByTestId('item-subject').textContent()).toBe(second);
      await page.getByTestId('addin-button').filter({ hasText: 'Report status' }).click();
      const pane = page.frameLocator('[data-testid="taskpane-frame"]');
      // The pane opens on the answer to the Report button's report (kept in the add-in's roaming
      // settings: the frame's own storage is cross-site to Outlook and blocked).
      await expect
        .poll(() => pane.getByRole('status').textContent(), { timeout: 15_000 })
        .toBe(
          `Thank youThank you for reporting this message. Your security team will look at it.Your last report: “${subject}”`,
        );
      await pane.getByRole('button', { name: 'Report this message' }).click();
      await expect
        .poll(() => pane.getByRole('status').textContent(), { timeout: 15_000 })
        .toBe('Thank youThank you for reporting this message. Your security team will look at it.');
      expect(await folderOf(u, second)).toBe('deleteditems');
      expect((await rows()).find((r) => r.subject === second)).toMatchObject({ verified: 1, moved_to: 'deleteditems' });
    });
  }, 60_000);

  it('integrated manifest: Outlook’s own Report button, the reason ticked, verified; moved, forwarded as spam, stored', async () => {
    await install('integrated');
    const u = reporter();
    const subject = await deliver(u);
    const { page, problems } = await openMessage(u, subject);
    await finish(page, problems, 'integrated', async () => {
      const r = await reportIntegrated(page, 1); // "Spam"
      expect(r.status).toBe(200);
      expect(r.title).toBe('Thank you');
      expect(r.description).toBe('Thank you for reporting this message. Your security team will look at it.');
      expect(r.feedbackMs).toBeLessThan(2000);
      expect(await folderOf(u, subject)).toBe('deleteditems');
      await expectForward(subject, '1|', u);
      const row = (await rows()).find((x) => x.subject === subject);
      expect(row).toMatchObject({
        reporter_object_id: u.id,
        verified: 1,
        source: 'graph',
        reporting_option: 'Spam',
        moved_to: 'deleteditems',
        forward_status: 'sent',
      });
      await page.getByTestId('postprocessing-ok').click();
      await expect.poll(() => page.getByTestId('message').filter({ hasText: subject }).count()).toBe(0);
      // Reported again from Deleted Items (a new REST id after the move): the same report, no second forward.
      await page.getByTestId('folder-deleteditems').click();
      await page.getByTestId('message').filter({ hasText: subject }).click();
      await expect.poll(() => page.getByTestId('item-subject').textContent()).toBe(subject);
      const again = await reportIntegrated(page, 1);
      expect(again.title).toBe('Thank you');
      expect((await rows()).filter((x) => x.subject === subject)).toHaveLength(1);
      expect((await messages(security(), 'inbox')).filter((m) => m.subject === `1|${subject}`)).toHaveLength(1);
    });
  }, 60_000);

  it('a Baitwise training message reported is recognised (“well spotted” within 2 s of the answer) and credited', async () => {
    const u = reporter();
    const profile = await call<{ id: string }>('POST', `/clients/${clientId}/sending-profiles`, {
      name: 'Graph',
      kind: 'graph',
      azureAppId,
      limits: { perMinute: 600, perDay: 100_000, concurrency: 1 },
    });
    const subject = 'Complete your security training';
    const [outboxId] = await server.database.handle.db.transaction().execute((trx) =>
      server.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId: profile.id,
        purpose: 'training',
        content: {
          subject,
          html: '<p>Start <a href="https://learn.example/t?t={{ message.token }}">here</a></p>',
          text: null,
        },
        messages: [
          { to: { address: u.mail ?? u.userPrincipalName }, ref: { type: 'training_assignment', id: 'assignment-1' } },
        ],
      }),
    );
    await new ProfileDispatch(server.app.services.mail.dispatch, clientId, profile.id).run(AbortSignal.timeout(20_000));
    expect(await folderOf(u, subject)).toBe('inbox');
    const { page, problems } = await openMessage(u, subject);
    await finish(page, problems, 'recognised', async () => {
      const r = await reportIntegrated(page, 0);
      expect(r.title).toBe('Well spotted!');
      expect(r.description).toContain('This was a test from your security team — well spotted.');
      expect(r.feedbackMs).toBeLessThan(2000);
      const row = (await rows()).find((x) => x.subject === subject);
      expect(row).toMatchObject({
        verified: 1,
        outbox_message_id: outboxId,
        outbox_purpose: 'training',
        outbox_ref_type: 'training_assignment',
        outbox_ref_id: 'assignment-1',
      });
    });
  }, 60_000);

  it('without nested app authentication the report is stored unverified and counts per the client’s policy', async () => {
    await emu.control('PUT', '/outlook/settings', { nestedAppAuth: false });
    try {
      for (const countUnverified of [false, true]) {
        await settings({ countUnverified });
        const u = reporter();
        const subject = await deliver(u);
        const { page, problems } = await openMessage(u, subject);
        await finish(page, problems, `unverified-${countUnverified}`, async () => {
          const r = await reportIntegrated(page, null);
          expect(r.title).toBe('Thank you');
          // Baitwise had no token to move it with: Outlook moved it, as the answer told the add-in.
          expect(await folderOf(u, subject)).toBe('deleteditems');
          const row = (await rows()).find((x) => x.subject === subject);
          expect(row).toMatchObject({
            reporter_address: (u.mail ?? u.userPrincipalName).toLowerCase(),
            verified: 0,
            counted: countUnverified ? 1 : 0,
            source: 'addin',
            forward_status: 'none', // no token to send with
          });
        });
      }
    } finally {
      await emu.control('PUT', '/outlook/settings', { nestedAppAuth: true });
      await settings({});
    }
  }, 90_000);

  it('a reporter of another organisation is refused, told so, and nothing is stored or moved', async () => {
    // Someone in another tenant installs this client's manifest; the application is multi-tenant
    // and consented there, so nested app authentication gives them a token — of the wrong tenant.
    const other = await emu.tenantWithApp(`${publicUrl}/elsewhere`, { name: 'Elsewhere', users: 3 });
    await emu.control('PATCH', `/applications/${tenant.clientId}`, { multiTenant: true });
    await emu.control('POST', '/grants', {
      tenantId: other.tenantId,
      clientId: tenant.clientId,
      userId: null,
      scopes: SCOPES,
    });
    await install('integrated', other.tenantId);
    const stranger = (await emu.control<{ value: EmuUser[] }>('GET', `/tenants/${other.tenantId}/users`)).value.find(
      (x) => x.hasMailbox && x.accountEnabled !== false && x.userPrincipalName !== other.admin.userPrincipalName,
    )!;
    const subject = await deliver(stranger);
    const before = (await rows()).length;
    const { page, problems } = await openMessage(stranger, subject);
    await finish(page, problems, 'other-tenant', async () => {
      const r = await reportIntegrated(page, 0);
      expect(r.status).toBe(401);
      expect(r.title).toBe('Not reported');
      expect(r.description).toBe("The reporter's token is from another Microsoft 365 organisation than this add-in's.");
      expect(await folderOf(stranger, subject)).toBe('inbox');
      expect((await rows()).length).toBe(before);
    });
  }, 60_000);

  /** Reports with the integrated button and expects a refusal shown in the dialog, nothing stored or moved; the report calls made. */
  async function expectRefused(page: Page, u: EmuUser, subject: string, description: string) {
    const before = (await rows()).length;
    const posts: string[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url() === `${publicUrl}/api/v1/report-addin/reports`) posts.push(req.url());
    });
    const r = await reportIntegrated(page, 0);
    expect(r.status).toBe(401);
    expect(r.title).toBe('Not reported');
    expect(r.description).toBe(description);
    expect(await folderOf(u, subject)).toBe('inbox');
    expect((await rows()).length).toBe(before);
    return posts.length;
  }

  it('a token issued to another application than the client’s is refused, told so, nothing stored or moved', async () => {
    // The add-in's configuration names another Azure application of the same organisation — one
    // set up for nested app authentication and consented, so Microsoft issues a real token for it
    // (a stale or tampered configuration). Baitwise accepts only the client's application.
    await install('integrated');
    const other = await emu.control<{ clientId: string }>('POST', '/applications', {
      tenantId: tenant.tenantId,
      displayName: 'Another add-in',
      redirectUris: [{ uri: naaRedirectUri, type: 'spa' }],
      requiredScopes: SCOPES,
    });
    await emu.control('POST', '/grants', {
      tenantId: tenant.tenantId,
      clientId: other.clientId,
      userId: null,
      scopes: SCOPES,
    });
    const u = reporter();
    const subject = await deliver(u);
    const { page, problems } = await openMessage(u, subject);
    await page.route(`${publicUrl}/api/v1/report-addin/addins/*`, async (route) => {
      // Baitwise's own answer (read past the TLS front), with another application's id in it.
      const res = await fetch(`${server.url}${new URL(route.request().url()).pathname}`);
      await route.fulfill({
        status: res.status,
        json: { ...((await res.json()) as object), azureClientId: other.clientId },
      });
    });
    await finish(page, problems, 'other-application', async () => {
      await expectRefused(
        page,
        u,
        subject,
        "The reporter's token was issued to another application than the Azure application this add-in uses.",
      );
    });
  }, 60_000);

  it('an expired token is refused after one fresh try, told so, nothing stored or moved', async () => {
    // Nested app authentication hands the add-in a token that expired an hour ago — what reaches
    // Baitwise when a token outlives its hour (a stale cache, a device clock that is off): the
    // emulator's identity platform runs two hours behind for this report. The add-in asks for a
    // fresh token once (forceRefresh) and sends again; that one is expired too, so it is refused.
    await install('integrated');
    const u = reporter();
    const subject = await deliver(u);
    const { page, problems } = await openMessage(u, subject);
    identityClock.skewMs = -2 * 3600_000;
    try {
      await finish(page, problems, 'expired', async () => {
        const posts = await expectRefused(page, u, subject, "The reporter's token has expired: sign in again.");
        expect(posts).toBe(2);
      });
    } finally {
      identityClock.skewMs = 0;
    }
  }, 60_000);

  it('when Baitwise cannot be reached the reporter is told in a sentence and the message stays', async () => {
    const u = reporter();
    const subject = await deliver(u);
    const { page, problems } = await openMessage(u, subject);
    await page.route(`${publicUrl}/api/v1/report-addin/reports`, (route) => route.abort('connectionrefused'));
    await finish(page, problems, 'unreachable', async () => {
      await page.getByTestId('report-button').click();
      await page.getByTestId('report-submit').click();
      const title = page.getByTestId('postprocessing-title');
      await expect.poll(() => title.textContent(), { timeout: 15_000 }).toBe('Not reported');
      expect(await page.getByTestId('postprocessing-description').textContent()).toBe(
        'The report could not be sent: Baitwise could not be reached. Try again in a moment.',
      );
      expect(await folderOf(u, subject)).toBe('inbox');
      expect((await rows()).find((r) => r.subject === subject)).toBeUndefined();
    });
  }, 60_000);
});
