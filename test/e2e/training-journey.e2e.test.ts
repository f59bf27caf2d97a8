// The whole training journey as people do it (issue #11, "Proof"), in one browser against the real
// server, its job worker and the Microsoft 365 emulator:
//   people imported from Entra (a directory import through the emulator's Graph) → a sending
//   profile relaying to a real SMTP server → two campaigns created and launched in the console, one
//   with a built-in course and one with an uploaded SCORM package → the invitations arrive at the
//   SMTP server → a learner opens the link from the mail, reads the course and passes the quiz;
//   another completes the package → each campaign page shows the completion in its numbers and
//   charts → the reminder schedule, run when reminders are due, mails only those who have not
//   completed.
// Console and learner pages are watched for CSP violations and page errors throughout.
//
// Synchronisation: locators wait for elements; mail arrival and the import are polled
// (expect.poll); the reminders become due by moving the process's clock (Date only), no sleeps.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { launchBrowser } from '../helpers/browser.js';
import { openFromNav } from '../helpers/e2e.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { manifest12, zip } from '../helpers/scorm.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type ReceivedMessage, type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const RELAY = { user: 'relay-user', pass: 'relay-password-journey' };
const DAY = 86_400_000;

let emu: TestEmulator;
let sink: SmtpSink;
let server: TestServer;
let browser: Browser;
let worker: Worker;

beforeAll(async () => {
  emu = await startTestEmulator();
  sink = await startSmtpSink(RELAY);
  server = await startTestServer(emu.env);
  browser = await launchBrowser();
  // The job runner `baitwise serve` starts beside the HTTP server (directory sync runs, mail
  // dispatch). Its schedules are run by the test, by name, when their moment has come.
  worker = await startWorker({ ...server.app.container, schedules: [] });
}, 60_000);

afterAll(async () => {
  vi.useRealTimers();
  await worker?.stop();
  await browser?.close();
  await server?.close();
  await sink?.close();
  await emu?.close();
});

/** The system administrator's API session, for the set-up the browser part does not cover. */
async function adminApi() {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.admin.email, password: server.admin.password }),
  });
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  return async <T = { id: string }>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> => {
    const res = await fetch(`${server.url}${path.startsWith('/api') ? '' : '/api/v1'}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

/** Page errors and CSP violations (the browser's own report, in every frame) of a page. */
async function watched(context: BrowserContext, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
  });
  return page;
}

async function newContext(problems: string[], options: Parameters<Browser['newContext']>[0] = {}) {
  const context = await browser.newContext(options);
  await context.exposeFunction('__reportViolation', (v: string) => problems.push(`CSP: ${v}`));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportViolation?: (v: string) => void }).__reportViolation?.(
        `${location.pathname} ${e.effectiveDirective} ${e.blockedURI}`,
      );
    });
  });
  return context;
}

async function choose(scope: Page | ReturnType<Page['getByRole']>, label: string, option: string): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  const page = 'page' in scope ? scope.page() : scope;
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** The learner link in a received mail (HTML part, else text). */
function linkIn(m: ReceivedMessage): string {
  const body = `${m.parsed.html || ''}\n${m.parsed.text ?? ''}`;
  const found = body.match(new RegExp(`${server.url.replace(/[.:/]/g, '\\$&')}/learn/[A-Za-z0-9_-]+`));
  if (!found) throw new Error(`no learner link in "${m.parsed.subject}": ${body.slice(0, 500)}`);
  return found[0];
}

const to = (m: ReceivedMessage) => (m.envelope.to[0] ?? '').toLowerCase();

/** A SCORM 1.2 package whose lesson the learner finishes with a button (the run-time records it). */
const journeyPackage = () =>
  zip([
    { name: 'imsmanifest.xml', data: manifest12({ title: 'Safe browsing (SCORM)' }) },
    {
      name: 'index.html',
      data: `<!doctype html><html lang="en"><head><title>Safe browsing</title></head><body>
        <h1>Safe browsing</h1><p>Look at the address before you sign in.</p>
        <button id="finish" type="button">Finish the lesson</button><p id="state">in progress</p>
        <script>
          var api = window.API;
          api.LMSInitialize('');
          api.LMSSetValue('cmi.core.lesson_status', 'incomplete');
          api.LMSCommit('');
          document.getElementById('finish').addEventListener('click', function () {
            api.LMSSetValue('cmi.core.score.raw', '85');
            api.LMSSetValue('cmi.core.lesson_status', 'passed');
            api.LMSCommit('');
            api.LMSFinish('');
            document.getElementById('state').textContent = 'finished';
          });
        </script></body></html>`,
    },
  ]);

describe('the training journey', () => {
  it('Entra import → campaigns from the console → invitation mail → learners complete → results → reminders only to the rest', async () => {
    const call = await adminApi();
    const problems: string[] = [];

    // --- People from Entra: a group of three in the emulated tenant, imported through Graph.
    const client = await call('POST', '/clients', { name: 'Fabrikam' });
    const tenant = await emu.tenantWithApp(`${server.url}/api/v1/azure-apps/callback`, {
      users: 12,
      name: 'Fabrikam',
    });
    const users = (
      await emu.control<{ value: { id: string; mail: string | null; accountEnabled: boolean; userType?: string }[] }>(
        'GET',
        `/tenants/${tenant.tenantId}/users?top=100`,
      )
    ).value.filter((u) => u.accountEnabled && u.mail && u.userType !== 'Guest');
    const people = users.slice(2, 5) as { id: string; mail: string }[];
    expect(people).toHaveLength(3);
    const entraGroup = await emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Awareness Pilot',
      memberUserIds: people.map((p) => p.id),
    });
    const azureApp = await call('POST', `/clients/${client.id}/azure-apps`, {
      name: 'Fabrikam tenant',
      azureClientId: tenant.clientId,
      clientSecret: tenant.clientSecret,
      tenant: tenant.tenantId,
    });
    const { url } = await call<{ url: string }>('POST', `/clients/${client.id}/azure-apps/${azureApp.id}/authorize`, {
      adminConsent: false,
    });
    const step = await new FormBrowser(emu.emu.urls.authority).signIn(url, {
      username: tenant.admin.userPrincipalName,
      password: tenant.admin.password,
      consent: 'accept-org',
    });
    const cb = new URL(step.location ?? '');
    await call('GET', `${cb.pathname}${cb.search}`);
    const imported = await call<{ id: string; lastRun: { id: string } }>(
      'POST',
      `/clients/${client.id}/directory-imports`,
      {
        name: 'Pilot',
        azureAppId: azureApp.id,
        newGroupName: 'Pilot learners',
        source: 'groups',
        entraGroups: [{ id: entraGroup.id, displayName: 'Awareness Pilot' }],
      },
    );
    await expect
      .poll(
        async () =>
          (
            await call<{ status: string; added: number }>(
              'GET',
              `/clients/${client.id}/directory-imports/${imported.id}/runs/${imported.lastRun.id}`,
            )
          ).status,
        { timeout: 30_000, interval: 100 },
      )
      .toBe('succeeded');
    const emails = people.map((p) => p.mail.toLowerCase()).sort();

    // --- A sending profile relaying to the SMTP server; a SCORM package uploaded to the library.
    await call('POST', `/clients/${client.id}/sending-profiles`, {
      name: 'Fabrikam relay',
      kind: 'smtp',
      fromAddress: 'awareness@fabrikam.example',
      smtp: {
        host: sink.host,
        port: sink.port,
        security: 'starttls',
        tlsVerify: false,
        username: RELAY.user,
        password: RELAY.pass,
      },
    });
    const pkg = await call<{ id: string; title: string }>(
      'POST',
      `/clients/${client.id}/training/packages`,
      await journeyPackage(),
      'application/zip',
    );
    expect(pkg.title).toBe('Safe browsing (SCORM)');

    // --- The console: both campaigns created with the form and launched from their pages.
    const consoleContext = await newContext(problems, { viewport: { width: 1280, height: 900 } });
    const admin = await watched(consoleContext, problems);
    const learnerContext = await newContext(problems, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    try {
      await admin.goto(server.url);
      await admin.getByRole('textbox', { name: 'Email' }).fill(server.admin.email);
      await admin.getByRole('textbox', { name: 'Password' }).fill(server.admin.password);
      await admin.getByRole('button', { name: 'Sign in' }).click();
      await admin.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await choose(admin, 'Active client', 'Fabrikam');
      await admin.waitForURL((u) => u.searchParams.has('client'));
      await openFromNav(admin, 'Training', 'Campaigns', 'Training campaigns');

      const createAndLaunch = async (name: string, contentTitle: string) => {
        await admin.getByRole('button', { name: 'New campaign' }).click();
        const dialog = admin.getByRole('dialog', { name: 'New training campaign' });
        await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
        await choose(dialog, 'Training content', contentTitle);
        await choose(dialog, 'Sending profile', 'Fabrikam relay');
        await choose(dialog, 'Groups', 'Pilot learners');
        await admin.keyboard.press('Escape'); // closes the groups dropdown, not the dialog
        await dialog.getByRole('button', { name: 'Create draft' }).click();
        await admin.getByRole('heading', { name, level: 1 }).waitFor();
        await admin.getByRole('button', { name: 'Launch now' }).click();
        await admin
          .getByRole('dialog', { name: 'Launch the campaign' })
          .getByRole('button', { name: 'Launch' })
          .click();
        for (const email of emails)
          await admin.getByRole('table', { name: 'Learners' }).getByRole('row').filter({ hasText: email }).waitFor();
        const campaignUrl = admin.url();
        await admin.getByRole('link', { name: '← Training campaigns' }).click();
        await admin.getByRole('heading', { name: 'Training campaigns', level: 1 }).waitFor();
        return campaignUrl;
      };
      const builtinUrl = await createAndLaunch('Spot the phish', 'Recognising phishing');
      const scormUrl = await createAndLaunch('Safe browsing', pkg.title);

      // --- The invitations arrive at the SMTP server, one per learner and campaign.
      const invitations = () =>
        sink.received.filter((m) => /^Your security awareness training/.test(m.parsed.subject ?? ''));
      await expect.poll(() => invitations().length, { timeout: 30_000, interval: 100 }).toBe(6);
      const invite = (course: string, email: string) => {
        const m = invitations().find((x) => to(x) === email && x.parsed.subject?.endsWith(course));
        if (!m) throw new Error(`no invitation to ${email} for ${course}`);
        return m;
      };
      for (const email of emails) {
        invite('Recognising phishing', email);
        invite('Safe browsing (SCORM)', email);
      }
      const [phishLearner, scormLearner] = emails as [string, string, string];

      // --- A learner opens the link from the mail, reads the built-in course and passes the quiz.
      const course = server.app.services.training.library.course('recognising-phishing', 'en');
      if (!course) throw new Error('built-in course missing');
      const learner = await watched(learnerContext, problems);
      await learner.goto(linkIn(invite('Recognising phishing', phishLearner)));
      await learner.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
      await learner.getByText('Fabrikam asks you to complete this short training.').waitFor();
      await learner.getByRole('button', { name: 'Start the training' }).click();
      for (const [i, p] of course.pages.entries()) {
        await learner.getByRole('heading', { level: 1, name: p.title }).waitFor();
        // At phone width no page scrolls sideways (WCAG 1.4.10 reflow), long addresses included.
        expect(
          await learner.evaluate(() => {
            const text = document.querySelector('.course-html');
            return text !== null && text.scrollWidth <= text.clientWidth && document.documentElement.scrollWidth <= 390;
          }),
          `page ${i + 1} (${p.title}) scrolls sideways`,
        ).toBe(true);
        await learner
          .getByRole('button', { name: i === course.pages.length - 1 ? 'Go to the quiz' : 'Next', exact: true })
          .click();
      }
      await learner.getByRole('heading', { level: 1, name: /^Quiz/ }).waitFor();
      for (const q of course.quiz.questions) {
        const group = learner.getByRole(q.multiple ? 'group' : 'radiogroup', { name: new RegExp(escapeRe(q.text)) });
        for (const id of q.correct) {
          const text = q.choices.find((c) => c.id === id)?.text ?? '';
          await group.getByRole(q.multiple ? 'checkbox' : 'radio', { name: text, exact: true }).check();
        }
      }
      await learner.getByRole('button', { name: 'Submit answers' }).click();
      await learner.getByRole('status').filter({ hasText: 'You scored 100%' }).waitFor();
      await learner.getByRole('button', { name: 'Next' }).click();
      await learner.getByRole('heading', { level: 1, name: 'Training complete' }).waitFor();
      await learner.getByRole('region', { name: 'Certificate of completion' }).getByText(course.title).waitFor();

      // --- Another learner opens the SCORM campaign's link and finishes the package.
      await learner.goto(linkIn(invite('Safe browsing (SCORM)', scormLearner)));
      const frame = learner.frameLocator('iframe[title="Course: Safe browsing (SCORM)"]');
      await frame.getByRole('button', { name: 'Finish the lesson' }).click();
      await frame.getByText('finished').waitFor();
      await learner.getByRole('status').filter({ hasText: 'Your result has been saved.' }).waitFor();
      await learner.getByRole('button', { name: 'Next' }).click();
      await learner.getByRole('heading', { level: 1, name: 'Training complete' }).waitFor();
      await learner
        .getByRole('region', { name: 'Certificate of completion' })
        .getByText('with a score of 85%')
        .waitFor();

      // --- The campaign pages: one of three completed, in the numbers, the charts and the table.
      const showsCompletion = async (campaignUrl: string, completedEmail: string, averageScore: string) => {
        await admin.goto(campaignUrl);
        const stat = (label: string) => admin.getByText(label, { exact: true }).locator('xpath=..');
        await stat('Learners').getByText('3', { exact: true }).waitFor();
        await stat('Completed').getByText('33%', { exact: true }).waitFor();
        await stat('Average score').getByText(averageScore, { exact: true }).waitFor();
        // The funnel's labels: invited 3 → started 1 → completed 1.
        const funnel = admin.getByTestId('funnel-chart');
        await funnel.locator('svg.recharts-surface').first().waitFor();
        expect(await funnel.locator('svg text').allTextContents()).toEqual(['3', '1', '1']);
        // Completion over time: one day with one completion (the area's dot sits at 1).
        const completion = admin.getByTestId('completion-chart');
        await completion.locator('.recharts-area-dot, .recharts-dot').first().waitFor();
        // Its axes: today (the campaigns' time zone is UTC, the headless browser's) and a top of 1.
        const ticks = await completion.locator('svg text').allTextContents();
        expect(ticks).toEqual(expect.arrayContaining([new Date().toISOString().slice(0, 10), '1']));
        expect(ticks).not.toContain('2');
        const table = admin.getByRole('table', { name: 'Learners' });
        const done = table.getByRole('row').filter({ hasText: completedEmail });
        await done.getByText('Completed').waitFor();
        expect(await table.getByRole('row').filter({ hasText: 'Completed' }).count()).toBe(1);
      };
      await showsCompletion(builtinUrl, phishLearner, '100');
      await showsCompletion(scormUrl, scormLearner, '85');

      // The list: each campaign's completion rate at a glance.
      await admin.getByRole('link', { name: '← Training campaigns' }).click();
      await admin.getByRole('progressbar', { name: 'Spot the phish: 33% completed' }).waitFor();
      await admin.getByRole('progressbar', { name: 'Safe browsing: 33% completed' }).waitFor();

      // --- Reminders: the first is planned 3 days before the due date (the form's default: 14
      // days ahead). The clock moves to 2 days before the due date and the worker's reminder
      // schedule runs; the dispatch job sends what it enqueued.
      const due = (await server.app.container.db.db
        .selectFrom('training_campaigns')
        .select(['due_at'])
        .where('client_id', '=', client.id)
        .execute()) as { due_at: string }[];
      expect(due).toHaveLength(2);
      const before = sink.received.length;
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      try {
        vi.setSystemTime(Math.max(...due.map((d) => Date.parse(d.due_at))) - 2 * DAY);
        const schedule = server.app.container.schedules.find((s) => s.name === 'training.reminders');
        if (!schedule) throw new Error('no training.reminders schedule');
        expect(await schedule.run()).toBe(4);
        await expect.poll(() => sink.received.length - before, { timeout: 30_000, interval: 100 }).toBe(4);
        // Running it again sends nothing more: each reminder was claimed once.
        expect(await schedule.run()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
      const reminders = sink.received.slice(before);
      for (const m of reminders) expect(m.parsed.subject).toMatch(/^Reminder: /);
      const remindedFor = (course: string) =>
        reminders
          .filter((m) => m.parsed.subject?.startsWith(`Reminder: ${course} is due`))
          .map(to)
          .sort();
      expect(remindedFor('Recognising phishing')).toEqual(emails.filter((e) => e !== phishLearner));
      expect(remindedFor('Safe browsing (SCORM)')).toEqual(emails.filter((e) => e !== scormLearner));

      // A reminder's link opens the same learner's course: the one who completed the package has
      // not started the built-in course yet.
      const nudge = reminders.find((m) => to(m) === scormLearner && m.parsed.subject?.includes('Recognising phishing'));
      if (!nudge) throw new Error('no reminder to the SCORM learner for the built-in course');
      await learner.goto(linkIn(nudge));
      await learner.getByRole('button', { name: 'Start the training' }).waitFor();

      expect(problems).toEqual([]);
    } catch (error) {
      for (const [name, p] of [
        ['console', admin],
        ...learnerContext.pages().map((p, i) => [`learner-${i}`, p] as const),
      ] as const)
        await p
          .screenshot({ path: `test-results/training-journey-${name}.png`, fullPage: true })
          .catch(() => undefined);
      throw new Error(`${(error as Error).message}; page problems: ${problems.join('; ')}`, { cause: error });
    } finally {
      await consoleContext.close();
      await learnerContext.close();
    }
  }, 120_000);
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
