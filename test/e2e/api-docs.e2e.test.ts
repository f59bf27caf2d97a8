// The API reference at /api/docs (Swagger UI) opens with nothing refused by its
// Content-Security-Policy and nothing else in the browser's console: a newcomer who opens it
// with the developer tools open sees no red.
import { describe, expect, it } from 'vitest';
import { e2eSuite, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite();

describe('/api/docs', () => {
  it('renders the API reference with no CSP violation or console error', async () => {
    await withPage(e2e.browser, 'api-docs', async (page) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error' || msg.type() === 'warning') errors.push(`${msg.type()}: ${msg.text()}`);
      });
      page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
      // Violations reported to the page itself, also those Chromium would not log to the console.
      await page.addInitScript(() => {
        const seen: string[] = [];
        (window as unknown as { __csp: string[] }).__csp = seen;
        document.addEventListener('securitypolicyviolation', (e) =>
          seen.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`),
        );
      });
      await page.goto(`${e2e.server.url}/api/docs`);
      // The operations are listed: the spec was fetched and rendered by Swagger UI's scripts.
      await page.locator('.opblock-summary-path', { hasText: '/api/v1/clients' }).first().waitFor();
      await page.waitForLoadState('networkidle');
      const violations = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
      expect({ violations, errors }).toEqual({ violations: [], errors: [] });
    });
  });
});
