// The setup every directory-sync job test starts from: a Baitwise test app, an emulated tenant
// with `users` users, and a client whose Azure application is connected to it; and `baitwise`
// child processes that share the app's database and master key.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { expect, vi } from 'vitest';
import { generateMasterKey } from '../../src/lib/crypto.js';
import { ADMIN, createTestApp, type Session, type TestApp } from './app.js';
import { connectedApp } from './azure.js';
import { startTestEmulator, type TestEmulator } from './emulator.js';

export const PUBLIC_URL = 'http://baitwise.test';
export const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

export interface SyncFixture {
  emu: TestEmulator;
  t: TestApp;
  sys: Session;
  clientId: string;
  appId: string;
  /** every user id of the tenant, as the emulator lists them */
  tenantUserIds: string[];
  /** the app's master key, so a child process can read the secrets the app stored */
  masterKey: string;
}

export async function syncFixture(opts: { users: number; name: string }): Promise<SyncFixture> {
  const emu = await startTestEmulator();
  const masterKey = generateMasterKey();
  const t = await createTestApp({
    env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL, BAITWISE_MASTER_KEY: masterKey },
  });
  const sys = await t.login(ADMIN.email, ADMIN.password);
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: `${opts.name} Ltd` })).json().id as string;
  const tenant = await emu.tenantWithApp(REDIRECT_URI, { users: opts.users, name: opts.name });
  const appId = await connectedApp(t, emu, sys, clientId, tenant);
  const tenantUserIds: string[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await emu.control<{ count: number; value: { id: string }[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?skip=${skip}&top=1000`,
    );
    tenantUserIds.push(...page.value.map((u) => u.id));
    if (tenantUserIds.length >= page.count) break;
  }
  return { emu, t, sys, clientId, appId, tenantUserIds, masterKey };
}

/** The import ran one run, and its group holds every tenant user exactly once. */
export async function expectOneRunEveryUserOnce(
  t: TestApp,
  imp: { id: string; targetGroupId: string; lastRun: { id: string } },
  tenantUserIds: string[],
) {
  const db = t.db.handle.db;
  const runs = await db.selectFrom('directory_sync_runs').select('id').where('import_id', '=', imp.id).execute();
  expect(runs.map((r) => r.id)).toEqual([imp.lastRun.id]);
  const members = await db
    .selectFrom('recipient_group_members')
    .innerJoin('recipients', 'recipients.id', 'recipient_group_members.recipient_id')
    .select(['recipients.id', 'recipients.entra_object_id'])
    .where('recipient_group_members.group_id', '=', imp.targetGroupId)
    .execute();
  expect(members).toHaveLength(tenantUserIds.length);
  expect(members.map((m) => m.entra_object_id).sort()).toEqual([...tenantUserIds].sort());
  expect(new Set(members.map((m) => m.id)).size).toBe(tenantUserIds.length);
}

export interface CreatedImport {
  id: string;
  targetGroupId: string;
  lastRun: { id: string };
}

/** An import of every user (disabled ones too) into a new group, through the API; its first run is queued. */
export async function createAllUsersImport(f: SyncFixture, name: string): Promise<CreatedImport> {
  const res = await f.t.as(f.sys, 'POST', `/api/v1/clients/${f.clientId}/directory-imports`, {
    name,
    azureAppId: f.appId,
    newGroupName: `${name} group`,
    source: 'all_users',
    filters: { enabledOnly: false },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as CreatedImport;
}

/** A run's row as stored. */
export const runOf = (t: TestApp, runId: string) =>
  t.db.handle.db.selectFrom('directory_sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();

/** The run once it has succeeded or failed (polled, up to `timeoutMs`). */
export const runEnded = (t: TestApp, runId: string, timeoutMs: number) =>
  vi.waitFor(
    async () => {
      const r = await runOf(t, runId);
      if (r.status !== 'succeeded' && r.status !== 'failed') throw new Error(`run is ${r.status}`);
      return r;
    },
    { timeout: timeoutMs, interval: 50 },
  );

export interface BaitwiseProcess {
  child: ChildProcessWithoutNullStreams;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stdout and stderr so far */
  output(): string;
}

/** `baitwise <args>` in its own process, on the fixture's database, master key and emulator. */
export function baitwiseProcess(
  f: Pick<SyncFixture, 't' | 'masterKey'> & { emu?: Pick<TestEmulator, 'env'> },
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): BaitwiseProcess {
  const db = f.t.config.database;
  const child = spawn(process.execPath, ['bin/baitwise.js', ...args], {
    env: {
      ...process.env,
      ...f.emu?.env,
      LOG_LEVEL: 'warn',
      BAITWISE_DATA_DIR: dataDir,
      BAITWISE_MASTER_KEY: f.masterKey,
      DATABASE_URL: db.kind === 'postgres' ? db.url : `sqlite:${db.file}`,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, output: () => out };
}
