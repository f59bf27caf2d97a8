// The client page's Reporting mailbox section in a real browser against the real server and the
// Microsoft 365 emulator: an administrator sees which permissions each access mode needs, saves
// the settings, clicks Sync now, and reads the outcome in the run log — reports ingested from
// submissions Microsoft's Report button delivered, then a refusal explained in plain words.
//
// The web server runs no worker: the test runs the queued reading itself, with the page open; the
// page polls the run log while a reading waits. Synchronisation relies on locators; no sleeps.
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { runWaiting } from '../../src/modules/reporting-mailbox/jobs.js';
import { apiSession, choose, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite({ emulator: true });

const original = (n: number) =>
  `From: Payroll <pay@evil.example>\r\nTo: staff@example.com\r\nSubject: Salary update ${n}\r\nMessage-ID: <pay-${n}@evil.example>\r\nDate: Mon, 05 Jan 2026 08:00:00 +0000\r\n\r\nSign in at http://evil.example/${n}\r\n`;

/** A client with a Connected Azure application and two known reporters, set up through the API. */
async function setUp(name: string) {
  const { call, cookie } = await apiSession(e2e.server);
  const tenant = await e2e.emu.tenantWithApp(`${e2e.server.url}/api/v1/azure-apps/callback`, { name, users: 6 });
  const clientId = (await call<{ id: string }>('POST', '/clients', { name })).id;
  const app = await call<{ id: string }>('POST', `/clients/${clientId}/azure-apps`, {
    name: `${name} M365`,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
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
  const users = (
    await e2e.emu.control<{ value: { userPrincipalName: string; hasMailbox: boolean; userType: string }[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?top=100`,
    )
  ).value.filter(
    (u) => u.hasMailbox && u.userType === 'Member' && u.userPrincipalName !== tenant.admin.userPrincipalName,
  );
  const reporters = users.slice(0, 2).map((u) => u.userPrincipalName);
  for (const email of reporters) await call('POST', `/clients/${clientId}/recipients`, { email });
  return { clientId, mailbox: tenant.admin.userPrincipalName, reporters, appName: `${name} M365` };
}

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `reporting-mailbox-e2e-${name}`, scenario, {
    viewport: { width: 1440, height: 900 },
    timeout: 15_000,
  });

async function syncNow(section: Locator, clientId: string): Promise<void> {
  await section.getByRole('button', { name: 'Sync now' }).click();
  await section.getByRole('table', { name: 'Last readings of the reporting mailbox' }).getByText('queued').waitFor();
  await runWaiting(e2e.server.app.services.reportingMailbox.intake, clientId);
}

describe('Reporting mailbox section', () => {
  it('configures the mailbox, reads it with Sync now, and explains a refusal in plain words', async () => {
    const c = await setUp('Northwind Reports');
    for (const [i, reporter] of c.reporters.entries()) {
      await e2e.emu.control('POST', `/mailboxes/${c.mailbox}/user-reported`, { reporter, mime: original(i + 1) });
    }
    await inPage('sync', async (page) => {
      await page.goto(`${e2e.server.url}/clients/${c.clientId}`);
      await signIn(page, e2e.server.admin, 'Northwind Reports');
      const section = page.getByRole('region', { name: 'Reporting mailbox' });
      await section.getByText('No reading yet.').waitFor();
      await section.getByText('Mail.ReadWrite (delegated)', { exact: false }).first().waitFor();

      await choose(section, 'Azure application', c.appName);
      await section.getByRole('textbox', { name: 'Reporting mailbox' }).fill(c.mailbox);
      await section.getByRole('switch', { name: 'Read the reporting mailbox' }).check();
      await section.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Reporting mailbox settings saved.').waitFor();

      await syncNow(section, c.clientId);
      const runs = section.getByRole('table', { name: 'Last readings of the reporting mailbox' });
      const done = runs.getByRole('row').filter({ hasText: 'succeeded' });
      await done.waitFor();
      await expect(done.getByRole('cell').nth(2).textContent()).resolves.toBe('2');

      // application access without the application permission: the page says what to add
      await section.getByText('Application permission').click();
      await section.getByText('Mail.ReadWrite (application, admin consent)').waitFor();
      await section.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Reporting mailbox settings saved.').last().waitFor();
      await syncNow(section, c.clientId);
      const alert = section.getByRole('alert').filter({ hasText: 'The last reading failed' });
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toMatch(/application permission Mail\.ReadWrite .*admin consent/);
    });
  });
});
