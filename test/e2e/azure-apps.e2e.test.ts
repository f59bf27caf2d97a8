// The Azure Applications page in a real browser against the real server and the Microsoft 365
// emulator: the browser goes to the emulator's sign-in and consent pages and back, as it would
// go to login.microsoftonline.com. Each scenario has its own client and its own emulated tenant,
// so consent given in one does not help another. The last test reads the SQLite file itself:
// neither a client secret nor a refresh token may be stored in clear.
//
// Synchronisation relies on locators, which wait for the element; no sleeps.
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSession, e2eSuite, signIn, withPage } from '../helpers/e2e.js';
import type { TestEmulator } from '../helpers/emulator.js';

type Tenant = Awaited<ReturnType<TestEmulator['tenantWithApp']>>;
interface Account {
  userPrincipalName: string;
  password: string;
}

const WRONG_SECRET = 'this-is-the-secret-id-not-the-value';

const e2e = e2eSuite({ emulator: true });
let redirectUri: string;
/** every client secret typed into the console, for the database check at the end */
const secretsEntered: string[] = [];

beforeAll(() => {
  redirectUri = `${e2e.server.url}/api/v1/azure-apps/callback`;
});

/** The system administrator's API session, for set-up the page under test does not cover. */
async function adminApi(): Promise<(path: string, body: unknown) => Promise<{ id: string }>> {
  const { request } = await apiSession(e2e.server);
  return async (path, body) => {
    const res = await request('POST', path, body);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as { id: string };
  };
}

/** Creates a client through the API (the Clients page has its own test). */
async function createClient(name: string): Promise<string> {
  return (await (await adminApi())('/clients', { name })).id;
}

/** A fresh browser context per scenario (own cookies at Baitwise and at "Microsoft"). */
const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `azure-apps-e2e-${name}`, scenario, { viewport: { width: 1440, height: 900 } });

async function openAzureApplications(page: Page): Promise<void> {
  await page.goto(`${e2e.server.url}/settings/azure-applications`);
  await signIn(page, e2e.server.admin, 'Azure Applications');
}

/** Fills the Add application form and saves; the console then shows the application's page. */
async function addApplication(
  page: Page,
  o: { client: string; name: string; tenant: Tenant; secret?: string; secretExpiresAt?: string },
): Promise<void> {
  const secret = o.secret ?? o.tenant.clientSecret;
  secretsEntered.push(secret);
  await page.getByRole('button', { name: 'Add application' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add application' });
  await dialog.getByRole('combobox', { name: 'Client' }).click();
  await page.getByRole('option', { name: o.client, exact: true }).click();
  await dialog.getByRole('textbox', { name: 'Friendly name' }).fill(o.name);
  await dialog.getByRole('textbox', { name: 'Client ID' }).fill(o.tenant.clientId);
  await dialog.getByLabel('Client Secret').fill(secret);
  await dialog.getByRole('textbox', { name: 'Tenant ID' }).fill(o.tenant.tenantId);
  if (o.secretExpiresAt) await dialog.getByLabel('Secret expires on').fill(o.secretExpiresAt);
  await dialog.getByRole('button', { name: 'Add application' }).click();
  await page.getByRole('heading', { name: o.name, level: 1 }).waitFor();
  await page.getByText('Not authorized', { exact: true }).waitFor();
}

/** Authorize → Continue to Microsoft; resolves on the emulator's first page. */
async function startAuthorize(page: Page, o: { adminConsent?: boolean } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Authorize', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /^Authorize / });
  if (o.adminConsent) await dialog.getByRole('checkbox', { name: 'Grant admin consent for the organization' }).check();
  await dialog.getByRole('button', { name: 'Continue to Microsoft' }).click();
  await page.waitForURL((url) => url.origin === new URL(e2e.emu.emu.urls.authority).origin);
}

/** The emulator's "Sign in" → "Enter password" pages. */
async function signInAtMicrosoft(page: Page, who: Account): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('textbox').fill(who.userPrincipalName);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'Enter password' }).waitFor();
  await page.getByPlaceholder('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Follows Microsoft's pages until the browser is back on the application's page: "Pick an
 * account" (Baitwise asks for select_account, so a remembered sign-in is offered, not reused
 * silently) and "Permissions requested" (only while consent is missing).
 */
async function finishAtMicrosoft(
  page: Page,
  appName: string,
  who: Account,
  o: { forOrganization?: boolean } = {},
): Promise<void> {
  const picker = page.getByRole('heading', { name: 'Pick an account' });
  const consent = page.getByRole('heading', { name: 'Permissions requested' });
  const back = page.getByRole('heading', { name: appName, level: 1 });
  for (let step = 0; step < 4; step++) {
    await picker.or(consent).or(back).waitFor();
    if (await back.isVisible()) return;
    if (await picker.isVisible()) {
      await page.getByRole('button', { name: who.userPrincipalName }).click();
      await picker.waitFor({ state: 'detached' });
    } else {
      if (o.forOrganization) {
        await page.getByRole('checkbox', { name: 'Consent on behalf of your organization' }).check();
      }
      await page.getByRole('button', { name: 'Accept' }).click();
      await consent.waitFor({ state: 'detached' });
    }
  }
  await back.waitFor();
}

/** The status badge (notifications live outside <main>). */
const badge = (page: Page, label: string) => page.getByRole('main').getByText(label, { exact: true }).first();

describe('Azure Applications page', () => {
  it('adds an application, authorizes it as the Entra administrator, and tests the connection', async () => {
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Contoso', users: 2 });
    await createClient('Contoso Ltd');
    await inPage('connect', async (page) => {
      await openAzureApplications(page);

      // The form shows what to register in Entra; SMTP.Send only when SMTP sending is chosen.
      await page.getByRole('button', { name: 'Add application' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add application' });
      expect(await dialog.getByRole('textbox', { name: 'Redirect URI' }).inputValue()).toBe(redirectUri);
      await dialog.getByRole('button', { name: 'Copy redirect URI' }).waitFor();
      const permissions = dialog.getByRole('table', { name: 'API permissions' });
      await permissions.getByRole('row').filter({ hasText: 'User.Read.All' }).getByText('Yes').waitFor();
      expect(await permissions.getByText('SMTP.Send', { exact: false }).count()).toBe(0);
      await dialog.getByRole('checkbox', { name: 'Use for SMTP sending (Office 365 OAuth2)' }).check();
      await permissions.getByText('https://outlook.office.com/SMTP.Send').waitFor();
      await page.screenshot({ path: 'test-results/azure-apps-form.png' });
      await dialog.getByRole('checkbox', { name: 'Use for SMTP sending (Office 365 OAuth2)' }).uncheck();
      // A malformed Client ID is caught beside the field.
      await dialog.getByRole('textbox', { name: 'Client ID' }).fill('not-a-guid');
      await dialog.getByRole('button', { name: 'Add application' }).click();
      await dialog.getByText('Enter the Application (client) ID').waitFor();
      // A tenant domain Microsoft does not know: the server's answer lands beside that field.
      await dialog.getByRole('textbox', { name: 'Friendly name' }).fill('Typo');
      await dialog.getByRole('textbox', { name: 'Client ID' }).fill(tenant.clientId);
      await dialog.getByLabel('Client Secret').fill(tenant.clientSecret);
      await dialog.getByRole('textbox', { name: 'Tenant ID' }).fill('no-such-tenant.onmicrosoft.com');
      await dialog.getByRole('button', { name: 'Add application' }).click();
      await dialog.getByText('Microsoft does not know the tenant "no-such-tenant.onmicrosoft.com"').waitFor();
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });

      await addApplication(page, {
        client: 'Contoso Ltd',
        name: 'Contoso M365',
        tenant,
        secretExpiresAt: '2031-06-30',
      });
      await startAuthorize(page);
      await signInAtMicrosoft(page, tenant.admin);
      await finishAtMicrosoft(page, 'Contoso M365', tenant.admin, { forOrganization: true });

      await page.getByText('Connected to Microsoft').waitFor();
      await badge(page, 'Connected').waitFor();
      const details = page.getByRole('region', { name: 'Application details' });
      await details.getByText(tenant.admin.userPrincipalName).waitFor();
      await details.getByText(e2e.server.admin.email).waitFor();

      await page.getByRole('button', { name: 'Test connection' }).click();
      const report = page.getByRole('region', { name: 'Connection works' });
      await report.getByText(tenant.admin.userPrincipalName, { exact: false }).waitFor();
      await report.getByText(tenant.tenantId).waitFor();
      const capabilities = report.getByRole('list', { name: 'Capabilities' }).getByRole('listitem');
      expect(await capabilities.allInnerTexts()).toEqual([
        'Recipient import and sync: OK',
        'Training by Microsoft Graph: OK',
        'Outlook report-phishing plugin: OK',
      ]);
      await page.screenshot({ path: 'test-results/azure-apps-connected.png', fullPage: true });

      // The list shows who connected which account.
      await page.getByRole('link', { name: 'All Azure applications' }).click();
      const row = page
        .getByRole('table', { name: 'Azure applications' })
        .getByRole('row')
        .filter({ hasText: 'Contoso M365' });
      await row.getByText('Connected', { exact: true }).waitFor();
      await row.getByText(tenant.admin.userPrincipalName).waitFor();
      await row.getByText('Contoso Ltd').waitFor();
      await row.getByText('Jun 30, 2031').waitFor();
    });
  }, 60_000);

  it('guides a non-administrator through the admin consent workflow until a reviewer approves', async () => {
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Fabrikam', users: 2 });
    await createClient('Fabrikam Inc');
    await inPage('consent-workflow', async (page) => {
      await openAzureApplications(page);
      await addApplication(page, { client: 'Fabrikam Inc', name: 'Fabrikam M365', tenant });
      const appPage = page.url();

      // Workflow off: Microsoft says "Need admin approval"; the user returns without consent.
      await startAuthorize(page);
      await signInAtMicrosoft(page, tenant.user);
      await page.getByRole('heading', { name: 'Need admin approval' }).waitFor();
      await page.getByRole('link', { name: 'Return to the application without granting consent' }).click();
      const guidance = page.getByRole('region', { name: 'Microsoft did not grant the permissions' });
      await guidance.getByText('AADSTS65004', { exact: true }).waitFor();
      // The two ways to an administrator's consent, as two lists.
      const now = guidance.getByRole('list', { name: 'An administrator grants consent now' }).getByRole('listitem');
      expect((await now.allInnerTexts()).join('\n')).toContain('Grant admin consent for the organization');
      const workflow = guidance.getByRole('list', { name: 'Entra’s admin consent workflow' }).getByRole('listitem');
      const workflowText = (await workflow.allInnerTexts()).join('\n');
      expect(workflowText).toContain('Users can request admin consent to apps');
      expect(workflowText).toContain('click Save at the top of Admin consent settings');
      await badge(page, 'Not authorized').waitFor();
      await page.screenshot({ path: 'test-results/azure-apps-guidance.png', fullPage: true });

      // The tenant's administrator turns on the admin consent workflow.
      await e2e.emu.control('PUT', `/tenants/${tenant.tenantId}/admin-consent-workflow`, {
        enabled: true,
        reviewerIds: [],
      });
      await guidance.getByRole('button', { name: 'Authorize again' }).click();
      await page
        .getByRole('dialog', { name: /^Authorize / })
        .getByRole('button', { name: 'Continue to Microsoft' })
        .click();
      await page.getByRole('heading', { name: 'Pick an account' }).waitFor();
      await page.getByRole('button', { name: tenant.user.userPrincipalName }).click();
      await page.getByRole('heading', { name: 'Approval required' }).waitFor();
      await page.getByLabel('Enter justification for requesting this app').fill('Baitwise imports our recipients');
      await page.getByRole('button', { name: 'Request approval' }).click();
      await page.getByRole('heading', { name: 'Request sent' }).waitFor();

      // Back in Baitwise, Microsoft's answer looks like a Cancel; the operator records the request.
      await page.getByRole('link', { name: /^Return to the application/ }).click();
      const declined = page.getByRole('region', { name: 'Microsoft did not grant the permissions' });
      await declined.getByRole('button', { name: 'I requested approval' }).click();
      await page.getByRole('region', { name: 'Request sent: waiting for a reviewer in Entra ID' }).waitFor();

      // The reviewer approves on the emulator's review page.
      await page.goto(`${e2e.emu.emu.urls.control}/consent-requests?tenantId=${tenant.tenantId}`);
      const request = page.getByRole('row').filter({ hasText: tenant.user.userPrincipalName });
      await request.getByRole('button', { name: 'Approve' }).click();
      await request.getByText('approved').waitFor();

      await page.goto(appPage);
      await startAuthorize(page);
      await finishAtMicrosoft(page, 'Fabrikam M365', tenant.user);
      await badge(page, 'Connected').waitFor();
      await page
        .getByRole('region', { name: 'Application details' })
        .getByText(tenant.user.userPrincipalName)
        .waitFor();
    });
  }, 60_000);

  it('explains a wrong client secret (AADSTS7000215)', async () => {
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Initech', users: 2 });
    await createClient('Initech');
    await inPage('wrong-secret', async (page) => {
      await openAzureApplications(page);
      await addApplication(page, { client: 'Initech', name: 'Initech M365', tenant, secret: WRONG_SECRET });
      await startAuthorize(page);
      await signInAtMicrosoft(page, tenant.admin);
      await finishAtMicrosoft(page, 'Initech M365', tenant.admin, { forOrganization: true });
      const guidance = page.getByRole('region', { name: 'Microsoft rejected the client secret' });
      await guidance.getByText('AADSTS7000215', { exact: true }).waitFor();
      await guidance.getByText('not the Secret ID', { exact: false }).waitFor();
      await badge(page, 'Not authorized').waitFor();

      // A code read off Microsoft's own error page explains itself too.
      await page.getByRole('textbox', { name: 'AADSTS code' }).fill('AADSTS50011');
      await page.getByRole('button', { name: 'Explain' }).click();
      const lookup = page.getByRole('region', { name: 'The redirect URI is not registered' });
      expect(await lookup.getByRole('textbox', { name: 'Redirect URI' }).inputValue()).toBe(redirectUri);

      // Microsoft's redirect that matches no authorization of this session (reloaded, expired).
      await page.goto(`${e2e.server.url}/settings/azure-applications?authorization=failed&reason=state_invalid`);
      await page.getByRole('region', { name: 'This authorization request is not valid any more' }).waitFor();
    });
  }, 60_000);

  it('shows Re-authorization required when Microsoft revoked the refresh token', async () => {
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Umbrella', users: 2 });
    await createClient('Umbrella Corp');
    await inPage('revoked', async (page) => {
      await openAzureApplications(page);
      await addApplication(page, { client: 'Umbrella Corp', name: 'Umbrella M365', tenant });
      await startAuthorize(page, { adminConsent: true });
      await signInAtMicrosoft(page, tenant.admin);
      // The admin-consent endpoint, then straight on to the sign-in that yields the refresh token.
      await finishAtMicrosoft(page, 'Umbrella M365', tenant.admin);
      await badge(page, 'Connected').waitFor();

      const users = await e2e.emu.control<{ value: { id: string; userPrincipalName: string }[] }>(
        'GET',
        `/tenants/${tenant.tenantId}/users?top=100`,
      );
      const admin = users.value.find((u) => u.userPrincipalName === tenant.admin.userPrincipalName);
      await e2e.emu.control('POST', `/users/${admin?.id}/revoke-sessions`, {});

      // The access token from the authorization stays valid for an hour (as at Microsoft) and
      // the server holds it in memory; saving the application drops it, so the test has to use
      // the refresh token.
      await page.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit application' });
      await edit.getByText('Leave empty to keep the stored secret').waitFor();
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'hidden' });

      await page.getByRole('button', { name: 'Test connection' }).click();
      const guidance = page.getByRole('region', { name: 'The connection to Microsoft has expired or was revoked' });
      await guidance.waitFor();
      await guidance.getByText('AADSTS50173', { exact: true }).waitFor();
      await badge(page, 'Re-authorization required').waitFor();
      await page.screenshot({ path: 'test-results/azure-apps-reauth.png', fullPage: true });
    });
  }, 60_000);

  it('refuses a token issued by another tenant', async () => {
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Globex', users: 2 });
    const other = await e2e.emu.tenantWithApp(redirectUri, { name: 'Elsewhere', users: 2 });
    await createClient('Globex');
    await inPage('tenant-mismatch', async (page) => {
      await openAzureApplications(page);
      await addApplication(page, { client: 'Globex', name: 'Globex M365', tenant });
      await e2e.emu.control('PUT', '/faults', {
        foreignIdTokens: [{ clientId: tenant.clientId, tenantId: other.tenantId }],
      });
      try {
        await startAuthorize(page);
        await signInAtMicrosoft(page, tenant.admin);
        await finishAtMicrosoft(page, 'Globex M365', tenant.admin, { forOrganization: true });
        await page.getByRole('region', { name: 'Microsoft answered for a different tenant' }).waitFor();
        await badge(page, 'Not authorized').waitFor();
      } finally {
        await e2e.emu.control('PUT', '/faults', { foreignIdTokens: [] });
      }
      // Every scenario's application, each in its state, for the screenshot.
      await page.getByRole('link', { name: 'All Azure applications' }).click();
      const table = page.getByRole('table', { name: 'Azure applications' });
      await table.getByText('Re-authorization required').waitFor();
      await page.screenshot({ path: 'test-results/azure-apps-list.png', fullPage: true });

      // Filtered to one client, then deleted from the list after the confirmation.
      await page.getByRole('main').getByRole('combobox', { name: 'Client' }).click();
      await page.getByRole('option', { name: 'Globex', exact: true }).click();
      await table.getByText('Contoso M365').waitFor({ state: 'detached' });
      // The filtered list loads anew: wait for its row before counting (the table is briefly empty).
      await table.getByRole('link', { name: 'Globex M365' }).waitFor();
      expect(await table.getByRole('row').count()).toBe(2); // the header and Globex M365
      await page.getByRole('button', { name: 'Actions for Globex M365' }).click();
      await page.getByRole('menuitem', { name: 'Delete' }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete application' });
      await confirm.getByText('the Outlook report-phishing plugin').waitFor();
      await confirm.getByRole('button', { name: 'Delete' }).click();
      await page.getByText('This client has no Azure application yet.').waitFor();
    });
  }, 60_000);

  it('shows a client administrator only the applications of their own client', async () => {
    const api = await adminApi();
    const hooli = (await api('/clients', { name: 'Hooli' })).id;
    const carla = { email: 'carla@hooli.test', password: 'a long enough passphrase' };
    await api('/operators', {
      ...carla,
      name: 'Carla Client',
      role: 'client_admin',
      clientIds: [hooli],
    });
    const tenant = await e2e.emu.tenantWithApp(redirectUri, { name: 'Hooli', users: 2 });
    await inPage('client-admin', async (page) => {
      await page.goto(`${e2e.server.url}/settings/azure-applications`);
      await page.getByRole('textbox', { name: 'Email' }).fill(carla.email);
      await page.getByRole('textbox', { name: 'Password' }).fill(carla.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('No Azure applications yet.', { exact: false }).waitFor();
      // Her only client is chosen in the form without asking.
      await page.getByRole('button', { name: 'Add application' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add application' });
      expect(await dialog.getByRole('combobox', { name: 'Client', exact: true }).inputValue()).toBe('Hooli');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await addApplication(page, { client: 'Hooli', name: 'Hooli M365', tenant });
      await page.getByRole('link', { name: 'All Azure applications' }).click();
      const table = page.getByRole('table', { name: 'Azure applications' });
      await table.getByText('Hooli M365').waitFor();
      expect(await table.getByRole('row').count()).toBe(2); // the header and her own application
    });
  }, 60_000);

  it('stores neither client secrets nor refresh tokens in clear in the database file', () => {
    const config = e2e.server.database.config;
    // The browser tests run in the SQLite pass only (scripts/test.sh).
    if (config.kind !== 'sqlite') return;
    const files = [config.file, `${config.file}-wal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    const refreshTokens = [...e2e.emu.emu.store.refreshTokens.keys()];
    expect(refreshTokens.length).toBeGreaterThan(0);
    expect(secretsEntered.length).toBeGreaterThan(0);
    for (const secret of [...secretsEntered, ...refreshTokens]) {
      expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 6)}… found in the database`).toBe(false);
    }
  });
});
