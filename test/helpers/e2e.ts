// What every browser test file sets up: the real server (with the Microsoft 365 emulator when the
// file needs it) and Debian's Chromium, started once for the file and closed after it; the system
// administrator's API session for set-up the page under test does not cover; the console's
// sign-in form; and a fresh page per scenario that fails on anything thrown inside the page or
// blocked by the Content-Security-Policy.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchBrowser } from './browser.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';
import { startTestServer, type TestServer } from './server.js';

export interface E2e {
  readonly server: TestServer;
  readonly browser: Browser;
  /** only when started with `{ emulator: true }` */
  readonly emu: TestEmulator;
}

/**
 * Registers the file's beforeAll/afterAll: emulator (if asked; the server then points at it),
 * server, browser. The fields throw until beforeAll has run. A file's own hooks registered after
 * this one run after start-up and, for afterAll, before the shutdown.
 */
export function e2eSuite(opts: { emulator?: boolean } = {}): E2e {
  let emu: TestEmulator | undefined;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (opts.emulator) emu = await startTestEmulator();
    server = await startTestServer(emu?.env);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await emu?.close();
  });
  const started = <T>(what: string, value: T | undefined): T => {
    if (value === undefined) throw new Error(`${what} is not started (e2eSuite's beforeAll has not run)`);
    return value;
  };
  return {
    get server() {
      return started('the server', server);
    },
    get browser() {
      return started('the browser', browser);
    },
    get emu() {
      return started('the emulator', emu);
    },
  };
}

export type Api = <T = { id: string }>(method: string, path: string, body?: unknown) => Promise<T>;

export interface ApiSession {
  /** `bw_session=…`, for requests made outside `call` and `request` */
  cookie: string;
  /** The response as it comes (redirects not followed); a path not starting with /api/ is put under /api/v1. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  /** JSON in and out; a status other than 2xx throws with the response's text. */
  call: Api;
}

/**
 * Signs in to the API as `who` (by default the system administrator), as the console does:
 * session cookie + CSRF header.
 */
export async function apiSession(
  server: Pick<TestServer, 'url' | 'admin'>,
  who: { email: string; password: string } = server.admin,
): Promise<ApiSession> {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
  });
  if (!login.ok) throw new Error(`login as ${who.email}: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('bw_session=')) ?? '').split(';')[0] ?? '';
  const request = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path.startsWith('/api/') ? '' : '/api/v1'}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const call: Api = async (method, path, body) => {
    const res = await request(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as never;
  };
  return { cookie, request, call };
}

/** The console's sign-in form, on the page it shows; resolves once the heading `landing` is there. */
export async function signIn(
  page: Page,
  who: { email: string; password: string },
  landing: string | RegExp = 'Dashboard',
): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(who.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: landing }).waitFor();
}

/**
 * Chooses `option` (exactly, unless a pattern) in the Mantine Select/MultiSelect called `label`
 * inside `scope`. Mantine renders the options in a portal, outside a dialog, so they are looked
 * up on the page.
 */
export async function choose(scope: Page | Locator, label: string, option: string | RegExp): Promise<void> {
  await scope.getByRole('combobox', { name: label }).click();
  const page = 'page' in scope ? scope.page() : scope;
  await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  isMobile?: boolean;
  hasTouch?: boolean;
  /** each step's wait, well inside the test's timeout */
  timeout?: number;
  /** fail on what the browser's console reports blocked by the Content-Security-Policy */
  csp?: boolean;
}

/**
 * A fresh page (own cookies) for one scenario. It fails if the page throws and, with `csp`, if the
 * browser's console reports a resource blocked by the Content-Security-Policy (pages of other
 * origins, such as the emulator's sign-in, are not the console's to answer for); a step fails at the wait
 * that went wrong. On failure a screenshot goes to test-results/<name>.png (git-ignored), and
 * what the page reported is added to the error, since it usually explains a failed wait.
 */
export async function withPage(
  browser: Browser,
  name: string,
  scenario: (page: Page) => Promise<void>,
  opts: PageOptions = {},
): Promise<void> {
  const { timeout = 10_000, viewport = { width: 1280, height: 900 }, csp = false, ...context } = opts;
  const page = await browser.newPage({ viewport, ...context });
  page.setDefaultTimeout(timeout);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  if (csp)
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
    });
  try {
    await scenario(page);
    expect(problems).toEqual([]);
  } catch (error) {
    await page.screenshot({ path: `test-results/${name}.png`, fullPage: true }).catch(() => {});
    if (problems.length) throw new Error(`The page reported: ${problems.join('; ')}`, { cause: error });
    throw error;
  } finally {
    await page.close();
  }
}

/**
 * Opens a page from a group of the main navigation (Settings → Sending profiles) and waits for its
 * heading. The group opens with an animated collapse: a click that lands while the link still
 * moves can miss it, as a person's would, so it clicks again (three times at most) instead of
 * failing the scenario on the animation.
 */
export async function openFromNav(page: Page, group: string, link: string, heading: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: group }).click();
  const target = nav.getByRole('link', { name: link });
  const title = page.getByRole('heading', { name: heading, level: 1 });
  for (let attempt = 1; ; attempt++) {
    await target.click();
    try {
      await title.waitFor({ timeout: 4_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}
