// Importing and syncing recipients from Entra ID against the Microsoft 365 emulator: preview,
// full import, nested groups, each policy, delta with changed/removed/restored users, an expired
// delta link, a 429/503 storm, a run stopped mid-import and resumed from its cursor, a revoked
// refresh token (paused with the reason), and another client's administrator (404 everywhere).
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { syncCommand } from '../../src/cli/sync.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { GraphClient } from '../../src/microsoft/graph.js';
import { runSync } from '../../src/modules/directory-sync/engine.js';
import { DirectoryReader, usersUrl } from '../../src/modules/directory-sync/graph-source.js';
import { enqueueDue, syncJob } from '../../src/modules/directory-sync/jobs.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp, type EmulatedTenant } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
/** Contoso's tenant connected by another client of the test, on purpose */
const SHARED = 'Test: a second client on the same tenant';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let tenant: EmulatedTenant;
let appId: string;
let runner: Worker | undefined;

interface EmuUser {
  id: string;
  mail: string | null;
  userPrincipalName: string;
  displayName: string;
  department: string | null;
  accountEnabled: boolean;
  userType: string;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Contoso Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { users: 40 });
  appId = await connectedApp(t, emu, sys, clientId, tenant);
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await t?.close();
  await emu?.close();
});

const engineDeps = (graph = t.app.services.azure.graph) => ({
  db: t.db.handle,
  tokens: t.app.services.azure.tokens,
  graph,
});

/** The worker, as `baitwise worker` runs it: embedded on SQLite, pg-boss on PostgreSQL. */
async function startRunner() {
  runner ??= await startWorker(t.container);
}

const api = (method: string, path: string, body?: unknown, client = clientId) =>
  t.as(sys, method, `/api/v1/clients/${client}${path}`, body);

/**
 * A client of its own for a second emulated tenant: guests of different tenants may share a
 * partner address, and one address is one recipient per client.
 */
const ownClient = async (name: string) => (await t.as(sys, 'POST', '/api/v1/clients', { name })).json().id as string;

async function tenantUsers(tid: string): Promise<EmuUser[]> {
  const out: EmuUser[] = [];
  for (let skip = 0; ; skip += 1000) {
    const page = await emu.control<{ count: number; value: EmuUser[] }>(
      'GET',
      `/tenants/${tid}/users?skip=${skip}&top=1000`,
    );
    out.push(...page.value);
    if (out.length >= page.count) return out;
  }
}

async function createImport(body: Record<string, unknown>, client = clientId) {
  const res = await api(
    'POST',
    '/directory-imports',
    {
      name: `Import ${Math.random().toString(36).slice(2, 8)}`,
      azureAppId: appId,
      newGroupName: `Group ${Math.random().toString(36).slice(2, 8)}`,
      source: 'all_users',
      ...body,
    },
    client,
  );
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; targetGroupId: string; lastRun: { id: string } };
}

/** Waits for the run to reach an end state (the worker polls the queue). */
async function finished(importId: string, runId: string, client = clientId) {
  return vi.waitFor(
    async () => {
      const r = (await api('GET', `/directory-imports/${importId}/runs/${runId}`, undefined, client)).json();
      if (!['succeeded', 'failed', 'paused'].includes(r.status)) throw new Error(`run is ${r.status}`);
      return r;
    },
    { timeout: 60_000, interval: 50 },
  );
}

async function syncNow(importId: string) {
  const res = await api('POST', `/directory-imports/${importId}/sync`);
  expect(res.statusCode, res.body).toBe(202);
  return finished(importId, res.json().id);
}

const groupMembers = (groupId: string) =>
  t.db.handle.db
    .selectFrom('recipient_group_members')
    .innerJoin('recipients', 'recipients.id', 'recipient_group_members.recipient_id')
    .select([
      'recipients.id',
      'recipients.email',
      'recipients.entra_object_id',
      'recipients.display_name',
      // the membership's copy of the name, by which the group's pages are read (migration 0029)
      'recipient_group_members.display_name as member_name',
    ])
    .where('recipient_group_members.group_id', '=', groupId)
    .execute();

/** Jobs waiting for an import, in whichever queue the database uses. */
async function waitingJobs(importId: string): Promise<number> {
  const key = `import:${importId}`;
  if (t.db.handle.kind === 'sqlite') {
    const rows = await t.db.handle.db
      .selectFrom('jobs')
      .select('id')
      .where('singleton_key', '=', key)
      .where('state', '=', 'queued')
      .execute();
    return rows.length;
  }
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from pgboss.job where singleton_key = ${key} and state = 'created'`.execute(
    t.db.handle.db,
  );
  return r.rows[0]?.n ?? 0;
}

/** A Graph client that remembers every URL it was asked for. */
class CountingGraph extends GraphClient {
  urls: string[] = [];
  override get<T>(...args: Parameters<GraphClient['get']>): Promise<T> {
    this.urls.push(args[2]);
    return super.get<T>(...args);
  }
}

describe('a run stopped mid-import (worker killed) resumes from its last committed page', () => {
  it('continues from the cursor with no duplicates', async () => {
    const big = await emu.tenantWithApp(REDIRECT_URI, { users: 2500, name: 'Big' });
    const bigClient = await ownClient('Big Ltd');
    const bigApp = await connectedApp(t, emu, sys, bigClient, big);
    const imp = await createImport({ azureAppId: bigApp, filters: { enabledOnly: false } }, bigClient);
    const graph = new CountingGraph(t.config);
    const kill = new AbortController();
    await expect(
      runSync(engineDeps(graph), bigClient, imp.id, {
        owner: 'worker-1',
        signal: kill.signal,
        maxPagesPerCommit: 1,
        onProgress: (run) => {
          if (run.pages === 1) kill.abort(new Error('killed'));
        },
      }),
    ).rejects.toThrow('killed');
    const mid = (await api('GET', `/directory-imports/${imp.id}/runs/${imp.lastRun.id}`, undefined, bigClient)).json();
    expect(mid).toMatchObject({ status: 'running', pages: 1, usersSeen: 999, added: 999 });
    expect((await groupMembers(imp.targetGroupId)).length).toBe(999);

    const saved = await t.db.handle.db
      .selectFrom('directory_sync_runs')
      .select('cursor')
      .where('id', '=', imp.lastRun.id)
      .executeTakeFirstOrThrow();
    const fetchedBefore = graph.urls.length;
    const resumed = await runSync(engineDeps(graph), bigClient, imp.id, { owner: 'worker-2' });
    expect(resumed).toMatchObject({ id: imp.lastRun.id, status: 'succeeded', pages: 3, users_seen: 2500, added: 2500 });
    // The second worker started from the saved nextLink; the first page was fetched once in all.
    expect(graph.urls[fetchedBefore]).toBe(JSON.parse(saved.cursor ?? '{}').url);
    expect(graph.urls.filter((u) => u === usersUrl())).toHaveLength(1);
    const members = await groupMembers(imp.targetGroupId);
    expect(members).toHaveLength(2500);
    expect(new Set(members.map((m) => m.entra_object_id)).size).toBe(2500);
    expect(members.filter((m) => m.member_name !== m.display_name)).toEqual([]);
    expect(members.every((m) => m.display_name)).toBe(true);
  }, 60_000);
});

describe('a run stopped after its last page, before completing', () => {
  it('completes on resume without listing again or counting twice', async () => {
    const small = await emu.tenantWithApp(REDIRECT_URI, { users: 1500, name: 'Last page' });
    const lastClient = await ownClient('Last Page Ltd');
    const lastApp = await connectedApp(t, emu, sys, lastClient, small);
    const imp = await createImport({ azureAppId: lastApp, filters: { enabledOnly: false } }, lastClient);
    const stop = new AbortController();
    await expect(
      runSync(engineDeps(), lastClient, imp.id, {
        owner: 'worker-1',
        maxPagesPerCommit: 1,
        onProgress: (run) => {
          if (run.cursor === null) stop.abort(new Error('stopped after the last page'));
        },
        signal: stop.signal,
      }),
    ).rejects.toThrow('stopped after the last page');
    const graph = new CountingGraph(t.config);
    const resumed = await runSync(engineDeps(graph), lastClient, imp.id, { owner: 'worker-2' });
    expect(resumed).toMatchObject({ status: 'succeeded', kind: 'full', pages: 2, users_seen: 1500, added: 1500 });
    expect(graph.urls).toEqual([]);
    expect((await groupMembers(imp.targetGroupId)).length).toBe(1500);
  }, 60_000);
});

describe('a run whose lease another owner took', () => {
  // After the first page, the import is taken over (as if this worker had stalled past its
  // lease), and in the second case the new owner has already finished its slice and let go.
  const cases = [
    { name: 'still held by the new owner', owner: 'worker-new', minutes: 1 },
    { name: 'taken and released again', owner: null, minutes: null },
  ];
  for (const c of cases) {
    it(`rolls back the page it was writing and leaves the run alone: ${c.name}`, async () => {
      const big = await emu.tenantWithApp(REDIRECT_URI, { users: 2100, name: 'Stalled' });
      const stalledClient = await ownClient(`Stalled ${c.name}`);
      const stalledApp = await connectedApp(t, emu, sys, stalledClient, big);
      const imp = await createImport({ azureAppId: stalledApp, filters: { enabledOnly: false } }, stalledClient);
      const lockUntil = c.minutes ? new Date(Date.now() + c.minutes * 60_000).toISOString() : null;
      const takeOver = () =>
        t.db.handle.db
          .updateTable('directory_imports')
          .set({ lock_owner: c.owner, lock_until: lockUntil })
          .where('id', '=', imp.id)
          .execute();
      await expect(
        runSync(engineDeps(), stalledClient, imp.id, {
          owner: 'worker-old',
          maxPagesPerCommit: 1,
          onProgress: async (run) => {
            if (run.pages === 1) await takeOver();
          },
        }),
      ).rejects.toMatchObject({ code: 'sync_in_progress' });
      const run = (
        await api('GET', `/directory-imports/${imp.id}/runs/${imp.lastRun.id}`, undefined, stalledClient)
      ).json();
      // Page 1 stays committed; page 2 rolled back; the run is neither failed nor finished.
      expect(run).toMatchObject({ status: 'running', pages: 1, usersSeen: 999, added: 999 });
      expect((await groupMembers(imp.targetGroupId)).length).toBe(999);
      const lease = await t.db.handle.db
        .selectFrom('directory_imports')
        .select(['lock_owner', 'lock_until'])
        .where('id', '=', imp.id)
        .executeTakeFirstOrThrow();
      expect(lease).toEqual({ lock_owner: c.owner, lock_until: lockUntil });
      // The new owner finishes the run from its cursor: every user once, page 1 not applied twice.
      const done = await runSync(engineDeps(), stalledClient, imp.id, { owner: 'worker-new' });
      expect(done).toMatchObject({ id: imp.lastRun.id, status: 'succeeded', users_seen: 2100, added: 2100 });
      const members = await groupMembers(imp.targetGroupId);
      expect(new Set(members.map((m) => m.entra_object_id)).size).toBe(2100);
      expect(members).toHaveLength(2100);
    }, 60_000);
  }
});

describe('baitwise sync <import-id>', () => {
  it('runs the waiting sync in-process with a progress bar and prints the counts', async () => {
    const imp = await createImport({ filters: { enabledOnly: false } });
    // One sync at a time: Sync now while the first run waits returns that run, and queues no second job.
    for (let i = 0; i < 2; i++) {
      const again = await api('POST', `/directory-imports/${imp.id}/sync`);
      expect(again.json().id).toBe(imp.lastRun.id);
    }
    expect(await waitingJobs(imp.id)).toBe(1);
    const users = await tenantUsers(tenant.tenantId);
    let bar = '';
    const stream = new PassThrough();
    stream.on('data', (d) => {
      bar += d;
    });
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await syncCommand(t.container, imp.id, stream as unknown as NodeJS.WriteStream)).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(bar).toContain(`${users.length}/${users.length} users`);
    expect(printed.join('')).toContain(`succeeded (full) — ${users.length} users in 1 pages; added ${users.length}`);
    const run = (await api('GET', `/directory-imports/${imp.id}/runs/${imp.lastRun.id}`)).json();
    expect(run).toMatchObject({ status: 'succeeded', added: users.length });
  });
});

describe("Graph's refusals answer errors of ours, naming the field", () => {
  const UNKNOWN = '0e0e0e0e-0000-4000-8000-00000000dead';
  const realGroup = async () =>
    (await api('POST', '/directory-imports/entra-groups/search', { azureAppId: appId, search: '' }))
      .json()
      .items.map((g: { id: string; displayName: string }) => ({ id: g.id, displayName: g.displayName }))[0] as {
      id: string;
      displayName: string;
    };
  const importCount = async () =>
    (await t.db.handle.db.selectFrom('directory_imports').select('id').where('client_id', '=', clientId).execute())
      .length;

  it('a preview with an Entra group id that does not exist is a 400 naming groupIds.N', async () => {
    const group = await realGroup();
    const r = await api('POST', '/directory-imports/preview', {
      azureAppId: appId,
      source: 'groups',
      groupIds: [group.id, UNKNOWN],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', details: { field: 'groupIds.1' } });
    expect(r.json().error.message).toContain(UNKNOWN);
    expect(r.json().error.message).toMatch(/does not exist.*(search|remove)/is);
  });

  it('a malformed group id is a 400 naming the field too (Graph: Request_BadRequest)', async () => {
    const r = await api('POST', '/directory-imports/preview', {
      azureAppId: appId,
      source: 'groups',
      groupIds: ['x y'],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details).toMatchObject({ field: 'groupIds.0', microsoftCode: 'Request_BadRequest' });
  });

  it('creating or editing an import with a group that does not exist is a 400 naming entraGroups.N, nothing written', async () => {
    const group = await realGroup();
    const before = await importCount();
    const created = await api('POST', '/directory-imports', {
      name: 'Ghost group',
      azureAppId: appId,
      newGroupName: 'Ghost group recipients',
      source: 'groups',
      entraGroups: [group, { id: UNKNOWN, displayName: 'Deleted meanwhile' }],
    });
    expect(created.statusCode, created.body).toBe(400);
    expect(created.json().error.details).toMatchObject({ field: 'entraGroups.1.id' });
    expect(created.json().error.message).toContain('Deleted meanwhile');
    expect(await importCount()).toBe(before);
    const groupsBefore = await t.db.handle.db
      .selectFrom('recipient_groups')
      .select('id')
      .where('name', '=', 'Ghost group recipients')
      .execute();
    expect(groupsBefore).toEqual([]);

    const imp = await createImport({ source: 'groups', entraGroups: [group] });
    const edited = await api('PATCH', `/directory-imports/${imp.id}`, {
      entraGroups: [{ id: UNKNOWN, displayName: 'Deleted meanwhile' }],
    });
    expect(edited.statusCode, edited.body).toBe(400);
    expect(edited.json().error.details).toMatchObject({ field: 'entraGroups.0.id' });
    expect((await api('GET', `/directory-imports/${imp.id}`)).json().entraGroups).toEqual([group]);
  });

  it('a sync whose group was deleted in Entra fails saying which group and what to do', async () => {
    const imp = await createImport({ source: 'groups', entraGroups: [await realGroup()] });
    await t.db.handle.db
      .updateTable('directory_imports')
      .set({ entra_groups: JSON.stringify([{ id: UNKNOWN, displayName: 'Deleted meanwhile' }]) })
      .where('id', '=', imp.id)
      .execute();
    const run = await runSync(engineDeps(), clientId, imp.id, { owner: 'deleted-group' });
    expect(run?.status).toBe('failed');
    const last = JSON.parse(run?.errors ?? '[]').at(-1);
    expect(last.message).toContain("the Entra group 'Deleted meanwhile'");
    expect(last.message).toMatch(/does not exist.*pick the group again/is);
  });

  it('a permission Microsoft refuses (403) is a 409 naming the permission and what to do', async () => {
    // An access token without GroupMember.Read.All, as after a consent that left it out.
    const admin = (await tenantUsers(tenant.tenantId)).find(
      (u) => u.userPrincipalName === tenant.admin.userPrincipalName,
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await emu.emu.ctx.signer.sign(
      {
        aud: '00000003-0000-0000-c000-000000000000',
        iss: `https://sts.windows.net/${tenant.tenantId}/`,
        tid: tenant.tenantId,
        oid: admin?.id,
        upn: admin?.userPrincipalName,
        appid: tenant.clientId,
        scp: 'User.Read User.Read.All',
      },
      3600,
      Date.now(),
    );
    const imp = await createImport({ source: 'groups', entraGroups: [await realGroup()] });
    const appRow = await t.db.handle.db
      .selectFrom('azure_apps')
      .selectAll()
      .where('id', '=', appId)
      .executeTakeFirstOrThrow();
    t.app.services.azure.tokens.prime(appRow, 'graph', token, (now + 3600) * 1000);
    try {
      // A sync meeting the refusal pauses the import with the reason, as for a re-authorization.
      const run = await runSync(engineDeps(), clientId, imp.id, { owner: 'refused' });
      expect(run).toMatchObject({ status: 'paused' });
      const view = (await api('GET', `/directory-imports/${imp.id}`)).json();
      expect(view).toMatchObject({ status: 'paused', statusReason: { code: 'microsoft_permission_missing' } });
      expect(view.statusReason.message).toContain('GroupMember.Read.All');
      for (const [path, body] of [
        ['/directory-imports/preview', { azureAppId: appId, source: 'groups', groupIds: [UNKNOWN] }],
        ['/directory-imports/entra-groups/search', { azureAppId: appId, search: 'All' }],
      ] as const) {
        const r = await api('POST', path, body);
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json().error.code).toBe('microsoft_permission_missing');
        expect(r.json().error.message).toMatch(/GroupMember\.Read\.All.*admin consent.*authorize/is);
      }
    } finally {
      t.app.services.azure.tokens.forget(appId);
    }
  });

  it('Microsoft unavailable after the retries is a 503 microsoft_unavailable, and Test connection writes nothing', async () => {
    const group = await realGroup(); // before the fault
    const audits = async () => (await t.db.handle.db.selectFrom('audit_log').select('id').execute()).length;
    await emu.control('PUT', '/faults', { graph503Every: 1, graphRetryAfterSeconds: 0 });
    try {
      const preview = await api('POST', '/directory-imports/preview', { azureAppId: appId, source: 'all_users' });
      expect(preview.statusCode, preview.body).toBe(503);
      expect(preview.json().error.code).toBe('microsoft_unavailable');
      const created = await api('POST', '/directory-imports', {
        name: 'During an outage',
        azureAppId: appId,
        newGroupName: 'Outage group',
        source: 'groups',
        entraGroups: [group],
      });
      expect(created.statusCode, created.body).toBe(503);
      const before = await audits();
      const test = await api('POST', `/azure-apps/${appId}/test`);
      expect(test.statusCode, test.body).toBe(503);
      expect(test.json().error.code).toBe('microsoft_unavailable');
      expect(await audits()).toBe(before);
    } finally {
      await emu.control('PUT', '/faults', { graph503Every: 0, graphRetryAfterSeconds: 1 });
    }
  }, 60_000);
});

describe("an archived client's syncs are paused", () => {
  const db = () => t.db.handle.db;
  const job = (clientId: string, importId: string) =>
    syncJob(engineDeps()).handler(
      { clientId, importId },
      { jobId: `job-${importId}`, attempt: 1, signal: new AbortController().signal },
    );
  const setArchived = async (cid: string, archived: boolean) =>
    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${cid}`, { archived })).statusCode).toBe(200);
  /** Everything a sync writes for the client: imports (with their lease), runs, recipients. */
  const written = async (cid: string) =>
    JSON.stringify([
      await db().selectFrom('directory_imports').selectAll().where('client_id', '=', cid).orderBy('id').execute(),
      await db().selectFrom('directory_sync_runs').selectAll().where('client_id', '=', cid).orderBy('id').execute(),
      await db().selectFrom('recipients').selectAll().where('client_id', '=', cid).orderBy('id').execute(),
      await db().selectFrom('directory_import_members').selectAll().where('client_id', '=', cid).execute(),
    ]);

  it('the scheduler skips them, a queued job stops without writing, and restoring resumes the run', async () => {
    const cid = await ownClient('Archived Sync Ltd');
    const app = await connectedApp(t, emu, sys, cid, tenant, undefined, { sharedTenantReason: SHARED });
    // Only this client's imports are scheduled, so the counts below are its own.
    await db().updateTable('directory_imports').set({ sync_enabled: 0 }).execute();
    const synced = await createImport({ azureAppId: app, syncIntervalMinutes: 5 }, cid);
    await job(cid, synced.id); // its first run: done, next sync in 5 minutes
    expect((await api('GET', `/directory-imports/${synced.id}`, undefined, cid)).json().nextSyncAt).not.toBeNull();
    const waiting = await createImport({ azureAppId: app, syncIntervalMinutes: 5 }, cid); // run queued, job waiting
    await setArchived(cid, true);
    const before = await written(cid);
    const { queue } = t.container;
    const later = new Date(Date.now() + 6 * 60_000).toISOString();
    expect(await enqueueDue(db(), queue, later)).toBe(0);
    await expect(job(cid, waiting.id)).resolves.toBeUndefined(); // ends: no retry of a paused sync
    expect(await written(cid)).toBe(before);

    await setArchived(cid, false);
    // Both are due again: the scheduled one, and the one whose run waited while archived.
    expect(await enqueueDue(db(), queue, later)).toBe(2);
    await job(cid, waiting.id);
    const run = (
      await api('GET', `/directory-imports/${waiting.id}/runs/${waiting.lastRun.id}`, undefined, cid)
    ).json();
    expect(run).toMatchObject({ status: 'succeeded', added: expect.any(Number) });
    expect((await groupMembers(waiting.targetGroupId)).length).toBe(run.added);
    expect(run.added).toBeGreaterThan(0);
  }, 60_000);

  it('a run whose client is archived mid-run writes nothing more, and completes once restored', async () => {
    const cid = await ownClient('Archived Mid-run Ltd');
    const app = await connectedApp(t, emu, sys, cid, tenant, undefined, { sharedTenantReason: SHARED });
    const imp = await createImport({ azureAppId: app, filters: { enabledOnly: false } }, cid);
    let before = '';
    await expect(
      runSync(engineDeps(), cid, imp.id, {
        owner: 'worker-archived',
        onProgress: async () => {
          await setArchived(cid, true);
          before = await written(cid);
        },
      }),
    ).rejects.toMatchObject({ code: 'client_archived' });
    // The pages committed before the archive stay; the completion was not written.
    expect(await written(cid)).toBe(
      before.replace(/"lock_owner":"worker-archived","lock_until":"[^"]*"/, '"lock_owner":null,"lock_until":null'),
    );
    const mid = (await api('GET', `/directory-imports/${imp.id}/runs/${imp.lastRun.id}`, undefined, cid)).json();
    expect(mid.status).toBe('running');
    await setArchived(cid, false);
    const done = await runSync(engineDeps(), cid, imp.id, { owner: 'worker-restored' });
    expect(done).toMatchObject({ id: imp.lastRun.id, status: 'succeeded' });
    expect((await groupMembers(imp.targetGroupId)).length).toBe(done?.added);
  }, 60_000);
});

describe('with the worker running', () => {
  beforeAll(startRunner);

  it('previews the count and a sample before anything is written, with filters', async () => {
    const users = await tenantUsers(tenant.tenantId);
    const enabled = users.filter((u) => u.accountEnabled);
    const before = await t.db.handle.db
      .selectFrom('recipients')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const all = (await api('POST', '/directory-imports/preview', { azureAppId: appId, source: 'all_users' })).json();
    expect(all.count).toBe(enabled.length);
    expect(all.sample).toHaveLength(10);
    const dept = enabled.find((u) => u.department)?.department as string;
    const filtered = (
      await api('POST', '/directory-imports/preview', {
        azureAppId: appId,
        source: 'all_users',
        filters: { departments: [dept], enabledOnly: true },
      })
    ).json();
    expect(filtered.count).toBe(enabled.filter((u) => u.department === dept).length);
    for (const s of filtered.sample) expect(s.department).toBe(dept);
    const after = await t.db.handle.db
      .selectFrom('recipients')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toEqual(before.n);
  });

  it('imports all users: email from mail else the UPN, names, department, job title, office', async () => {
    const users = await tenantUsers(tenant.tenantId);
    const imp = await createImport({ filters: { enabledOnly: false } });
    const run = await finished(imp.id, imp.lastRun.id);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'full', added: users.length, progress: 1, errors: [] });
    const members = await groupMembers(imp.targetGroupId);
    expect(members).toHaveLength(users.length);
    const noMail = users.find((u) => !u.mail);
    if (noMail) {
      expect(members.find((m) => m.entra_object_id === noMail.id)?.email).toBe(noMail.userPrincipalName);
    }
    const view = (await api('GET', `/directory-imports/${imp.id}`)).json();
    expect(view).toMatchObject({ deltaLinkSaved: true, status: 'active', syncIntervalMinutes: 10 });
    expect(view.nextSyncAt).not.toBeNull();
    const runs = (await api('GET', `/directory-imports/${imp.id}/runs`)).json();
    expect(runs.items).toHaveLength(1);
  });

  it('imports selected groups with nested members (group search through Graph)', async () => {
    const users = await tenantUsers(tenant.tenantId);
    const [u1, u2, u3, u4] = users.filter((u) => u.accountEnabled).slice(2, 6) as EmuUser[];
    const child = await emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Nested Finance Team',
      memberUserIds: [u2?.id, u3?.id],
    });
    const grandchild = await emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Nested Audit Cell',
      memberUserIds: [u4?.id],
    });
    await emu.control('POST', `/tenants/${tenant.tenantId}/groups`, {
      displayName: 'Zebra Parent Division',
      memberUserIds: [u1?.id],
      memberGroupIds: [child.id],
    });
    const found = (
      await api('POST', '/directory-imports/entra-groups/search', { azureAppId: appId, search: 'Zebra' })
    ).json();
    expect(found.items.map((g: { displayName: string }) => g.displayName)).toEqual(['Zebra Parent Division']);
    const parent = found.items[0];
    const preview = (
      await api('POST', '/directory-imports/preview', {
        azureAppId: appId,
        source: 'groups',
        groupIds: [parent.id, grandchild.id],
      })
    ).json();
    expect(preview.count).toBe(4);
    const imp = await createImport({
      source: 'groups',
      entraGroups: [
        { id: parent.id, displayName: parent.displayName },
        { id: grandchild.id, displayName: 'Nested Audit Cell' },
      ],
    });
    const run = await finished(imp.id, imp.lastRun.id);
    expect(run).toMatchObject({ status: 'succeeded', added: 4 });
    const ids = (await groupMembers(imp.targetGroupId)).map((m) => m.entra_object_id).sort();
    expect(ids).toEqual([u1, u2, u3, u4].map((u) => u?.id).sort());
  });

  it('delta: changed users update in place, removed ones leave, restored ones come back', async () => {
    const imp = await createImport({ filters: { enabledOnly: false }, removedUserPolicy: 'delete' });
    await finished(imp.id, imp.lastRun.id);
    const users = await tenantUsers(tenant.tenantId);
    const [renamed, removed] = users.filter((u) => u.mail).slice(8, 10) as EmuUser[];
    const before = await groupMembers(imp.targetGroupId);
    const recBefore = before.find((m) => m.entra_object_id === renamed?.id);
    // A time zone set in Baitwise (Entra's user resource has none) survives the sync's update.
    const zoned = await api('PATCH', `/recipients/${recBefore?.id}`, { timeZone: 'Asia/Tokyo' });
    expect(zoned.statusCode, zoned.body).toBe(200);
    await emu.control('PATCH', `/users/${renamed?.id}`, {
      displayName: 'Renamed Person',
      mail: 'renamed.person@contoso.example',
    });
    await emu.control('DELETE', `/users/${removed?.id}`);
    const delta = await syncNow(imp.id);
    expect(delta).toMatchObject({ status: 'succeeded', kind: 'delta', updated: 1, removed: 1, added: 0 });
    const after = await groupMembers(imp.targetGroupId);
    const rec = after.find((m) => m.entra_object_id === renamed?.id);
    expect(rec).toMatchObject({
      id: recBefore?.id,
      email: 'renamed.person@contoso.example',
      display_name: 'Renamed Person',
    });
    expect((await api('GET', `/recipients/${recBefore?.id}`)).json().timeZone).toBe('Asia/Tokyo');
    expect(after.find((m) => m.entra_object_id === removed?.id)).toBeUndefined();
    expect(after).toHaveLength(before.length - 1);
    // The sync's bulk writes keep the search index in step: the new name and address are found,
    // the old address no longer is.
    const search = async (term: string) =>
      ((await api('GET', `/recipients?search=${encodeURIComponent(term)}`)).json().items as { id: string }[]).map(
        (i) => i.id,
      );
    expect(await search('NAMED PERS')).toEqual([recBefore?.id]);
    expect(await search('renamed.person@contoso')).toEqual([recBefore?.id]);
    expect(await search(renamed?.mail ?? '')).toEqual([]);

    await emu.control('POST', `/users/${removed?.id}/restore`);
    const back = await syncNow(imp.id);
    expect(back).toMatchObject({ kind: 'delta', added: 1, removed: 0 });
    expect(await groupMembers(imp.targetGroupId)).toHaveLength(before.length);
  });

  it('an expired delta link falls back to a full listing, which removes no one present', async () => {
    const imp = await createImport({ filters: { enabledOnly: false } });
    const first = await finished(imp.id, imp.lastRun.id);
    await emu.control('POST', '/delta/invalidate');
    const run = await syncNow(imp.id);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'full', added: 0, removed: 0, updated: 0 });
    expect(run.errors.map((e: { code: string }) => e.code)).toEqual(['delta_expired']);
    expect((await groupMembers(imp.targetGroupId)).length).toBe(first.added);
  });

  it('holds new users for approval, then approve imports them and reject skips them for good', async () => {
    const imp = await createImport({ newUserPolicy: 'hold' });
    const first = await finished(imp.id, imp.lastRun.id);
    expect(first.held).toBe(0); // the first import brings everyone in; the policy applies to users who come later
    const a = await emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/users`, {
      displayName: 'New Hire A',
    });
    const b = await emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/users`, {
      displayName: 'New Hire B',
    });
    const run = await syncNow(imp.id);
    expect(run).toMatchObject({ held: 2, added: 0 });
    const held = (await api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items;
    expect(held.map((h: { entraObjectId: string }) => h.entraObjectId).sort()).toEqual([a.id, b.id].sort());
    const ha = held.find((h: { entraObjectId: string }) => h.entraObjectId === a.id);
    const hb = held.find((h: { entraObjectId: string }) => h.entraObjectId === b.id);
    expect((await api('POST', `/directory-imports/${imp.id}/held-changes/${ha.id}/approve`)).json().status).toBe(
      'approved',
    );
    expect((await api('POST', `/directory-imports/${imp.id}/held-changes/${hb.id}/reject`)).json().status).toBe(
      'rejected',
    );
    expect((await api('POST', `/directory-imports/${imp.id}/held-changes/${hb.id}/approve`)).statusCode).toBe(409);
    const ids = (await groupMembers(imp.targetGroupId)).map((m) => m.entra_object_id);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(b.id);
    // A full listing neither holds B again nor drops A.
    await emu.control('POST', '/delta/invalidate');
    const again = await syncNow(imp.id);
    expect(again).toMatchObject({ kind: 'full', held: 0, removed: 0 });
    expect((await api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items).toEqual([]);
  });

  it('removed users: hold (approve deletes, reject keeps), keep, and disabled users leave under the policy', async () => {
    const users = (await tenantUsers(tenant.tenantId)).filter((u) => u.accountEnabled && u.mail);
    const [x, y, z] = users.slice(12, 15) as EmuUser[];
    const hold = await createImport({ removedUserPolicy: 'hold' });
    await finished(hold.id, hold.lastRun.id);
    const keep = await createImport({ removedUserPolicy: 'keep' });
    await finished(keep.id, keep.lastRun.id);
    await emu.control('DELETE', `/users/${x?.id}`);
    await emu.control('DELETE', `/users/${y?.id}`);
    await emu.control('PATCH', `/users/${z?.id}`, { accountEnabled: false });
    const r1 = await syncNow(hold.id);
    expect(r1).toMatchObject({ held: 3, removed: 0 });
    const held = (await api('GET', `/directory-imports/${hold.id}/held-changes`)).json().items;
    expect(held.map((h: { reason: string }) => h.reason).sort()).toEqual(['disabled', 'removed', 'removed']);
    const hx = held.find((h: { entraObjectId: string }) => h.entraObjectId === x?.id);
    const hy = held.find((h: { entraObjectId: string }) => h.entraObjectId === y?.id);
    await api('POST', `/directory-imports/${hold.id}/held-changes/${hx.id}/approve`);
    await api('POST', `/directory-imports/${hold.id}/held-changes/${hy.id}/reject`);
    let ids = (await groupMembers(hold.targetGroupId)).map((m) => m.entra_object_id);
    expect(ids).not.toContain(x?.id);
    expect(ids).toContain(y?.id);
    expect(ids).toContain(z?.id); // still held

    const r2 = await syncNow(keep.id);
    expect(r2).toMatchObject({ removed: 0, held: 0 });
    ids = (await groupMembers(keep.targetGroupId)).map((m) => m.entra_object_id);
    expect(ids).toEqual(expect.arrayContaining([y?.id, z?.id]));
    for (const u of [x, y]) await emu.control('POST', `/users/${u?.id}/restore`);
    await emu.control('PATCH', `/users/${z?.id}`, { accountEnabled: true });
  });

  it('a department filter: users without a department are out of scope, and one whose department goes leaves under the removal policy', async () => {
    // Graph's delta leaves out properties that were never set (and, after a change elsewhere,
    // a department cleared in an earlier round): absent means "no department", not "unknown".
    const dept = `Research ${Math.random().toString(36).slice(2, 8)}`;
    const addUser = (body: Record<string, unknown>) =>
      emu.control<{ id: string }>('POST', `/tenants/${tenant.tenantId}/users`, body);
    const researcher = await addUser({ displayName: 'Rita Research', department: dept });
    const nobody = await addUser({ displayName: 'Noah Nodept' });
    const imp = await createImport({ filters: { departments: [dept] }, removedUserPolicy: 'hold' });
    const first = await finished(imp.id, imp.lastRun.id);
    expect(first).toMatchObject({ status: 'succeeded', kind: 'full', added: 1 });
    const memberIds = async () => (await groupMembers(imp.targetGroupId)).map((m) => m.entra_object_id);
    expect(await memberIds()).toEqual([researcher.id]);

    await emu.control('PATCH', `/users/${nobody.id}`, { jobTitle: 'Intern' });
    await addUser({ displayName: 'Hana Hire' });
    const second = await syncNow(imp.id);
    expect(second).toMatchObject({ status: 'succeeded', kind: 'delta', added: 0, removed: 0, held: 0 });
    expect(second.errors).toEqual([]);

    await emu.control('PATCH', `/users/${researcher.id}`, { department: null });
    const third = await syncNow(imp.id);
    expect(third).toMatchObject({ kind: 'delta', held: 1, removed: 0 });
    const held = (await api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items;
    expect(held).toMatchObject([{ entraObjectId: researcher.id, kind: 'remove', reason: 'out_of_scope' }]);

    // Another change: the department is now absent from the answer; still out of scope, held once.
    await emu.control('PATCH', `/users/${researcher.id}`, { jobTitle: 'Lab manager' });
    const fourth = await syncNow(imp.id);
    expect(fourth).toMatchObject({ kind: 'delta', held: 0, removed: 0, added: 0 });
    expect(fourth.errors).toEqual([]);
    expect((await api('POST', `/directory-imports/${imp.id}/held-changes/${held[0].id}/approve`)).statusCode).toBe(200);
    expect(await memberIds()).toEqual([]);
  });

  it('a 429/503 storm during an import loses and duplicates nothing', async () => {
    const storm = await emu.tenantWithApp(REDIRECT_URI, { users: 2200, name: 'Stormy' });
    const stormClient = await ownClient('Stormy Ltd');
    const stormApp = await connectedApp(t, emu, sys, stormClient, storm);
    await emu.control('PUT', '/faults', { graphThrottleEvery: 2, graph503Every: 3, graphRetryAfterSeconds: 0 });
    try {
      const imp = await createImport({ azureAppId: stormApp, filters: { enabledOnly: false } }, stormClient);
      const run = await finished(imp.id, imp.lastRun.id, stormClient);
      expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', added: 2200, pages: 3 });
      const members = await groupMembers(imp.targetGroupId);
      expect(members).toHaveLength(2200);
      expect(new Set(members.map((m) => m.entra_object_id)).size).toBe(2200);
    } finally {
      await emu.control('PUT', '/faults', { graphThrottleEvery: 0, graph503Every: 0, graphRetryAfterSeconds: 1 });
    }
  }, 60_000);

  it('a stopped sync does not sit out Retry-After: the wait for a throttled page ends with the stop', async () => {
    const reader = new DirectoryReader(t.app.services.azure.graph, t.app.services.azure.tokens, {
      clientId,
      appId,
      cloud: 'global',
    });
    await reader.page({ kind: 'users', url: usersUrl() }, []); // token in hand: only the page is throttled
    await emu.control('PUT', '/faults', { graphThrottleEvery: 1, graphRetryAfterSeconds: 60 });
    try {
      const started = Date.now();
      // Stopped half a second in: the 429 came back within milliseconds, so the client is waiting.
      const stop = AbortSignal.timeout(500);
      await expect(reader.page({ kind: 'users', url: usersUrl() }, [], stop)).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      // Microsoft asked for 60 s; the stop did not wait for any of it.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await emu.control('PUT', '/faults', { graphThrottleEvery: 0, graphRetryAfterSeconds: 1 });
    }
  });

  it("another client's administrator gets 404 for every import, run and held change", async () => {
    const imp = await createImport({ newUserPolicy: 'hold' });
    const run = await finished(imp.id, imp.lastRun.id);
    const other = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Fabrikam' })).json();
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'b@fabrikam.test',
      name: 'B',
      role: 'client_admin',
      password: 'fabrikam admin password',
      clientIds: [other.id],
    });
    const b = await t.login('b@fabrikam.test', 'fabrikam admin password');
    const fakeChange = '00000000-0000-4000-8000-000000000001';
    for (const cid of [clientId, other.id]) {
      const base = `/api/v1/clients/${cid}/directory-imports/${imp.id}`;
      for (const [m, u] of [
        ['GET', base],
        ['PATCH', base],
        ['DELETE', base],
        ['POST', `${base}/sync`],
        ['GET', `${base}/runs`],
        ['GET', `${base}/runs/${run.id}`],
        ['GET', `${base}/held-changes`],
        ['POST', `${base}/held-changes/${fakeChange}/approve`],
      ] as const) {
        const res = await t.as(b, m, u, m === 'PATCH' ? { name: 'x' } : undefined);
        expect({ m, u, status: res.statusCode }).toEqual({ m, u, status: 404 });
      }
    }
    expect((await t.as(b, 'GET', `/api/v1/clients/${other.id}/directory-imports`)).json().items).toEqual([]);
    // …nor the recipients the import brought in.
    const [imported] = await groupMembers(imp.targetGroupId);
    for (const cid of [clientId, other.id]) {
      expect((await t.as(b, 'GET', `/api/v1/clients/${cid}/recipients/${imported?.id}`)).statusCode).toBe(404);
    }
    expect((await api('GET', `/recipients/${imported?.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/directory-imports/${imp.id}`)).statusCode).toBe(200);
  });

  it('the scheduler enqueues due syncs once, and skips a paused import until its application is connected', async () => {
    // Only this import is scheduled, so the counts below are its own.
    await t.db.handle.db.updateTable('directory_imports').set({ sync_enabled: 0 }).execute();
    const imp = await createImport({ syncIntervalMinutes: 5 });
    await finished(imp.id, imp.lastRun.id);
    const view = (await api('GET', `/directory-imports/${imp.id}`)).json();
    expect(Date.parse(view.nextSyncAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    const { queue } = t.container;
    const later = new Date(Date.now() + 6 * 60_000).toISOString();
    expect(await enqueueDue(t.db.handle.db, queue, later)).toBe(1);
    expect(await enqueueDue(t.db.handle.db, queue, later)).toBe(0); // taken: next_sync_at moved on
    const runs = (await api('GET', `/directory-imports/${imp.id}/runs`)).json().items;
    expect(runs[0]).toMatchObject({ trigger: 'schedule' });
    const run = await finished(imp.id, runs[0].id);
    expect(run).toMatchObject({ status: 'succeeded', kind: 'delta' });
    await t.db.handle.db.updateTable('directory_imports').set({ status: 'paused' }).where('id', '=', imp.id).execute();
    await t.db.handle.db.updateTable('azure_apps').set({ status: 'reauth_required' }).where('id', '=', appId).execute();
    const muchLater = new Date(Date.now() + 20 * 60_000).toISOString();
    expect(await enqueueDue(t.db.handle.db, queue, muchLater)).toBe(0);
    await t.db.handle.db.updateTable('azure_apps').set({ status: 'connected' }).where('id', '=', appId).execute();
    expect(await enqueueDue(t.db.handle.db, queue, muchLater)).toBe(1);
  });

  it('a revoked refresh token pauses the sync with the reason shown', async () => {
    const imp = await createImport({});
    await finished(imp.id, imp.lastRun.id);
    const admin = (await tenantUsers(tenant.tenantId)).find(
      (u) => u.userPrincipalName === tenant.admin.userPrincipalName,
    );
    await emu.control('POST', `/users/${admin?.id}/revoke-sessions`);
    t.app.services.azure.tokens.forget(appId); // the cached access token would otherwise live on for its hour
    const run = await syncNow(imp.id);
    expect(run.status).toBe('paused');
    expect(run.errors.at(-1).code).toBe('reauthorization_required');
    const view = (await api('GET', `/directory-imports/${imp.id}`)).json();
    expect(view.status).toBe('paused');
    expect(view.statusReason).toMatchObject({ code: 'reauthorization_required' });
    expect(view.statusReason.message).toMatch(/authorized again/);
  });
});
