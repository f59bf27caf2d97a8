// The console in a real browser against the real server, under its Content-Security-Policy (a
// blocked script or style fails the scenario): a system administrator sets up two clients and a
// client administrator for one of them; that administrator then sees only their client. Tenancy
// is enforced by the API, so this pins that the console shows what the API allows and offers
// nothing more (no Operators entry, no foreign client in the picker).
//
// Playwright's test runner (and its `expect`) is not part of playwright-core; synchronisation
// relies on locators, which wait for the element, and on waitFor() for states.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { apiSession, choose, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const CLIENT_ADMIN = { name: 'Carla Client', email: 'carla@acme.test', password: 'a long enough passphrase' };

const e2e = e2eSuite();

async function signOut(page: Page, operatorName: string): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: operatorName }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

async function addClient(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Add client' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add client' });
  await dialog.getByRole('textbox', { name: 'Client name' }).fill(name);
  await dialog.getByRole('button', { name: 'Add client' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.getByRole('table', { name: 'Clients' }).getByRole('link', { name, exact: true }).waitFor();
}

/** A fresh page per scenario, under the console's Content-Security-Policy (anything it blocks fails). */
const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `console-e2e-${name}`, scenario, { viewport: { width: 1280, height: 800 }, csp: true });

describe('admin console', () => {
  it('shows a client administrator only the client assigned to them', async () => {
    await inPage('tenancy', async (page) => {
      await page.goto(e2e.server.url);

      // System administrator: two clients, and an administrator for one of them.
      await signIn(page, e2e.server.admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients' }).click();
      await addClient(page, 'Acme');
      await addClient(page, 'Globex');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
      await page.getByRole('button', { name: 'Add operator' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add operator' });
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(CLIENT_ADMIN.name);
      await dialog.getByRole('textbox', { name: 'Email' }).fill(CLIENT_ADMIN.email);
      await choose(dialog, 'Role', 'Client administrator');
      await choose(dialog, 'Clients', 'Acme');
      await dialog.getByRole('textbox', { name: 'Password' }).fill(CLIENT_ADMIN.password);
      await dialog.getByRole('button', { name: 'Add operator' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = page.getByRole('row').filter({ hasText: CLIENT_ADMIN.email });
      await row.getByText('Client administrator').waitFor();
      await row.getByText('Acme', { exact: true }).waitFor();

      await signOut(page, 'Administrator');

      // The client administrator.
      await signIn(page, CLIENT_ADMIN);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Clients' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Operators' }).count()).toBe(0);

      // The picker offers Acme and nothing else (besides "All clients", which are Acme alone);
      // once Acme is listed the list is complete, because both come from the same response.
      await page.getByRole('combobox', { name: 'Active client' }).click();
      const options = page.getByRole('listbox', { name: 'Active client' }).getByRole('option');
      await options.filter({ hasText: 'Acme' }).waitFor();
      expect(await options.allInnerTexts()).toEqual(['All clients', 'Acme']);
      await page.keyboard.press('Escape');

      await nav.getByRole('link', { name: 'Clients' }).click();
      const clients = page.getByRole('table', { name: 'Clients' });
      await clients.getByRole('link', { name: 'Acme', exact: true }).waitFor();
      expect(await clients.getByRole('link').allInnerTexts()).toEqual(['Acme']);
      expect(await page.getByText('Globex').count()).toBe(0);
      // Only system administrators add clients.
      expect(await page.getByRole('button', { name: 'Add client' }).count()).toBe(0);

      // Typing the address does not reach operator management either.
      await page.goto(`${e2e.server.url}/operators`);
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    });
  }, 60_000);

  it('shows an archived client as read-only on its pages, with changes disabled, until it is unarchived', async () => {
    await inPage('archived', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Clients' }).click();
      await addClient(page, 'Initech');
      await page.getByRole('table', { name: 'Clients' }).getByRole('link', { name: 'Initech', exact: true }).click();
      await page.getByRole('button', { name: 'Archive' }).click();
      await page.getByRole('dialog', { name: 'Archive client' }).getByRole('button', { name: 'Archive' }).click();
      const banner = page.getByRole('alert').filter({ hasText: 'Initech is archived and read-only' });
      await banner.waitFor();
      expect(await page.getByRole('button', { name: 'Rename' }).isDisabled()).toBe(true);

      // Its pages stay readable, say why nothing can be changed, and offer no change.
      // (the client's page has already switched the header's picker to it)
      await expect
        .poll(() => page.getByRole('combobox', { name: 'Active client' }).inputValue())
        .toBe('Initech (archived)');
      await nav.getByRole('link', { name: 'Recipients' }).click();
      await banner.waitFor();
      expect(await page.getByRole('button', { name: 'Add recipient' }).isDisabled()).toBe(true);
      expect(await page.getByRole('button', { name: 'Import CSV' }).isDisabled()).toBe(true);
      await nav.getByRole('link', { name: 'Entra sync' }).click();
      await banner.waitFor();
      expect(await page.getByRole('button', { name: 'New import' }).isDisabled()).toBe(true);

      // Unarchiving (from the banner's link) makes it writable again.
      await banner.getByRole('link', { name: 'Unarchive it' }).click();
      await page.getByRole('button', { name: 'Unarchive' }).click();
      await banner.waitFor({ state: 'hidden' });
      await nav.getByRole('link', { name: 'Recipients' }).click();
      await page.getByRole('button', { name: 'Add recipient' }).waitFor();
      expect(await page.getByRole('button', { name: 'Add recipient' }).isDisabled()).toBe(false);
      expect(await page.getByRole('alert').filter({ hasText: 'is archived and read-only' }).count()).toBe(0);
    });
  }, 60_000);

  it('shows a new API token once, and revoking it stops it working', async () => {
    await inPage('api-token', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.getByRole('banner').getByRole('button', { name: 'Administrator' }).click();
      await page.getByRole('menuitem', { name: 'API tokens' }).click();

      await page.getByRole('button', { name: 'Create token' }).click();
      const create = page.getByRole('dialog', { name: 'Create API token' });
      await create.getByRole('textbox', { name: 'Name' }).fill('Nightly export');
      await create.getByRole('button', { name: 'Create token' }).click();

      const shown = page.getByRole('dialog', { name: 'Your new API token' });
      await shown.getByText('will not be shown again').waitFor();
      const secret = ((await shown.getByLabel('API token secret').textContent()) ?? '').trim();
      const callApi = () =>
        fetch(`${e2e.server.url}/api/v1/clients`, { headers: { authorization: `Bearer ${secret}` } });
      expect((await callApi()).status).toBe(200);

      await shown.getByRole('button', { name: 'I have stored it' }).click();
      await shown.waitFor({ state: 'hidden' });
      await page
        .getByRole('table', { name: 'API tokens' })
        .getByRole('cell', { name: 'Nightly export', exact: true })
        .waitFor();
      expect(await page.getByText(secret).count()).toBe(0);

      await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
      const confirm = page.getByRole('dialog', { name: 'Revoke API token' });
      await confirm.getByRole('button', { name: 'Revoke' }).click();
      await page.getByText('You have no API tokens.').waitFor();
      expect((await callApi()).status).toBe(401);
    });
  }, 60_000);

  it("lets a system administrator revoke another operator's API token from the Operators page", async () => {
    const api = async (who: { email: string; password: string }) => (await apiSession(e2e.server, who)).request;
    const asAdmin = await api(e2e.server.admin);
    const owner = { name: 'Tom Tokens', email: 'tom@acme.test', password: 'tom has a long password' };
    expect((await asAdmin('POST', '/operators', { ...owner, role: 'system_admin', clientIds: [] })).status).toBe(201);
    const asOwner = await api(owner);
    const { secret } = (await (await asOwner('POST', '/api-tokens', { name: 'Forgotten script' })).json()) as {
      secret: string;
    };
    const callApi = () => fetch(`${e2e.server.url}/api/v1/clients`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await callApi()).status).toBe(200);

    await inPage('operator-tokens', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Operators' }).click();
      await page.getByRole('button', { name: `Actions for ${owner.name}` }).click();
      await page.getByRole('menuitem', { name: 'API tokens' }).click();
      const dialog = page.getByRole('dialog', { name: `API tokens of ${owner.name}` });
      await dialog.getByRole('cell', { name: 'Forgotten script', exact: true }).waitFor();
      expect(await dialog.getByText(secret).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Revoke Forgotten script' }).click();
      await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
      await dialog.getByText(`${owner.name} has no API tokens.`).waitFor();
      expect((await callApi()).status).toBe(401);
    });
  }, 60_000);
});
