// The client as the hub, in a real browser against the real server and the Microsoft 365
// emulator: a new installation's first sign-in is greeted "Welcome" with the onboarding checklist;
// the checklist's steps link to where each is done and tick themselves (after a round trip, and in
// place when the step is done on the client page itself); the client page shows the Microsoft 365
// connection with Authorize, then Re-authorize once Microsoft's consent is given, and switches the
// header's client picker; the clients list shows each client's connection, recipients, last sync
// and set-up; pages that depend on something missing say so and link to it.
//
// Synchronisation relies on locators, which wait for the element, and expect.poll; no sleeps.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSession, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite({ emulator: true });

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `client-hub-e2e-${name}`, scenario, {
    viewport: { width: 1280, height: 900 },
    csp: true,
    timeout: 15_000,
  });

/** One onboarding step of the checklist in view, found by its label. */
const step = (page: Page, label: string) =>
  page.getByRole('list', { name: 'Onboarding steps' }).getByRole('listitem').filter({ hasText: label });
const stepDone = (page: Page, label: string) => step(page, label).getByText('Done', { exact: true }).waitFor();

async function openClientPage(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
  await page.getByRole('table', { name: 'Clients' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

/** Microsoft's pages (the emulator's) until the browser is back on the application's page. */
async function consentAtMicrosoft(page: Page, appName: string, who: { userPrincipalName: string; password: string }) {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('textbox').fill(who.userPrincipalName);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Enter password' }).waitFor();
  await page.getByPlaceholder('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const picker = page.getByRole('heading', { name: 'Pick an account' });
  const consent = page.getByRole('heading', { name: 'Permissions requested' });
  const back = page.getByRole('heading', { name: appName, level: 1 });
  for (let n = 0; n < 4; n++) {
    await picker.or(consent).or(back).waitFor();
    if (await back.isVisible()) return;
    if (await picker.isVisible()) {
      await page.getByRole('button', { name: who.userPrincipalName }).click();
      await picker.waitFor({ state: 'detached' });
    } else {
      await page.getByRole('checkbox', { name: 'Consent on behalf of your organization' }).check();
      await page.getByRole('button', { name: 'Accept' }).click();
      await consent.waitFor({ state: 'detached' });
    }
  }
  await back.waitFor();
}

describe('the client as the hub', () => {
  it('guides a new installation from the first client to a connected one, ticking each step', async () => {
    const tenant = await e2e.emu.tenantWithApp(`${e2e.server.url}/api/v1/azure-apps/callback`, {
      name: 'Contoso',
      users: 2,
    });
    await inPage('onboarding', async (page) => {
      // The first sign-in of the installation's administrator: "Welcome", not "Welcome back".
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.getByText('Welcome, Administrator.').waitFor();
      expect(await page.getByText(/Welcome back/).count()).toBe(0);

      // No client yet: the checklist starts there, and its next step leads to the Clients page.
      await page.getByRole('heading', { name: 'Get started with Baitwise' }).waitFor();
      await page.getByRole('link', { name: 'Start next step: Add your first client' }).click();
      await page.getByRole('heading', { name: 'Clients', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Add client' }).click();
      const add = page.getByRole('dialog', { name: 'Add client' });
      await add.getByRole('textbox', { name: 'Client name' }).fill('Contoso Ltd');
      await add.getByRole('button', { name: 'Add client' }).click();
      await add.waitFor({ state: 'hidden' });

      // The list's columns: nothing connected, no recipient, never synced, nothing set up.
      const row = page.getByRole('table', { name: 'Clients' }).getByRole('row').filter({ hasText: 'Contoso Ltd' });
      await row.getByText('No Azure application').waitFor();
      await row.getByText('Never').waitFor();
      await row.getByText('0 of 6 steps').waitFor();

      // The client's page: the header's picker switches to it; the checklist is at 0 of 6.
      await openClientPage(page, 'Contoso Ltd');
      const picker = page.getByRole('banner').getByRole('combobox', { name: 'Active client' });
      await expect.poll(() => picker.inputValue()).toBe('Contoso Ltd');
      await page.getByRole('heading', { name: 'Set up Contoso Ltd' }).waitFor();
      await page.getByText('0 of 6 done').waitFor();
      const m365 = page.getByRole('region', { name: 'Microsoft 365 connection' });
      await m365.getByText('No Azure application yet.', { exact: false }).waitFor();

      // Step 1 links to the Azure Applications page for this client (preselected in the form).
      await step(page, 'Add an Azure application')
        .getByRole('link', { name: 'Add an Azure application', exact: true })
        .click();
      await page.getByRole('heading', { name: 'Azure Applications', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Add application' }).click();
      const form = page.getByRole('dialog', { name: 'Add application' });
      expect(await form.getByRole('combobox', { name: 'Client' }).inputValue()).toBe('Contoso Ltd');
      await form.getByRole('textbox', { name: 'Friendly name' }).fill('Contoso M365');
      await form.getByRole('textbox', { name: 'Client ID' }).fill(tenant.clientId);
      await form.getByLabel('Client Secret').fill(tenant.clientSecret);
      await form.getByRole('textbox', { name: 'Tenant ID' }).fill(tenant.tenantId);
      await form.getByRole('button', { name: 'Add application' }).click();
      await page.getByRole('heading', { name: 'Contoso M365', level: 1 }).waitFor();

      // Back on the client page the step has ticked itself, and Authorize is the primary action.
      await openClientPage(page, 'Contoso Ltd');
      await stepDone(page, 'Add an Azure application');
      await page.getByText('1 of 6 done').waitFor();
      const app = m365.getByRole('group', { name: 'Azure application Contoso M365' });
      await app.getByText('Not authorized', { exact: true }).waitFor();
      await app.getByRole('button', { name: 'Authorize Contoso M365' }).click();
      const authorize = page.getByRole('dialog', { name: 'Authorize Contoso M365' });
      await authorize.getByRole('button', { name: 'Continue to Microsoft' }).click();
      await page.waitForURL((url) => url.origin === new URL(e2e.emu.emu.urls.authority).origin);
      await consentAtMicrosoft(page, 'Contoso M365', tenant.admin);
      await page.getByRole('main').getByText('Connected', { exact: true }).first().waitFor();

      // Connected: the button now re-authorizes, and the step is done.
      await openClientPage(page, 'Contoso Ltd');
      await app.getByText('Connected', { exact: true }).waitFor();
      await app.getByRole('button', { name: 'Re-authorize Contoso M365' }).waitFor();
      expect(await app.getByRole('button', { name: 'Authorize Contoso M365', exact: true }).count()).toBe(0);
      await stepDone(page, 'Authorize it with Microsoft');
      await page.getByText('2 of 6 done').waitFor();

      // A step done on this very page ticks in place: the report add-in's settings, saved.
      const addin = page.getByRole('region', { name: 'Outlook report add-in' });
      await addin.getByRole('combobox', { name: 'Azure application' }).click();
      await page.getByRole('option', { name: 'Contoso M365', exact: true }).click();
      await addin.getByRole('button', { name: 'Save settings' }).click();
      await stepDone(page, 'Set up the report add-in');
      await page.getByText('3 of 6 done').waitFor();
      expect(page.url()).toMatch(/\/clients\/[0-9a-f-]+/);

      // The list now says so too.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
      await row.getByText('Connected', { exact: true }).waitFor();
      await row.getByText('3 of 6 steps').waitFor();
    });

    // A later sign-in is a returning one, and says when the previous one was.
    await inPage('returning', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.getByText(/^Welcome back, Administrator\. Your previous sign-in was .+\.$/).waitFor();
    });
  }, 90_000);

  it('follows the picker, and says what a page is missing with a link to it', async () => {
    const { call } = await apiSession(e2e.server);
    const globex = await call('POST', '/clients', { name: 'Globex' });
    await call('POST', '/clients', { name: 'Umbrella' });
    await inPage('missing', async (page) => {
      await page.goto(`${e2e.server.url}/clients/${globex.id}`);
      await signIn(page, e2e.server.admin, 'Globex');
      const picker = page.getByRole('banner').getByRole('combobox', { name: 'Active client' });
      await expect.poll(() => picker.inputValue()).toBe('Globex');

      // Choosing another client in the picker while on a client's page opens that client's page.
      await picker.click();
      await page.getByRole('option', { name: 'Umbrella', exact: true }).click();
      await page.getByRole('heading', { name: 'Umbrella', level: 1 }).waitFor();
      await picker.click();
      await page.getByRole('option', { name: 'Globex', exact: true }).click();
      await page.getByRole('heading', { name: 'Globex', level: 1 }).waitFor();

      // Entra sync without an Azure application says so and links to adding one.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Entra sync' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'This client has no Azure application yet' });
      await alert.waitFor();
      expect(await alert.getByRole('link', { name: 'Add an Azure application' }).getAttribute('href')).toBe(
        `/settings/azure-applications?client=${globex.id}`,
      );

      // Recipients with none yet: the ways to get some, and the CSV import's group made on the spot.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recipients' }).click();
      await page.getByRole('heading', { name: 'No recipients yet' }).waitFor();
      expect(await page.getByRole('link', { name: 'Sync from Entra ID' }).getAttribute('href')).toBe(
        `/entra-sync?client=${globex.id}`,
      );
      await page.getByRole('button', { name: 'Import a CSV file' }).click();
      const importer = page.getByRole('dialog', { name: 'Import recipients from CSV' });
      await importer.getByRole('textbox', { name: 'CSV' }).fill('email,first_name\nnew.starter@globex.test,Nia');
      await importer.getByRole('combobox', { name: 'Add to group' }).fill('New starters');
      await page.getByRole('option', { name: 'Create group "New starters"' }).click();
      await expect
        .poll(() => importer.getByRole('combobox', { name: 'Add to group' }).inputValue())
        .toBe('New starters');
      await importer.getByRole('button', { name: 'Check file' }).click();
      await importer.getByRole('button', { name: 'Import 1 recipient' }).click();
      await importer.waitFor({ state: 'hidden' });
      await page
        .getByRole('table', { name: 'Recipients' })
        .getByRole('cell', { name: 'new.starter@globex.test', exact: true })
        .waitFor();
    });

    // An application whose client secret runs out within the month says so on the client's page.
    const soon = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await call('POST', `/clients/${globex.id}/azure-apps`, {
      name: 'Globex M365',
      azureClientId: '11111111-2222-4333-8444-555555555555',
      clientSecret: 'globex-secret-value',
      tenant: '99999999-8888-4777-8666-555555555555',
      secretExpiresAt: soon,
    });
    await inPage('secret-expiry', async (page) => {
      await page.goto(`${e2e.server.url}/clients/${globex.id}`);
      await signIn(page, e2e.server.admin, 'Globex');
      const app = page
        .getByRole('region', { name: 'Microsoft 365 connection' })
        .getByRole('group', { name: 'Azure application Globex M365' });
      await app.getByText(/never authorized · client secret expires /).waitFor();
      await app.getByRole('button', { name: 'Authorize Globex M365' }).waitFor();
    });
    const groups = await call<{ items: { id: string; name: string }[] }>(
      'GET',
      `/clients/${globex.id}/recipient-groups`,
    );
    expect(groups.items.map((g) => g.name)).toEqual(['New starters']);
    const members = await call<{ items: { email: string }[] }>(
      'GET',
      `/clients/${globex.id}/recipients?groupId=${groups.items[0]?.id}`,
    );
    expect(members.items.map((r) => r.email)).toEqual(['new.starter@globex.test']);
  }, 60_000);
});
