// Every console page in a real browser, by axe-core (WCAG 2.1 A/AA), at a desktop's width and at
// a tablet's (768 px): a serious or critical finding fails. The pages have content (a client with
// a connected Azure application, an import that ran, recipients, a sending profile, a launched
// campaign, incidents…: test/helpers/console-seed.ts), since an empty page hides most of what can
// go wrong. Beside what a machine checks, what a person using a keyboard or a screen reader relies
// on: each dialog's close button and each segmented control has a name, a destructive confirmation
// puts the focus on Cancel (Enter must not destroy), the skip link takes the keyboard past the
// navigation, and at 768 px every control in a table is on screen without scrolling sideways.
//
// One server, one browser; the pages are visited in sequence. Failures are collected over all
// pages, so one run names everything to fix. Synchronisation is by locators; no sleeps.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { wcagViolations } from '../helpers/axe.js';
import { type ConsoleSeed, seedConsole } from '../helpers/console-seed.js';
import { e2eSuite, signIn, withPage } from '../helpers/e2e.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const e2e = e2eSuite({ emulator: true });
let worker: Worker;
let sink: SmtpSink;
let seed: ConsoleSeed;

beforeAll(async () => {
  worker = await startWorker(e2e.server.app.container);
  sink = await startSmtpSink({ user: 'relay-user', pass: 'relay-password-123' });
  seed = await seedConsole(e2e.server, e2e.emu, sink);
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await sink?.close();
});

const DESKTOP = { width: 1280, height: 900 };
const TABLET = { width: 768, height: 1024 };

interface ConsolePage {
  name: string;
  path: string;
  /** what shows once the page has its content */
  ready: (page: Page) => Locator;
  /** the buttons on it that open a dialog, each checked in turn */
  dialogs?: string[];
}

const h1 = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 });

/** Every page of the console that an operator signed in reaches (the signed-out ones are visited apart). */
function consolePages(s: ConsoleSeed): ConsolePage[] {
  const c = `?client=${s.clientId}`;
  const text = (t: string) => (page: Page) => page.getByText(t, { exact: true }).first();
  return [
    { name: 'dashboard', path: '/', ready: h1('Dashboard') },
    {
      name: 'clients',
      path: '/clients',
      ready: (p) => p.getByRole('link', { name: 'Fabrikam' }),
      dialogs: ['Add client'],
    },
    {
      name: 'client detail (with report add-in, reporting mailbox, retention)',
      path: `/clients/${s.clientId}${c}`,
      ready: (p) => p.getByRole('region', { name: 'Reporting mailbox' }).getByRole('textbox').first(),
      dialogs: ['Rename'],
    },
    { name: 'operators', path: '/operators', ready: text(s.operator.email), dialogs: ['Add operator'] },
    { name: 'API tokens', path: `/account/api-tokens`, ready: text(s.tokenName), dialogs: ['Create token'] },
    { name: 'change password', path: '/account/password', ready: h1('Change password') },
    { name: 'audit log', path: `/audit${c}`, ready: (p) => p.locator('tbody tr').first() },
    { name: 'settings', path: '/settings', ready: h1('Common System Settings') },
    {
      name: 'Azure applications',
      path: `/settings/azure-applications${c}`,
      ready: text(s.appName),
      dialogs: ['Add application'],
    },
    { name: 'Azure application detail', path: `/settings/azure-applications/${s.appId}${c}`, ready: h1(s.appName) },
    { name: 'Entra sync', path: `/entra-sync${c}`, ready: text(s.importName), dialogs: ['New import'] },
    {
      name: 'recipients',
      path: `/recipients${c}`,
      ready: text(s.recipientEmails[0] ?? ''),
      dialogs: ['Add recipient', 'Import CSV'],
    },
    { name: 'recipient groups', path: `/recipients/groups${c}`, ready: text(s.groupName), dialogs: ['New group'] },
    {
      name: 'sending profiles',
      path: `/settings/sending-profiles${c}`,
      ready: text(s.profileName),
      dialogs: ['Add profile'],
    },
    {
      name: 'sending profile detail',
      path: `/settings/sending-profiles/${s.profileId}${c}`,
      ready: h1(s.profileName),
    },
    {
      name: 'training library',
      path: `/training/library${c}`,
      ready: text('Recognising phishing'),
      dialogs: ['Preview Recognising phishing'],
    },
    {
      name: 'training campaigns',
      path: `/training/campaigns${c}`,
      ready: text(s.campaignName),
      dialogs: ['New campaign'],
    },
    {
      name: 'training campaign detail',
      path: `/training/campaigns/${s.campaignId}${c}`,
      ready: (p) => p.getByRole('table', { name: 'Learners' }).getByText(s.recipientEmails[0] ?? ''),
    },
    {
      name: 'incidents',
      path: `/incidents${c}`,
      ready: (p) => p.getByRole('table', { name: 'Incidents' }).getByText(s.incidentSubject),
    },
    { name: 'incident detail', path: `/incidents/${s.incidentId}${c}`, ready: h1(s.incidentSubject) },
    {
      name: 'all incidents',
      path: `/incidents/all${c}`,
      ready: (p) => p.getByRole('table', { name: 'Incidents' }).getByText(s.incidentSubject),
    },
    { name: 'reporter feedback', path: `/settings/reporter-feedback${c}`, ready: h1('Reporter feedback') },
    { name: 'webhooks', path: `/settings/webhooks${c}`, ready: text(s.webhookName), dialogs: ['Add webhook'] },
    { name: 'not found', path: '/no-such-page', ready: h1('Page not found') },
  ];
}

/**
 * Segmented controls (and any other radio group) without an accessible name: a screen reader
 * announces their options with no question. Named by aria-label, aria-labelledby or a fieldset's
 * legend.
 */
function unnamedRadioGroups(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[role="radiogroup"]')]
      .filter((g) => {
        const labelledBy = (g.getAttribute('aria-labelledby') ?? '')
          .split(/\s+/)
          .filter(Boolean)
          .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
          .join('');
        const legend = g.closest('fieldset')?.querySelector('legend')?.textContent?.trim() ?? '';
        return !(g.getAttribute('aria-label')?.trim() || labelledBy || legend);
      })
      .map((g) => `radiogroup "${[...g.querySelectorAll('label')].map((l) => l.textContent).join(' | ')}"`),
  );
}

/**
 * Controls inside a table that are off screen sideways (beyond the window, or scrolled out of a
 * table's scroll container) as the page first shows: at a tablet's width the actions of a row
 * must be reachable without finding a horizontal scroll bar first.
 */
function clippedTableControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const table of document.querySelectorAll('table')) {
      const label = table.getAttribute('aria-label') ?? table.querySelector('caption')?.textContent ?? 'table';
      const controls = table.querySelectorAll<HTMLElement>('tbody button, tbody a[href], tbody input, tbody [role]');
      for (const el of controls) {
        if (!el.matches('button, a[href], input, [role="button"], [role="switch"], [role="checkbox"]')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue; // not displayed
        let left = 0;
        let right = document.documentElement.clientWidth;
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') {
            const pr = p.getBoundingClientRect();
            left = Math.max(left, pr.left);
            right = Math.min(right, pr.right);
          }
        }
        if (r.left < left - 1 || r.right > right + 1) {
          const name = el.getAttribute('aria-label') ?? el.textContent?.trim() ?? el.tagName;
          out.push(
            `${label}: "${name}" (${Math.round(r.left)}–${Math.round(r.right)} px, visible ${Math.round(left)}–${Math.round(right)})`,
          );
        }
      }
    }
    return [...new Set(out)];
  });
}

/**
 * The page's serious and critical axe findings (only inside `within`, a CSS selector, if given) and
 * its unnamed radio groups.
 */
async function problemsOn(page: Page, within?: string): Promise<string[]> {
  return [
    ...(await wcagViolations(page, { minImpact: 'serious', include: within })),
    ...(await unnamedRadioGroups(page)),
  ];
}

/**
 * At a tablet's width: axe's findings again (colour contrast aside, which the width does not
 * change and the desktop pass has checked) and the table controls off screen.
 */
async function tabletProblemsOn(page: Page): Promise<string[]> {
  return [
    ...(await wcagViolations(page, { minImpact: 'serious', disable: ['color-contrast'] })),
    ...(await clippedTableControls(page)),
  ];
}

/**
 * Visits every page once and checks it at a desktop's width, then at 768 px (the window resized,
 * as a tablet turned or a window narrowed does); returns what was found, page by page.
 */
async function sweep(page: Page): Promise<string[]> {
  const found: string[] = [];
  const burger = page.getByRole('button', { name: 'Toggle navigation' });
  const check = async (name: string, signedIn: boolean) => {
    for (const p of await problemsOn(page)) found.push(`${name} @${DESKTOP.width}px: ${p}`);
    await page.setViewportSize(TABLET);
    // the tablet layout is in place once the navigation has folded behind its button and the page
    // has given back the navigation's 264 px: the shell slides its padding (a CSS transition), and
    // measured before it ended (CI, under load) a table's controls sat past the right edge of a
    // container still narrowed by it
    if (signedIn) {
      await burger.waitFor();
      await expect
        .poll(() =>
          page.evaluate(() => {
            const main = document.querySelector('main') as HTMLElement;
            return main.getAnimations().length === 0 && Number.parseFloat(getComputedStyle(main).paddingLeft) < 100;
          }),
        )
        .toBe(true);
    }
    for (const p of await tabletProblemsOn(page)) found.push(`${name} @${TABLET.width}px: ${p}`);
    await page.setViewportSize(DESKTOP);
    if (signedIn) await burger.waitFor({ state: 'hidden' });
  };

  // Signed out: sign-in, and setup as it shows on a server that has its first operator.
  await page.goto(e2e.server.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await check('sign-in', false);
  await page.goto(`${e2e.server.url}/setup`);
  await h1('Already set up')(page).waitFor();
  await check('setup (already set up)', false);

  await page.goto(e2e.server.url);
  await signIn(page, e2e.server.admin);
  for (const entry of consolePages(seed)) {
    await page.goto(`${e2e.server.url}${entry.path}`);
    await entry.ready(page).waitFor();
    await check(entry.name, true);
    for (const opener of entry.dialogs ?? []) found.push(...(await dialogProblems(page, opener)));
  }
  return found;
}

/**
 * Opens the dialog behind button `opener` and checks it: a named close button, no serious or
 * critical axe finding inside it (the page under it has its own check), no unnamed segmented
 * control. Escape closes it again.
 */
async function dialogProblems(page: Page, opener: string): Promise<string[]> {
  const found: string[] = [];
  await page.getByRole('button', { name: opener, exact: true }).click();
  const dialog = openDialog(page);
  await dialog.waitFor();
  // colours are measured once the dialog has faded in (its transitions ended)
  await expect
    .poll(() =>
      dialog.evaluate((d) => d.getAnimations({ subtree: true }).filter((a) => a instanceof CSSTransition).length),
    )
    .toBe(0);
  if ((await dialog.getByRole('button', { name: 'Close', exact: true }).count()) !== 1)
    found.push(`"${opener}" dialog: its close button has no name`);
  for (const p of await problemsOn(page, '[role="dialog"]')) found.push(`"${opener}" dialog: ${p}`);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  return found;
}

const inPage = (name: string, viewport: typeof DESKTOP, scenario: (page: Page) => Promise<void>) =>
  withPage(e2e.browser, `accessibility-${name}`, scenario, { viewport, timeout: 15_000 });

/** The open dialog (the last one: a confirmation can open over another dialog). */
const openDialog = (page: Page) => page.getByRole('dialog').last();

/** The text of the focused element, once it settles (a dialog moves the focus after its transition). */
const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

describe('accessibility of the console', () => {
  it("every page and dialog has no serious or critical WCAG 2.1 AA finding, at a desktop width and at 768 px (every table control on screen); every dialog's close button is named", async () => {
    await inPage('pages', DESKTOP, async (page) => {
      expect(await sweep(page)).toEqual([]);
    });
  }, 180_000);

  it('shows the first-run setup form without serious or critical findings', async () => {
    await inPage('setup-form', DESKTOP, async (page) => {
      // This server has its first operator, so the form is what a fresh server would answer.
      await page.route('**/api/v1/auth/setup', (route) =>
        route.request().method() === 'GET' ? route.fulfill({ json: { required: true } }) : route.continue(),
      );
      await page.goto(`${e2e.server.url}/setup?token=one-time-token`);
      await h1('Set up Baitwise')(page).waitFor();
      await page.getByRole('textbox', { name: 'Email' }).waitFor();
      expect(await problemsOn(page)).toEqual([]);
    });
  }, 30_000);

  it('puts the focus on Cancel in every destructive confirmation, so Enter does not destroy', async () => {
    const c = `?client=${seed.clientId}`;
    const confirmations: { path: string; ready: string; steps: (page: Page) => Promise<void> }[] = [
      {
        path: `/clients/${seed.clientId}${c}`,
        ready: seed.clientName,
        steps: (p) => p.getByRole('button', { name: 'Archive', exact: true }).click(),
      },
      {
        path: '/account/api-tokens',
        ready: seed.tokenName,
        steps: (p) => p.getByRole('button', { name: `Revoke ${seed.tokenName}` }).click(),
      },
      {
        path: `/recipients/groups${c}`,
        ready: seed.groupName,
        steps: (p) => p.getByRole('button', { name: `Delete ${seed.groupName}` }).click(),
      },
      {
        path: `/settings/azure-applications${c}`,
        ready: seed.appName,
        steps: async (p) => {
          await p.getByRole('button', { name: `Actions for ${seed.appName}` }).click();
          await p.getByRole('menuitem', { name: /Delete/ }).click();
        },
      },
      {
        path: `/settings/webhooks${c}`,
        ready: seed.webhookName,
        steps: async (p) => {
          await p.getByRole('button', { name: `Actions for ${seed.webhookName}` }).click();
          await p.getByRole('menuitem', { name: /Delete/ }).click();
        },
      },
      {
        path: '/operators',
        ready: seed.operator.email,
        steps: async (p) => {
          await p.getByRole('button', { name: `Actions for ${seed.operator.name}` }).click();
          await p.getByRole('menuitem', { name: 'API tokens' }).click();
          await openDialog(p).getByRole('button', { name: 'Revoke Carla script' }).click();
        },
      },
    ];
    const found: string[] = [];
    await inPage('confirmations', DESKTOP, async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      for (const k of confirmations) {
        await page.goto(`${e2e.server.url}${k.path}`);
        await page.getByText(k.ready, { exact: true }).first().waitFor();
        await k.steps(page);
        const dialog = openDialog(page);
        await dialog.getByRole('button', { name: 'Cancel' }).waitFor();
        // The focus moves into the dialog once its transition ends; there it must be on Cancel.
        const inside = await expect
          .poll(() => dialog.evaluate((d) => d.contains(document.activeElement)))
          .toBe(true)
          .then(() => true)
          .catch(() => false);
        const focused = inside ? await focusedText(page) : '(nothing in the dialog)';
        if (focused !== 'Cancel') found.push(`${k.path}: the confirmation focuses "${focused}"`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
      }
      expect(found).toEqual([]);
    });
  }, 90_000);

  it('lets the keyboard skip the navigation: the first Tab reaches "Skip to main content", Enter moves into the page', async () => {
    await inPage('skip-link', DESKTOP, async (page) => {
      await page.goto(e2e.server.url);
      await signIn(page, e2e.server.admin);
      // a fresh load, as a keyboard user arrives: nothing focused yet
      await page.goto(`${e2e.server.url}/recipients?client=${seed.clientId}`);
      await page.getByText(seed.recipientEmails[0] ?? '', { exact: true }).waitFor();
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Skip to main content' });
      expect(await skip.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await skip.isVisible()).toBe(true);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      // The next stop is the page's own first control, not the header's or the navigation's.
      expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    });
  }, 30_000);
});
