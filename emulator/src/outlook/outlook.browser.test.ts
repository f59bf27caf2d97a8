// The emulated Outlook in Chromium, with a small add-in served from another loopback origin that
// loads the emulator's office.js and the real MSAL.js (createNestablePublicClientApplication):
// both manifest variants report a message end to end — NAA token accepted by Graph, EML from
// getAsFileAsync, REST id from convertToRestId, moveItemTo applied, post-processing dialog shown.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureManifest } from './fixtures.js';
import { type OutlookKit, startOutlookKit } from './testkit.js';

const CHROMIUM = process.env.BAITWISE_CHROMIUM ?? '/usr/bin/chromium';
const MSAL = new URL('../../../node_modules/@azure/msal-browser/lib/msal-browser.min.js', import.meta.url);

interface Report {
  variant: string;
  token?: string;
  tokenError?: string;
  interactionRequired?: boolean;
  eml?: string;
  emlStatus: string;
  itemId: string;
  restId: string;
  email: string;
  naa: boolean;
  options?: boolean[];
  freeText?: string;
}

/** The add-in's pages: one function file handling both commands, and a task pane. */
function addinPages(officeJs: string, clientId: () => string): string {
  return `<!doctype html><html><head><script src="${officeJs}"></script><script src="/msal.js"></script></head><body><script>
async function report(variant, event, done) {
  const item = Office.context.mailbox.item;
  const out = { variant, itemId: item.itemId, email: Office.context.mailbox.userProfile.emailAddress,
    restId: Office.context.mailbox.convertToRestId(item.itemId, Office.MailboxEnums.RestVersion.v2_0),
    naa: Office.context.requirements.isSetSupported('NestedAppAuth', '1.1'), options: event.options, freeText: event.freeText };
  try {
    const pca = await msal.createNestablePublicClientApplication({ auth: { clientId: '${clientId()}' } });
    out.token = (await pca.acquireTokenSilent({ scopes: ['User.Read', 'Mail.ReadWrite'] })).accessToken;
  } catch (e) {
    out.tokenError = e.errorCode + ' ' + e.message;
    out.interactionRequired = e instanceof msal.InteractionRequiredAuthError;
  }
  item.getAsFileAsync({ asyncContext: event }, async (r) => {
    out.emlStatus = r.status; out.eml = r.value;
    await fetch('/report', { method: 'POST', body: JSON.stringify(out) });
    done(r.asyncContext);
  });
}
Office.onReady(() => {
  Office.actions.associate('onSpamReport', (event) => report('integrated', event, (ev) => ev.completed({
    moveItemTo: Office.MailboxEnums.MoveSpamItemTo.DeletedItemsFolder,
    showPostProcessingDialog: { title: 'Thanks', description: 'Your security team has the message.' } })));
  Office.actions.associate('reportMessage', (event) => report('classic', event, (ev) => {
    // what the task pane shows later: roaming settings outlive the function's frame
    Office.context.roamingSettings.set('lastReported', Office.context.mailbox.item.subject);
    Office.context.roamingSettings.saveAsync(() => {
      Office.context.mailbox.item.notificationMessages.addAsync('done', { type: 'informationalMessage', message: 'Reported to your security team', icon: 'Icon.16', persistent: false });
      ev.completed();
    });
  }));
});
</script></body></html>`;
}

describe('emulated Outlook in a browser', () => {
  let kit: OutlookKit;
  let browser: Browser;
  let addin: Server;
  let addinBase: string;
  let clientId = '';
  const reports: Report[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
    kit = await startOutlookKit();
    addin = createServer((req, res) => {
      if (req.url === '/msal.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(MSAL));
      } else if (req.url?.startsWith('/commands.html')) {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(addinPages(`${kit.base}/_outlook/office.js`, () => clientId));
      } else if (req.url?.startsWith('/taskpane.html')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(
          `<!doctype html><script src="${kit.base}/_outlook/office.js"></script><p id="s">loading</p><script>Office.onReady((info) => {
  const rs = Office.context.roamingSettings;
  let big = 'stored';
  try { rs.set('big', 'x'.repeat(40000)); } catch (e) { big = e.code; }
  document.getElementById('s').textContent = info.host + ': ' + Office.context.mailbox.item.subject + ' | last: ' + rs.get('lastReported') + ' | big: ' + big;
});</script>`,
        );
      } else if (req.url === '/standalone.html') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            `<!doctype html><script src="${kit.base}/_outlook/office.js"></script><p id="s">loading</p><script>Office.onReady((info) => { document.getElementById('s').textContent = JSON.stringify([info, typeof window.nestedAppAuthBridge]); });</script>`,
          );
      } else if (req.url === '/report' && req.method === 'POST') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          reports.push(JSON.parse(body) as Report);
          res.writeHead(204).end();
        });
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => addin.listen(0, '127.0.0.1', r));
    addinBase = `http://127.0.0.1:${(addin.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-dev-shm-usage',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => addin?.close(r));
    await kit?.close();
  });

  /** A tenant with the add-in's application (SPA brk-multihub redirect, admin consent), the add-in installed, a message in the inbox. */
  async function setUp(variant: 'classic' | 'integrated', consent = true) {
    const t = await kit.tenant();
    const appRes = await kit.control('POST', '/applications', {
      tenantId: t.id,
      redirectUris: [{ uri: `brk-multihub://${new URL(addinBase).host}`, type: 'spa' }],
      requiredScopes: ['User.Read', 'Mail.ReadWrite'],
    });
    clientId = ((await appRes.json()) as { clientId: string }).clientId;
    if (consent) {
      const scopes = ['User.Read', 'Mail.ReadWrite'];
      await kit.control('POST', '/grants', { tenantId: t.id, clientId, userId: null, scopes });
    }
    const manifestXml = fixtureManifest({ base: addinBase, variant, options: ['Phishing', 'Spam'], freeText: true });
    const install = await kit.control('POST', '/outlook/install', { tenant: t.domain, manifestXml });
    expect(install.status).toBe(201);
    const subject = `Urgent invoice ${variant}`;
    const sent = await kit.control('POST', `/mailboxes/${t.user.userPrincipalName}/messages`, {
      from: { name: 'Mallory', address: 'mallory@evil.example' },
      subject,
      text: 'Pay now.',
    });
    const message = (await sent.json()) as { id: string; restId: string; ewsId: string };
    const page = await browser.newPage();
    const { url } = (await (
      await kit.control('POST', '/outlook/sign-in', { userPrincipalName: t.user.userPrincipalName })
    ).json()) as {
      url: string;
    };
    await page.goto(url);
    await page.getByTestId('message').filter({ hasText: subject }).click();
    await expect.poll(() => page.getByTestId('item-subject').textContent()).toBe(subject);
    return { t, page, message, subject };
  }

  const folderOf = async (upn: string, id: string) => {
    const list = (await (await kit.control('GET', `/mailboxes/${upn}/messages`)).json()) as {
      value: { id: string; folder: string }[];
    };
    return list.value.find((m) => m.id === id)?.folder;
  };

  async function checkReport(r: Report, message: { restId: string; ewsId: string }, subject: string, upn: string) {
    expect(r.tokenError).toBeUndefined();
    expect(r.naa).toBe(true);
    expect(r.itemId).toBe(message.ewsId);
    expect(r.restId).toBe(message.restId);
    expect(r.email).toBe(upn);
    expect(r.emlStatus).toBe('succeeded');
    expect(Buffer.from(r.eml ?? '', 'base64').toString()).toContain(`Subject: ${subject}`);
    const me = await fetch(`${kit.emu.urls.graph}/v1.0/me`, { headers: { authorization: `Bearer ${r.token}` } });
    expect(((await me.json()) as { userPrincipalName: string }).userPrincipalName).toBe(upn);
  }

  it('integrated spam reporting: pre-processing dialog, NAA token, EML, moveItemTo, post-processing dialog', async () => {
    const { t, page, message, subject } = await setUp('integrated');
    await page.getByTestId('report-button').click();
    const dialog = page.getByTestId('preprocessing-dialog');
    await expect.poll(() => dialog.textContent()).toContain('Why are you reporting this message?');
    await page.getByTestId('report-option-0').check();
    await page.getByTestId('report-free-text').fill('Asked me to pay');
    await page.getByTestId('report-submit').click();
    await expect.poll(() => page.getByTestId('postprocessing-title').textContent(), { timeout: 15_000 }).toBe('Thanks');
    expect(await page.getByTestId('postprocessing-description').textContent()).toBe(
      'Your security team has the message.',
    );
    const r = reports.find((x) => x.variant === 'integrated')!;
    await checkReport(r, message, subject, t.user.userPrincipalName);
    expect(r.options).toEqual([true, false]);
    expect(r.freeText).toBe('Asked me to pay');
    expect(await folderOf(t.user.userPrincipalName, message.id)).toBe('deleteditems');
    await page.getByTestId('postprocessing-ok').click();
    await expect.poll(() => page.getByTestId('message').count()).toBe(0);
    await page.close();
  }, 60_000);

  it('classic read-surface button: function file runs, notification shown; the task pane gets the item and the roaming settings', async () => {
    const { t, page, message, subject } = await setUp('classic');
    await page.getByTestId('addin-button').filter({ hasText: 'Report phishing' }).click();
    await expect
      .poll(() => page.getByTestId('notification').textContent(), { timeout: 15_000 })
      .toBe('Reported to your security team');
    await checkReport(reports.find((x) => x.variant === 'classic')!, message, subject, t.user.userPrincipalName);
    // a function command does not move the message itself: the add-in's server does that through Graph
    expect(await folderOf(t.user.userPrincipalName, message.id)).toBe('inbox');
    await expect.poll(() => page.getByTestId('function-frame').count()).toBe(0);
    await page.getByTestId('addin-button').filter({ hasText: 'Report status' }).click();
    const pane = page.frameLocator('[data-testid="taskpane-frame"]');
    // The function's roamingSettings.saveAsync reached the mailbox: the pane starts from it; a
    // setting past Exchange's 32 KB is refused with office.js error 9057.
    const paneText = `Outlook: ${subject} | last: ${subject} | big: 9057`;
    await expect.poll(() => pane.locator('#s').textContent(), { timeout: 15_000 }).toBe(paneText);
    // …and still there in a new Outlook page (kept per user and add-in, not in the page)
    await page.reload();
    await page.getByTestId('message').filter({ hasText: subject }).click();
    await page.getByTestId('addin-button').filter({ hasText: 'Report status' }).click();
    await expect.poll(() => pane.locator('#s').textContent(), { timeout: 15_000 }).toBe(paneText);
    // without an integrated add-in, Outlook's own Report button moves the message to Junk Email
    await page.getByTestId('report-button').click();
    await expect.poll(() => folderOf(t.user.userPrincipalName, message.id)).toBe('junkemail');
    await page.close();
  }, 60_000);

  it('without admin consent MSAL raises InteractionRequiredAuthError consent_required (AADSTS65001)', async () => {
    const { page, subject } = await setUp('integrated', false);
    await page.getByTestId('report-button').click();
    await page.getByTestId('report-submit').click();
    await expect.poll(() => page.getByTestId('postprocessing-title').textContent(), { timeout: 15_000 }).toBe('Thanks');
    const r = reports.filter((x) => x.variant === 'integrated').at(-1)!;
    expect(Buffer.from(r.eml ?? '', 'base64').toString()).toContain(`Subject: ${subject}`);
    expect(r.token).toBeUndefined();
    expect(r.interactionRequired).toBe(true);
    expect(r.tokenError).toMatch(/^consent_required consent_required: AADSTS65001: /);
    await page.close();
  }, 60_000);

  it('office.js outside Outlook: onReady resolves with host null and no NAA bridge', async () => {
    const page = await browser.newPage();
    await page.goto(`${addinBase}/standalone.html`);
    await expect.poll(() => page.locator('#s').textContent()).toBe('[{"host":null,"platform":null},"undefined"]');
    await page.close();
  }, 60_000);

  it('shows why a manifest cannot be installed', async () => {
    const t = await kit.tenant();
    const page: Page = await browser.newPage();
    const { url } = (await (
      await kit.control('POST', '/outlook/sign-in', { userPrincipalName: t.user.userPrincipalName })
    ).json()) as {
      url: string;
    };
    await page.goto(url);
    await page.goto(`${kit.base}/_outlook/addins`);
    const bad = fixtureManifest({ base: 'http://addin.example', variant: 'classic' });
    await page.getByTestId('manifest-xml').fill(bad);
    await page.getByTestId('install').click();
    await expect
      .poll(() => page.getByTestId('install-errors').textContent())
      .toMatch(/IconUrl 'http:\/\/addin.example\/icon-64.png' must use https/);
    await page.close();
  }, 60_000);
});
