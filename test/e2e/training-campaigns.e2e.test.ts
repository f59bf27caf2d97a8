// Training → Campaigns in a real browser against the real server, under the console's
// Content-Security-Policy: a campaign is created with the form, launched from its page, and once
// learners complete, the page's charts (@mantine/charts, SVG from recharts) render without any
// blocked script or style, and the learners table shows them.
//
// Synchronisation relies on locators, which wait for the element; no sleeps.
import { describe, expect, it } from 'vitest';
import { apiSession, choose, e2eSuite, openFromNav, signIn, withPage } from '../helpers/e2e.js';

const e2e = e2eSuite();

describe('training campaigns in the console', () => {
  it('creates, launches and shows results with charts under the CSP', async () => {
    const { call } = await apiSession(e2e.server);
    const clientId = (await call('POST', '/clients', { name: 'Learners Ltd' })).id;
    await call('POST', `/clients/${clientId}/sending-profiles`, {
      name: 'Training relay',
      kind: 'smtp',
      fromAddress: 'training@relay.test',
      smtp: { host: 'relay.test', port: 25, security: 'none' },
    });
    const group = await call('POST', `/clients/${clientId}/recipient-groups`, { name: 'Everyone in Sales' });
    for (const [name, department] of [
      ['Ann', 'Sales'],
      ['Bob', 'Sales'],
      ['Cy', 'Finance'],
    ] as const)
      await call('POST', `/clients/${clientId}/recipients`, {
        email: `${name.toLowerCase()}@learners.test`,
        displayName: name,
        department,
        groupIds: [group.id],
      });

    await withPage(
      e2e.browser,
      'training-campaigns-e2e',
      async (page) => {
        await page.goto(e2e.server.url);
        await signIn(page, e2e.server.admin);
        await choose(page, 'Active client', 'Learners Ltd');
        await page.waitForURL((url) => url.searchParams.has('client'));
        await openFromNav(page, 'Training', 'Campaigns', 'Training campaigns');

        await page.getByRole('button', { name: 'New campaign' }).click();
        const dialog = page.getByRole('dialog', { name: 'New training campaign' });
        await dialog.getByRole('textbox', { name: 'Name' }).fill('Spot the phish');
        await choose(dialog, 'Training content', 'Recognising phishing');
        await choose(dialog, 'Sending profile', 'Training relay');
        await choose(dialog, 'Groups', 'Everyone in Sales');
        await page.keyboard.press('Escape'); // closes the groups dropdown, not the dialog
        await dialog.getByRole('button', { name: 'Create draft' }).click();
        await page.getByRole('heading', { name: 'Spot the phish', level: 1 }).waitFor();

        await page.getByRole('button', { name: 'Launch now' }).click();
        await page.getByRole('dialog', { name: 'Launch the campaign' }).getByRole('button', { name: 'Launch' }).click();
        await page.getByRole('table', { name: 'Learners' }).getByText('ann@learners.test').waitFor();

        // Two learners complete (what the learner portal records), then the page is loaded again.
        const db = e2e.server.database.handle.db;
        const enrolments = await db.selectFrom('training_enrolments').select('id').orderBy('id').execute();
        await db
          .updateTable('training_enrolments')
          .set({
            started_at: new Date().toISOString(),
            completed_at: new Date().toISOString(),
            progress: 100,
            score: 80,
            passed: 1,
          })
          .where(
            'id',
            'in',
            enrolments.slice(0, 2).map((e) => e.id),
          )
          .execute();
        await page.reload();
        await page.getByTestId('completion-chart').locator('svg.recharts-surface').first().waitFor();
        await page.getByTestId('funnel-chart').locator('svg.recharts-surface').first().waitFor();
        await page.getByText('67%').first().waitFor(); // 2 of 3 completed
        expect(await page.getByRole('table', { name: 'Learners' }).getByText('Completed').count()).toBe(2);
        await page.getByRole('link', { name: 'Export XLSX' }).waitFor();

        // The list shows the completion rate at a glance.
        await page.getByRole('link', { name: '← Training campaigns' }).click();
        await page.getByRole('progressbar', { name: 'Spot the phish: 67% completed' }).waitFor();
      },
      { csp: true },
    );
  }, 60_000);
});
