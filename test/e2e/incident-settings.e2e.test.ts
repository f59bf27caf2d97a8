// Settings → Webhooks and Settings → Reporter feedback in a real browser against the real server:
// a webhook is added and its secret read off the page (shown once), a test ping reaches a receiver
// on loopback signed with that secret, and the delivery log shows it; the reporter feedback is
// enabled with a profile and a changed template, previewed and saved.
//
// Synchronisation relies on locators, which wait for the element; no sleeps.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { type Api, apiSession, choose, openFromNav, signIn, withPage } from '../helpers/e2e.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
let call: Api;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
const CLIENT = 'Webhook Corp';
let clientId: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/siem`;
  // The receiver is on loopback over http: this installation allows both.
  server = await startTestServer({ BAITWISE_ALLOW_HTTP_WEBHOOKS: 'true', BAITWISE_ALLOW_PRIVATE_WEBHOOKS: 'true' });
  browser = await launchBrowser();
  ({ call } = await apiSession(server));
  clientId = (await call('POST', '/clients', { name: CLIENT })).id;
  // A relay nothing is sent through here: the feedback only needs a profile to choose.
  await call('POST', `/clients/${clientId}/sending-profiles`, {
    name: 'Security relay',
    kind: 'smtp',
    fromAddress: 'security@webhook.example',
    smtp: { host: 'relay.test', port: 25, security: 'none' },
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await new Promise((r) => receiver?.close(r));
});

const inPage = (name: string, scenario: (page: Page) => Promise<void>) =>
  withPage(browser, `incident-settings-e2e-${name}`, scenario, {
    viewport: { width: 1440, height: 900 },
    timeout: 15_000,
  });

async function open(page: Page, link: string): Promise<void> {
  await page.goto(server.url);
  await signIn(page, server.admin);
  await choose(page, 'Active client', CLIENT);
  await page.waitForURL((url) => url.searchParams.has('client'));
  await openFromNav(page, 'Settings', link, link);
}

describe('Settings → Webhooks', () => {
  it('adds a webhook, shows its secret once, and sends a signed test', async () => {
    await inPage('webhook', async (page) => {
      await open(page, 'Webhooks');
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const form = page.getByRole('dialog', { name: 'Add a webhook' });
      await form.getByRole('textbox', { name: 'Name' }).fill('Sentinel');
      await form.getByRole('textbox', { name: 'URL' }).fill(receiverUrl);
      await form.getByRole('button', { name: 'Add webhook' }).click();

      const shown = page.getByRole('dialog', { name: 'The webhook’s signing secret' });
      const secret = (await shown.getByLabel('Webhook signing secret').textContent())?.trim() ?? '';
      expect(secret).toMatch(/^whsec_/);
      await shown.getByRole('button', { name: 'I have stored it' }).click();
      await expect.poll(() => shown.isVisible()).toBe(false);

      await page.getByRole('button', { name: 'Actions for Sentinel' }).click();
      await page.getByRole('menuitem', { name: 'Send a test' }).click();
      await page.getByText('Sentinel answered the test with HTTP 204.').waitFor();
      expect(received).toHaveLength(1);
      const ping = received[0] as (typeof received)[number];
      expect(ping.headers['baitwise-event']).toBe('ping');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(ping.headers['baitwise-signature'])) ?? [];
      expect(createHmac('sha256', secret).update(`${t}.${ping.body}`).digest('hex')).toBe(v1);

      await page.getByRole('button', { name: 'Actions for Sentinel' }).click();
      await page.getByRole('menuitem', { name: 'Deliveries' }).click();
      const log = page.getByRole('dialog', { name: 'Deliveries of Sentinel' });
      await log.getByRole('cell', { name: /ping/ }).waitFor();
      await log.getByText('HTTP 204').waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => log.isVisible()).toBe(false);

      // Once closed, the secret is nowhere: not on the page after a reload, not from the API.
      await page.reload();
      await page.getByText('Sentinel', { exact: true }).waitFor();
      expect(await page.content()).not.toContain(secret);
      expect(JSON.stringify(await call('GET', `/clients/${clientId}/webhooks`))).not.toContain(secret);
    });
  }, 90_000);
});

describe('Settings → Reporter feedback', () => {
  it('enables replies through a profile with a changed template, previewed', async () => {
    await inPage('feedback', async (page) => {
      await open(page, 'Reporter feedback');
      await page.getByRole('switch', { name: /Reply to reporters/ }).check();
      await choose(page, 'Sending profile', 'Security relay');
      await page.getByRole('tab', { name: 'Safe' }).click();
      const panel = page.getByRole('tabpanel', { name: 'Safe' });
      await panel.getByRole('textbox', { name: 'Subject' }).fill('All clear: {{ report.subject }}');
      await panel.getByRole('button', { name: 'Preview' }).click();
      await panel.getByText('All clear: Your mailbox is almost full').waitFor();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Reporter feedback saved.').waitFor();
    });
    const saved = await call<{ enabled: boolean; customized: string[]; templates: { clean: { subject: string } } }>(
      'GET',
      `/clients/${clientId}/incident-feedback`,
    );
    expect(saved).toMatchObject({ enabled: true, customized: ['clean'] });
    expect(saved.templates.clean.subject).toBe('All clear: {{ report.subject }}');
  }, 90_000);
});
