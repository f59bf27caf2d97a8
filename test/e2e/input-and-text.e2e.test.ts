// Input and text in the console: an internationalised address typed into a form arrives as typed
// (a type="email" input would turn the domain into xn-- and refuse the local part), the CSV
// import offers a sample file and reads a semicolon file, a malformed id in the address bar reads
// as a missing client, and a button that cannot be used says why.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiSession, apiSession, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite();
let api: ApiSession;

beforeAll(async () => {
  api = await apiSession(e2e.server);
  await api.call('POST', '/clients', { name: 'Müller & Söhne' });
});

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `input-e2e-${name}`, scenario, { csp: true });

async function openRecipients(page: Page) {
  await page.goto(e2e.server.url);
  await signIn(page, e2e.server.admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recipients' }).click();
  await page.getByRole('combobox', { name: 'Active client' }).click();
  await page.getByRole('option', { name: 'Müller & Söhne', exact: true }).click();
}

describe('internationalised addresses and CSV files', () => {
  it('adds jürgen.müller@müller-söhne.de by hand as typed, and imports a semicolon file with the sample offered', async () => {
    await inPage('intl', async (page) => {
      await openRecipients(page);
      const table = page.getByRole('table', { name: 'Recipients' });
      for (const address of ['jürgen.müller@müller-söhne.de', 'ann@müller-söhne.de']) {
        await page.getByRole('button', { name: 'Add recipient' }).click();
        const dialog = page.getByRole('dialog', { name: 'Add recipient' });
        await dialog.getByRole('textbox', { name: 'Email' }).fill(address);
        await dialog.getByRole('button', { name: 'Add recipient' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await table.getByRole('cell', { name: address, exact: true }).first().waitFor();
      }

      await page.getByRole('button', { name: 'Import CSV' }).click();
      const importer = page.getByRole('dialog', { name: 'Import recipients from CSV' });
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        importer.getByRole('link', { name: 'Download a sample file' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('recipients-sample.csv');
      const sample = await readFile((await download.path()) ?? '', 'utf8');
      expect(sample.replace(/^\uFEFF/, '').split('\r\n')[0]).toBe(
        'email,first_name,last_name,display_name,department,job_title,office_location,time_zone',
      );

      await importer
        .getByRole('textbox', { name: 'CSV' })
        .fill('E-Mail;First name;Department\nzoë@beispiel.de;Zoë;Vertrieb, Innendienst\nøystein@bokmål.no;Øystein;IT');
      await importer.getByRole('button', { name: 'Check file' }).click();
      await importer.getByRole('button', { name: 'Import 2 recipients' }).click();
      await importer.waitFor({ state: 'hidden' });
      await table.getByRole('cell', { name: 'zoë@beispiel.de', exact: true }).first().waitFor();
      await table.getByRole('cell', { name: 'Vertrieb, Innendienst' }).waitFor();
    });
  });
});

describe('messages', () => {
  it('reads a malformed client id in the address as a client that does not exist', async () => {
    await inPage('bad-id', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.goto(`${e2e.server.url}/clients/not-a-client`);
      await page.getByText('This client does not exist.').waitFor();
      expect(await page.getByText(/must match|format/i).count()).toBe(0);
    });
  });

  it('says why an archived client’s campaign cannot be started, to the mouse and to a screen reader', async () => {
    const archived = (await api.call('POST', '/clients', { name: 'Archived Ltd' })).id;
    await api.call('PATCH', `/clients/${archived}`, { archived: true });
    await inPage('disabled-reason', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await page.getByRole('combobox', { name: 'Active client' }).click();
      await page.getByRole('option', { name: 'Archived Ltd (archived)', exact: true }).click();
      await page.goto(`${e2e.server.url}/training/campaigns`);
      const button = page.getByRole('button', { name: 'New campaign' });
      await button.waitFor();
      expect(await button.isDisabled()).toBe(true);
      const description = await button.evaluate(
        (b) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
      );
      expect(description).toMatch(/archived and read-only/);
      await button.focus();
      await page.getByRole('tooltip').filter({ hasText: 'archived and read-only' }).waitFor();
    });
  });
});
