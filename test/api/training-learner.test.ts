// The learner portal over HTTP: a learner's link (the outbox message's real token) opens the
// course; a GET never counts as started; links that must not open all look alike; a link opens
// only its own client's enrolment and content; progress resumes; the quiz is graded here and its
// answers never reach the browser; rate and size limits hold.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectRuntime } from '../../src/modules/training/learner-pages.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';
import { scorm2004 } from '../helpers/scorm.js';
import { type LearnerFixture, learnerFixture, packageFixture } from '../helpers/training-learner.js';

let t: TestApp;
const SHELL = '<!doctype html><html lang="en"><body><div id="root">learner app</div></body></html>';

beforeAll(async () => {
  const web = join(process.env.TMPDIR ?? '/tmp', `bw-learn-web-${process.pid}`);
  mkdirSync(web, { recursive: true });
  writeFileSync(join(web, 'learn.html'), SHELL);
  t = await createTestApp({
    env: {
      BAITWISE_WEB_DIR: web,
      BAITWISE_LEARNER_RATE_PER_LINK: '30',
      BAITWISE_LEARNER_RATE_PER_ADDRESS: '400',
    },
  });
});
afterAll(async () => t?.close());

const db = () => t.db.handle.db;
const enrolment = (f: LearnerFixture) =>
  db().selectFrom('training_enrolments').selectAll().where('id', '=', f.enrolmentId).executeTakeFirstOrThrow();
const api = (method: string, url: string, payload?: unknown, remoteAddress?: string) =>
  t.app.inject({
    method: method as 'GET',
    url: `/api/v1/learn/${url}`,
    ...(payload === undefined ? {} : { payload: payload as object }),
    ...(remoteAddress ? { remoteAddress } : {}),
  });

/** The built-in course's right answers, read from the course files (the API never sends them). */
function rightAnswers(language = 'en'): Record<string, string[]> {
  const course = t.app.services.training.library.course('recognising-phishing', language);
  if (!course) throw new Error('the built-in course recognising-phishing is missing');
  return Object.fromEntries(course.quiz.questions.map((q) => [q.id, q.correct]));
}

describe('the link page', () => {
  it('records only the click on any number of GETs, whatever the user agent; the start is a POST', async () => {
    const f = await learnerFixture(t.app);
    const agents = [
      'Mozilla/5.0 (compatible; Microsoft Defender SafeLinks)',
      'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36',
    ];
    for (const ua of agents) {
      const page = await t.app.inject({ method: 'GET', url: `/learn/${f.token}`, headers: { 'user-agent': ua } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toBe(SHELL);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['set-cookie']).toBeUndefined();
      const head = await t.app.inject({ method: 'HEAD', url: `/learn/${f.token}`, headers: { 'user-agent': ua } });
      expect(head.statusCode).toBe(200);
    }
    // The course API read (a preview could fetch it too) changes nothing either.
    expect((await api('GET', f.token)).statusCode).toBe(200);
    const seen = await enrolment(f);
    expect(seen.clicked_at).not.toBeNull();
    expect(seen.started_at).toBeNull();
    expect(seen.last_seen_at).toBeNull();

    const start = await api('POST', `${f.token}/start`);
    expect(start.statusCode).toBe(204);
    const started = await enrolment(f);
    expect(started.started_at).not.toBeNull();
    expect(started.clicked_at).toBe(seen.clicked_at); // the first click stays
  });

  it('answers every link that must not open with the same page, naming no reason', async () => {
    const revoked = await learnerFixture(t.app);
    await db()
      .updateTable('training_enrolments')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', revoked.enrolmentId)
      .execute();
    const cancelled = await learnerFixture(t.app);
    await db()
      .updateTable('training_campaigns')
      .set({ status: 'cancelled' })
      .where('id', '=', cancelled.campaignId)
      .execute();
    const otherMail = await learnerFixture(t.app, { purpose: 'simulation.phish' });
    const archived = await learnerFixture(t.app);
    await db()
      .updateTable('clients')
      .set({ archived_at: new Date().toISOString() })
      .where('id', '=', archived.clientId)
      .execute();
    const unknown = `bwm_${'A'.repeat(32)}`;
    const pages: string[] = [];
    for (const token of [unknown, 'not-a-token', revoked.token, cancelled.token, otherMail.token, archived.token]) {
      const page = await t.app.inject({ method: 'GET', url: `/learn/${token}` });
      expect({ token, status: page.statusCode }).toEqual({ token, status: 404 });
      pages.push(page.body);
      const r = await api('GET', token);
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('link_unavailable');
      expect((await api('POST', `${token}/start`)).statusCode).toBe(404);
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).toContain('This link does not open a training');
    for (const f of [revoked, cancelled, otherMail, archived]) {
      const e = await enrolment(f);
      expect(e.clicked_at).toBeNull();
      expect(e.started_at).toBeNull();
    }
    // German visitors get the German page.
    const de = await t.app.inject({
      method: 'GET',
      url: `/learn/${unknown}`,
      headers: { 'accept-language': 'de-DE,de;q=0.9' },
    });
    expect(de.body).toContain('lang="de"');
  });

  it('says an expired link expired and whom to ask, in the campaign language', async () => {
    const f = await learnerFixture(t.app, {
      clientName: 'Initech GmbH',
      language: 'de',
      dueInDays: -10,
      linkDaysAfterDue: 7,
    });
    const page = await t.app.inject({ method: 'GET', url: `/learn/${f.token}` });
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('abgelaufen');
    expect(page.body).toContain('Initech GmbH');
    const r = await api('GET', f.token);
    expect(r.statusCode).toBe(410);
    expect(r.json().error).toMatchObject({ code: 'link_expired', details: { contact: 'Initech GmbH' } });
    expect((await enrolment(f)).clicked_at).toBeNull();
    // A learner whose own due date was extended keeps the link.
    await db()
      .updateTable('training_enrolments')
      .set({ due_at: new Date(Date.now() + 86_400_000).toISOString() })
      .where('id', '=', f.enrolmentId)
      .execute();
    expect((await api('GET', f.token)).statusCode).toBe(200);
  });
});

describe('the learner API', () => {
  it('sends the course with the client’s name and the quiz without its answers', async () => {
    const f = await learnerFixture(t.app, { clientName: 'Globex' });
    const r = await api('GET', f.token);
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['set-cookie']).toBeUndefined();
    const v = r.json();
    expect(v.client).toEqual({ name: 'Globex', logoUrl: null, colour: null });
    expect(v.learner.name).toBe('Ada Lovelace');
    expect(v.content.kind).toBe('builtin');
    expect(v.content.pages.length).toBeGreaterThan(1);
    expect(v.content.quiz.questions.length).toBeGreaterThan(0);
    expect(v.content.quiz.attemptsAllowed).toBe(3);
    for (const q of v.content.quiz.questions)
      expect(Object.keys(q).sort()).toEqual(['choices', 'id', 'multiple', 'text']);
    expect(r.body).not.toContain('"correct"');
    expect(r.body).not.toContain('explanation');
  });

  it('saves progress and time, and resumes there; going back does not lower progress', async () => {
    const f = await learnerFixture(t.app);
    const saved = await api('PUT', `${f.token}/progress`, { page: 3, secondsSpent: 40 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().page).toBe(3);
    const back = await api('PUT', `${f.token}/progress`, { page: 1, secondsSpent: 20 });
    expect(back.json().progress).toBe(saved.json().progress);
    const resumed = (await api('GET', f.token)).json();
    expect(resumed.progress).toMatchObject({ page: 1, started: true, completed: false, timeSpentSeconds: 60 });
    expect(resumed.progress.progress).toBe(saved.json().progress);
    expect(resumed.progress.progress).toBeGreaterThan(0);
    expect(resumed.progress.progress).toBeLessThan(100);
    // Bounds name the field; nothing is written.
    const bad = await api('PUT', `${f.token}/progress`, { page: 1, secondsSpent: 100_000 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('secondsSpent');
    expect((await enrolment(f)).time_spent_seconds).toBe(60);
  });

  it('grades the quiz here: a failed attempt counts, a pass completes with score and certificate', async () => {
    const f = await learnerFixture(t.app);
    expect((await api('GET', `${f.token}/certificate`)).statusCode).toBe(409);
    const right = rightAnswers();
    const wrong = Object.fromEntries(
      Object.entries(right).map(([id]) => {
        const q = t.app.services.training.library
          .course('recognising-phishing', 'en')
          ?.quiz.questions.find((x) => x.id === id);
        const other = q?.choices.find((c) => !q.correct.includes(c.id));
        return [id, [other?.id ?? '']];
      }),
    );
    const failed = await api('POST', `${f.token}/quiz`, { answers: wrong, secondsSpent: 30 });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({
      score: 0,
      passed: false,
      attemptsUsed: 1,
      attemptsLeft: 2,
      completed: false,
    });
    expect(JSON.stringify(failed.json())).not.toMatch(/"correct":\[/);
    expect((await enrolment(f)).completed_at).toBeNull();

    const missing = await api('POST', `${f.token}/quiz`, { answers: {}, secondsSpent: 0 });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details.field).toMatch(/^answers\./);

    const passed = await api('POST', `${f.token}/quiz`, { answers: right, secondsSpent: 30 });
    expect(passed.json()).toMatchObject({ score: 100, passed: true, attemptsUsed: 2, completed: true });
    const e = await enrolment(f);
    expect(e).toMatchObject({ score: 100, passed: 1, progress: 100, next_reminder_at: null, time_spent_seconds: 60 });
    expect(e.completed_at).not.toBeNull();
    const cert = await api('GET', `${f.token}/certificate`);
    expect(cert.json()).toMatchObject({ learnerName: 'Ada Lovelace', courseTitle: 'Recognising phishing', score: 100 });
    // Completed is final: another submission changes nothing.
    const again = await api('POST', `${f.token}/quiz`, { answers: wrong, secondsSpent: 0 });
    expect(again.statusCode).toBe(409);
    expect((await enrolment(f)).score).toBe(100);
    expect((await api('GET', f.token)).json().progress).toMatchObject({ completed: true, passed: true, score: 100 });
  });

  it('completes, not passed, after the last failed attempt', async () => {
    const f = await learnerFixture(t.app);
    const answers = Object.fromEntries(
      Object.keys(rightAnswers()).map((id, i) => [id, i === 0 ? rightAnswers()[id] : ['x']]),
    );
    // 'x' is not a choice: refused, and no attempt is used.
    expect((await api('POST', `${f.token}/quiz`, { answers, secondsSpent: 0 })).statusCode).toBe(400);
    const oneRight = Object.fromEntries(
      Object.entries(rightAnswers()).map(([id, ok], i) => [
        id,
        i === 0 ? ok : rightAnswers()[id]?.length === 1 ? [otherChoice(id)] : [otherChoice(id)],
      ]),
    );
    for (const n of [1, 2, 3]) {
      const r = (await api('POST', `${f.token}/quiz`, { answers: oneRight, secondsSpent: 0 })).json();
      expect(r).toMatchObject({ passed: false, attemptsUsed: n, completed: n === 3 });
    }
    expect(await enrolment(f)).toMatchObject({ passed: 0, progress: 100, next_reminder_at: null });
    expect((await api('GET', `${f.token}/certificate`)).statusCode).toBe(409);
  });

  it('answers 413 for a body over the limit and 429 past the per-link and per-address rates', async () => {
    const f = await learnerFixture(t.app);
    const big = await api('PUT', `${f.token}/progress`, { page: 1, secondsSpent: 0, pad: 'x'.repeat(10_000) });
    expect(big.statusCode).toBe(413);
    const g = await learnerFixture(t.app);
    let status = 0;
    let n = 0;
    while (status !== 429 && n < 40) {
      n += 1;
      status = (await api('GET', g.token, undefined, '10.1.1.1')).statusCode;
    }
    expect({ n, status }).toEqual({ n: 31, status: 429 });
    const limited = await api('GET', g.token, undefined, '10.1.1.2');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'GET', url: `/learn/${g.token}` })).statusCode).toBe(429);
    // Per address: many links (even unknown ones) from one address.
    let addressStatus = 0;
    for (let i = 0; i < 401 && addressStatus !== 429; i++)
      addressStatus = (await api('GET', `bwm_${String(i).padStart(32, 'b')}`, undefined, '10.2.2.2')).statusCode;
    expect(addressStatus).toBe(429);
    // Another address is not affected.
    expect((await api('GET', f.token, undefined, '10.3.3.3')).statusCode).toBe(200);
  });
});

function otherChoice(id: string): string {
  const q = t.app.services.training.library
    .course('recognising-phishing', 'en')
    ?.quiz.questions.find((x) => x.id === id);
  return q?.choices.find((c) => !q.correct.includes(c.id))?.id ?? '';
}

describe('tenancy of links and content', () => {
  it('opens only its own client’s enrolment and package files', async () => {
    const a = await learnerFixture(t.app, { clientName: 'Client A' });
    const b = await learnerFixture(t.app, { clientName: 'Client B' });
    const pkgA = await packageFixture(t.app, a.clientId, '<p>A content</p><script src="app.js"></script>');
    const pkgB = await packageFixture(t.app, b.clientId, '<p>B secret content</p>');
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${pkgA}` })
      .where('id', '=', a.campaignId)
      .execute();
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${pkgB}` })
      .where('id', '=', b.campaignId)
      .execute();

    const viewA = (await api('GET', a.token)).json();
    expect(viewA.content.kind).toBe('scorm');
    expect(viewA.content.launchUrl).not.toContain(a.token);
    const launch = await t.app.inject({ method: 'GET', url: viewA.content.launchUrl });
    expect(launch.statusCode).toBe(200);
    expect(launch.body).toContain('A content');
    expect(launch.body).toMatch(
      /<head><script src="\/learn-content\/[0-9a-f]{64}\/__baitwise\/runtime\.js"><\/script>/,
    );
    const csp = String(launch.headers['content-security-policy']);
    expect(csp).toContain("connect-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toContain('sandbox allow-scripts allow-forms');
    expect(launch.headers['x-frame-options']).toBeUndefined();
    const base = viewA.content.launchUrl.replace(/index\.html$/, '');
    const runtime = await t.app.inject({ method: 'GET', url: `${base}__baitwise/runtime.js` });
    expect(runtime.body).toContain('Scorm12API');
    expect(runtime.body).not.toContain(a.token);

    // B's package through A's content path: every way of climbing out of A's folder is refused.
    for (const path of [`../${pkgB}/index.html`, `%2e%2e/${pkgB}/index.html`, `..%2f${pkgB}%2findex.html`]) {
      const r = await t.app.inject({ method: 'GET', url: `${base}${path}` });
      expect({ path, status: r.statusCode, leaked: r.body.includes('B secret') }).toMatchObject({
        path,
        leaked: false,
      });
      expect(r.statusCode).toBe(404);
    }
    // A campaign of client A naming B's package (it cannot be created so, but if it were) opens nothing.
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${pkgB}` })
      .where('id', '=', a.campaignId)
      .execute();
    expect((await api('GET', a.token)).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: viewA.content.launchUrl })).statusCode).toBe(404);
    // B's own link still works, and A's token never reaches B's enrolment.
    expect((await api('GET', b.token)).json().client.name).toBe('Client B');
    await api('POST', `${a.token}/start`);
    expect((await enrolment(b)).started_at).toBeNull();
  });

  it('plays a package uploaded through the library: 2004 run-time, launch address with its query', async () => {
    const f = await learnerFixture(t.app);
    const sys = await t.login(ADMIN.email, ADMIN.password);
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clients/${f.clientId}/training/packages`,
      headers: { cookie: sys.cookie, 'x-csrf-token': sys.csrf, 'content-type': 'application/zip' },
      payload: await scorm2004(),
    });
    expect(up.statusCode).toBe(201);
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${up.json().id}` })
      .where('id', '=', f.campaignId)
      .execute();
    const view = (await api('GET', f.token)).json();
    expect(view.content).toMatchObject({ kind: 'scorm', version: '2004' });
    expect(view.content.launchUrl).toMatch(/^\/learn-content\/[0-9a-f]{64}\/content\/start\.html\?lesson=1$/);
    const launch = await t.app.inject({ method: 'GET', url: view.content.launchUrl });
    expect(launch.statusCode).toBe(200);
    // The doctype stays first; the run-time comes before anything of the package.
    expect(launch.body).toMatch(
      /^<!doctype html><script src="\/learn-content\/[0-9a-f]{64}\/__baitwise\/runtime\.js"><\/script><title>/,
    );
    const base = view.content.launchUrl.replace(/start\.html.*$/, '');
    expect((await t.app.inject({ method: 'GET', url: `${base}js/app.js` })).body).toBe('console.log(1)');
    const runtime = await t.app.inject({
      method: 'GET',
      url: `${base.replace(/content\/$/, '')}__baitwise/runtime.js`,
    });
    expect(runtime.headers['content-type']).toContain('text/javascript');
    expect(runtime.body).toContain('"version":"2004"');
  });

  it('injects the run-time first whatever the document looks like', () => {
    const tag = '<script src="/r.js"></script>';
    expect(injectRuntime('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">', tag)).toBe(
      `<!DOCTYPE html><html lang="en"><head>${tag}<meta charset="utf-8">`,
    );
    expect(injectRuntime('<html><body>x', tag)).toBe(`<html>${tag}<body>x`);
    expect(injectRuntime('<!doctype html><p>x', tag)).toBe(`<!doctype html>${tag}<p>x`);
    expect(injectRuntime('<p>x', tag)).toBe(`${tag}<p>x`);
    expect(injectRuntime('<header>x</header>', tag)).toBe(`${tag}<header>x</header>`);
  });

  it('records a SCORM package’s completion relayed by the page', async () => {
    const f = await learnerFixture(t.app);
    const pkg = await packageFixture(t.app, f.clientId, '<p>content</p>');
    await db()
      .updateTable('training_campaigns')
      .set({ content_ref: `package:${pkg}` })
      .where('id', '=', f.campaignId)
      .execute();
    const partial = {
      completion: 'incomplete',
      success: 'unknown',
      score: null,
      secondsSpent: 20,
      location: 'slide-3',
      suspendData: 'abc',
    };
    expect((await api('POST', `${f.token}/scorm`, partial)).json()).toEqual({ completed: false });
    expect((await api('GET', f.token)).json().content.resume).toEqual({ location: 'slide-3', suspendData: 'abc' });
    const done = { ...partial, completion: 'completed', success: 'passed', score: 90 };
    expect((await api('POST', `${f.token}/scorm`, done)).json()).toEqual({ completed: true });
    expect(await enrolment(f)).toMatchObject({
      passed: 1,
      score: 90,
      progress: 100,
      next_reminder_at: null,
      time_spent_seconds: 40,
    });
    const tooMuch = await api('POST', `${f.token}/scorm`, { ...done, score: 250 });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.json().error.details.field).toBe('score');
  });
});
