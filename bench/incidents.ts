// Benchmark: the incidents inbox, on SQLite and — when BAITWISE_TEST_DATABASE_URL names a server —
// on PostgreSQL. Prints JSON:
//
// 1. ingest: --reports reports (one wave of --wave of them: one message with a new Message-ID and
//    tracking link per recipient; the rest spread over distinct messages, some reported by several
//    people) recorded through ReportRecorder as an intake does (parse, compress, encrypt, store,
//    the row and its analysis job in one transaction), then analysed and grouped by the
//    incidents.analyse job's handler, --concurrency at a time: reports/s of each step and overall,
//    and a check that the wave is one incident of --wave reports.
// 2. the inbox with --incidents incidents seeded directly for one client (and as many for another):
//    p50/p95 over --runs requests through app.inject (auth, validation, SQL, serialisation) of the
//    first page, the first page filtered by status, searched, sorted by report count, a later page
//    (by cursor) and the system administrator's all-clients view. Target: first page p95 < 100 ms.
//
//   npm run bench:incidents [-- --reports 10000 --wave 300 --incidents 100000 --runs 40 --concurrency 8]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { IncidentsTable } from '../src/db/types.js';
import { newId } from '../src/lib/ids.js';
import { ADMIN, createTestApp, type TestApp } from '../test/helpers/app.js';
import { eml, recordReport } from '../test/helpers/incidents.js';
import { mb, measured, s } from './measure.js';

const { values: args } = parseArgs({
  options: {
    reports: { type: 'string', default: '10000' },
    wave: { type: 'string', default: '300' },
    incidents: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '40' },
    concurrency: { type: 'string', default: '8' },
  },
});
const REPORTS = Number(args.reports);
const WAVE = Number(args.wave);
const INCIDENTS = Number(args.incidents);
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);

async function pool<T>(items: T[], n: number, one: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await one(items[next++] as T);
    }),
  );
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const ms = (v: number) => Math.round(v * 10) / 10;

/** The reports: the wave, then messages reported by 1–4 people (by Message-ID or content). */
function messages(): { reporter: string; message: Buffer }[] {
  const out: { reporter: string; message: Buffer }[] = [];
  for (let i = 0; i < WAVE; i++) {
    const html = `<p>Your parcel is held.</p><a href="https://parcel.phish.example/track?r=${i}">Track it</a>`;
    out.push({ reporter: `wave${i}@client.example`, message: eml({ subject: 'Parcel held', html }) });
  }
  let m = 0;
  while (out.length < REPORTS) {
    m++;
    const copies = 1 + (m % 4);
    const messageId = `<bench-${m}@sender${m % 50}.example>`;
    const html = `<p>Message ${m}: ${'Please review the attached document. '.repeat(40)}</p><a href="https://s${m}.example/x">Open</a>`;
    const message = eml({
      subject: `Document ${m} shared with you`,
      from: `share@sender${m % 50}.example`,
      html,
      messageId,
    });
    for (let c = 0; c < copies && out.length < REPORTS; c++)
      out.push({ reporter: `r${c}.${m}@client.example`, message });
  }
  return out;
}

async function seedIncidents(t: TestApp, clientId: string, n: number) {
  const db = t.db.handle.db;
  const start = Date.parse('2026-01-01T00:00:00Z');
  const statuses = ['new', 'in_review', 'resolved'] as const;
  const verdicts = [null, 'phishing', 'spam', 'clean'] as const;
  for (let i = 0; i < n; i += 500) {
    const rows: IncidentsTable[] = [];
    for (let k = i; k < Math.min(n, i + 500); k++) {
      const at = new Date(start + k * 60_000).toISOString();
      const subject = `Invoice ${k} overdue`;
      const from = `billing@vendor${k % 997}.example`;
      rows.push({
        id: newId(),
        client_id: clientId,
        content_key: `seed-${k}`,
        subject,
        from_address: from,
        from_name: 'Billing',
        from_domain: `vendor${k % 997}.example`,
        search_text: `${subject} ${from} billing`.toLowerCase(),
        status: statuses[k % 3] ?? 'new',
        verdict: verdicts[k % 4] ?? null,
        assignee_id: null,
        report_count: 1 + (k % 50),
        first_reported_at: at,
        last_reported_at: at,
        outbox_ref_type: null,
        outbox_ref_id: null,
        classified_at: null,
        resolved_at: null,
        created_at: at,
        updated_at: at,
      });
    }
    await db.insertInto('incidents').values(rows).execute();
  }
}

async function run(engine: 'sqlite' | 'postgres') {
  const pgUrl = process.env.BAITWISE_TEST_DATABASE_URL;
  if (engine === 'sqlite') delete process.env.BAITWISE_TEST_DATABASE_URL;
  const t = await createTestApp();
  if (pgUrl) process.env.BAITWISE_TEST_DATABASE_URL = pgUrl;
  try {
    const sess = await t.login(ADMIN.email, ADMIN.password);
    const clientId = (await t.as(sess, 'POST', '/api/v1/clients', { name: 'Bench' })).json().id as string;
    const items = messages();
    const ids: string[] = [];
    const recorded = await measured(() =>
      pool(items, CONCURRENCY, async (it) => {
        ids.push(await recordReport(t, clientId, it.reporter, it.message));
      }),
    );
    const analyser = t.app.services.incidents.analyser;
    const grouped = await measured(() => pool(ids, CONCURRENCY, (id) => analyser.analyse(clientId, id)));
    const db = t.db.handle.db;
    const wave = await db
      .selectFrom('incidents')
      .select(['report_count'])
      .where('client_id', '=', clientId)
      .where('subject', '=', 'Parcel held')
      .execute();
    const incidents = await db
      .selectFrom('incidents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();

    const inbox = (await t.as(sess, 'POST', '/api/v1/clients', { name: 'Inbox' })).json().id as string;
    const other = (await t.as(sess, 'POST', '/api/v1/clients', { name: 'Other' })).json().id as string;
    const seeded = await measured(async () => {
      await seedIncidents(t, inbox, INCIDENTS);
      await seedIncidents(t, other, INCIDENTS);
    });
    // Autovacuum analyses a freshly loaded table within a minute or so; do it now rather than wait,
    // so the planner knows the table's size (before, it sorted a client's 100,000 rows for a page).
    if (engine === 'postgres') await sql`vacuum analyze incidents`.execute(t.db.handle.db);
    const base = `/api/v1/clients/${inbox}/incidents`;
    const second = (await t.as(sess, 'GET', base)).json().nextCursor as string;
    const urls: Record<string, string> = {
      firstPage: base,
      statusNew: `${base}?status=new`,
      search: `${base}?q=invoice%2012345`,
      byReportCount: `${base}?sort=report_count`,
      secondPage: `${base}?cursor=${second}`,
      allClients: '/api/v1/incidents',
      baselineAuthMe: '/api/v1/auth/me',
    };
    const pages: Record<string, { p50: number; p95: number }> = {};
    for (const [name, url] of Object.entries(urls)) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const r = await t.as(sess, 'GET', url);
        times.push(performance.now() - t0);
        if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      }
      times.sort((a, b) => a - b);
      pages[name] = { p50: ms(pct(times, 0.5)), p95: ms(pct(times, 0.95)) };
    }
    return {
      engine,
      ingest: {
        reports: REPORTS,
        concurrency: CONCURRENCY,
        recordS: s(recorded.ms),
        recordPerSecond: Math.round(REPORTS / (recorded.ms / 1000)),
        analyseS: s(grouped.ms),
        analysePerSecond: Math.round(REPORTS / (grouped.ms / 1000)),
        overallPerSecond: Math.round(REPORTS / ((recorded.ms + grouped.ms) / 1000)),
        peakRssMb: mb(Math.max(recorded.peakRss, grouped.peakRss)),
        incidents: Number(incidents.n),
        wave: { reports: WAVE, incidents: wave.length, reportCount: wave[0]?.report_count ?? 0 },
      },
      inbox: {
        incidents: INCIDENTS,
        seedS: s(seeded.ms),
        runs: RUNS,
        msPerRequest: pages,
        target: { firstPageP95Ms: 100, met: (pages.firstPage?.p95 ?? Infinity) < 100 },
      },
    };
  } finally {
    await t.close();
  }
}

const out = [await run('sqlite')];
if (process.env.BAITWISE_TEST_DATABASE_URL) out.push(await run('postgres'));
console.log(JSON.stringify({ bench: 'incidents', node: process.version, results: out }, null, 2));
