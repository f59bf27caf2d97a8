// The Entra sync page in a real browser against the real server, its job runner and the
// Microsoft 365 emulator: with a connected Azure application (set up through the API and the
// emulator's sign-in, which the Azure Applications test covers in the browser), an administrator
// searches an Entra group, previews it, imports it, watches the progress reach 100% and finds the
// people on the Recipients page. Synchronisation relies on locators, which wait; no sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { apiSession, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite({ emulator: true });
let runner: Worker;

beforeAll(async () => {
  // The worker `baitwise serve` starts beside the HTTP server, on the same services.
  runner = await startWorker(e2e.server.app.container);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
});

describe('Entra sync page', () => {
  it('connect, preview, import a group, watch progress reach 100%, see the recipients', async () => {
    const { request: call } = await apiSession(e2e.server);
    const clientId = ((await (await call('POST', '/clients', { name: 'Northwind' })).json()) as { id: string }).id;
    const tenant = await e2e.emu.tenantWithApp(`${e2e.server.url}/api/v1/azure-apps/callback`, {
      users: 30,
      name: 'Northwind',
    });
    const users = (
      await e2e.emu.control<{ value: { id: string; mail: string | null; accountEnabled: boolean }[] }>(
        'GET',
        `/tenants/${tenant.tenantId}/users?top=100`,
      )
    ).value.filter((u) => u.accountEnabled && u.mail);
    const [a, b, c] = users.slice(3, 6) as { id: string; mail: string }[];
    const inner = await e2e.emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Phishing Pilot Inner',
      memberUserIds: [b?.id, c?.id],
    });
    await e2e.emu.control('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Phishing Pilot',
      memberUserIds: [a?.id],
      memberGroupIds: [inner.id],
    });

    // Connect: register the application and authorize it at the emulator as the tenant's admin.
    const app = (await (
      await call('POST', `/clients/${clientId}/azure-apps`, {
        name: 'Northwind tenant',
        azureClientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        tenant: tenant.tenantId,
      })
    ).json()) as { id: string };
    const start = (await (
      await call('POST', `/clients/${clientId}/azure-apps/${app.id}/authorize`, { adminConsent: false })
    ).json()) as { url: string };
    const step = await new FormBrowser(e2e.emu.emu.urls.authority).signIn(start.url, {
      username: tenant.admin.userPrincipalName,
      password: tenant.admin.password,
      consent: 'accept-org',
    });
    const cb = new URL(step.location ?? '');
    expect((await call('GET', `${cb.pathname}${cb.search}`)).status).toBe(303);

    await withPage(
      e2e.browser,
      'directory-sync-e2e',
      async (page) => {
        await page.goto(`${e2e.server.url}/entra-sync?client=${clientId}`);
        await signIn(page, e2e.server.admin, 'Entra sync');

        await page.getByRole('button', { name: 'New import' }).click();
        const dialog = page.getByRole('dialog', { name: 'New import from Entra ID' });
        await dialog.getByRole('textbox', { name: 'Import name' }).fill('Pilot');
        await dialog.getByText('Selected Entra groups').click();
        await dialog.getByRole('textbox', { name: 'Search Entra groups by name' }).fill('Phishing');
        await dialog.getByRole('button', { name: 'Search' }).click();
        await dialog.getByRole('checkbox', { name: 'Phishing Pilot', exact: true }).check();
        await dialog.getByRole('button', { name: 'Preview' }).click();
        await dialog.getByTestId('preview-count').getByText('3 users would be imported').waitFor();
        expect(await dialog.getByRole('table', { name: 'Preview sample' }).getByRole('row').count()).toBe(4);
        await dialog.getByRole('textbox', { name: 'New group name' }).fill('Pilot group');
        await dialog.getByRole('button', { name: 'Import' }).click();
        await dialog.waitFor({ state: 'hidden' });

        const progress = page.getByLabel('Sync progress');
        await progress.getByTestId('run-percent').getByText('100%').waitFor({ timeout: 30_000 });
        await progress.getByText('Added 3 · updated 0 · removed 0').waitFor();
        await page.getByRole('table', { name: 'Runs' }).getByText('succeeded').waitFor();

        // New users from now on wait for approval.
        await page.getByRole('tab', { name: 'Settings' }).click();
        await page.getByRole('combobox', { name: 'New users in Entra' }).click();
        await page.getByRole('option', { name: 'Hold for approval' }).click();
        await page.getByRole('button', { name: 'Save' }).click();
        await page.getByText('Import saved.').waitFor();
        await page.getByText('new users held', { exact: false }).waitFor();

        await page.getByRole('link', { name: 'Recipients' }).first().click();
        await page.getByRole('heading', { name: 'Recipients' }).waitFor();
        for (const u of [a, b, c])
          await page
            .getByText(u?.mail ?? '', { exact: true })
            .first()
            .waitFor();
      },
      { viewport: { width: 1440, height: 1000 }, timeout: 15_000 },
    );
  }, 120_000);
});
