// The audit log in a real browser, as a security team uses it: failed sign-ins made at the
// sign-in form show up with their source address and browser (and never the password); the
// filter by action offers the actions there are; an entry opens in a drawer; the header's
// client choice is shown on the page and "All clients" can be chosen from the keyboard; and the
// CSV export downloads what the filters show, with no cell a spreadsheet would run.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../helpers/csv.js';
import { apiSession, choose, e2eSuite, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite();

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `audit-e2e-${name}`, scenario, { viewport: { width: 1280, height: 900 }, csp: true });

/** One attempt at the sign-in form, waiting for the server's answer (the alert may already show). */
async function failSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  expect((await answered).status()).toBe(401);
  await page.getByRole('alert').waitFor();
}

async function openAuditLog(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
}

const auditTable = (page: Page) => page.getByRole('table', { name: 'Audit log' });

/** The Action column of every row the table shows. */
async function actionsShown(page: Page): Promise<string[]> {
  return auditTable(page).locator('tbody tr td:nth-child(3)').allInnerTexts();
}

describe('audit log', () => {
  it('shows failed sign-ins with the address tried, source and browser, in a drawer, never the password', async () => {
    const wrong = 'Not-the-password-4711';
    await inPage('failed-sign-ins', async (page) => {
      await page.goto(e2e.server.url);
      await failSignIn(page, e2e.server.admin.email, wrong);
      await failSignIn(page, 'intruder@nowhere.test', `${wrong}-too`);
      await signIn(page, e2e.server.admin);
      await openAuditLog(page);

      // Chosen from the list of actions there are: only failed sign-ins remain.
      await choose(page, 'Action', 'session.login_failed');
      const intruder = auditTable(page).getByRole('row').filter({ hasText: 'intruder@nowhere.test' });
      await intruder.waitFor();
      // The administrator's own mistyped password: the address tried, and nobody signed in.
      await auditTable(page)
        .getByRole('row')
        .filter({ hasText: e2e.server.admin.email })
        .filter({ hasText: 'Not signed in' })
        .waitFor();
      // The rows of before the filter may still show for a moment: wait for the filtered ones.
      await expect.poll(async () => new Set(await actionsShown(page))).toEqual(new Set(['session.login_failed']));
      // Nobody was signed in: the Who column says so rather than naming anyone.
      await intruder.getByText('Not signed in').waitFor();

      await intruder.getByRole('button', { name: /^Details of session\.login_failed/ }).click();
      const drawer = page.getByRole('dialog', { name: 'Audit entry' });
      await drawer.getByText('intruder@nowhere.test').waitFor();
      await drawer.getByText('127.0.0.1', { exact: true }).waitFor();
      const browser = await page.evaluate(() => navigator.userAgent);
      await drawer.getByText(browser, { exact: true }).waitFor();
      await drawer.getByText('unknown_account').waitFor();
      expect(await page.content()).not.toContain(wrong);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // Part of an action, in any case, finds them too.
      await page.getByRole('combobox', { name: 'Action' }).fill('');
      await expect.poll(async () => (await actionsShown(page)).includes('session.login')).toBe(true);
      await page.getByRole('combobox', { name: 'Action' }).fill('LOGIN_FAIL');
      await page.keyboard.press('Escape');
      await expect.poll(async () => new Set(await actionsShown(page))).toEqual(new Set(['session.login_failed']));
    });
  }, 60_000);

  it("shows the header's client as a filter, and 'All clients' is chosen from the keyboard", async () => {
    const admin = await apiSession(e2e.server);
    await admin.call('POST', '/clients', { name: 'Audited Acme' });
    await inPage('client-filter', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await choose(page, 'Active client', 'Audited Acme');
      await openAuditLog(page);

      // The filter the header set is said on the page, not applied silently.
      const notice = page.getByText('Showing only the entries of Audited Acme.');
      await notice.waitFor();
      await expect.poll(() => actionsShown(page)).toEqual(['client.create']);

      // Keyboard only: focus the filter, type, pick "All clients".
      const filter = page
        .getByRole('search', { name: 'Filter the audit log' })
        .getByRole('combobox', { name: 'Client' });
      await filter.focus();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.type('All cl');
      await page.keyboard.press('Enter');
      await notice.waitFor({ state: 'hidden' });
      await auditTable(page).getByRole('row').filter({ hasText: 'session.login' }).first().waitFor();
      expect(new URL(page.url()).searchParams.get('client')).toBeNull();
      // …and the header's picker follows: it offers "All clients" as a choice of its own.
      expect(await page.getByRole('combobox', { name: 'Active client' }).inputValue()).toBe('All clients');
      await page.getByRole('combobox', { name: 'Active client' }).focus();
      await page.keyboard.press('ArrowDown');
      const options = page.getByRole('listbox', { name: 'Active client' }).getByRole('option');
      await options.first().waitFor();
      expect((await options.allInnerTexts())[0]).toBe('All clients');
      await page.keyboard.press('Escape');
    });
  }, 60_000);

  it('exports what the filters show as a CSV download in which no cell is a formula', async () => {
    const admin = await apiSession(e2e.server);
    const evil = '=HYPERLINK("https://evil.test/","Click me")';
    await admin.call('POST', '/clients', { name: evil });
    const attempt = await fetch(`${e2e.server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': '@SUM(1,2)' },
      body: JSON.stringify({ email: '=1+2@evil.test', password: 'formula attempt' }),
    });
    expect(attempt.status).toBe(401);

    await inPage('csv-export', async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      await openAuditLog(page);
      await auditTable(page).getByRole('row').filter({ hasText: '=1+2@evil.test' }).waitFor();

      const download = async () => {
        const [file] = await Promise.all([
          page.waitForEvent('download'),
          page.getByRole('link', { name: 'Export CSV' }).click(),
        ]);
        expect(file.suggestedFilename()).toMatch(/^baitwise-audit-\d{8}-\d{6}\.csv$/);
        const text = await readFile(await file.path(), 'utf8');
        const [header, ...rows] = parseCsv(text);
        expect(header?.slice(0, 3)).toEqual(['When (UTC)', 'Actor', 'Action']);
        return rows;
      };

      const all = await download();
      for (const row of all) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
      const created = all.find((row) => row[2] === 'client.create' && row[5] === `'${evil}`);
      expect(created?.[3]).toBe(`'${evil}`);
      const failed = all.find((row) => row[2] === 'session.login_failed' && row[5] === "'=1+2@evil.test");
      expect(failed?.[8]).toBe("'@SUM(1,2)");
      expect(JSON.stringify(all)).not.toContain('formula attempt');

      // With a filter, the file holds what the page shows.
      await choose(page, 'Action', 'client.create');
      await expect.poll(async () => new Set(await actionsShown(page))).toEqual(new Set(['client.create']));
      const filtered = await download();
      expect(filtered.length).toBeGreaterThan(0);
      expect(new Set(filtered.map((row) => row[2]))).toEqual(new Set(['client.create']));
    });
  }, 60_000);
});
