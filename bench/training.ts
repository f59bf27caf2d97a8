// Benchmark: a training campaign of 100,000 learners, on SQLite and — when
// BAITWISE_TEST_DATABASE_URL names a server — on PostgreSQL. Prints JSON:
//
// 1. launch: 100,000 enabled recipients (25 departments, every tenth in a group), one campaign to
//    everyone launched through the API (the enrolments and their outbox invitations, one
//    transaction): wall time and peak RSS.
// 2. progress written as the learners and the outbox would leave it: 60% clicked, 45% started,
//    30% completed with scores (80% of those passed), invitations 90% sent, 5% failed, 5% still
//    queued (the outbox's own status column is updated, as the dispatcher would).
// 3. the campaign page's requests through app.inject (auth, validation, SQL, serialisation):
//    p50/p95 over --runs runs of the aggregates (GET …/results), the learners' first page and
//    its filters, the campaign list and the campaign, each as a ratio to a baseline measured in
//    the same run (GET /api/v1/auth/me), so figures from different machines compare.
// 4. exports (CSV and XLSX of every learner) and cancel: wall time.
// 5. the learner endpoints over a real HTTP server on loopback: GET /api/v1/learn/:token (open
//    the link) and PUT /api/v1/learn/:token/progress (save progress), --seconds each, from a
//    load generator in a child process (so it does not share the server's event loop) with
//    --connections keep-alive connections, each request on another learner's link: requests/s
//    and p50/p99. Target: ≥ 1,000 req/s with p99 < 50 ms.
//
//   npm run bench:training [-- --recipients 100000 --runs 30 --seconds 5 --connections 16 --engine both|sqlite|postgres]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { RecipientsTable } from '../src/db/types.js';
import { newId } from '../src/lib/ids.js';
import { messageToken } from '../src/modules/mail-delivery/message-token.js';
import { ADMIN, createTestApp, type TestApp } from '../test/helpers/app.js';
import { loadInChild } from './http-load.js';
import { mb, measured, s } from './measure.js';

const { values: args } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '16' },
    // One engine alone: RSS never shrinks back, so a PostgreSQL run after the SQLite one starts
    // with the SQLite run's heap and its launch's peak RSS is not its own.
    engine: { type: 'string', default: 'both' },
  },
});
const N = Number(args.recipients);
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const DEPTS = Array.from({ length: 25 }, (_, i) => `Department ${String(i + 1).padStart(2, '0')}`);
const CHUNK = 1000;

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (x: number) => Math.round(x * 100) / 100;

async function seedRecipients(t: TestApp, clientId: string, groupId: string) {
  const now = new Date().toISOString();
  const db = t.db.handle.db;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('recipient_groups')
      .values({
        id: groupId,
        client_id: clientId,
        name: 'Tenth',
        name_key: 'tenth',
        description: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    for (let i = 0; i < N; i += CHUNK) {
      const rows: RecipientsTable[] = [];
      for (let j = i; j < Math.min(N, i + CHUNK); j++) {
        const email = `learner.${j}@bench.example`;
        rows.push({
          id: newId(),
          client_id: clientId,
          email,
          email_key: email,
          first_name: 'Learner',
          last_name: String(j),
          display_name: `Learner ${j}`,
          department: DEPTS[j % DEPTS.length] ?? null,
          job_title: null,
          office_location: null,
          time_zone: null,
          entra_object_id: null,
          user_type: 'Member',
          enabled: 1,
          source: 'entra',
          created_at: now,
          updated_at: now,
        });
      }
      await trx.insertInto('recipients').values(rows).execute();
      await trx
        .insertInto('recipient_group_members')
        .values(
          rows
            .filter((_, k) => k % 10 === 0)
            .map((r) => ({ client_id: clientId, group_id: groupId, recipient_id: r.id, created_at: now })),
        )
        .execute();
    }
  });
}

/** What learners and the outbox leave behind, written in chunks the way their own updates would. */
async function seedProgress(t: TestApp, clientId: string, campaignId: string) {
  const db = t.db.handle.db;
  const rows = await db
    .selectFrom('training_enrolments')
    .select(['id', 'invite_message_id'])
    .where('client_id', '=', clientId)
    .where('campaign_id', '=', campaignId)
    .orderBy('id')
    .execute();
  const hour = 3_600_000;
  const t0 = Date.now() - 10 * 24 * hour;
  const at = (i: number, h: number) => new Date(t0 + (i % 200) * hour + h * hour).toISOString();
  // bucket i % 20: 0 failed invitation, 1 still queued, else sent; clicked < 12, started < 9,
  // completed < 6 (buckets 2..19 hold the sent ones: the rates are of all enrolments).
  const bucket = (i: number) => (i * 7) % 20;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const part = rows.slice(i, i + CHUNK).map((r, k) => ({ ...r, i: i + k, b: bucket(i + k) }));
      const ids = (f: (p: (typeof part)[number]) => boolean) => part.filter(f).map((p) => p.id);
      const msgs = (f: (p: (typeof part)[number]) => boolean) => part.filter(f).map((p) => p.invite_message_id ?? '');
      const sentAt = at(i, 0);
      const failed = msgs((p) => p.b === 0);
      if (failed.length)
        await trx
          .updateTable('outbox_messages')
          .set({ status: 'failed', last_error: 'bench: mailbox unavailable', updated_at: sentAt })
          .where('id', 'in', failed)
          .execute();
      const sent = msgs((p) => p.b >= 2);
      await trx
        .updateTable('outbox_messages')
        .set({ status: 'sent', sent_at: sentAt, updated_at: sentAt })
        .where('id', 'in', sent)
        .execute();
      const clicked = ids((p) => p.b >= 8);
      await trx
        .updateTable('training_enrolments')
        .set({ clicked_at: at(i, 1) })
        .where('id', 'in', clicked)
        .execute();
      const started = ids((p) => p.b >= 11);
      await trx
        .updateTable('training_enrolments')
        .set({
          started_at: at(i, 2),
          last_seen_at: at(i, 2),
          progress: 40,
          time_spent_seconds: 300,
          state: '{"page":2,"furthest":2,"attempts":0}',
        })
        .where('id', 'in', started)
        .execute();
      for (const score of [60, 80, 100]) {
        const done = part.filter((p) => p.b >= 14 && p.i % 3 === score / 20 - 3).map((p) => p.id);
        if (!done.length) continue;
        await trx
          .updateTable('training_enrolments')
          .set({
            completed_at: at(i, 3 + (i % 48)),
            progress: 100,
            score,
            passed: score >= 80 ? 1 : 0,
            next_reminder_at: null,
            time_spent_seconds: 900,
          })
          .where('id', 'in', done)
          .execute();
      }
    }
  });
  return rows;
}

async function measure(t: TestApp, url: string, headers: Record<string, string>) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const res = await t.app.inject({ method: 'GET', url, headers });
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    if (i >= 3) times.push(ms); // the first few warm caches and JIT
  }
  times.sort((a, b) => a - b);
  return { p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)) };
}

/**
 * The learner endpoints under load (bench/http-load.ts: its own process, keep-alive connections,
 * one request after another on each), each request on another learner's link.
 */
async function load(port: number, method: 'GET' | 'PUT', tokens: string[]): Promise<Record<string, unknown>> {
  const r = await loadInChild({
    base: `http://127.0.0.1:${port}`,
    paths: tokens.map((t) => (method === 'GET' ? `/api/v1/learn/${t}` : `/api/v1/learn/${t}/progress`)),
    method,
    ...(method === 'PUT' ? { body: { page: 1, secondsSpent: 5 } } : {}),
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
  const ok = r.statuses['200'] ?? 0;
  return {
    requests: r.requests,
    ok,
    bad: r.requests - ok + r.errors + r.timeouts,
    statuses: r.statuses,
    rps: r.requestsPerSecond,
    p50: r.p50Ms,
    p99: r.p99Ms,
  };
}

async function run(engine: 'sqlite' | 'postgres') {
  const pgUrl = process.env.BAITWISE_TEST_DATABASE_URL;
  if (engine === 'sqlite') delete process.env.BAITWISE_TEST_DATABASE_URL;
  const t = await createTestApp({
    // The per-address limit guards a real office behind one NAT address; the generator is one
    // address sending far more than an office, so both limits are lifted for the measurement.
    env: { BAITWISE_LEARNER_RATE_PER_ADDRESS: '1000000', BAITWISE_LEARNER_RATE_PER_LINK: '1000000' },
  });
  if (pgUrl) process.env.BAITWISE_TEST_DATABASE_URL = pgUrl;
  try {
    const sess = await t.login(ADMIN.email, ADMIN.password);
    const headers = { cookie: sess.cookie };
    const clientId = (await t.as(sess, 'POST', '/api/v1/clients', { name: 'Bench' })).json().id as string;
    const profile = await t.as(sess, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: 'Relay',
      kind: 'smtp',
      fromAddress: 'security@bench.example',
      smtp: { host: 'relay.bench.example', port: 25, security: 'none' },
    });
    if (profile.statusCode !== 201) throw new Error(profile.body);
    const groupId = newId();
    const seeded = await measured(() => seedRecipients(t, clientId, groupId));
    // SQLite: the worker's schedule indexes written rows for search within seconds (search-index.ts);
    // the learners search reads that index, so measure the steady state after it.
    await t.container.services.searchIndex.drain();
    const api = `/api/v1/clients/${clientId}/training/campaigns`;
    const created = await t.as(sess, 'POST', api, {
      name: 'Bench campaign',
      contentRef: 'builtin:recognising-phishing',
      language: 'en',
      profileId: profile.json().id,
      audience: { everyone: true },
      timeZone: 'Europe/Berlin',
      dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    });
    if (created.statusCode !== 201) throw new Error(created.body);
    const campaignId = created.json().id as string;
    const rssBeforeLaunch = process.memoryUsage().rss;
    const launch = await measured(() => t.as(sess, 'POST', `${api}/${campaignId}/launch`));
    if (launch.value.statusCode !== 200) throw new Error(launch.value.body);
    const progress = await measured(() => seedProgress(t, clientId, campaignId));
    if (engine === 'postgres') {
      for (const table of ['recipients', 'recipient_group_members', 'training_enrolments', 'outbox_messages'])
        await sql`vacuum analyze ${sql.table(table)}`.execute(t.db.handle.db);
    }

    const c = `${api}/${campaignId}`;
    const cases: Record<string, string> = {
      results: `${c}/results`,
      learnersFirstPage: `${c}/enrolments?limit=50`,
      learnersCompleted: `${c}/enrolments?limit=50&status=completed`,
      learnersDepartment: `${c}/enrolments?limit=50&department=${encodeURIComponent('Department 07')}`,
      learnersGroup: `${c}/enrolments?limit=50&groupId=${groupId}`,
      learnersSearch: `${c}/enrolments?limit=50&search=${encodeURIComponent('learner.4242')}`,
      learnersSearchName: `${c}/enrolments?limit=50&search=${encodeURIComponent('ARNER 424')}`,
      campaign: c,
      campaignList: api,
    };
    const baseline = await measure(t, '/api/v1/auth/me', headers);
    const pages: Record<string, { p50: number; p95: number; ratioP95: number }> = {};
    for (const [name, url] of Object.entries(cases)) {
      const m = await measure(t, url, headers);
      pages[name] = { ...m, ratioP95: round(m.p95 / Math.max(baseline.p95, 0.01)) };
    }

    const exports: Record<string, { s: number; bytes: number; peakRssMb: number }> = {};
    for (const format of ['csv', 'xlsx']) {
      const r = await measured(() => t.app.inject({ method: 'GET', url: `${c}/export?format=${format}`, headers }));
      if (r.value.statusCode !== 200) throw new Error(`export ${format}: ${r.value.statusCode}`);
      exports[format] = { s: s(r.ms), bytes: r.value.rawPayload.length, peakRssMb: mb(r.peakRss) };
    }

    // The learner endpoints, on a real server: links of learners who have not completed.
    const key = await t.app.services.mail.dispatch.keys.key(clientId);
    const open = await t.db.handle.db
      .selectFrom('training_enrolments')
      .select('invite_message_id')
      .where('client_id', '=', clientId)
      .where('campaign_id', '=', campaignId)
      .where('completed_at', 'is', null)
      .orderBy('id')
      .limit(5000)
      .execute();
    const tokens = open.map((e) => messageToken(key, e.invite_message_id ?? ''));
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.app.server.address() as { port: number }).port;
    const learner = { openLink: await load(port, 'GET', tokens), saveProgress: await load(port, 'PUT', tokens) };

    const cancel = await measured(() => t.as(sess, 'POST', `${c}/cancel`));
    if (cancel.value.statusCode !== 200) throw new Error(cancel.value.body);
    return {
      engine,
      recipients: N,
      runs: RUNS,
      seedRecipientsS: s(seeded.ms),
      launch: { s: s(launch.ms), peakRssMb: mb(launch.peakRss), rssBeforeMb: mb(rssBeforeLaunch) },
      seedProgressS: s(progress.ms),
      baseline: { url: 'GET /api/v1/auth/me', ...baseline },
      pages,
      exports,
      learner: { seconds: SECONDS, connections: CONNECTIONS, links: tokens.length, ...learner },
      cancel: { s: s(cancel.ms) },
    };
  } finally {
    await t.close();
  }
}

const out = [];
if (args.engine !== 'postgres') out.push(await run('sqlite'));
if (args.engine !== 'sqlite') {
  if (process.env.BAITWISE_TEST_DATABASE_URL) out.push(await run('postgres'));
  else if (args.engine === 'postgres') throw new Error('--engine postgres needs BAITWISE_TEST_DATABASE_URL');
}
console.log(JSON.stringify({ bench: 'training', node: process.version, results: out }, null, 2));
