// The Recipients page in a real browser against the real server: add a recipient by hand, see
// a server field error beside its input, import a CSV whose dry run lists the bad row, then
// search the imported people, manage a group and set a time zone. Synchronisation is by locators and waitFor(),
// no sleeps (see console.e2e.test.ts).
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSession, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite();

beforeAll(async () => {
  // The client is set up through the API: this test is about the Recipients page.
  const { request } = await apiSession(e2e.server);
  const created = await request('POST', '/clients', { name: 'Initech' });
  expect(created.status).toBe(201);
});

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `recipients-e2e-${name}`, scenario);

const CSV = [
  'E-mail,First Name,Last Name,Department',
  'peter.gibbons@initech.test,Peter,Gibbons,Engineering',
  'not-an-address,Milton,Waddams,Storage',
  'samir@initech.test,Samir,Nagheenanajar,Engineering',
].join('\n');

describe('recipients page', () => {
  it('adds, imports with a per-row report, searches and groups recipients', async () => {
    await inPage('recipients', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recipients' }).click();
      await page.getByText('Choose a client in the header').waitFor();
      await page.getByRole('combobox', { name: 'Active client' }).click();
      await page.getByRole('option', { name: 'Initech', exact: true }).click();
      // A client without recipients says how to get them (sync first), not "No recipients match".
      await page.getByRole('heading', { name: 'No recipients yet' }).waitFor();
      expect(await page.getByRole('link', { name: 'Sync from Entra ID' }).getAttribute('href')).toMatch(
        /^\/entra-sync\?client=/,
      );

      // Add by hand, twice with the same address: the second time the server's 409 lands on Email.
      for (const attempt of [1, 2]) {
        await page.getByRole('button', { name: 'Add recipient' }).click();
        const dialog = page.getByRole('dialog', { name: 'Add recipient' });
        await dialog.getByRole('textbox', { name: 'Email' }).fill('bill.lumbergh@initech.test');
        await dialog.getByRole('textbox', { name: 'First name' }).fill('Bill');
        await dialog.getByRole('textbox', { name: 'Last name' }).fill('Lumbergh');
        await dialog.getByRole('button', { name: 'Add recipient' }).click();
        if (attempt === 1) {
          await dialog.waitFor({ state: 'hidden' });
        } else {
          await dialog.getByText('A recipient with this email address already exists.').waitFor();
          await dialog.getByRole('button', { name: 'Cancel' }).click();
        }
      }
      const table = page.getByRole('table', { name: 'Recipients' });
      await table.getByRole('cell', { name: 'Bill Lumbergh' }).waitFor();

      // Import: the dry run lists the bad row; nothing is written until Import is pressed.
      await page.getByRole('button', { name: 'Import CSV' }).click();
      const importer = page.getByRole('dialog', { name: 'Import recipients from CSV' });
      await importer.getByRole('textbox', { name: 'CSV' }).fill(CSV);
      await importer.getByRole('button', { name: 'Check file' }).click();
      const errors = importer.getByRole('table', { name: 'Rows with errors' });
      await errors.getByRole('cell', { name: '"not-an-address" is not a valid email address.' }).waitFor();
      expect(await errors.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('3');
      expect(await table.getByRole('row').count()).toBe(2); // header + Bill: the dry run wrote nothing
      await importer.getByRole('button', { name: 'Import 2 recipients' }).click();
      await importer.waitFor({ state: 'hidden' });
      await table.getByRole('cell', { name: 'Samir Nagheenanajar' }).waitFor();
      await page.getByText('Showing 3 of 3 recipients').waitFor();

      // Search is server-side and debounced.
      await page.getByRole('textbox', { name: 'Search' }).fill('GIBB');
      await page.getByText('Showing 1 of 1 recipient').waitFor();
      expect(await table.getByRole('cell', { name: 'peter.gibbons@initech.test', exact: true }).count()).toBe(1);
      await page.getByRole('textbox', { name: 'Search' }).fill('');
      await page.getByText('Showing 3 of 3 recipients').waitFor();

      // A group, then Peter joins it from the edit form; the count shows on the Groups tab.
      await page.getByRole('tab', { name: 'Groups' }).click();
      await page.getByRole('button', { name: 'New group' }).click();
      const groupDialog = page.getByRole('dialog', { name: 'New group' });
      await groupDialog.getByRole('textbox', { name: 'Name' }).fill('Engineers');
      await groupDialog.getByRole('button', { name: 'Create group' }).click();
      await groupDialog.waitFor({ state: 'hidden' });
      const groups = page.getByRole('table', { name: 'Recipient groups' });
      await groups.getByText('Engineers').waitFor();

      await page.getByRole('tab', { name: 'People' }).click();
      await page.getByRole('button', { name: 'Actions for peter.gibbons@initech.test' }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit recipient' });
      await edit.getByRole('combobox', { name: 'Groups' }).click();
      await page.getByRole('option', { name: 'Engineers', exact: true }).click();
      // His own time zone (training campaigns can spread invitations in it), from the searchable list.
      await edit.getByRole('combobox', { name: 'Time zone' }).fill('Asia/Tok');
      await page.getByRole('option', { name: 'Asia/Tokyo', exact: true }).click();
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.waitFor({ state: 'hidden' });
      await table.getByRole('row').filter({ hasText: 'Peter Gibbons' }).getByText('Engineers').waitFor();
      await page.getByRole('button', { name: 'Actions for peter.gibbons@initech.test' }).click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await expect.poll(() => edit.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('Asia/Tokyo');
      await edit.getByRole('button', { name: 'Cancel' }).click();
      await edit.waitFor({ state: 'hidden' });

      await page.getByRole('tab', { name: 'Groups' }).click();
      await groups.getByRole('row').filter({ hasText: 'Engineers' }).getByRole('link', { name: '1' }).waitFor();
    });
  }, 90_000);
});
