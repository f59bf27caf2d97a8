// Benchmark: the recipients list at 100,000 recipients in one client, through app.inject (the
// whole request path: auth, validation, query, serialisation). Prints JSON: p50/p95 in ms for
// the first page, a deep page (by cursor), a search, a department filter and a group filter,
// each beside a baseline measured in the same run (GET /auth/me) as a ratio, so numbers from
// different machines can be compared. Runs on SQLite, and on PostgreSQL as well when
// BAITWISE_TEST_DATABASE_URL names a server (scripts/pg-throwaway.sh starts one).
//
//   npm run bench:recipients [-- --recipients 100000 --runs 40]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { RecipientsTable } from '../src/db/types.js';
import { newId } from '../src/lib/ids.js';
import { encodeCursor } from '../src/modules/recipients/cursor.js';
import { ADMIN, createTestApp, type TestApp } from '../test/helpers/app.js';

const { values: args } = parseArgs({
  options: { recipients: { type: 'string', default: '100000' }, runs: { type: 'string', default: '40' } },
});
const N = Number(args.recipients);
const RUNS = Number(args.runs);

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jon', 'Kai', 'Lena', 'Mia'];
const LAST = ['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Nowak', 'Silva', 'Kim', 'Chen', 'Okafor'];
const DEPTS = Array.from({ length: 25 }, (_, i) => `Department ${String(i + 1).padStart(2, '0')}`);

/** Deterministic pseudo-random numbers, so every run measures the same data. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

async function seed(t: TestApp, clientId: string): Promise<{ ms: number; groupId: string }> {
  const pick = rng(42);
  const now = new Date().toISOString();
  const groupId = newId();
  const started = performance.now();
  await t.db.handle.db.transaction().execute(async (trx) => {
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
    for (let i = 0; i < N; i += 1000) {
      const rows: RecipientsTable[] = [];
      for (let j = i; j < Math.min(N, i + 1000); j++) {
        const first = FIRST[pick(FIRST.length)] ?? 'X';
        const last = LAST[pick(LAST.length)] ?? 'Y';
        const email = `${first}.${last}.${j}@bench.example`.toLowerCase();
        rows.push({
          id: newId(),
          client_id: clientId,
          email,
          email_key: email,
          first_name: first,
          last_name: last,
          display_name: `${first} ${last}`, // many equal names: the id tie-breaker matters
          department: DEPTS[pick(DEPTS.length)] ?? null,
          job_title: `Title ${pick(60)}`,
          office_location: null,
          time_zone: null,
          entra_object_id: newId(),
          user_type: 'Member',
          enabled: pick(20) === 0 ? 0 : 1,
          source: 'entra',
          created_at: now,
          updated_at: now,
        });
      }
      await trx.insertInto('recipients').values(rows).execute();
      // Every tenth recipient is in the group.
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
  return { ms: Math.round(performance.now() - started), groupId };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const round = (x: number) => Math.round(x * 100) / 100;

async function measure(t: TestApp, url: string, headers: Record<string, string>) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 5; i++) {
    const started = performance.now();
    const res = await t.app.inject({ method: 'GET', url, headers });
    const ms = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    if (i >= 5) times.push(ms); // the first few warm caches and JIT
  }
  times.sort((a, b) => a - b);
  return { p50: round(quantile(times, 0.5)), p95: round(quantile(times, 0.95)) };
}

async function run(engine: 'sqlite' | 'postgres') {
  const pgUrl = process.env.BAITWISE_TEST_DATABASE_URL;
  if (engine === 'sqlite') delete process.env.BAITWISE_TEST_DATABASE_URL;
  const t = await createTestApp();
  if (pgUrl) process.env.BAITWISE_TEST_DATABASE_URL = pgUrl;
  try {
    const s = await t.login(ADMIN.email, ADMIN.password);
    const headers = { cookie: s.cookie };
    const clientId = (await t.as(s, 'POST', '/api/v1/clients', { name: 'Bench' })).json().id as string;
    const { ms: insertMs, groupId } = await seed(t, clientId);
    // SQLite: the worker's schedule indexes rows for search after writes (search-index.ts); a
    // search is exact before that too, but measures the steady state after it.
    const indexStart = performance.now();
    const indexed = await t.container.services.searchIndex.drain();
    const searchIndexMs = Math.round(performance.now() - indexStart);
    // Autovacuum vacuums and analyses a freshly loaded table within a minute or so (which also
    // lets counts read indexes alone); do it now rather than wait, so we measure the steady state.
    if (engine === 'postgres') {
      for (const table of ['recipients', 'recipient_group_members']) {
        await sql`vacuum analyze ${sql.table(table)}`.execute(t.db.handle.db);
      }
    }
    // The cursor of the row at 90% of the list: what "page 1,800 of 2,000" costs.
    const deep = await t.db.handle.db
      .selectFrom('recipients')
      .select(['display_name', 'id'])
      .where('client_id', '=', clientId)
      .orderBy('display_name')
      .orderBy('id')
      .offset(Math.floor(N * 0.9))
      .limit(1)
      .executeTakeFirstOrThrow();
    const list = `/api/v1/clients/${clientId}/recipients`;
    const cases: Record<string, string> = {
      firstPage: `${list}?limit=50`,
      firstPageWithTotal: `${list}?limit=50&total=true`,
      deepPage: `${list}?limit=50&cursor=${encodeCursor({ name: deep.display_name, id: deep.id })}`,
      searchContains: `${list}?limit=50&search=${encodeURIComponent('.4242@')}`,
      searchName: `${list}?limit=50&search=okafor`,
      department: `${list}?limit=50&department=${encodeURIComponent('Department 07')}`,
      group: `${list}?limit=50&groupId=${groupId}`,
      facets: `${list}/facets`,
    };
    const baseline = await measure(t, '/api/v1/auth/me', headers);
    const results: Record<string, { p50: number; p95: number; ratioP50: number }> = {};
    for (const [name, url] of Object.entries(cases)) {
      const m = await measure(t, url, headers);
      results[name] = { ...m, ratioP50: round(m.p50 / Math.max(baseline.p50, 0.01)) };
    }
    return {
      engine,
      recipients: N,
      runs: RUNS,
      insertMs,
      searchIndex: { rows: indexed, ms: searchIndexMs },
      baseline: { url: 'GET /api/v1/auth/me', ...baseline },
      results,
    };
  } finally {
    await t.close();
  }
}

const out = [await run('sqlite')];
if (process.env.BAITWISE_TEST_DATABASE_URL) out.push(await run('postgres'));
console.log(JSON.stringify({ bench: 'recipients-list', node: process.version, results: out }, null, 2));
