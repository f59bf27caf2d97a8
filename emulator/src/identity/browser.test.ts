// The sign-in pages in a real Chromium: what an admin or employee of a customer sees when
// Baitwise sends them to "Microsoft". The redirect URI is intercepted, so no app server is needed.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../../test/helpers/browser.js';
import { authorizeUrl, control, setupTenant } from './fixtures.js';
import { type Harness, startHarness } from './harness.js';

let h: Harness;
let browser: Browser;
let app: Server; // stands in for Baitwise's callback endpoint
let callback: string;

beforeAll(async () => {
  app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>callback reached</p>'));
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  callback = `http://127.0.0.1:${(app.address() as AddressInfo).port}/auth/callback`;
  [h, browser] = await Promise.all([startHarness(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  await new Promise((r) => app?.close(r));
});

const tenant = (name: string, seed: string) => setupTenant(h, name, seed, callback);

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, upn: string, password: string) {
  await page.fill('input[name=loginfmt]', upn);
  await page.click('#idSIButton9');
  await page.getByRole('heading', { name: 'Enter password' }).waitFor();
  await page.fill('input[name=passwd]', password);
  await page.click('#idSIButton9');
}

describe('emulated Microsoft sign-in in Chromium', () => {
  it('admin: sign in → consent for the organization → redirect with code', async () => {
    const f = await tenant('BrowserAdmin', 'ba');
    const { context, page } = await newPage();
    await page.goto(authorizeUrl(h, f));
    await signIn(page, f.admin.userPrincipalName, f.admin.password);
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    await page.getByText("Read all users' full profiles").waitFor();
    await page.check('#consentForOrg');
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((u) => u.href.startsWith(f.redirectUri));
    const url = new URL(page.url());
    expect(url.searchParams.get('code')).toMatch(/^1\.A/);
    expect(url.searchParams.get('state')).toBe('st-1');
    await context.close();
  });

  it('non-admin asking for admin-only permissions sees "Need admin approval"', async () => {
    const f = await tenant('BrowserUser', 'bu');
    const { context, page } = await newPage();
    await page.goto(authorizeUrl(h, f));
    await signIn(page, f.user.userPrincipalName, f.user.password);
    await page.getByRole('heading', { name: 'Need admin approval' }).waitFor();
    expect(await page.textContent('#error-line')).toMatch(/^AADSTS90094:/);
    await page.click('#returnToApp');
    await page.waitForURL((u) => u.href.startsWith(f.redirectUri));
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
    await context.close();
  });

  it('admin-consent workflow: request approval → reviewer approves → user signs in and gets a code', async () => {
    const f = await tenant('BrowserWorkflow', 'bw');
    await control(h, 'PUT', `/tenants/${f.tid}/admin-consent-workflow`, { enabled: true, reviewerIds: [f.admin.id] });
    const { context, page } = await newPage();
    await page.goto(authorizeUrl(h, f));
    await signIn(page, f.user.userPrincipalName, f.user.password);
    await page.getByRole('heading', { name: 'Approval required' }).waitFor();
    await page.fill('#justification', 'Needed for the security awareness programme');
    await page.click('#requestApproval');
    await page.getByRole('heading', { name: 'Request sent' }).waitFor();

    const reviewer = await browser.newContext();
    const review = await reviewer.newPage();
    await review.goto(`${h.urls.control}/consent-requests`);
    const row = review.locator('tr', { hasText: f.user.userPrincipalName });
    await row.getByRole('button', { name: 'Approve' }).click();
    await review.locator('tr', { hasText: f.user.userPrincipalName }).getByText('approved').waitFor();
    await reviewer.close();

    // The user's session is still there: going back to the app signs in silently.
    await page.goto(authorizeUrl(h, f, { state: 'after-approval' }));
    await page.waitForURL((u) => u.href.startsWith(f.redirectUri));
    const url = new URL(page.url());
    expect(url.searchParams.get('code')).toMatch(/^1\.A/);
    expect(url.searchParams.get('state')).toBe('after-approval');
    await context.close();
  });
});
