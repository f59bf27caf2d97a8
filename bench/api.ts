// Benchmark: the API under load, measured from outside as an operator's tools would meet it. Starts
// the real server (`node dist/src/main.js`, as `npm start` does; built first when stale) on SQLite —
// and on PostgreSQL when BAITWISE_TEST_DATABASE_URL names a server (scripts/pg-throwaway.sh) — seeds
// 100,000 recipients in one client and 1,000 in each of 10 more through the CSV import API, then
// drives each route over loopback with 200 keep-alive connections for a bounded time (autocannon
// in a process of its own, bench/http-load.ts), measured once every connection has had its first
// answer (the ramp of connections opening is reported apart, as `ramp`: Node accepts one new
// connection per turn of its event loop). Prints JSON per database: requests/s, p50, p99,
// timeouts and statuses per route, each route's requests/s as a ratio to the `/auth/me` baseline of
// the same run; then `/auth/me` measured while 200 connections flood contains-searches; then
// fairness with the default per-actor and per-client limits: one client's token floods searches
// while another client's administrator reads first pages at a person's pace (10 a second).
//
//   npm run bench:api [-- --recipients 100000 --seconds 10 --connections 200 --databases sqlite,postgres
//                      --scenarios routes,flood,fairness --cpu-prof-dir DIR]
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadInChild } from './http-load.js';

const { values: args } = parseArgs({
  options: {
    recipients: { type: 'string', default: '100000' },
    'small-clients': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' },
    databases: { type: 'string', default: 'sqlite,postgres' },
    scenarios: { type: 'string', default: 'routes,flood,fairness' },
    // writes a V8 CPU profile of each server process there (where a request's time goes)
    'cpu-prof-dir': { type: 'string' },
  },
});
const N = Number(args.recipients);
const SMALL = Number(args['small-clients']);
const SECONDS = Number(args.seconds);
const CONNS = Number(args.connections);
const SCENARIOS = new Set(args.scenarios.split(','));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN = { email: 'bench@api.bench', password: 'bench api password 1' };
const DEPTS = Array.from({ length: 25 }, (_, i) => `Department ${String(i + 1).padStart(2, '0')}`);
const TITLES = ['Engineer', 'Analyst', 'Manager', 'Consultant', 'Director', 'Assistant', 'Officer'];
const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Emma', 'Farid', 'Grace', 'Hugo', 'Inès', 'Jon', 'Kai', 'Lena', 'Mia'];
const LAST = ['Smith', 'Jones', 'Garcia', 'Müller', 'Rossi', 'Dubois', 'Nowak', 'Silva', 'Kim', 'Chen', 'Okafor'];

/** Whether any file under `dir` changed after the build (dist/src/main.js). */
function changedSinceBuild(dir: string): boolean {
  const out = spawnSync('find', [dir, '-type', 'f', '-newer', join(ROOT, 'dist/src/main.js')], { encoding: 'utf8' });
  return out.stdout.trim() !== '';
}

function ensureBuilt(): void {
  let stale = true;
  try {
    statSync(join(ROOT, 'dist/src/main.js'));
    stale = changedSinceBuild(join(ROOT, 'src'));
  } catch {
    stale = true;
  }
  if (!stale) return;
  process.stderr.write('bench:api: building the server (tsc -p tsconfig.build.json)…\n');
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the build failed');
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

interface Server {
  base: string;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** The Node flags `npm start` runs the server with (package.json), so it runs here as it does there. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start
    .split(/\s+/)
    .slice(1)
    .filter((w) => w.startsWith('--'));
}

/** The process's peak resident memory in MB (Linux's /proc; null elsewhere). */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

async function startServer(dataDir: string, databaseUrl: string | undefined, limits: boolean): Promise<Server> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    BAITWISE_DATA_DIR: dataDir,
    BAITWISE_ADMIN_EMAIL: ADMIN.email,
    BAITWISE_ADMIN_PASSWORD: ADMIN.password,
    BAITWISE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (!limits) {
    // Throughput of the routes themselves: one token drives far past the default per-actor limit.
    env.BAITWISE_API_RATE_PER_ACTOR = '0';
    env.BAITWISE_API_RATE_PER_CLIENT = '0';
  } else {
    delete env.BAITWISE_API_RATE_PER_ACTOR;
    delete env.BAITWISE_API_RATE_PER_CLIENT;
  }
  const prof = args['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-dir']}`] : [];
  const proc = spawn(process.execPath, [...startFlags(), ...prof, join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the server exited (${proc.exitCode})`);
    const ok = await fetch(`${base}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > until) throw new Error('the server did not start within 2 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    base,
    proc,
    stop: () =>
      new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** An API caller: a bearer token, or a session (cookie + CSRF) for creating the token. */
function caller(base: string, auth: { token?: string; cookie?: string; csrf?: string }) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {};
    if (auth.token) headers.authorization = `Bearer ${auth.token}`;
    if (auth.cookie) headers.cookie = auth.cookie;
    if (auth.csrf) headers['x-csrf-token'] = auth.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    // A well-behaved client: on 503 (overloaded — a 10,000-row import holds the thread) or 429,
    // wait the Retry-After it was given and ask again.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if ((res.status === 503 || res.status === 429) && attempt < 30) {
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
        continue;
      }
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
      return (text ? JSON.parse(text) : null) as T;
    }
  };
}

async function signIn(base: string, email: string, password: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const session = caller(base, { cookie, csrf: csrfToken });
  const { secret } = await session<{ secret: string }>('POST', '/api-tokens', { name: `bench ${email}` });
  return secret;
}

/** CSV rows [from, to) of a client: deterministic names, 25 departments, 7 job titles. */
function csv(prefix: string, from: number, to: number): string {
  const lines = ['email,first_name,last_name,department,job_title'];
  for (let i = from; i < to; i++) {
    const first = FIRST[i % FIRST.length];
    const last = LAST[(i * 7) % LAST.length];
    lines.push(
      `${first}.${last}.${prefix}${i}@bench.example,${first},${last},${DEPTS[i % DEPTS.length]},${TITLES[i % TITLES.length]}`,
    );
  }
  return lines.join('\n');
}

interface Seeded {
  token: string;
  big: string;
  groupId: string;
  small: string[];
  smallToken: string;
  deepCursor: string;
  seedSeconds: number;
}

async function seed(base: string): Promise<Seeded> {
  const started = Date.now();
  const token = await signIn(base, ADMIN.email, ADMIN.password);
  const call = caller(base, { token });
  const big = (await call<{ id: string }>('POST', '/clients', { name: 'Big client' })).id;
  const group = await call<{ id: string }>('POST', `/clients/${big}/recipient-groups`, { name: 'Tenth' });
  for (let i = 0; i < N; i += 10_000) {
    await call('POST', `/clients/${big}/recipients/import`, {
      csv: csv('b', i, Math.min(N, i + 10_000)),
      ...(i === 0 ? { groupId: group.id } : {}),
    });
  }
  const small: string[] = [];
  for (let c = 0; c < SMALL; c++) {
    const id = (await call<{ id: string }>('POST', '/clients', { name: `Small client ${c + 1}` })).id;
    await call('POST', `/clients/${id}/recipients/import`, { csv: csv(`s${c}x`, 0, 1000) });
    small.push(id);
  }
  // Another client's administrator, for the fairness run.
  await call('POST', '/operators', {
    email: 'small-admin@api.bench',
    name: 'Small client admin',
    role: 'client_admin',
    password: ADMIN.password,
    clientIds: [small[0]],
  });
  const smallToken = await signIn(base, 'small-admin@api.bench', ADMIN.password);
  // Searchable once the index caught up (SQLite indexes after writes): the last row imported.
  const lastEmail = `b${N - 1}@bench`;
  const until = Date.now() + 300_000;
  for (;;) {
    const r = await call<{ items: unknown[] }>(
      'GET',
      `/clients/${big}/recipients?search=${encodeURIComponent(lastEmail)}`,
    );
    if (r.items.length === 1) break;
    if (Date.now() > until) throw new Error('the search index did not catch up within 5 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  // A deep page: half-way through the client, reached by following cursors.
  let cursor: string | null = null;
  for (let seen = 0; seen < N / 2; seen += 200) {
    const page: { nextCursor: string | null } = await call(
      'GET',
      `/clients/${big}/recipients?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return {
    token,
    big,
    groupId: group.id,
    small,
    smallToken,
    deepCursor: cursor ?? '',
    seedSeconds: (Date.now() - started) / 1000,
  };
}

const load = loadInChild;

const TARGETS = { list: { rps: 1000, p99: 300 }, search: { rps: 200, p99: 1000 }, floodMeP99: 200 };

async function benchDatabase(kind: 'sqlite' | 'postgres', databaseUrl: string | undefined) {
  const dataDir = mkdtempSync(join(tmpdir(), `baitwise-bench-api-${kind}-`));
  let server = await startServer(dataDir, databaseUrl, false);
  try {
    const s = await seed(server.base);
    const auth = { authorization: `Bearer ${s.token}` };
    const r = `/api/v1/clients/${s.big}/recipients`;
    const routes: { name: string; kind: 'baseline' | 'list' | 'search'; paths: string[] }[] = [
      { name: 'GET /auth/me (baseline)', kind: 'baseline', paths: ['/api/v1/auth/me'] },
      { name: 'recipients, first page', kind: 'list', paths: [`${r}?limit=50`] },
      { name: 'recipients, deep page (cursor)', kind: 'list', paths: [`${r}?limit=50&cursor=${s.deepCursor}`] },
      {
        name: 'recipients, department filter',
        kind: 'list',
        paths: DEPTS.slice(0, 5).map((d) => `${r}?department=${encodeURIComponent(d)}`),
      },
      {
        name: 'recipients, job title filter',
        kind: 'list',
        paths: TITLES.slice(0, 3).map((t) => `${r}?jobTitle=${t}`),
      },
      { name: 'recipients, enabled filter', kind: 'list', paths: [`${r}?enabled=true`] },
      { name: 'recipients, group filter', kind: 'list', paths: [`${r}?groupId=${s.groupId}`] },
      {
        name: 'recipients, contains-search',
        kind: 'search',
        // a surname part (thousands of matches), a rare number (one), a first-name part
        paths: ['ülle', 'b77777@', 'hloe', 'okaf', 'b4242'].map((q) => `${r}?search=${encodeURIComponent(q)}`),
      },
      {
        name: 'audit list',
        kind: 'list',
        paths: ['/api/v1/audit?limit=50', `/api/v1/audit?limit=50&clientId=${s.big}`],
      },
    ];
    const results: Record<string, unknown>[] = [];
    let baseline = 0;
    for (const route of SCENARIOS.has('routes') ? routes : []) {
      const res = await load({
        base: server.base,
        paths: route.paths,
        headers: auth,
        connections: CONNS,
        seconds: SECONDS,
      });
      if (route.kind === 'baseline') baseline = res.requestsPerSecond;
      const target = route.kind === 'baseline' ? null : route.kind === 'search' ? TARGETS.search : TARGETS.list;
      results.push({
        route: route.name,
        ...res,
        ratioToBaseline: baseline ? Math.round((res.requestsPerSecond / baseline) * 100) / 100 : null,
        ...(target
          ? {
              // answered, not refused: a 503 storm is fast and does none of the route's work
              meetsTarget:
                res.okPerSecond >= target.rps &&
                res.okPerSecond === res.requestsPerSecond &&
                res.p99Ms < target.p99 &&
                res.timeouts === 0,
            }
          : {}),
      });
    }

    // /auth/me while 200 connections flood searches.
    const searches = routes.find((x) => x.kind === 'search')?.paths ?? [];
    let underFlood: Record<string, unknown> | null = null;
    if (SCENARIOS.has('flood')) {
      const [flood, me] = await Promise.all([
        load({ base: server.base, paths: searches, headers: auth, connections: CONNS, seconds: SECONDS }),
        load({ base: server.base, paths: ['/api/v1/auth/me'], headers: auth, connections: 10, seconds: SECONDS }),
      ]);
      underFlood = {
        searchFlood: flood,
        authMe: me,
        meetsTarget: me.p99Ms < TARGETS.floodMeP99 && me.timeouts === 0 && me.okPerSecond === me.requestsPerSecond,
      };
    }

    // Fairness, with the default limits: the big client's token floods searches; another client's
    // administrator reads first pages meanwhile.
    let fairness: Record<string, unknown> | null = null;
    // the server's peak memory through seeding, the routes and the flood
    const serverPeakRssMb = peakRssMb(server.proc.pid);
    if (SCENARIOS.has('fairness')) {
      await server.stop();
      server = await startServer(dataDir, databaseUrl, true);
      const [flooder, neighbour] = await Promise.all([
        load({ base: server.base, paths: searches, headers: auth, connections: CONNS, seconds: SECONDS }),
        load({
          base: server.base,
          paths: [`/api/v1/clients/${s.small[0]}/recipients?limit=50`],
          headers: { authorization: `Bearer ${s.smallToken}` },
          // an administrator clicking through the console: 10 pages a second
          connections: 2,
          ratePerSecond: 10,
          seconds: SECONDS,
        }),
      ]);
      fairness = { flooder, otherClientsAdmin: neighbour };
    }
    return {
      database: kind,
      recipients: N,
      smallClients: SMALL,
      connections: CONNS,
      secondsPerRoute: SECONDS,
      seedSeconds: s.seedSeconds,
      serverPeakRssMb,
      serverNodeFlags: startFlags(),
      routes: results,
      underSearchFlood: underFlood,
      fairness,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function withPgDatabase<T>(url: string, fn: (dbUrl: string) => Promise<T>): Promise<T> {
  const name = `bench_api_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  try {
    return await fn(u.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

ensureBuilt();
const wanted = new Set(args.databases.split(','));
const out: unknown[] = [];
if (wanted.has('sqlite')) out.push(await benchDatabase('sqlite', undefined));
const pgUrl = process.env.BAITWISE_TEST_DATABASE_URL;
if (wanted.has('postgres')) {
  if (pgUrl) out.push(await withPgDatabase(pgUrl, (u) => benchDatabase('postgres', u)));
  else
    out.push({
      database: 'postgres',
      skipped: 'BAITWISE_TEST_DATABASE_URL is not set (scripts/pg-throwaway.sh starts a server)',
    });
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
