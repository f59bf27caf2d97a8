// Safer sync against the Microsoft 365 emulator: the deletion threshold (a mass removal is held
// for approval, with the run saying why; one under the threshold is applied), the safe default
// removal policy, approving or rejecting a run's held removals at once, skipped users listed with
// their reason (users the filters leave out are counted apart), and a rate only when it means
// something. Each test has its own client and tenant: recipients are per client.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let runner: Worker;

interface EmuUser {
  id: string;
  mail: string | null;
  accountEnabled: boolean;
  department: string | null;
}

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  runner = await startWorker(t.container);
}, 60_000);
afterAll(async () => {
  await runner?.stop();
  await t?.close();
  await emu?.close();
});

/** A client of its own, connected to a new emulated tenant of `users` users. */
async function setUp(name: string, users = 20) {
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name })).json().id as string;
  const tenant = await emu.tenantWithApp(REDIRECT_URI, { users, name });
  const appId = await connectedApp(t, emu, sys, clientId, tenant);
  const all = (await emu.control<{ value: EmuUser[] }>('GET', `/tenants/${tenant.tenantId}/users?top=1000`)).value;
  const api = (method: string, path: string, body?: unknown) =>
    t.as(sys, method, `/api/v1/clients/${clientId}${path}`, body);
  const create = async (body: Record<string, unknown>) => {
    const res = await api('POST', '/directory-imports', {
      name: `Import ${Math.random().toString(36).slice(2, 8)}`,
      azureAppId: appId,
      newGroupName: `Group ${Math.random().toString(36).slice(2, 8)}`,
      source: 'all_users',
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const finished = (importId: string, runId: string) =>
    vi.waitFor(
      async () => {
        const r = (await api('GET', `/directory-imports/${importId}/runs/${runId}`)).json();
        if (!['succeeded', 'failed', 'paused'].includes(r.status)) throw new Error(`run is ${r.status}`);
        return r;
      },
      { timeout: 60_000, interval: 50 },
    );
  const syncNow = async (importId: string) => {
    const res = await api('POST', `/directory-imports/${importId}/sync`);
    expect(res.statusCode, res.body).toBe(202);
    return finished(importId, res.json().id);
  };
  const recipients = async () =>
    (
      await t.db.handle.db
        .selectFrom('recipients')
        .select('entra_object_id')
        .where('client_id', '=', clientId)
        .execute()
    ).map((r) => r.entra_object_id);
  return { clientId, tenant, appId, users: all, api, create, finished, syncNow, recipients };
}

describe('deletion threshold', () => {
  it('an import removes users only after approval by default, and allows 10% of the import per run', async () => {
    const c = await setUp('Defaults Ltd', 5);
    const imp = await c.create({});
    expect(imp).toMatchObject({ removedUserPolicy: 'hold', deletionThreshold: { unit: 'percent', value: 10 } });
  });

  it('a mass removal over the threshold is held for approval, and the run says why', async () => {
    const c = await setUp('Mass Removal Ltd', 20);
    const imp = await c.create({ removedUserPolicy: 'delete', filters: { enabledOnly: false } });
    const first = await c.finished(imp.id, imp.lastRun.id);
    const members = first.added as number;
    expect(members).toBe(c.users.length);
    const gone = c.users.filter((u) => u.mail).slice(2, 8); // 6 of 22: 27% > 10%
    for (const u of gone) await emu.control('DELETE', `/users/${u.id}`);

    const run = await c.syncNow(imp.id);
    expect(run).toMatchObject({
      status: 'succeeded',
      kind: 'delta',
      removed: 0,
      held: gone.length,
      removalsHeld: { removals: gone.length, members, unit: 'percent', threshold: 10 },
    });
    // Nobody was deleted: every removal waits, named and with its reason.
    expect(await c.recipients()).toEqual(expect.arrayContaining(gone.map((u) => u.id)));
    const held = (await c.api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items;
    expect(held.map((h: { entraObjectId: string }) => h.entraObjectId).sort()).toEqual(gone.map((u) => u.id).sort());
    for (const h of held) expect(h).toMatchObject({ kind: 'remove', reason: 'removed', runId: run.id });
    const view = (await c.api('GET', `/directory-imports/${imp.id}`)).json();
    expect(view.pendingHeld).toBe(gone.length);

    // The next run neither holds them twice nor deletes them behind the operator's back.
    const again = await c.syncNow(imp.id);
    expect(again).toMatchObject({ removed: 0, held: 0, removalsHeld: null });

    // Approving the run's removals at once deletes them, in one decision.
    const decided = await c.api('POST', `/directory-imports/${imp.id}/held-changes/decide`, {
      decision: 'approve',
      kind: 'remove',
      runId: run.id,
    });
    expect(decided.statusCode, decided.body).toBe(200);
    expect(decided.json()).toEqual({ decided: gone.length, left: 0 });
    const left = await c.recipients();
    for (const u of gone) expect(left).not.toContain(u.id);
    expect(left).toHaveLength(members - gone.length);
    expect((await c.api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items).toEqual([]);
  }, 90_000);

  it('removals up to the threshold are applied; a number of users can be the threshold', async () => {
    const c = await setUp('Few Leavers Ltd', 20);
    const imp = await c.create({
      removedUserPolicy: 'delete',
      filters: { enabledOnly: false },
      deletionThreshold: { unit: 'users', value: 3 },
    });
    expect(imp.deletionThreshold).toEqual({ unit: 'users', value: 3 });
    await c.finished(imp.id, imp.lastRun.id);
    const [a, b, d, e] = c.users.filter((u) => u.mail).slice(3, 7) as EmuUser[];
    for (const u of [a, b, d]) await emu.control('DELETE', `/users/${u?.id}`);
    const run = await c.syncNow(imp.id);
    expect(run).toMatchObject({ removed: 3, held: 0, removalsHeld: null });
    expect(await c.recipients()).not.toContain(a?.id);

    // Raised by the operator: a run over the old number goes through.
    for (const u of [e]) await emu.control('DELETE', `/users/${u?.id}`);
    const patched = await c.api('PATCH', `/directory-imports/${imp.id}`, {
      deletionThreshold: { unit: 'users', value: 0 },
    });
    expect(patched.json().deletionThreshold).toEqual({ unit: 'users', value: 0 });
    const held = await c.syncNow(imp.id);
    expect(held).toMatchObject({ removed: 0, held: 1, removalsHeld: { removals: 1, unit: 'users', threshold: 0 } });
  }, 90_000);

  it('a complete listing that misses many members holds them (group import)', async () => {
    const c = await setUp('Group Listing Ltd', 20);
    const people = c.users.filter((u) => u.mail && u.accountEnabled).slice(0, 10);
    const group = await emu.control<{ id: string }>('POST', `/tenants/${c.tenant.tenantId}/groups`, {
      displayName: 'Awareness Pilot',
      memberUserIds: people.map((u) => u.id),
    });
    const imp = await c.create({
      removedUserPolicy: 'delete',
      source: 'groups',
      entraGroups: [{ id: group.id, displayName: 'Awareness Pilot' }],
    });
    expect(await c.finished(imp.id, imp.lastRun.id)).toMatchObject({ added: 10 });
    for (const u of people.slice(0, 4)) await emu.control('DELETE', `/users/${u.id}`);
    const run = await c.syncNow(imp.id);
    expect(run).toMatchObject({
      kind: 'full',
      removed: 0,
      held: 4,
      removalsHeld: { removals: 4, members: 10, unit: 'percent', threshold: 10 },
    });
    const held = (await c.api('GET', `/directory-imports/${imp.id}/held-changes`)).json().items;
    expect(held.map((h: { reason: string }) => h.reason)).toEqual([
      'not_listed',
      'not_listed',
      'not_listed',
      'not_listed',
    ]);
    // Rejected at once: they stay recipients, no longer this import's to remove.
    const decided = await c.api('POST', `/directory-imports/${imp.id}/held-changes/decide`, { decision: 'reject' });
    expect(decided.json()).toEqual({ decided: 4, left: 0 });
    expect((await c.recipients()).length).toBe(10);
    expect(await c.syncNow(imp.id)).toMatchObject({ removed: 0, held: 0, removalsHeld: null });
  }, 90_000);

  it('refuses a threshold that makes no sense, naming the field, and writes nothing', async () => {
    const c = await setUp('Bad Input Ltd', 3);
    for (const [threshold, field] of [
      [{ unit: 'percent', value: 101 }, 'deletionThreshold.value'],
      [{ unit: 'percent', value: -1 }, 'deletionThreshold.value'],
      [{ unit: 'people', value: 5 }, 'deletionThreshold.unit'],
    ] as const) {
      const res = await c.api('POST', '/directory-imports', {
        name: 'Bad',
        azureAppId: c.appId,
        newGroupName: 'Bad group',
        source: 'all_users',
        deletionThreshold: threshold,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.body).toContain(field);
    }
    expect((await c.api('GET', '/directory-imports')).json().items).toEqual([]);
  }, 60_000);
});

describe('what a run reports', () => {
  it('lists skipped users with their reason, counts users outside the filters apart, and gives no rate for a short run', async () => {
    const c = await setUp('Reporting Ltd', 12);
    const [owner, clash, off] = c.users.filter((u) => u.mail && u.accountEnabled) as EmuUser[];
    await emu.control('PATCH', `/users/${clash?.id}`, { mail: owner?.mail });
    await emu.control('PATCH', `/users/${off?.id}`, { accountEnabled: false });
    const disabled = c.users.filter((u) => !u.accountEnabled).length + 1;
    const imp = await c.create({});
    const run = await c.finished(imp.id, imp.lastRun.id);
    expect(run).toMatchObject({ status: 'succeeded', skipped: 1, filtered: disabled, usersPerSecond: null });
    expect(run.skippedUsers).toEqual([
      expect.objectContaining({ entraObjectId: expect.any(String), email: owner?.mail, reason: 'email_conflict' }),
    ]);
    expect([owner?.id, clash?.id]).toContain(run.skippedUsers[0].entraObjectId);
  }, 60_000);
});
