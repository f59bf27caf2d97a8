// The learner portal in a real browser (phone-sized) against the real server: a learner link
// opens the welcome page in the client's name, the keyboard moves through the course pages (focus
// lands on each page's heading), the quiz is passed and announced, the certificate shows and
// prints alone. No CSP violation on the learner page, none of axe-core's WCAG 2.1 AA findings. A SCORM package runs sandboxed: it reports
// completion through the run-time, and its attempts to reach the API or the parent page fail.
// Synchronisation is by locators and waitFor(), no sleeps.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { wcagViolations } from '../helpers/axe.js';
import { e2eSuite, withPage } from '../helpers/e2e.js';
import { learnerFixture, packageFixture } from '../helpers/training-learner.js';

const e2e = e2eSuite();

interface Violation {
  url: string;
  directive: string;
  blocked: string;
}

/** A phone-sized page; `violations` collects what the Content-Security-Policy blocked, in every frame. */
async function inPage(name: string, scenario: (page: Page, violations: Violation[]) => Promise<void>) {
  const violations: Violation[] = [];
  await withPage(
    e2e.browser,
    `learner-e2e-${name}`,
    async (page) => {
      await page.exposeFunction('__reportViolation', (v: Violation) => violations.push(v));
      // In every frame, before any of its scripts: the browser's own report of a blocked resource.
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          (window as unknown as { __reportViolation?: (v: unknown) => void }).__reportViolation?.({
            url: location.pathname,
            directive: e.effectiveDirective,
            blocked: e.blockedURI,
          });
        });
      });
      await scenario(page, violations);
    },
    { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  );
}

/** Presses Tab until the focused element is the button or link named `name` (at most 30 times). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === name) return;
  }
  throw new Error(`"${name}" is not reachable with the Tab key`);
}

const db = () => e2e.server.app.container.db.db;

describe('learner portal', () => {
  it('takes a learner through a built-in course by keyboard, passes the quiz and shows the certificate', async () => {
    const f = await learnerFixture(e2e.server.app, { clientName: 'Initech' });
    const course = e2e.server.app.services.training.library.course('recognising-phishing', 'en');
    if (!course) throw new Error('built-in course missing');

    await inPage('builtin', async (page, violations) => {
      await page.goto(`${e2e.server.url}/learn/${f.token}`);
      await page.getByRole('heading', { level: 1, name: 'Welcome, Ada Lovelace' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      await page.getByText('Initech asks you to complete this short training.').waitFor();
      expect(await wcagViolations(page)).toEqual([]);

      // Keyboard only: Tab to the start button, Enter; each page's heading takes the focus.
      await tabTo(page, 'Start the training');
      await page.keyboard.press('Enter');
      for (const [i, p] of course.pages.entries()) {
        const heading = page.getByRole('heading', { level: 1, name: p.title });
        await heading.waitFor();
        expect(await heading.evaluate((h) => h === document.activeElement)).toBe(true);
        if (i === 1) expect(await wcagViolations(page)).toEqual([]);
        // The course's images (served by the content library) load under the learner page's CSP.
        for (const img of await page.locator('article img').all()) {
          await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
        }
        await tabTo(page, i === course.pages.length - 1 ? 'Go to the quiz' : 'Next');
        await page.keyboard.press('Enter');
      }
      await page.getByRole('heading', { level: 1, name: /^Quiz/ }).waitFor();
      expect(await wcagViolations(page)).toEqual([]);
      // The script's POST recorded the start; progress was saved along the way.
      const e = await db()
        .selectFrom('training_enrolments')
        .selectAll()
        .where('id', '=', f.enrolmentId)
        .executeTakeFirstOrThrow();
      expect(e.started_at).not.toBeNull();
      expect(e.progress).toBeGreaterThan(50);

      // Phone width: nothing scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

      for (const q of course.quiz.questions) {
        const group = page.getByRole(q.multiple ? 'group' : 'radiogroup', { name: new RegExp(escapeRe(q.text)) });
        for (const id of q.correct) {
          const text = q.choices.find((c) => c.id === id)?.text ?? '';
          await group.getByRole(q.multiple ? 'checkbox' : 'radio', { name: text, exact: true }).check();
        }
      }
      await page.getByRole('button', { name: 'Submit answers' }).click();
      await page.getByRole('status').filter({ hasText: 'You scored 100%' }).waitFor();
      expect(await wcagViolations(page)).toEqual([]);
      expect(await page.getByRole('status').filter({ hasText: 'You scored' }).getAttribute('aria-live')).toBe('polite');
      await page.getByRole('button', { name: 'Next' }).click();

      await page.getByRole('heading', { level: 1, name: 'Training complete' }).waitFor();
      const cert = page.getByRole('region', { name: 'Certificate of completion' });
      await cert.getByText('Ada Lovelace').waitFor();
      await cert.getByText(course.title).waitFor();
      await page.getByRole('button', { name: 'Print or save as PDF' }).waitFor();
      expect(await wcagViolations(page)).toEqual([]);
      // On paper: the certificate alone.
      await page.emulateMedia({ media: 'print' });
      expect(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible()).toBe(false);
      expect(await page.getByRole('heading', { name: 'Training complete' }).isVisible()).toBe(false);
      expect(await cert.isVisible()).toBe(true);
      await page.emulateMedia({ media: 'screen' });

      const done = await db()
        .selectFrom('training_enrolments')
        .selectAll()
        .where('id', '=', f.enrolmentId)
        .executeTakeFirstOrThrow();
      expect(done).toMatchObject({ progress: 100, passed: 1, score: 100, next_reminder_at: null });

      // Coming back: straight to the completion page.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Training complete' }).waitFor();
      expect(violations).toEqual([]);
    });
  });

  it('shows a German campaign in German and resumes where the learner left', async () => {
    const f = await learnerFixture(e2e.server.app, { language: 'de' });
    await inPage('german', async (page) => {
      await page.goto(`${e2e.server.url}/learn/${f.token}`);
      await page.getByRole('heading', { level: 1, name: 'Willkommen, Ada Lovelace' }).waitFor();
      expect(await page.getAttribute('html', 'lang')).toBe('de');
      await page.getByRole('button', { name: 'Schulung beginnen' }).click();
      const course = e2e.server.app.services.training.library.course('recognising-phishing', 'de');
      const [first, second] = course?.pages ?? [];
      await page.getByRole('heading', { level: 1, name: first?.title }).waitFor();
      await page.getByRole('button', { name: 'Weiter' }).click();
      await page.getByRole('heading', { level: 1, name: second?.title }).waitFor();
      // Coming back resumes on that page (the progress save is awaited through the database).
      await expect
        .poll(
          async () =>
            (
              await db()
                .selectFrom('training_enrolments')
                .select('state')
                .where('id', '=', f.enrolmentId)
                .executeTakeFirstOrThrow()
            ).state,
        )
        .toContain('"page":1');
      await page.reload();
      await page.getByRole('button', { name: 'Dort weitermachen, wo Sie aufgehört haben' }).click();
      await page.getByRole('heading', { level: 1, name: second?.title }).waitFor();
    });
  });

  it('runs a SCORM package sandboxed: it completes through the run-time and reaches neither the API nor the page', async () => {
    const f = await learnerFixture(e2e.server.app);
    const pkg = await packageFixture(
      e2e.server.app,
      f.clientId,
      `<p id="out">running</p><script>
        var out = [];
        try { window.parent.document.title; out.push('parent-readable'); } catch (e) { out.push('parent-blocked'); }
        try { localStorage.length; out.push('storage-readable'); } catch (e) { out.push('storage-blocked'); }
        var api = window.API;
        out.push(api ? 'api-found' : 'api-missing');
        api.LMSInitialize('');
        api.LMSSetValue('cmi.core.score.raw', '90');
        api.LMSSetValue('cmi.core.lesson_status', 'passed');
        api.LMSCommit('');
        fetch('/api/v1/learn/x').then(function () { out.push('fetch-ok'); }, function () { out.push('fetch-blocked'); })
          .then(function () { document.getElementById('out').textContent = out.join(' '); });
      </script>`,
    );
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${pkg}` })
      .where('id', '=', f.campaignId)
      .execute();
    await inPage('scorm', async (page, violations) => {
      await page.goto(`${e2e.server.url}/learn/${f.token}`);
      const frame = page.frameLocator('iframe[title="Course: A package"]');
      const out = frame.locator('#out', { hasText: /fetch-/ });
      await out.waitFor();
      expect(await out.textContent()).toBe('parent-blocked storage-blocked api-found fetch-blocked');
      await page.getByRole('status').filter({ hasText: 'Your result has been saved.' }).waitFor();
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { level: 1, name: 'Training complete' }).waitFor();
      await page.getByRole('region', { name: 'Certificate of completion' }).getByText('with a score of 90%').waitFor();
      const e = await db()
        .selectFrom('training_enrolments')
        .selectAll()
        .where('id', '=', f.enrolmentId)
        .executeTakeFirstOrThrow();
      expect(e).toMatchObject({ passed: 1, score: 90, progress: 100 });
      // The only violation: the package's own attempt to call the API, blocked in its frame.
      expect(violations).toEqual([
        expect.objectContaining({ url: expect.stringMatching(/^\/learn-content\//), directive: 'connect-src' }),
      ]);
    });
  });
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
