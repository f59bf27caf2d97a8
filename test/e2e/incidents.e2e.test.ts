// The incidents inbox in a real browser against the real server: a wave of reports of one phishing
// message (recorded by ReportRecorder as an intake does, grouped by the analysis job run by the real worker) is one
// row in a client's inbox; the analyst filters the list (the filters live in the URL and survive a
// reload), resolves another incident in bulk, opens the wave, sees its body rendered inert (the
// script in it does not run, its remote image is not fetched until "Load remote content"), and
// classifies it as phishing with "Reply to reporters" — each of the wave's reporters receives the
// client's phishing reply through its sending profile (a real SMTP server here, delivered by the
// real worker). The system administrator then finds it in
// All incidents with the client named on the row, and filters that list by client.
//
// The "remote" server is an https server on loopback with a self-signed certificate that Chromium
// accepts by its public key only (--ignore-certificate-errors-spki-list): the body's policy lets
// remote images load over https only, so that is what a remote image is. It records every request,
// which is how the test knows what the sandboxed frame fetched. No sleeps: locators and polls
// wait for what a person would see.
import { createHash, X509Certificate } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { wcagViolations } from '../helpers/axe.js';
import { launchBrowser } from '../helpers/browser.js';
import { apiSession, choose, signIn, withPage } from '../helpers/e2e.js';
import { eml, recordReport } from '../helpers/incidents.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const WAVE_SIZE = 12;
const ANALYST = { email: 'ann@mssp.test', password: 'a long enough passphrase', name: 'Ann Analyst' };

let server: TestServer;
let browser: Browser;
let worker: Worker;
let sink: SmtpSink;
let remote: { server: HttpsServer; origin: string; requests: string[] };
let contoso: string;
let fabrikam: string;

/** An https server on loopback that answers every request with a 1×1 GIF and remembers its path. */
async function startRemote(): Promise<typeof remote & { spki: string }> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 3600_000),
    notAfterDate: new Date(Date.now() + 24 * 3600_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const requests: string[] = [];
  const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==', 'base64');
  const https = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/gif' }).end(gif);
  });
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const der = new X509Certificate(pems.cert).publicKey.export({ type: 'spki', format: 'der' });
  return {
    server: https,
    origin: `https://127.0.0.1:${(https.address() as AddressInfo).port}`,
    requests,
    spki: createHash('sha256').update(der).digest('base64'),
  };
}

// Where the wave came from and what the receiving server thought of it.
const ORIGIN_HEADERS = [
  'Received: from mail.phish.example (mail.phish.example [203.0.113.7]) by mx.contoso.test with ESMTPS; Tue, 1 Dec 2026 09:00:00 +0000',
  'Authentication-Results: mx.contoso.test; spf=pass smtp.mailfrom=phish.example; dkim=fail header.d=phish.example; dmarc=fail header.from=phish.example',
];

/** One report per reporter, recorded as an intake does; the worker's analysis job groups them. */
async function report(clientId: string, message: Buffer, reporters: string[]): Promise<void> {
  for (const address of reporters) await recordReport(server, clientId, address, message);
}

beforeAll(async () => {
  const started = await startRemote();
  remote = started;
  server = await startTestServer();
  browser = await launchBrowser([`--ignore-certificate-errors-spki-list=${started.spki}`]);
  worker = await startWorker(server.app.container);

  const { call } = await apiSession(server);
  contoso = (await call('POST', '/clients', { name: 'Contoso Ltd' })).id;
  fabrikam = (await call('POST', '/clients', { name: 'Fabrikam' })).id;
  await call('POST', '/operators', { ...ANALYST, role: 'client_admin', clientIds: [contoso] });
  // Reporter feedback through the client's SMTP relay: what "Reply to reporters" sends with.
  sink = await startSmtpSink({ user: 'relay-user', pass: 'relay-password-123' });
  const profile = await call('POST', `/clients/${contoso}/sending-profiles`, {
    name: 'Relay',
    kind: 'smtp',
    fromAddress: 'security@contoso.test',
    smtp: {
      host: sink.host,
      port: sink.port,
      security: 'starttls',
      tlsVerify: false,
      username: 'relay-user',
      password: 'relay-password-123',
    },
    limits: { perMinute: 6000, perDay: 100_000, concurrency: 4 },
  });
  await call('PUT', `/clients/${contoso}/incident-feedback`, { enabled: true, profileId: profile.id });

  const wave = eml({
    from: 'IT Helpdesk <helpdesk@phish.example>',
    extraHeaders: ORIGIN_HEADERS,
    subject: 'Your mailbox is almost full',
    messageId: '<wave-1@phish.example>',
    text: 'Your mailbox is almost full. Verify your account at https://evil.example/login',
    html: [
      '<p id="lead">Your mailbox is almost full.</p>',
      `<script>new Image().src = '${remote.origin}/script-ran';</script>`,
      `<img src="x" onerror="new Image().src = '${remote.origin}/handler-ran'">`,
      `<img src="${remote.origin}/remote-image.gif" alt="logo">`,
      '<p><a href="https://evil.example/login">Verify your account</a></p>',
      `<form action="${remote.origin}/form"><input name="password"><button>Log in</button></form>`,
    ].join('\n'),
  });
  await report(
    contoso,
    wave,
    Array.from({ length: WAVE_SIZE }, (_, i) => `employee${i + 1}@contoso.test`),
  );
  const deals = eml({
    from: 'Deals <deals@shop.example>',
    subject: 'Weekly deals',
    messageId: '<deals-1@shop.example>',
    text: 'Cheap things.',
    html: '<p>Cheap things.</p>',
  });
  await report(contoso, deals, ['bob@contoso.test']);
  const invoice = eml({
    from: 'Billing <billing@vendor.example>',
    subject: 'Invoice overdue',
    messageId: '<invoice-1@vendor.example>',
    text: 'Pay now.',
    html: '<p>Pay now.</p>',
  });
  await report(fabrikam, invoice, ['ap@fabrikam.test', 'cfo@fabrikam.test']);

  // The worker analyses each report and groups it into its incident.
  const db = server.app.container.db.db;
  await vi.waitFor(
    async () => {
      const left = await db
        .selectFrom('reported_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('incident_id', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
    },
    { timeout: 30_000, interval: 100 },
  );
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await browser?.close();
  await server?.close();
  await sink?.close();
  await new Promise((r) => remote?.server.close(r));
});

/** Console errors of any kind (a failed request, a React warning) from now on, for the scenario to check. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}

/**
 * The incident's page, inbox and list, by axe-core (test/helpers/axe.ts), colour contrast included
 * now that the theme's colours pass it. The body's sandboxed frame is not entered (it is the
 * reported message, not the console).
 */
const consoleViolations = (page: Page) => wcagViolations(page, { iframes: false });

const rowsOf = (page: Page) => page.getByRole('table', { name: 'Incidents' }).locator('tbody tr');

describe('the incidents inbox', () => {
  it('lets an analyst triage a wave as one incident, its body inert, and classify it; every reporter receives the reply', async () => {
    await withPage(
      browser,
      'incidents-analyst',
      async (page) => {
        await page.goto(server.url);
        await signIn(page, ANALYST);
        // From here on (before signing in, GET /auth/me answers 401 by design).
        const errors = consoleErrors(page);
        await choose(page, 'Active client', 'Contoso Ltd');
        await page.waitForURL((url) => url.searchParams.has('client'));
        const nav = page.getByRole('navigation', { name: 'Main' });
        // A client administrator has no all-clients view.
        expect(await nav.getByRole('link', { name: 'All incidents' }).count()).toBe(0);
        await nav.getByRole('link', { name: 'Incidents', exact: true }).click();
        await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();

        // The wave of 12 reports is one row; the other message is another.
        const rows = rowsOf(page);
        await expect.poll(() => rows.count()).toBe(2);
        const waveRow = rows.filter({ hasText: 'Your mailbox is almost full' });
        await expect.poll(() => waveRow.getByRole('cell').nth(2).textContent()).toBe(String(WAVE_SIZE));
        expect(await waveRow.textContent()).toContain('helpdesk@phish.example');
        expect(await waveRow.textContent()).toContain('New');
        expect(await waveRow.textContent()).toContain('Unclassified');

        expect(await consoleViolations(page)).toEqual([]);

        // Bulk: the newsletter is resolved after a confirmation.
        await page.getByRole('checkbox', { name: 'Select “Weekly deals”' }).check();
        await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Resolve' }).click();
        const confirm = page.getByRole('dialog', { name: 'Resolve incidents' });
        await confirm.getByRole('button', { name: 'Resolve 1 incident' }).click();
        await confirm.waitFor({ state: 'hidden' });
        await rows.filter({ hasText: 'Weekly deals' }).getByText('Resolved').waitFor();

        // Sort: newest report first by default (the newsletter came last), most reported on request.
        const firstSubject = () => rows.first().getByRole('link').textContent();
        expect(await firstSubject()).toBe('Weekly deals');
        await choose(page, 'Sort', 'Most reported first');
        await page.waitForURL((url) => url.searchParams.get('sort') === 'report_count');
        await expect.poll(firstSubject).toBe('Your mailbox is almost full');

        // Filters, each written to the URL: sender domain and reporter (typed, debounced), dates.
        const only = async (param: string, value: string, subjects: string[]) => {
          await page.waitForURL((url) => url.searchParams.get(param) === value);
          await expect.poll(() => rows.getByRole('link').allTextContents()).toEqual(subjects);
        };
        await page.getByRole('textbox', { name: 'Sender domain' }).fill('phish.example');
        await only('domain', 'phish.example', ['Your mailbox is almost full']);
        await page.getByRole('textbox', { name: 'Sender domain' }).fill('');
        await page.getByRole('textbox', { name: 'Reporter', exact: true }).fill('bob@contoso.test');
        await only('reporter', 'bob@contoso.test', ['Weekly deals']);
        await page.getByRole('textbox', { name: 'Reporter', exact: true }).fill('');
        const yesterday = new Date(Date.now() - 86_400_000);
        const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
        await page.getByLabel('Reported to').fill(day);
        await page.waitForURL((url) => url.searchParams.get('to') === day);
        await page.getByText('No incident matches these filters.').waitFor();
        await page.getByRole('button', { name: 'Clear filters' }).click();
        await page.waitForURL((url) => !url.searchParams.has('to') && !url.searchParams.has('reporter'));
        await expect.poll(() => rows.count()).toBe(2);
        await choose(page, 'Status', 'New');
        await page.waitForURL((url) => url.searchParams.get('status') === 'new');
        await page.keyboard.press('Escape');
        await expect.poll(() => rows.count()).toBe(1);
        // A reload (or a shared link) shows the same view.
        await page.reload();
        await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
        await expect.poll(() => rows.count()).toBe(1);
        expect(await rows.first().textContent()).toContain('Your mailbox is almost full');

        // The incident's page.
        await page.getByRole('link', { name: 'Your mailbox is almost full' }).click();
        await page.getByRole('heading', { name: 'Your mailbox is almost full', level: 1 }).waitFor();
        await page.getByText('SPF: pass').waitFor();
        await page.getByText('DKIM: fail').waitFor();
        await page.getByText('DMARC: fail').waitFor();
        // The link is shown defanged, as text: nothing on the page links to it.
        await page
          .getByRole('table', { name: 'Links' })
          .getByRole('row', { name: /Verify your account/ })
          .getByText('hxxps://evil[.]example/login')
          .waitFor();
        expect(await page.locator('a[href*="evil.example"]').count()).toBe(0);
        const reporters = page.getByRole('table', { name: 'Reporters' });
        await expect.poll(() => reporters.locator('tbody tr').count()).toBe(WAVE_SIZE);

        // The wave is one line of the timeline, not twelve.
        await page.getByText(`Reported by employee1@contoso.test and ${WAVE_SIZE - 1} others`).waitFor();

        // The body: sandboxed (no scripts, no same origin), its text there, nothing fetched.
        const frameElement = page.locator('iframe[title="Message body, rendered"]');
        expect(await frameElement.getAttribute('sandbox')).toBe('');
        const frame = page.frameLocator('iframe[title="Message body, rendered"]');
        await frame.getByText('Your mailbox is almost full.').waitFor();
        await frame.getByText('Verify your account').waitFor();
        expect(await frame.locator('script, form, input, [onerror]').count()).toBe(0);
        expect(await frame.locator('a[href]').count()).toBe(0);
        expect(remote.requests).toEqual([]);

        // Remote content on request: the image is fetched now, and still nothing of the script.
        await page.getByRole('switch', { name: 'Load remote content' }).check();
        await expect.poll(() => remote.requests).toContain('/remote-image.gif');
        await frame.getByText('Your mailbox is almost full.').waitFor();
        expect(remote.requests.filter((r) => r !== '/remote-image.gif')).toEqual([]);

        // The text view.
        await page.getByRole('tab', { name: 'Text' }).click();
        await page
          .frameLocator('iframe[title="Message body, text"]')
          .getByText('Verify your account at https://evil.example/login')
          .waitFor();

        expect(await consoleViolations(page)).toEqual([]);

        // Classify as phishing, replying to every reporter.
        await page.getByRole('radio', { name: 'Phishing' }).check();
        await page.getByRole('checkbox', { name: 'Reply to reporters' }).check();
        const patch = page.waitForRequest((req) => req.method() === 'PATCH' && req.url().includes('/incidents/'));
        await page.getByRole('button', { name: 'Classify' }).click();
        expect((await patch).postDataJSON()).toEqual({ verdict: 'phishing', reply: true });
        await page.getByText(`Classified as phishing by ${ANALYST.name}`).waitFor();
        await page.getByText(`Replied to ${WAVE_SIZE} reporters`).waitFor();
        // …and every reporter of the wave receives the phishing reply, once, through the relay.
        await vi.waitFor(() => expect(sink.received.length).toBe(WAVE_SIZE), { timeout: 30_000, interval: 100 });
        expect(sink.received.map((m) => m.envelope.to.join()).sort()).toEqual(
          Array.from({ length: WAVE_SIZE }, (_, i) => `employee${i + 1}@contoso.test`).sort(),
        );
        for (const m of sink.received) {
          expect(m.parsed.subject).toBe('Thank you — the message you reported was phishing');
          expect(m.parsed.text).toContain('Your mailbox is almost full');
        }
        // Opening the incident was recorded (the answer to the opening itself came before it).
        await page.getByText(`Viewed by ${ANALYST.name}`).waitFor();
        await page.getByRole('region', { name: 'Summary' }).getByText('Phishing').waitFor();

        // A note.
        await page.getByRole('textbox', { name: 'Add a note' }).fill('Blocked phish.example at the gateway.');
        await page.getByRole('button', { name: 'Add note' }).click();
        await page.getByText('Blocked phish.example at the gateway.').waitFor();

        // Assign it to herself (a client administrator is offered the client's administrators).
        await choose(page.getByRole('region', { name: 'Triage' }), 'Assignee', ANALYST.name);
        await page.getByText(`Assigned to ${ANALYST.name} by ${ANALYST.name}`).waitFor();

        expect(remote.requests.filter((r) => r !== '/remote-image.gif')).toEqual([]);
        expect(errors).toEqual([]);
      },
      { csp: true },
    );
  }, 90_000);

  it('shows the system administrator every client’s incidents, the client named on each row', async () => {
    await withPage(
      browser,
      'incidents-all-clients',
      async (page) => {
        const { call } = await apiSession(server);
        await page.goto(`${server.url}/incidents/all`);
        await signIn(page, server.admin, 'All incidents');
        const errors = consoleErrors(page);
        const rows = rowsOf(page);
        await expect.poll(() => rows.count()).toBe(3);
        const wave = rows.filter({ hasText: 'Your mailbox is almost full' });
        expect(await wave.textContent()).toContain('Contoso Ltd');
        expect(await wave.textContent()).toContain('Phishing');
        expect(await rows.filter({ hasText: 'Invoice overdue' }).textContent()).toContain('Fabrikam');

        expect(await consoleViolations(page)).toEqual([]);
        await choose(page.getByRole('search', { name: 'Filter incidents' }), 'Client', 'Fabrikam');
        await page.waitForURL((url) => url.searchParams.get('inClient') === fabrikam);
        await expect.poll(() => rows.count()).toBe(1);
        expect(await rows.first().textContent()).toContain('Invoice overdue');

        // A bulk action that fails changes nothing and says why in plain words: Fabrikam is
        // archived (read-only) meanwhile.
        await call('PATCH', `/clients/${fabrikam}`, { archived: true });
        await page.getByRole('checkbox', { name: 'Select “Invoice overdue”' }).check();
        await page.getByRole('toolbar', { name: 'Bulk actions' }).getByRole('button', { name: 'Classify…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Classify incidents' });
        await choose(dialog, 'Verdict', 'Spam');
        await dialog.getByRole('checkbox', { name: 'Reply to reporters' }).check();
        const bulk = page.waitForRequest(
          (req) => req.method() === 'POST' && req.url().endsWith('/api/v1/incidents/bulk'),
        );
        await dialog.getByRole('button', { name: 'Classify 1 incident' }).click();
        expect((await bulk).postDataJSON()).toEqual({
          ids: [expect.any(String)],
          action: 'classify',
          verdict: 'spam',
          reply: true,
        });
        await dialog.getByRole('alert').getByText('This client is archived and read-only', { exact: false }).waitFor();
        await dialog.getByRole('button', { name: 'Cancel' }).click();
        await dialog.waitFor({ state: 'hidden' });
        expect(await rows.first().textContent()).toContain('Unclassified');
        // The refused request is the one error the browser reported.
        expect(errors.splice(0)).toEqual([expect.stringContaining('status of 409')]);

        // Its page opens in its client.
        await page.getByRole('link', { name: 'Invoice overdue' }).click();
        await page.getByRole('heading', { name: 'Invoice overdue', level: 1 }).waitFor();
        expect(new URL(page.url()).searchParams.get('client')).toBe(fabrikam);

        // The retention of raw messages is set on the client's page.
        await page.goto(`${server.url}/clients/${contoso}`);
        const days = page.getByRole('textbox', { name: 'Keep raw messages for (days)' });
        await expect.poll(() => days.inputValue()).toBe('90');
        await days.fill('30');
        await page.getByRole('button', { name: 'Save retention' }).click();
        await page.getByText('Raw reported messages are kept 30 days.').waitFor();
        await page.reload();
        await expect.poll(() => days.inputValue()).toBe('30');
        expect(errors).toEqual([]);
      },
      { csp: true },
    );
  }, 60_000);
});
