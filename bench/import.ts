// Benchmark: importing 100,000 Entra users (tenant with 1,000 groups) from the emulator into
// recipients, on SQLite and — when BAITWISE_TEST_DATABASE_URL names a server — on PostgreSQL.
// Prints JSON: wall time, users/s, peak RSS of the process importing (each database is benched in
// a child process of its own; the emulator runs in another, as Microsoft would be elsewhere), and the ratio to the floor: the time, measured in the same run,
// to fetch and parse the same Graph pages without storing them. Then 1% of the users change and a
// delta sync runs; its time is reported as a fraction of the full import's.
//
// Last, the storage floor: the same users written by the import's own write path (the same
// statements, ten pages a transaction) with no Graph and no lookups, into a second import of the
// client. An import overlaps fetching with storing, so it can approach neither floor's sum, only
// the larger: storageFloor / floor is the lowest ratio this schema allows on this machine. On
// PostgreSQL, the same rows are also written with COPY into the same tables (same indexes, same
// foreign keys, ten pages a transaction): storageToCopyRatio is what the write path's statements
// cost over the server's raw speed for these tables.
//
//   npm run bench:import [-- --users 100000 --groups 1000 --latency-ms 0 --databases sqlite,postgres]
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { newOrderedId, nowIso } from '../src/lib/ids.js';
import { RECIPIENT_COLUMNS, type RecipientWrite, writeRecipients } from '../src/modules/directory-sync/apply.js';
import { engineOf } from '../src/modules/directory-sync/bulk.js';
import { runSync } from '../src/modules/directory-sync/engine.js';
import { DirectoryReader, usersUrl } from '../src/modules/directory-sync/graph-source.js';
import { DEFAULT_FILTERS, type EntraUser, mapUser } from '../src/modules/directory-sync/mapping.js';
import { findImport, type ImportRow } from '../src/modules/directory-sync/repository.js';
import { ADMIN, createTestApp, type TestApp } from '../test/helpers/app.js';
import { connectedApp } from '../test/helpers/azure.js';
import { type EmulatorClient, emulatorClient } from '../test/helpers/emulator.js';
import { mb, measured, s } from './measure.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    groups: { type: 'string', default: '1000' },
    // Graph answers a 999-user page in hundreds of milliseconds; the emulator in about one. A
    // latency per Graph call shows how much of the write time the prefetch hides in practice.
    'latency-ms': { type: 'string', default: '0' },
    // sqlite,postgres (PostgreSQL only when BAITWISE_TEST_DATABASE_URL is set)
    databases: { type: 'string', default: 'sqlite,postgres' },
  },
});
const LATENCY_MS = Number(args['latency-ms']);
const USERS = Number(args.users);
const GROUPS = Number(args.groups);
const DATABASES = new Set(args.databases.split(','));
const PUBLIC_URL = 'http://baitwise.bench';

interface Urls {
  authority: string;
  graph: string;
  control: string;
}

async function startEmulatorProcess(): Promise<{ urls: Urls; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'emulator/src/cli.ts', '--port', '0', '--smtp-port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited (${code})`)));
  });
  return { urls: JSON.parse(first) as Urls, child };
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

type Tenant = Awaited<ReturnType<EmulatorClient['tenantWithApp']>>;

/** A Baitwise on a fresh database with a client whose Azure application is connected to the tenant. */
async function openBench(emu: EmulatorClient, tenant: Tenant) {
  const t: TestApp = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  const sys = await t.login(ADMIN.email, ADMIN.password);
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Bench client' })).json().id as string;
  const appId = await connectedApp(t, emu, sys, clientId, tenant);
  const deps = { db: t.db.handle, tokens: t.app.services.azure.tokens, graph: t.app.services.azure.graph };
  const reader = new DirectoryReader(deps.graph, deps.tokens, { clientId, appId, cloud: 'global' });
  /** Every /users page, fetched and parsed (and kept, when asked). */
  const listAll = async (keep?: EntraUser[][]) => {
    let cursor: Parameters<DirectoryReader['page']>[0] | null = { kind: 'users', url: usersUrl() };
    let n = 0;
    while (cursor) {
      const page = await reader.page(cursor, []);
      n += page.users.length;
      keep?.push(page.users);
      cursor = page.next;
    }
    return n;
  };
  const newImport = async (name: string) =>
    (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/directory-imports`, {
        name,
        azureAppId: appId,
        newGroupName: name,
        source: 'all_users',
        filters: { enabledOnly: false },
      })
    ).json().id as string;
  return { t, clientId, deps, listAll, newImport };
}

async function benchDatabase(emu: EmulatorClient, tenant: Tenant) {
  const { t, clientId, deps, listAll, newImport } = await openBench(emu, tenant);
  try {
    // Floor: the same /users pages, fetched and parsed, nothing stored. Twice, keeping the faster:
    // the emulator's first listing of a tenant also builds its sorted view.
    const floors = [await measured(() => listAll()), await measured(() => listAll())];
    const floor = floors[0]!.ms <= floors[1]!.ms ? floors[0]! : floors[1]!;

    const importId = await newImport('Everyone');
    // The floor's garbage (two listings of every user) out of the heap before the import's peak
    // RSS is sampled; the child runs with --expose-gc.
    (globalThis as { gc?: () => void }).gc?.();
    const full = await measured(() => runSync(deps, clientId, importId, { owner: 'bench' }));
    const run = full.value;
    if (run?.status !== 'succeeded' || run.added !== floor.value) {
      throw new Error(`import did not complete: ${JSON.stringify(run)}`);
    }

    // 1% of the users change, then a delta sync.
    const users = await emu.control<{ value: { id: string }[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?skip=0&top=1000`,
    );
    const changed = users.value.slice(0, Math.round(USERS / 100));
    // A new title per database: both runs share the tenant, and an unchanged value is no update.
    for (const u of changed) {
      await emu.control('PATCH', `/users/${u.id}`, { jobTitle: `Changed on ${t.db.handle.kind} ${u.id.slice(0, 6)}` });
    }
    await t.app.services.directorySync.imports.syncNow(null, clientId, importId);
    const delta = await measured(() => runSync(deps, clientId, importId, { owner: 'bench' }));
    if (delta.value?.kind !== 'delta' || delta.value.updated !== changed.length) {
      throw new Error(`delta did not apply: ${JSON.stringify(delta.value)}`);
    }

    return {
      database: t.db.handle.kind,
      users: run.added,
      pages: run.pages,
      wallSeconds: s(full.ms),
      usersPerSecond: Math.round(run.added / (full.ms / 1000)),
      peakRssMb: mb(full.peakRss),
      floorSeconds: s(floor.ms),
      floorMs: floor.ms,
      ratioToFloor: Math.round((full.ms / floor.ms) * 100) / 100,
      delta: {
        changedUsers: changed.length,
        seconds: s(delta.ms),
        fractionOfFull: Math.round((delta.ms / full.ms) * 1000) / 1000,
      },
    };
  } finally {
    await t.close();
  }
}

/** Every /users page of the tenant, listed once for the storage floor and the COPY baseline. */
async function listed(emu: EmulatorClient, tenant: Tenant): Promise<EntraUser[][]> {
  const { t, listAll } = await openBench(emu, tenant);
  try {
    const pages: EntraUser[][] = [];
    await listAll(pages);
    return pages;
  } finally {
    await t.close();
  }
}

/** `fn` on a fresh database, with an import of the bench client to write the pages into. */
async function withFreshImport<T>(
  emu: EmulatorClient,
  tenant: Tenant,
  name: string,
  fn: (t: TestApp, imp: ImportRow) => Promise<T>,
): Promise<T> {
  const { t, clientId, newImport } = await openBench(emu, tenant);
  try {
    const imp = await findImport(t.db.handle.db, clientId, await newImport(name));
    if (!imp) throw new Error(`${name} import missing`);
    return await fn(t, imp);
  } finally {
    await t.close();
  }
}

/** Milliseconds to write the tenant's users through the import's write path alone (see the top). */
function storageFloor(emu: EmulatorClient, tenant: Tenant, pages: EntraUser[][]): Promise<number> {
  return withFreshImport(emu, tenant, 'Storage floor', async (t, imp) => {
    const now = nowIso();
    const writes: RecipientWrite[][] = pages.map((users) =>
      users.flatMap((u) => {
        const m = mapUser(u);
        return m ? [{ m, id: newOrderedId(), created: now, member: false }] : [];
      }),
    );
    const ctx = { imp, runId: null, filters: DEFAULT_FILTERS, now, engine: engineOf(t.db.handle) };
    const started = performance.now();
    for (let i = 0; i < writes.length; i += 10) {
      await t.db.handle.db.transaction().execute(async (trx) => {
        for (const page of writes.slice(i, i + 10)) await writeRecipients(trx, ctx, page);
      });
    }
    return performance.now() - started;
  });
}

/** COPY text format: tab-separated, \N for null, backslash escapes for the separators. */
const copyField = (v: unknown) =>
  v === null || v === undefined ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] as string);
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

async function copyInto(client: pg.Client, table: string, columns: string[], rows: unknown[][]) {
  const text = `${rows.map((r) => r.map(copyField).join('\t')).join('\n')}\n`;
  await pipeline(Readable.from([text]), client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`)));
}

/**
 * PostgreSQL only: milliseconds to write the same rows as the storage floor (recipients, group
 * members, import members) with COPY, ten pages a transaction, into the same tables of a second
 * import: what these tables (their indexes and foreign keys) cost on this server with no statement
 * at all. storageFloor / copyBaseline is what the import's statements add to it.
 */
function copyBaseline(emu: EmulatorClient, tenant: Tenant, pages: EntraUser[][]): Promise<number> {
  return withFreshImport(emu, tenant, 'COPY baseline', async (t, imp) => {
    const now = nowIso();
    const batches = [];
    for (let i = 0; i < pages.length; i += 10) {
      const users = pages.slice(i, i + 10).flatMap((p) => p.flatMap((u) => mapUser(u) ?? []));
      const ids = users.map(() => newOrderedId());
      const c = imp.client_id;
      batches.push({
        recipients: users.map((m, n) => [
          ...[ids[n], c, m.email, m.emailKey, m.firstName, m.lastName, m.displayName, m.department, m.jobTitle],
          ...[m.officeLocation, m.entraObjectId, m.userType, m.enabled, 'entra', now, now],
        ]),
        groupMembers: users.map((_, n) => [c, imp.target_group_id, ids[n], now]),
        importMembers: users.map((m, n) => [c, imp.id, m.entraObjectId, ids[n], null]),
      });
    }
    const client = new pg.Client({ connectionString: (t.db.config as { url: string }).url });
    await client.connect();
    try {
      const started = performance.now();
      for (const b of batches) {
        await client.query('begin');
        await copyInto(
          client,
          'recipients',
          RECIPIENT_COLUMNS.map((col) => col.name),
          b.recipients,
        );
        await copyInto(
          client,
          'recipient_group_members',
          ['client_id', 'group_id', 'recipient_id', 'created_at'],
          b.groupMembers,
        );
        const members = ['client_id', 'import_id', 'entra_object_id', 'recipient_id', 'last_seen_run_id'];
        await copyInto(client, 'directory_import_members', members, b.importMembers);
        await client.query('commit');
      }
      return performance.now() - started;
    } finally {
      await client.end();
    }
  });
}

/** One database's import, delta, storage floor and (PostgreSQL) COPY baseline, in this (child) process. */
async function runChild(spec: { urls: Urls; tenant: Tenant }): Promise<void> {
  const emu = emulatorClient(spec.urls);
  const { floorMs, ...r } = await benchDatabase(emu, spec.tenant);
  // After the import, so the pages they hold in memory count in no import's peak RSS.
  const pages = await listed(emu, spec.tenant);
  const storage = await storageFloor(emu, spec.tenant, pages);
  const copy = r.database === 'postgres' ? await copyBaseline(emu, spec.tenant, pages) : undefined;
  const result: ChildResult = {
    ...r,
    storageFloorSeconds: s(storage),
    storageFloorRatio: ratio(storage, floorMs),
    ...(copy === undefined ? {} : { copyBaselineSeconds: s(copy), storageToCopyRatio: ratio(storage, copy) }),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

type ChildResult = Omit<Awaited<ReturnType<typeof benchDatabase>>, 'floorMs'> & {
  storageFloorSeconds: number;
  storageFloorRatio: number;
  /** PostgreSQL: the same rows written with COPY, and the storage floor's ratio to it */
  copyBaselineSeconds?: number;
  storageToCopyRatio?: number;
};

/** Each database in a process of its own: one import's peak RSS carries nothing of another's. */
function benchInChild(spec: { urls: Urls; tenant: Tenant }, databaseUrl: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_IMPORT_CHILD: JSON.stringify(spec) };
  if (databaseUrl) env.BAITWISE_TEST_DATABASE_URL = databaseUrl;
  else delete env.BAITWISE_TEST_DATABASE_URL;
  const proc = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  return new Promise<ChildResult>((resolve, reject) =>
    proc.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0) resolve(JSON.parse(last));
      else reject(new Error(`bench child for ${databaseUrl ? 'PostgreSQL' : 'SQLite'} exited ${code}: ${out}`));
    }),
  );
}

async function main() {
  const { urls, child } = await startEmulatorProcess();
  try {
    const emu = emulatorClient(urls);
    const generated = await measured(() =>
      emu.tenantWithApp(`${PUBLIC_URL}/api/v1/azure-apps/callback`, { users: USERS, name: 'Bench', groups: GROUPS }),
    );
    if (LATENCY_MS > 0) await emu.control('PUT', '/faults', { latencyMs: LATENCY_MS });
    const pgUrl = DATABASES.has('postgres') ? process.env.BAITWISE_TEST_DATABASE_URL : undefined;
    const spec = { urls, tenant: generated.value };
    // SQLite first (the embedded default), then PostgreSQL on the same tenant.
    const results = DATABASES.has('sqlite') ? [await benchInChild(spec, undefined)] : [];
    if (pgUrl) results.push(await benchInChild(spec, pgUrl));
    const targets = { ratioSqlite: 1.25, ratioPostgres: 1.5, peakRssMb: 300, deltaFraction: 0.05, storageToCopy: 3 };
    const out = {
      benchmark: 'import',
      node: process.version,
      tenant: { users: USERS, groups: GROUPS, generateSeconds: s(generated.ms), graphLatencyMs: LATENCY_MS },
      targets,
      results,
      met: results.every(
        (r) =>
          r.ratioToFloor <= (r.database === 'sqlite' ? targets.ratioSqlite : targets.ratioPostgres) &&
          r.peakRssMb < targets.peakRssMb &&
          r.delta.fractionOfFull < targets.deltaFraction &&
          (r.storageToCopyRatio === undefined || r.storageToCopyRatio <= targets.storageToCopy),
      ),
      ...(pgUrl ? {} : { note: 'PostgreSQL skipped: set BAITWISE_TEST_DATABASE_URL (scripts/pg-throwaway.sh)' }),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } finally {
    child.kill('SIGTERM');
  }
}

const childSpec = process.env.BENCH_IMPORT_CHILD;
if (childSpec) await runChild(JSON.parse(childSpec));
else await main();
