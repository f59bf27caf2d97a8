// The deletion threshold in a real browser against the real server, its job runner and the
// Microsoft 365 emulator: an administrator imports a tenant with removals set to delete (the
// threshold shows its default), a third of the users are deleted in Entra, and the next sync
// removes nobody: the page says why, the removals wait in "Held for approval", and approving them
// all (confirmed) removes the recipients. Synchronisation relies on locators, which wait; no sleeps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { apiSession, choose, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite({ emulator: true });
let runner: Worker;

beforeAll(async () => {
  runner = await startWorker(e2e.server.app.container);
}, 60_000);

afterAll(async () => {
  await runner?.stop();
});

describe('Entra sync: a mass removal is held by the deletion threshold', () => {
  it('holds the removals, says why, and approving them all removes the recipients', async () => {
    const { request: call } = await apiSession(e2e.server);
    const clientId = ((await (await call('POST', '/clients', { name: 'Tailspin' })).json()) as { id: string }).id;
    const tenant = await e2e.emu.tenantWithApp(`${e2e.server.url}/api/v1/azure-apps/callback`, {
      users: 16,
      name: 'Tailspin',
    });
    const app = (await (
      await call('POST', `/clients/${clientId}/azure-apps`, {
        name: 'Tailspin tenant',
        azureClientId: tenant.clientId,
        clientSecret: tenant.clientSecret,
        tenant: tenant.tenantId,
      })
    ).json()) as { id: string };
    // Connected the way an administrator connects it (the Azure Applications test does it in the browser).
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
    const users = (
      await e2e.emu.control<{ value: { id: string; mail: string | null; accountEnabled: boolean }[] }>(
        'GET',
        `/tenants/${tenant.tenantId}/users?top=100`,
      )
    ).value.filter((u) => u.accountEnabled && u.mail);
    const leaving = users.slice(2, 8);

    await withPage(
      e2e.browser,
      'sync-safety-e2e',
      async (page) => {
        await page.goto(`${e2e.server.url}/entra-sync?client=${clientId}`);
        await signIn(page, e2e.server.admin, 'Entra sync');

        await page.getByRole('button', { name: 'New import' }).click();
        const dialog = page.getByRole('dialog', { name: 'New import from Entra ID' });
        await dialog.getByRole('textbox', { name: 'Import name' }).fill('Staff');
        // Removals are held by default; choosing to delete shows the threshold that still protects.
        expect(await dialog.getByRole('textbox', { name: 'Deletion threshold' }).count()).toBe(0);
        await choose(dialog, 'Users removed or disabled in Entra', 'Delete the recipient');
        expect(await dialog.getByRole('textbox', { name: 'Deletion threshold' }).inputValue()).toBe('10');
        await dialog.getByRole('textbox', { name: 'New group name' }).fill('Staff');
        await dialog.getByRole('button', { name: 'Import' }).click();
        await dialog.waitFor({ state: 'hidden' });

        const progress = page.getByLabel('Sync progress');
        await progress.getByTestId('run-percent').getByText('100%').waitFor({ timeout: 30_000 });
        const imports = page.getByRole('table', { name: 'Imports' });
        await imports.getByRole('cell', { name: '0', exact: true }).waitFor(); // Held: 0, not blank
        await page.getByText('removed users deleted (more than 10% of the import in one sync are held)').waitFor();

        for (const u of leaving) await e2e.emu.control('DELETE', `/users/${u.id}`);
        await page.getByRole('button', { name: 'Sync now' }).click();

        const alert = page.getByRole('alert').filter({ hasText: 'Removals held by the deletion threshold' });
        await alert.getByText(`This sync would have removed ${leaving.length} users`).waitFor({ timeout: 30_000 });
        await alert.getByText('Nobody was removed').waitFor();
        await imports.getByRole('cell', { name: String(leaving.length), exact: true }).waitFor();
        await page.getByRole('table', { name: 'Runs' }).getByText('Changes since last sync').first().waitFor();
        // Nobody was deleted yet.
        await page.getByRole('link', { name: 'Recipients' }).first().waitFor();

        await alert.getByRole('button', { name: 'Review held removals' }).click();
        const held = page.getByRole('table', { name: 'Held changes' });
        for (const u of leaving) await held.getByText(u.mail ?? '', { exact: true }).waitFor();
        expect(await held.getByText('Deleted in Entra').count()).toBe(leaving.length);

        await page.getByRole('button', { name: `Approve all ${leaving.length} removals` }).click();
        const confirm = page.getByRole('dialog', { name: `Remove ${leaving.length} recipients?` });
        await confirm.getByRole('button', { name: `Remove ${leaving.length} recipients` }).click();
        await page.getByText(`${leaving.length} recipients removed.`).waitFor();
        await page.getByText('Nothing is waiting for approval.').waitFor();
        await imports.getByRole('cell', { name: '0', exact: true }).waitFor();
      },
      { viewport: { width: 1440, height: 1000 }, timeout: 15_000 },
    );

    const left = await e2e.server.app.container.db.db
      .selectFrom('recipients')
      .select('entra_object_id')
      .where('client_id', '=', clientId)
      .execute();
    const ids = left.map((r) => r.entra_object_id);
    for (const u of leaving) expect(ids).not.toContain(u.id);
  }, 120_000);
});
