// Settings → Sending profiles in a real browser against the real server: an SMTP relay profile
// sends to a real SMTP server (test/helpers/smtp-sink.ts, STARTTLS with AUTH), and Office 365
// and Graph profiles send through the Microsoft 365 emulator (its Exchange SMTP with XOAUTH2,
// and Graph sendMail), which delivers into the recipient's mailbox. Each test send's result is
// read off the page, and what arrived is checked at the receiving end.
//
// Synchronisation relies on locators, which wait for the element; no sleeps.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { apiSession, choose, e2eSuite, openFromNav, signIn, withPage } from '../helpers/e2e.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const RELAY = { user: 'relay-user', pass: 'relay-password-123' };
const relayLogin = { username: RELAY.user, password: RELAY.pass };

const e2e = e2eSuite({ emulator: true });
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink(RELAY);
});

afterAll(async () => {
  await sink?.close();
});

/**
 * A client with a Connected Azure application (SMTP sending enabled), connected the way an
 * administrator does it: register, Authorize, sign in at "Microsoft" as the tenant's admin and
 * consent for the organisation, and let the redirect land on Baitwise's callback.
 */
async function clientWithConnectedApp(name: string) {
  const { call, cookie } = await apiSession(e2e.server);
  const tenant = await e2e.emu.tenantWithApp(`${e2e.server.url}/api/v1/azure-apps/callback`, { name, users: 3 });
  const clientId = (await call<{ id: string }>('POST', '/clients', { name })).id;
  const app = await call<{ id: string }>('POST', `/clients/${clientId}/azure-apps`, {
    name: `${name} M365`,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
    smtpSending: true,
  });
  const { url } = await call<{ url: string }>('POST', `/clients/${clientId}/azure-apps/${app.id}/authorize`, {
    adminConsent: false,
  });
  const step = await new FormBrowser(e2e.emu.urls.authority).signIn(url, {
    username: tenant.admin.userPrincipalName,
    password: tenant.admin.password,
    consent: 'accept-org',
  });
  if (!step.location) throw new Error(`no redirect from the emulator: ${step.html?.slice(0, 500)}`);
  await fetch(step.location, { headers: { cookie }, redirect: 'manual' });
  const connected = await call<{ status: string }>('GET', `/clients/${clientId}/azure-apps/${app.id}`);
  expect(connected.status).toBe('connected');
  // A second application without SMTP sending, which Office 365 profiles cannot use.
  await call('POST', `/clients/${clientId}/azure-apps`, {
    name: `${name} directory only`,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
  });
  return { clientId, tenant, appName: `${name} M365` };
}

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `sending-profiles-e2e-${name}`, scenario, {
    viewport: { width: 1440, height: 900 },
    timeout: 15_000,
  });

/** Signs in and opens Settings → Sending profiles from the navigation, for `client`. */
async function openSendingProfiles(page: Page, client: string): Promise<void> {
  await page.goto(e2e.server.url);
  await signIn(page, e2e.server.admin);
  await choose(page, 'Active client', client);
  // The picker's choice is in the address before moving on, so the links carry it.
  await page.waitForURL((url) => url.searchParams.has('client'));
  await openFromNav(page, 'Settings', 'Sending profiles', 'Sending profiles');
}

async function sendTest(page: Page, to: string): Promise<Locator> {
  const card = page.getByRole('region', { name: 'Test send' });
  await card.getByRole('textbox', { name: 'Send a test message to' }).fill(to);
  await card.getByRole('button', { name: 'Send test' }).click();
  // The previous result is hidden while this one is sent; callers wait for the new one.
  return card;
}

/** What a campaign does: enqueue inside its own transaction. */
function enqueue(clientId: string, profileId: string, to: string[]): Promise<string[]> {
  return e2e.server.database.handle.db.transaction().execute((trx) =>
    e2e.server.app.services.mail.outbox.enqueue(trx, {
      clientId,
      profileId,
      purpose: 'training.invitation',
      content: { subject: 'Your training', html: '<p>Start here</p>', text: null },
      messages: to.map((address) => ({ to: { address } })),
    }),
  );
}

/** The web server runs no worker: the test works the profile's queue itself, with the page open. */
const work = (clientId: string, profileId: string) =>
  new ProfileDispatch(e2e.server.app.services.mail.dispatch, clientId, profileId).run(AbortSignal.timeout(20_000));

const mailbox = (upn: string) =>
  e2e.emu.control<{ value: { subject: string; from?: { emailAddress: { address: string } } }[] }>(
    'GET',
    `/mailboxes/${upn}/messages?folder=inbox`,
  );

describe('Sending profiles page', () => {
  it('creates an SMTP relay profile, sends a test through the relay, and shows a wrong password’s reply', async () => {
    const { call } = await apiSession(e2e.server);
    await call('POST', '/clients', { name: 'Acme Relay' });
    await inPage('smtp', async (page) => {
      await openSendingProfiles(page, 'Acme Relay');
      await page.getByText('This client has no sending profile yet.').waitFor();
      await page.getByRole('button', { name: 'Add profile' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add sending profile' });
      expect(await dialog.getByRole('radio', { name: 'SMTP relay' }).isChecked()).toBe(true);
      // What the client's administrator must set up is beside the form.
      await dialog.getByText('Advanced delivery', { exact: false }).first().waitFor();
      await dialog.getByRole('textbox', { name: 'Profile name' }).fill('Simulation relay');
      await dialog.getByRole('textbox', { name: 'Host' }).fill(sink.host);
      await choose(dialog, 'Security', 'STARTTLS');
      await dialog.getByRole('textbox', { name: 'Port' }).fill(String(sink.port));
      await dialog.getByRole('checkbox', { name: 'Verify the server’s certificate' }).uncheck();
      await dialog.getByRole('textbox', { name: 'Username' }).fill(RELAY.user);
      await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill(RELAY.pass);
      await dialog.getByRole('textbox', { name: 'From address' }).fill('it-support@training.example');
      await dialog.getByRole('textbox', { name: 'From name' }).fill('IT Support');
      // A header the message sets itself: the server's refusal lands beside that header's name.
      await dialog.getByRole('button', { name: 'Add header' }).click();
      await dialog.getByRole('textbox', { name: 'Header 1 name' }).fill('Subject');
      await dialog.getByRole('textbox', { name: 'Header 1 value' }).fill('x');
      await dialog.getByRole('button', { name: 'Add profile' }).click();
      const headerName = dialog.getByRole('textbox', { name: 'Header 1 name' });
      await expect.poll(() => headerName.getAttribute('aria-invalid')).toBe('true');
      await dialog.getByText('Subject is set by the message itself and cannot be replaced.').waitFor();
      await headerName.fill('X-Training-Run');
      await dialog.getByRole('textbox', { name: 'Header 1 value' }).fill('spring');
      await page.screenshot({ path: 'test-results/sending-profiles-form-smtp.png' });
      await dialog.getByRole('button', { name: 'Add profile' }).click();

      // The new profile's page.
      await page.getByRole('heading', { name: 'Simulation relay', level: 1 }).waitFor();
      const settings = page.getByRole('region', { name: 'Settings' });
      await settings.getByText(`${sink.host}:${sink.port}`).waitFor();
      await settings.getByText('STARTTLS, certificate not verified').waitFor();
      await page.getByRole('region', { name: 'Outbox' }).getByText('Nothing waiting').waitFor();

      const card = await sendTest(page, 'someone@client.example');
      const ok = card.getByRole('status').filter({ hasText: 'Test message sent' });
      await ok.getByText('Sent from it-support@training.example to someone@client.example', { exact: false }).waitFor();
      const received = sink.received.filter((m) => m.envelope.to.includes('someone@client.example'));
      expect(received).toHaveLength(1);
      expect(received[0]?.authenticatedAs).toBe(RELAY.user);
      expect(received[0]?.secure).toBe(true);
      expect(received[0]?.parsed.headers.get('x-training-run')).toBe('spring');
      await page.screenshot({ path: 'test-results/sending-profiles-smtp-detail.png', fullPage: true });

      // A wrong password: the failure with the relay's own reply.
      await page.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Simulation relay' });
      await edit.getByText('Leave empty to keep the stored password').waitFor();
      await edit.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-password');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'hidden' });
      const failed = (await sendTest(page, 'someone@client.example')).getByRole('alert');
      await failed.getByText('535 5.7.8 Authentication credentials invalid', { exact: false }).waitFor();
      await failed.getByText('smtp.535.5.7.8').waitFor();
      expect(sink.received.filter((m) => m.envelope.to.includes('someone@client.example'))).toHaveLength(1);
      await page.screenshot({ path: 'test-results/sending-profiles-smtp-failure.png', fullPage: true });

      // The list shows the profile with its sender, pace and status.
      await page.getByRole('link', { name: 'All sending profiles' }).click();
      const row = page.getByRole('table', { name: 'Sending profiles' }).getByRole('row').filter({
        hasText: 'Simulation relay',
      });
      await row.getByText('it-support@training.example').waitFor();
      await row.getByText('SMTP relay').waitFor();
      await row.getByText('60/min').waitFor();
      await row.getByText('Active').waitFor();
      await page.screenshot({ path: 'test-results/sending-profiles-list.png', fullPage: true });
    });
  }, 90_000);

  it('sends a test from the client’s mailbox with Office 365 (XOAUTH2) and Graph, and explains SMTP AUTH turned off', async () => {
    const { clientId, tenant, appName } = await clientWithConnectedApp('Contoso');
    const recipient = tenant.user.userPrincipalName;
    await inPage('microsoft', async (page) => {
      await openSendingProfiles(page, 'Contoso');

      // Office 365: only applications with SMTP sending enabled, with Microsoft's limits shown.
      await page.getByRole('button', { name: 'Add profile' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add sending profile' });
      await dialog.getByRole('radio', { name: 'Office 365 (OAuth2)' }).check();
      await dialog.getByText('Only applications with SMTP sending enabled can be used', { exact: false }).waitFor();
      await dialog.getByText('Set-CASMailbox', { exact: false }).first().waitFor();
      expect(await dialog.getByRole('textbox', { name: 'Messages per minute' }).getAttribute('placeholder')).toBe('30');
      await dialog.getByRole('textbox', { name: 'Profile name' }).fill('Contoso mailbox (SMTP)');
      await dialog.getByRole('combobox', { name: 'Azure application' }).click();
      const notForSmtp = page.getByRole('option', { name: 'Contoso directory only (SMTP sending not enabled)' });
      expect(await notForSmtp.getAttribute('aria-disabled')).toBe('true');
      await page.getByRole('option', { name: new RegExp(`^${appName}`) }).click();
      await page.screenshot({ path: 'test-results/sending-profiles-form-office365.png' });
      await dialog.getByRole('button', { name: 'Add profile' }).click();
      await page.getByRole('heading', { name: 'Contoso mailbox (SMTP)', level: 1 }).waitFor();

      const before = (await mailbox(recipient)).value.length;
      let card = await sendTest(page, recipient);
      await card
        .getByRole('status')
        .getByText(`Sent from ${tenant.admin.userPrincipalName} to ${recipient}`, { exact: false })
        .waitFor();
      await expect.poll(async () => (await mailbox(recipient)).value.length).toBe(before + 1);

      // SMTP AUTH turned off for the tenant: Exchange refuses, and the page says what to do.
      await e2e.emu.control('PUT', `/tenants/${tenant.tenantId}/smtp-auth`, { enabled: false });
      card = await sendTest(page, recipient);
      const failure = card.getByRole('alert');
      await failure.getByText('SMTP AUTH is turned off for this tenant or mailbox').waitFor();
      await failure.getByText('535 5.7.139', { exact: false }).first().waitFor();
      await failure.getByText('-SmtpClientAuthenticationDisabled $false', { exact: false }).waitFor();

      // Queued mail meets the same refusal: the profile pauses with the reason, and once the
      // administrator has turned SMTP AUTH on, Resume lets the queue go.
      const profileId = new URL(page.url()).pathname.split('/').pop() ?? '';
      const queued = await enqueue(clientId, profileId, [recipient]);
      await page.reload(); // the operator looks at the profile once the campaign has started
      await page.getByRole('region', { name: 'Outbox' }).getByText('Queued').locator('..').getByText('1').waitFor();
      await work(clientId, profileId);
      const paused = page.getByRole('region', { name: 'Outbox' }).getByRole('status');
      await paused.getByText('Sending is paused').waitFor();
      await paused.getByText('SMTP AUTH is turned off for this tenant or mailbox').waitFor();
      // The header's badge follows too (the outbox is polled while it works).
      await page.getByRole('main').getByText('Paused', { exact: true }).waitFor();
      await page.screenshot({ path: 'test-results/sending-profiles-office365-smtp-auth-off.png', fullPage: true });
      await e2e.emu.control('PUT', `/tenants/${tenant.tenantId}/smtp-auth`, { enabled: true });
      await paused.getByRole('button', { name: 'Resume' }).click();
      await paused.waitFor({ state: 'detached' });
      await page.getByRole('main').getByText('Active', { exact: true }).waitFor();
      await work(clientId, profileId);
      await expect.poll(async () => (await mailbox(recipient)).value.length).toBe(before + 2);
      expect(queued).toHaveLength(1);

      // Graph: the same application, through sendMail.
      await page.getByRole('link', { name: 'All sending profiles' }).click();
      await page.getByRole('button', { name: 'Add profile' }).click();
      await dialog.getByRole('radio', { name: 'Microsoft Graph' }).check();
      await dialog.getByRole('textbox', { name: 'Profile name' }).fill('Contoso mailbox (Graph)');
      await choose(dialog, 'Azure application', new RegExp(`^${appName}`));
      await dialog.getByRole('button', { name: 'Add profile' }).click();
      await page.getByRole('heading', { name: 'Contoso mailbox (Graph)', level: 1 }).waitFor();
      const beforeGraph = (await mailbox(recipient)).value.length;
      card = await sendTest(page, recipient);
      await card
        .getByRole('status')
        .getByText(`Sent from ${tenant.admin.userPrincipalName} to ${recipient}`, { exact: false })
        .waitFor();
      await expect.poll(async () => (await mailbox(recipient)).value.length).toBe(beforeGraph + 1);
      const latest = (await mailbox(recipient)).value.filter((m) => m.subject === 'Baitwise test message');
      expect(latest.length).toBeGreaterThanOrEqual(2);
      await page
        .getByRole('region', { name: 'What the client’s administrator sets up' })
        .getByText('No Defender Advanced delivery entry is needed', { exact: false })
        .waitFor();
      await page.screenshot({ path: 'test-results/sending-profiles-graph-detail.png', fullPage: true });

      // The list: both mailboxes, each with its kind and Microsoft's pace.
      await page.getByRole('link', { name: 'All sending profiles' }).click();
      const rows = page.getByRole('table', { name: 'Sending profiles' }).getByRole('row');
      const graphRow = rows.filter({ hasText: 'Contoso mailbox (Graph)' });
      await graphRow.getByText('Microsoft Graph').waitFor();
      await graphRow.getByText(`${tenant.admin.userPrincipalName} (the authorized account)`).waitFor();
      await graphRow.getByText('30/min').waitFor();
      await rows.filter({ hasText: 'Contoso mailbox (SMTP)' }).getByText('Office 365 (OAuth2)').waitFor();
      await page.screenshot({ path: 'test-results/sending-profiles-list-microsoft.png', fullPage: true });
    });
  }, 90_000);

  it('shows failed messages with the relay’s reply as the queue is worked, and retries one', async () => {
    const { call } = await apiSession(e2e.server);
    const client = await call<{ id: string }>('POST', '/clients', { name: 'Globex' });
    const profile = await call<{ id: string }>('POST', `/clients/${client.id}/sending-profiles`, {
      name: 'Globex relay',
      kind: 'smtp',
      fromAddress: 'training@globex.example',
      smtp: { host: sink.host, port: sink.port, security: 'starttls', tlsVerify: false, ...relayLogin },
    });
    await enqueue(client.id, profile.id, ['gone@globex.example', 'fine@globex.example']);
    const dispatch = () => work(client.id, profile.id);
    sink.refuse('gone@globex.example', '550 5.1.1 No such user');
    try {
      await inPage('failed', async (page) => {
        await openSendingProfiles(page, 'Globex');
        await page.getByRole('link', { name: 'Globex relay' }).click();
        const outbox = page.getByRole('region', { name: 'Outbox' });
        await outbox.getByText('Queued').locator('..').getByText('2', { exact: true }).waitFor();

        // The page follows the queue by itself while there is work in it.
        await dispatch();
        const failed = page.getByRole('table', { name: 'Failed messages' });
        const row = failed.getByRole('row').filter({ hasText: 'gone@globex.example' });
        await row.getByText('550 5.1.1 No such user', { exact: false }).waitFor();
        await row.getByText('smtp.550.5.1.1').waitFor();
        await outbox.getByText('Sent today').locator('..').getByText('1 of 100,000').waitFor();
        await page.screenshot({ path: 'test-results/sending-profiles-failed.png', fullPage: true });

        sink.refuse('gone@globex.example', null);
        await row.getByRole('button', { name: 'Retry the message to gone@globex.example' }).click();
        await page.getByText('1 message queued to be sent again.').waitFor();
        await outbox.getByText('Queued').locator('..').getByText('1', { exact: true }).waitFor();
        await dispatch();
        await page.getByText('No failed messages.').waitFor();
        await outbox.getByText('Sent today').locator('..').getByText('2 of 100,000').waitFor();
        expect(sink.received.filter((m) => m.envelope.to.includes('gone@globex.example'))).toHaveLength(1);
      });
    } finally {
      sink.refuse('gone@globex.example', null);
    }
  }, 90_000);

  it('shows an archived client’s profiles read-only', async () => {
    const { call } = await apiSession(e2e.server);
    const client = await call<{ id: string }>('POST', '/clients', { name: 'Initrode' });
    await call('POST', `/clients/${client.id}/sending-profiles`, {
      name: 'Old relay',
      kind: 'smtp',
      fromAddress: 'old@initrode.example',
      smtp: { host: sink.host, port: sink.port, security: 'starttls', tlsVerify: false },
    });
    await call('PATCH', `/clients/${client.id}`, { archived: true });
    await inPage('archived', async (page) => {
      await openSendingProfiles(page, 'Initrode (archived)');
      await page.getByRole('alert').filter({ hasText: 'Initrode is archived and read-only' }).waitFor();
      expect(await page.getByRole('button', { name: 'Add profile' }).isDisabled()).toBe(true);
      await page.getByRole('link', { name: 'Old relay' }).click();
      await page.getByRole('heading', { name: 'Old relay', level: 1 }).waitFor();
      expect(await page.getByRole('button', { name: 'Edit' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true);
    });
  }, 60_000);
});
