// A client's overview (the console's client page) and the clients list's per-client columns:
// each onboarding step ticks itself as the data it stands for is created through the API, the
// counts are the client's own and never another's, and a client administrator's list holds only
// their clients.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { eml, report } from '../helpers/incidents.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let otherId: string;

const APP = {
  name: 'Contoso tenant',
  azureClientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'overview-secret-value',
  tenant: '99999999-8888-4777-8666-555555555555',
};
const overview = async (id = clientId) => {
  const r = await t.as(sys, 'GET', `/api/v1/clients/${id}/overview`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const doneSteps = async () =>
  (await overview()).onboarding.steps.filter((s: { done: boolean }) => s.done).map((s: { key: string }) => s.key);
const post = async (path: string, body: unknown) => {
  const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}${path}`, body);
  expect(r.statusCode, r.body).toBeLessThan(300);
  return r.json();
};

/** A finished directory sync run of an import (the worker is not running here). */
async function finishedRun(cid: string, importId: string, status: 'succeeded' | 'failed', finishedAt: string) {
  await t.db.handle.db
    .insertInto('directory_sync_runs')
    .values({
      id: newId(),
      client_id: cid,
      import_id: importId,
      trigger: 'manual',
      kind: 'full',
      status,
      cursor: null,
      pending_delta_link: null,
      total: 1,
      pages: 1,
      users_seen: 1,
      added: 1,
      updated: 0,
      removed: 0,
      held: 0,
      skipped: 0,
      filtered: 0,
      skipped_users: '[]',
      removals_held: null,
      errors: '[]',
      started_at: finishedAt,
      finished_at: finishedAt,
      created_at: finishedAt,
      updated_at: finishedAt,
    })
    .execute();
}

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: 'https://baitwise.overview.test' } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Hub Ltd' })).json().id;
  otherId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Other Ltd' })).json().id;
  // The other client has more of everything, so a count that leaked across clients shows.
  for (const n of [1, 2, 3]) {
    await t.as(sys, 'POST', `/api/v1/clients/${otherId}/recipients`, { email: `p${n}@other.test` });
  }
  // (its own tenant: a second client connecting the same one must say why — azure-apps-shared-tenant)
  const other = await t.as(sys, 'POST', `/api/v1/clients/${otherId}/azure-apps`, {
    ...APP,
    tenant: '77777777-8888-4777-8666-555555555555',
  });
  expect(other.statusCode, other.body).toBe(201);
}, 60_000);
afterAll(async () => t?.close());

describe('a client overview', () => {
  it('starts with nothing done and every count at zero', async () => {
    const o = await overview();
    expect(o).toMatchObject({
      clientId,
      microsoft365: { connection: 'none', applications: [] },
      recipients: { total: 0, groups: 0, imports: 0, heldChanges: 0, lastSync: null },
      sendingProfiles: { total: 0, paused: 0 },
      training: { campaigns: 0, active: 0, drafts: 0 },
      reportAddin: { configured: false },
      reportingMailbox: { enabled: false },
      incidents: { open: 0 },
      onboarding: { done: 0, total: 6 },
    });
    expect(o.onboarding.steps.map((s: { key: string }) => s.key)).toEqual([
      'azure_app',
      'authorize',
      'recipients',
      'sending_profile',
      'training_campaign',
      'report_addin',
    ]);
  });

  it('ticks each onboarding step as its data is created', async () => {
    const app = await post('/azure-apps', APP);
    expect(await doneSteps()).toEqual(['azure_app']);
    let o = await overview();
    expect(o.microsoft365.connection).toBe('not_authorized');
    expect(o.microsoft365.applications).toEqual([
      expect.objectContaining({ id: app.id, name: 'Contoso tenant', status: 'not_authorized', authorizedAt: null }),
    ]);

    // Authorizing is Microsoft's round trip (azure-apps tests cover it); its outcome is the status.
    await t.db.handle.db
      .updateTable('azure_apps')
      .set({ status: 'connected', authorized_at: new Date().toISOString() })
      .where('id', '=', app.id)
      .execute();
    expect(await doneSteps()).toEqual(['azure_app', 'authorize']);
    expect((await overview()).microsoft365.connection).toBe('connected');

    const group = await post('/recipient-groups', { name: 'Everyone' });
    await post('/recipients', { email: 'ann@hub.test', groupIds: [group.id] });
    expect(await doneSteps()).toEqual(['azure_app', 'authorize', 'recipients']);

    const profile = await post('/sending-profiles', {
      name: 'Relay',
      kind: 'smtp',
      fromAddress: 'security@relay.test',
      smtp: { host: 'relay.test', port: 25, security: 'none' },
    });
    expect(await doneSteps()).toEqual(['azure_app', 'authorize', 'recipients', 'sending_profile']);

    // A draft is not a launched campaign: the step waits for the launch.
    const campaign = await post('/training/campaigns', {
      name: 'Onboarding course',
      contentRef: 'builtin:recognising-phishing',
      language: 'en',
      profileId: profile.id,
      audience: { groupIds: [group.id] },
      timeZone: 'Europe/Berlin',
      dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    });
    o = await overview();
    expect(o.training).toEqual({ campaigns: 1, active: 0, drafts: 1 });
    expect(o.onboarding.steps.find((s: { key: string }) => s.key === 'training_campaign').done).toBe(false);
    await post(`/training/campaigns/${campaign.id}/launch`, undefined);
    expect((await overview()).training).toEqual({ campaigns: 1, active: 1, drafts: 0 });
    expect(await doneSteps()).toEqual(['azure_app', 'authorize', 'recipients', 'sending_profile', 'training_campaign']);

    const addin = await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/report-addin`, {
      azureAppId: app.id,
      reportingOptions: ['Phishing'],
    });
    expect(addin.statusCode, addin.body).toBe(200);
    o = await overview();
    expect(o.onboarding).toMatchObject({ done: 6, total: 6 });
    expect(o.reportAddin.configured).toBe(true);
    expect(o.recipients).toMatchObject({ total: 1, groups: 1 });
    expect(o.sendingProfiles).toEqual({ total: 1, paused: 0 });
  });

  it('says when a connection needs attention, even with another application connected', async () => {
    const second = await post('/azure-apps', { ...APP, name: 'Second tenant' });
    await t.db.handle.db
      .updateTable('azure_apps')
      .set({ status: 'reauth_required' })
      .where('id', '=', second.id)
      .execute();
    const o = await overview();
    expect(o.microsoft365.connection).toBe('attention');
    expect(o.microsoft365.applications.map((a: { name: string; status: string }) => [a.name, a.status])).toEqual([
      ['Contoso tenant', 'connected'],
      ['Second tenant', 'reauth_required'],
    ]);
    // The step stays done: one application is connected.
    expect((await doneSteps()).includes('authorize')).toBe(true);
  });

  it('shows the latest finished sync, the held changes waiting and the open incidents', async () => {
    const o0 = await overview();
    const app = o0.microsoft365.applications[0];
    const groupId = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/recipient-groups`)).json().items[0].id;
    const imp = await post('/directory-imports', {
      name: 'All staff',
      azureAppId: app.id,
      targetGroupId: groupId,
      source: 'all_users',
    });
    await finishedRun(clientId, imp.id, 'succeeded', '2026-01-01T10:00:00.000Z');
    await finishedRun(clientId, imp.id, 'failed', '2026-01-02T10:00:00.000Z');
    const now = new Date().toISOString();
    await t.db.handle.db
      .insertInto('directory_held_changes')
      .values(
        ['pending', 'pending', 'approved'].map((status, i) => ({
          id: newId(),
          client_id: clientId,
          import_id: imp.id,
          run_id: null,
          kind: 'remove' as const,
          entra_object_id: `entra-${i}`,
          display_name: `Person ${i}`,
          email: `p${i}@hub.test`,
          reason: 'removed',
          payload: null,
          status: status as 'pending' | 'approved',
          decided_by: null,
          decided_at: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    await report(t, clientId, 'reporter@hub.test', eml({ subject: 'Suspicious' }));

    const o = await overview();
    expect(o.recipients).toMatchObject({
      imports: 1,
      heldChanges: 2,
      lastSync: {
        importId: imp.id,
        importName: 'All staff',
        status: 'failed',
        finishedAt: '2026-01-02T10:00:00.000Z',
      },
    });
    expect(o.incidents.open).toBe(1);
    // None of it is the other client's.
    const other = await overview(otherId);
    expect(other.recipients).toMatchObject({ total: 3, heldChanges: 0, lastSync: null });
    expect(other.incidents.open).toBe(0);
    expect(other.onboarding.done).toBe(2); // an application, recipients
  });

  it('answers 404 for a client that does not exist', async () => {
    const r = await t.as(sys, 'GET', '/api/v1/clients/00000000-0000-4000-8000-000000000000/overview');
    expect(r.statusCode).toBe(404);
  });
});

describe('the clients list columns', () => {
  it('gives each client its own connection, recipients, last sync and progress, and a client administrator only theirs', async () => {
    const all = (await t.as(sys, 'GET', '/api/v1/clients/overview')).json().items;
    const byId = new Map(all.map((s: { clientId: string }) => [s.clientId, s]));
    expect(byId.get(clientId)).toEqual({
      clientId,
      connection: 'attention',
      recipients: 1,
      heldChanges: 2,
      lastSync: { status: 'failed', finishedAt: '2026-01-02T10:00:00.000Z' },
      onboarding: { done: 6, total: 6 },
    });
    expect(byId.get(otherId)).toEqual({
      clientId: otherId,
      connection: 'not_authorized',
      recipients: 3,
      heldChanges: 0,
      lastSync: null,
      onboarding: { done: 2, total: 6 },
    });

    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'hub-admin@overview.test',
      name: 'Hub admin',
      role: 'client_admin',
      password: 'overview test password',
      clientIds: [otherId],
    });
    const admin = await t.login('hub-admin@overview.test', 'overview test password');
    const mine = (await t.as(admin, 'GET', '/api/v1/clients/overview')).json().items;
    expect(mine.map((s: { clientId: string }) => s.clientId)).toEqual([otherId]);
    expect((await t.as(admin, 'GET', `/api/v1/clients/${clientId}/overview`)).statusCode).toBe(404);
  });
});
