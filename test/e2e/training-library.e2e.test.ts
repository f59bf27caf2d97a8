// Training → Library in a real browser against the real server, under the console's CSP: the
// built-in courses and their preview (a page's image really loads), a SCORM upload through the
// file input shown in the table as the client's own, and a refused zip's reason shown to the user.
//
// Synchronisation relies on locators, which wait for the element; no sleeps.
import { describe, expect, it } from 'vitest';
import { e2eSuite, signIn, withPage } from '../helpers/e2e.js';
import { scorm12, zip } from '../helpers/scorm.js';

const e2e = e2eSuite();

describe('Training → Library', () => {
  it('previews a built-in course, uploads a package, and shows why a broken one is refused', async () => {
    await withPage(
      e2e.browser,
      'training-library',
      async (page) => {
        await page.goto(e2e.server.url);
        await signIn(page, e2e.server.admin);
        const created = await page.evaluate(async () => {
          const me = await (await fetch('/api/v1/auth/me')).json();
          const res = await fetch('/api/v1/clients', {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
            body: JSON.stringify({ name: 'Contoso Training' }),
          });
          return (await res.json()).id as string;
        });
        await page.goto(`${e2e.server.url}/training/library?client=${created}`);
        await page.getByRole('heading', { name: 'Training library', level: 1 }).waitFor();

        // Built-in courses, and the preview with its image loaded under the console's CSP.
        await page.getByRole('button', { name: 'Preview Recognising phishing' }).click();
        const dialog = page.getByRole('dialog');
        await dialog.getByRole('heading', { name: '1. Check the sender' }).waitFor();
        const img = dialog.getByRole('img', { name: /three warning signs/ });
        await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        await dialog.getByText('Deutsch').click();
        await dialog.getByRole('heading', { name: '1. Den Absender prüfen' }).waitFor();
        await dialog.getByRole('tab', { name: /Quiz/ }).click();
        await dialog.getByText(/Welche davon sind typische Anzeichen/).waitFor();
        await page.keyboard.press('Escape');

        // A good package: uploaded, listed as this client's own.
        const input = page.locator('input[type="file"]');
        await input.setInputFiles({ name: 'course.zip', mimeType: 'application/zip', buffer: await scorm12() });
        await page.getByRole('button', { name: 'Upload' }).click();
        await page.getByRole('status').filter({ hasText: 'Package uploaded' }).waitFor();
        const row = page.getByRole('row', { name: /Password basics \(SCORM 1\.2\)/ });
        await row.getByText('This client').waitFor();

        // A zip without a manifest: the server's reason is shown.
        await input.setInputFiles({
          name: 'broken.zip',
          mimeType: 'application/zip',
          buffer: await zip([{ name: 'index.html', data: 'x' }]),
        });
        await page.getByRole('button', { name: 'Upload' }).click();
        await page.getByRole('alert').filter({ hasText: 'no imsmanifest.xml' }).waitFor();

        // Archive it: the row says so.
        await row.getByRole('button', { name: 'Archive' }).click();
        await row.getByText('Archived').waitFor();
      },
      { csp: true },
    );
  });
});
