// Walks every registered API route and proves that a client administrator of client A can reach
// nothing of client B: client routes answer 404 (as for a missing id), system routes 403, and
// every other authenticated route has an explicit check below. A route added without coverage
// fails this test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/lib/ids.js';
import { messageToken } from '../../src/modules/mail-delivery/message-token.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { eml, report } from '../helpers/incidents.js';
import { scorm12 } from '../helpers/scorm.js';

let t: TestApp;
let sys: Session;
let adminA: Session;
let adminB: Session;
let adminC: Session;
const ids: Record<string, string> = {};
let fixturesB: ClientData;
let fixturesC: ClientData;

const PUBLIC_ROUTES = new Set([
  'GET /api/v1/auth/setup',
  'POST /api/v1/auth/setup',
  'POST /api/v1/auth/login',
  'GET /api/v1/azure-apps/callback',
  // The learner portal: the link's token is the credential; a token opens only its own
  // enrolment (test/api/training-learner.test.ts proves client A's never reaches B's).
  'GET /api/v1/learn/:token',
  'POST /api/v1/learn/:token/start',
  'PUT /api/v1/learn/:token/progress',
  'POST /api/v1/learn/:token/quiz',
  'POST /api/v1/learn/:token/scorm',
  'GET /api/v1/learn/:token/certificate',
  // the Outlook add-in: no Baitwise session; a report is the reporter's Microsoft token's, checked
  // against the client the add-in id names (test/api/report-intake.test.ts)
  'GET /api/v1/report-addin/addins/:addinId',
  'POST /api/v1/report-addin/reports',
]);

const APP_BODY = {
  name: 'Contoso tenant',
  azureClientId: '11111111-2222-4333-8444-555555555555',
  clientSecret: 'client-b-secret-value',
  tenant: '99999999-8888-4777-8666-555555555555',
  // every client here registers this one made-up tenant, on purpose
  sharedTenantReason: 'Test clients share one tenant',
};

interface ClientData {
  clientId: string;
  appId: string;
  /** the state of an authorization started by the client's administrator and not finished */
  state: string;
  groupId: string;
  recipientId: string;
  importId: string;
  runId: string;
  changeId: string;
  profileId: string;
  messageId: string;
  packageId: string;
  campaignId: string;
  enrolmentId: string;
  /** the learner's link (the invitation's token) to that enrolment */
  learnerToken: string;
  webhookId: string;
  /** an incident (one reported message, analysed) and its report */
  incidentId: string;
  reportId: string;
}

/** One of everything a client owns, created by its administrator `s`. */
async function clientData(s: Session, clientId: string): Promise<ClientData> {
  const app = (await t.as(s, 'POST', `/api/v1/clients/${clientId}/azure-apps`, APP_BODY)).json();
  // An authorization started (admin-consent endpoint first: no call to Microsoft needed here).
  const started = (
    await t.as(s, 'POST', `/api/v1/clients/${clientId}/azure-apps/${app.id}/authorize`, { adminConsent: true })
  ).json();
  const state = new URL(started.url).searchParams.get('state') ?? '';
  const group = (await t.as(s, 'POST', `/api/v1/clients/${clientId}/recipient-groups`, { name: 'A group' })).json();
  const recipient = (
    await t.as(s, 'POST', `/api/v1/clients/${clientId}/recipients`, {
      email: `r@${clientId.slice(0, 8)}.test`,
      groupIds: [group.id],
    })
  ).json();
  // An Entra import (its first run waits in the queue: no worker here) and a held change.
  const imp = (
    await t.as(s, 'POST', `/api/v1/clients/${clientId}/directory-imports`, {
      name: 'An import',
      azureAppId: app.id,
      targetGroupId: group.id,
      source: 'all_users',
    })
  ).json();
  const changeId = newId();
  const now = new Date().toISOString();
  await t.db.handle.db
    .insertInto('directory_held_changes')
    .values({
      id: changeId,
      client_id: clientId,
      import_id: imp.id,
      run_id: null,
      kind: 'remove',
      entra_object_id: `entra-user-of-${clientId}`,
      display_name: 'Some person',
      email: `p@${clientId.slice(0, 8)}.test`,
      reason: 'removed',
      payload: null,
      status: 'pending',
      decided_by: null,
      decided_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  // A sending profile (an SMTP relay: nothing is contacted) with a failed message in its outbox.
  const profile = (
    await t.as(s, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: 'A relay',
      kind: 'smtp',
      fromAddress: 'security@relay.test',
      smtp: { host: 'relay.test', port: 25, security: 'none', username: 'relay', password: 'relay-secret-value' },
    })
  ).json();
  const [messageId] = await t.db.handle.db.transaction().execute((trx) =>
    t.app.services.mail.outbox.enqueue(trx, {
      clientId,
      profileId: profile.id,
      purpose: 'tenancy.fixture',
      content: { subject: 'Hello', html: null, text: 'Hello' },
      messages: [{ to: { address: `m@${clientId.slice(0, 8)}.test` } }],
      notBefore: '2999-01-01T00:00:00.000Z',
    }),
  );
  // The Outlook report add-in's settings (the manifest needs them, and an https public URL).
  const addin = await t.as(s, 'PUT', `/api/v1/clients/${clientId}/report-addin`, {
    azureAppId: app.id,
    reportingOptions: ['Phishing'],
  });
  expect(addin.statusCode).toBe(200);
  // The reporting mailbox's settings and a queued reading (no worker here: it waits).
  const mailbox = await t.as(s, 'PUT', `/api/v1/clients/${clientId}/reporting-mailbox`, {
    enabled: true,
    azureAppId: app.id,
    mailbox: `reports@${clientId.slice(0, 8)}.test`,
    accessMode: 'application',
  });
  expect(mailbox.statusCode).toBe(200);
  expect((await t.as(s, 'POST', `/api/v1/clients/${clientId}/reporting-mailbox/sync`, {})).statusCode).toBe(202);
  await t.db.handle.db
    .updateTable('outbox_messages')
    .set({ status: 'failed' })
    .where('id', '=', messageId ?? '')
    .execute();
  // A SCORM package of the client's own (the zip itself is the upload's body).
  const pkg = await t.app.inject({
    method: 'POST',
    url: `/api/v1/clients/${clientId}/training/packages`,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/zip' },
    payload: await scorm12(),
  });
  expect(pkg.statusCode).toBe(201);
  // A running training campaign with one learner (the recipient above, through the group).
  const campaign = (
    await t.as(s, 'POST', `/api/v1/clients/${clientId}/training/campaigns`, {
      name: 'A campaign',
      contentRef: 'builtin:recognising-phishing',
      language: 'en',
      profileId: profile.id,
      audience: { groupIds: [group.id] },
      timeZone: 'Europe/Berlin',
      dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    })
  ).json();
  expect(
    (await t.as(s, 'POST', `/api/v1/clients/${clientId}/training/campaigns/${campaign.id}/launch`)).statusCode,
  ).toBe(200);
  const enrolment = await t.db.handle.db
    .selectFrom('training_enrolments')
    .select('id')
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  // The invitation's token, as the mail would carry it (derived from the message id and the client's key).
  const invitation = await t.db.handle.db
    .selectFrom('outbox_messages')
    .select('id')
    .where('client_id', '=', clientId)
    .where('ref_id', '=', enrolment.id)
    .executeTakeFirstOrThrow();
  const learnerToken = messageToken(await t.app.services.mail.dispatch.keys.key(clientId), invitation.id);
  // Reporter feedback through the relay, and a webhook (nothing is called: no incident happens).
  const feedback = await t.as(s, 'PUT', `/api/v1/clients/${clientId}/incident-feedback`, {
    enabled: true,
    profileId: profile.id,
  });
  expect(feedback.statusCode).toBe(200);
  const webhook = await t.as(s, 'POST', `/api/v1/clients/${clientId}/webhooks`, {
    name: 'SIEM',
    url: `https://siem.${clientId.slice(0, 8)}.example/baitwise`,
    events: ['incident.created'],
  });
  expect(webhook.statusCode).toBe(201);
  // A reported message, analysed into an incident.
  const incidentId = await report(t, clientId, `reporter@${clientId.slice(0, 8)}.test`, eml({ subject: 'Suspicious' }));
  const { id: reportId } = await t.db.handle.db
    .selectFrom('reported_messages')
    .select('id')
    .where('client_id', '=', clientId)
    .where('incident_id', '=', incidentId)
    .executeTakeFirstOrThrow();
  return {
    webhookId: webhook.json().id,
    incidentId,
    reportId,
    packageId: pkg.json().id,
    campaignId: campaign.id,
    enrolmentId: enrolment.id,
    learnerToken,
    profileId: profile.id,
    messageId: messageId ?? '',
    clientId,
    appId: app.id,
    state,
    groupId: group.id,
    recipientId: recipient.id,
    importId: imp.id,
    runId: imp.lastRun.id,
    changeId,
  };
}

beforeAll(async () => {
  // https: the report add-in's manifest is refused on an http public URL (its own test covers that).
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: 'https://baitwise.tenancy.test' } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  const a = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client A' })).json();
  const b = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client B' })).json();
  const pw = 'tenancy test password';
  const opA = (
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'a@tenancy.test',
      name: 'Admin A',
      role: 'client_admin',
      password: pw,
      clientIds: [a.id],
    })
  ).json();
  const opB = (
    await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'b@tenancy.test',
      name: 'Admin B',
      role: 'client_admin',
      password: pw,
      clientIds: [b.id],
    })
  ).json();
  adminA = await t.login('a@tenancy.test', pw);
  adminB = await t.login('b@tenancy.test', pw);
  const tokenB = (await t.as(adminB, 'POST', '/api/v1/api-tokens', { name: 'b-token' })).json();
  Object.assign(ids, { clientA: a.id, clientB: b.id, operatorA: opA.id, operatorB: opB.id, tokenB: tokenB.token.id });
  fixturesB = await clientData(adminB, b.id);
  ids.stateB = fixturesB.state;

  // Client C: the same data, then archived by the system administrator (read-only from then on).
  const c = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client C' })).json();
  await t.as(sys, 'POST', '/api/v1/operators', {
    email: 'c@tenancy.test',
    name: 'Admin C',
    role: 'client_admin',
    password: pw,
    clientIds: [c.id],
  });
  adminC = await t.login('c@tenancy.test', pw);
  fixturesC = await clientData(adminC, c.id);
  expect((await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { archived: true })).statusCode).toBe(200);
  // Something in B's audit trail that A must never see.
  await t.as(sys, 'PATCH', `/api/v1/clients/${b.id}`, { name: 'Client B (renamed)' });
});
afterAll(async () => t?.close());

/** A client's value for each path parameter (B's by default). A new parameter name needs a fixture here. */
function fillParams(url: string, data: ClientData = fixturesB): string {
  const fixtures: Record<string, string | undefined> = {
    clientId: data.clientId,
    operatorId: data === fixturesB ? ids.operatorB : undefined,
    tokenId: ids.tokenB,
    appId: data.appId,
    groupId: data.groupId,
    recipientId: data.recipientId,
    importId: data.importId,
    runId: data.runId,
    changeId: data.changeId,
    profileId: data.profileId,
    messageId: data.messageId,
    packageId: data.packageId,
    slug: 'recognising-phishing', // built-in courses belong to every client
    campaignId: data.campaignId,
    enrolmentId: data.enrolmentId,
    webhookId: data.webhookId,
    incidentId: data.incidentId,
    reportId: data.reportId,
  };
  return url.replace(/:(\w+)/g, (_m, name: string) => {
    const v = fixtures[name];
    if (!v) throw new Error(`tenancy test: no client-B fixture for path parameter :${name} in ${url}`);
    return v;
  });
}

/** Routes open to any operator: each proves by itself that client B stays invisible to A. */
const AUTHENTICATED_CHECKS: Record<string, () => Promise<void>> = {
  'GET /api/v1/azure-apps': async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/azure-apps?clientId=${ids.clientB}`)).statusCode).toBe(404);
    const all = await t.as(adminA, 'GET', '/api/v1/azure-apps');
    expect(all.json().items).toEqual([]);
    expect((await t.as(adminB, 'GET', '/api/v1/azure-apps')).json().items).toHaveLength(1);
  },
  'GET /api/v1/azure-apps/registration-info': async () => {
    const info = await t.as(adminA, 'GET', '/api/v1/azure-apps/registration-info');
    expect(info.statusCode).toBe(200);
    expect(info.body).not.toContain(ids.clientB);
  },
  'GET /api/v1/azure-apps/guidance': async () => {
    const g = await t.as(adminA, 'GET', '/api/v1/azure-apps/guidance?aadsts=7000215');
    expect(g.json().key).toBe('invalid_secret');
    expect(g.body).not.toContain(ids.clientB);
  },
  'GET /api/v1/auth/me': async () => {
    const me = (await t.as(adminA, 'GET', '/api/v1/auth/me')).json();
    expect(me.operator.clientIds).toEqual([ids.clientA]);
  },
  'POST /api/v1/auth/logout': async () => {
    const s = await t.login('a@tenancy.test', 'tenancy test password');
    expect((await t.as(s, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await t.as(adminB, 'GET', '/api/v1/auth/me')).statusCode).toBe(200); // B unaffected
  },
  'POST /api/v1/auth/password': async () => {
    // Changes only the caller's own password: there is no operator id to aim at B.
    const r = await t.as(adminA, 'POST', '/api/v1/auth/password', {
      currentPassword: 'wrong wrong wrong',
      newPassword: 'whatever whatever',
    });
    expect(r.statusCode).toBe(400);
  },
  'GET /api/v1/clients': async () => {
    const list = (await t.as(adminA, 'GET', '/api/v1/clients?includeArchived=true')).json();
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([ids.clientA]);
  },
  'GET /api/v1/clients/overview': async () => {
    // A's list holds A's client alone, and B's counts (a recipient, an application) appear only in B's.
    const a = (await t.as(adminA, 'GET', '/api/v1/clients/overview')).json();
    expect(a.items.map((x: { clientId: string }) => x.clientId)).toEqual([ids.clientA]);
    expect(a.items[0]).toMatchObject({ recipients: 0, connection: 'none' });
    expect(JSON.stringify(a)).not.toContain(ids.clientB);
    const b = (await t.as(adminB, 'GET', '/api/v1/clients/overview')).json();
    expect(b.items).toEqual([expect.objectContaining({ clientId: ids.clientB, recipients: 1 })]);
  },
  'GET /api/v1/api-tokens': async () => {
    const list = await t.as(adminA, 'GET', '/api/v1/api-tokens');
    expect(list.body).not.toContain(ids.tokenB);
  },
  'POST /api/v1/api-tokens': async () => {
    const r = await t.as(adminA, 'POST', '/api/v1/api-tokens', { name: 'a-token' });
    expect(r.statusCode).toBe(201);
    const list = (await t.as(adminB, 'GET', '/api/v1/api-tokens')).json();
    expect(list.items.map((x: { name: string }) => x.name)).toEqual(['b-token']);
  },
  'DELETE /api/v1/api-tokens/:tokenId': async () => {
    const r = await t.as(adminA, 'DELETE', `/api/v1/api-tokens/${ids.tokenB}`);
    expect(r.statusCode).toBe(404);
    expect((await t.as(adminB, 'GET', '/api/v1/api-tokens')).json().items).toHaveLength(1);
  },
  'GET /api/v1/audit': async () => {
    const filtered = await t.as(adminA, 'GET', `/api/v1/audit?clientId=${ids.clientB}`);
    expect(filtered.statusCode).toBe(404);
    const all = (await t.as(adminA, 'GET', '/api/v1/audit?limit=500')).json();
    expect(all.items.length).toBeGreaterThan(0);
    for (const e of all.items) expect(e.clientId).toBe(ids.clientA);
    expect(JSON.stringify(all)).not.toContain(ids.clientB);
  },
  'GET /api/v1/audit/actions': async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/audit/actions?clientId=${ids.clientB}`)).statusCode).toBe(404);
    // B's rename is in B's log only: A lists no client.rename (system-level actions are not A's either).
    const mine = (await t.as(adminA, 'GET', '/api/v1/audit/actions')).json().items;
    expect(mine).not.toContain('client.rename');
    expect(mine).not.toContain('session.login');
    expect((await t.as(adminB, 'GET', '/api/v1/audit/actions')).json().items).toContain('client.rename');
  },
  'GET /api/v1/audit/export.csv': async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/audit/export.csv?clientId=${ids.clientB}`)).statusCode).toBe(404);
    const csv = await t.as(adminA, 'GET', '/api/v1/audit/export.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('client.admin_assign');
    expect(csv.body).not.toContain(ids.clientB);
    expect(csv.body).not.toContain('Client B');
  },
};

describe('the OAuth callback (public route)', () => {
  it("refuses B's authorization request in A's session and leaves it usable by B", async () => {
    const r = await t.as(adminA, 'GET', `/api/v1/azure-apps/callback?state=${ids.stateB}&admin_consent=True&tenant=x`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/settings/azure-applications?authorization=failed&reason=state_invalid');
    const app = (await t.as(adminB, 'GET', `/api/v1/clients/${ids.clientB}/azure-apps/${fixturesB.appId}`)).json();
    expect(app.lastAuthorization).toBeNull();
    const row = await t.db.handle.db
      .selectFrom('oauth_requests')
      .select('used_at')
      .where('client_id', '=', ids.clientB ?? '')
      .executeTakeFirstOrThrow();
    expect(row.used_at).toBeNull();
  });
});

describe('tenancy: client administrator of A against everything of B', () => {
  it('covers every registered API route', async () => {
    const routes = t.app.routeTable;
    expect(routes.length).toBeGreaterThan(15);
    const uncovered: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      if (r.access === 'public') {
        if (!PUBLIC_ROUTES.has(key)) uncovered.push(`${key} (public, not in the allowlist)`);
      } else if (r.access === 'authenticated') {
        if (!AUTHENTICATED_CHECKS[key]) uncovered.push(`${key} (authenticated, no check)`);
      } else if (r.access !== 'client' && r.access !== 'system') {
        uncovered.push(`${key} (unknown access ${r.access})`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('answers 404 on client routes and 403 on system routes with B ids', async () => {
    for (const r of t.app.routeTable) {
      if (r.access !== 'client' && r.access !== 'system') continue;
      const url = fillParams(r.url);
      const res = await t.as(adminA, r.method, url, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      expect({ route: `${r.method} ${r.url}`, status: res.statusCode }).toEqual({
        route: `${r.method} ${r.url}`,
        status: r.access === 'client' ? 404 : 403,
      });
      if (r.access === 'client') {
        // Indistinguishable from a missing object: same body as for a random id.
        const missing = await t.as(
          adminA,
          r.method,
          url.replace(ids.clientB ?? '', '00000000-0000-4000-8000-000000000000'),
          r.method === 'GET' ? undefined : {},
        );
        expect(missing.statusCode).toBe(404);
        expect(missing.json().error).toEqual(res.json().error);
        // …while the object does exist: the system administrator reaches it.
        if (r.method === 'GET') expect((await t.as(sys, 'GET', url)).statusCode).toBe(200);
      }
    }
  });

  it('holds on every authenticated route', async () => {
    for (const [key, check] of Object.entries(AUTHENTICATED_CHECKS)) {
      try {
        await check();
      } catch (e) {
        throw new Error(`${key}: ${(e as Error).message}`);
      }
    }
  });

  it("opens B's learner link on B's enrolment, whoever is signed in (the fixture token is real)", async () => {
    const r = await t.app.inject({
      method: 'GET',
      url: `/api/v1/learn/${fixturesB.learnerToken}`,
      headers: { cookie: adminA.cookie },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().client.name).toBe('Client B (renamed)');
    expect(r.body).not.toContain(ids.clientA);
  });

  it('gives A their own client', async () => {
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${ids.clientA}`)).statusCode).toBe(200);
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${ids.clientA}/administrators`)).json().items).toHaveLength(1);
  });
});

// Archived clients are read-only. One check in the request path answers every write to a client
// route of an archived client with 409 client_archived; the routes that are not client-scoped but
// touch a client are each decided below. Each check also proves that nothing was written.

/** Every client-owned table: C's rows, its client row, and (SQLite) the job table. */
async function snapshotOf(clientId: string): Promise<string> {
  const db = t.db.handle.db;
  const tables = [
    'clients',
    'client_administrators',
    'audit_log',
    'azure_apps',
    'oauth_requests',
    'recipient_groups',
    'recipients',
    'recipient_group_members',
    'directory_imports',
    'directory_sync_runs',
    'directory_import_members',
    'directory_held_changes',
    'sending_profiles',
    'outbox_contents',
    'outbox_messages',
    'client_keys',
    'report_addin_settings',
    'reported_messages',
    'reporting_mailbox_settings',
    'reporting_mailbox_runs',
    'incidents',
    'incident_events',
    'incident_settings',
    'training_packages',
    'training_campaigns',
    'training_enrolments',
    'incident_feedback_settings',
    'incident_feedback_replies',
    'webhooks',
    'webhook_deliveries',
  ] as const;
  const out: Record<string, unknown> = {};
  for (const table of tables) {
    const column = table === 'clients' ? 'id' : 'client_id';
    // biome-ignore lint/suspicious/noExplicitAny: one query over tables of different shapes
    out[table] = await (db as any).selectFrom(table).selectAll().where(column, '=', clientId).execute();
  }
  if (t.db.handle.kind === 'sqlite') out.jobs = await db.selectFrom('jobs').select(['id', 'state']).execute();
  return JSON.stringify(out);
}

const ARCHIVED_MESSAGE = /archived.*read-only.*restore/is;

/**
 * Routes that are not `access: 'client'` but write something of a client (or might): each proves
 * what it does for an archived client. Non-GET routes without a client in sight are listed in
 * ARCHIVE_IRRELEVANT with the reason.
 */
const ARCHIVED_CHECKS: Record<string, (c: ClientData) => Promise<void>> = {
  'PATCH /api/v1/clients/:clientId': async (c) => {
    // Renaming is a change like any other: refused, nothing written.
    const before = await snapshotOf(c.clientId);
    const rename = await t.as(sys, 'PATCH', `/api/v1/clients/${c.clientId}`, { name: 'Renamed C' });
    expect(rename.statusCode).toBe(409);
    expect(rename.json().error.code).toBe('client_archived');
    expect(await snapshotOf(c.clientId)).toBe(before);
    // Archiving again changes nothing either (and is not an error: it is already so).
    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${c.clientId}`, { archived: true })).statusCode).toBe(200);
    expect(await snapshotOf(c.clientId)).toBe(before);
    // Restoring is the way out, for system administrators only: the client administrator cannot.
    expect((await t.as(adminC, 'PATCH', `/api/v1/clients/${c.clientId}`, { archived: false })).statusCode).toBe(403);
    expect(await snapshotOf(c.clientId)).toBe(before);
  },
  'PUT /api/v1/clients/:clientId/administrators/:operatorId': async (c) => {
    // Who may read an archived client stays the system administrator's to decide: allowed.
    expect((await t.as(sys, 'PUT', `/api/v1/clients/${c.clientId}/administrators/${ids.operatorA}`)).statusCode).toBe(
      204,
    );
  },
  'DELETE /api/v1/clients/:clientId/administrators/:operatorId': async (c) => {
    // Taking access away from an archived client (off-boarding) must stay possible.
    expect(
      (await t.as(sys, 'DELETE', `/api/v1/clients/${c.clientId}/administrators/${ids.operatorA}`)).statusCode,
    ).toBe(204);
  },
  'POST /api/v1/operators': async (c) => {
    // Like assigning an administrator: grants reading, writes nothing of the client's data.
    const r = await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'reader-c@tenancy.test',
      name: 'Reader C',
      role: 'client_admin',
      password: 'tenancy test password',
      clientIds: [c.clientId],
    });
    expect(r.statusCode).toBe(201);
  },
  'PATCH /api/v1/operators/:operatorId': async (c) => {
    const op = (await t.as(sys, 'GET', '/api/v1/operators'))
      .json()
      .items.find((o: { email: string }) => o.email === 'reader-c@tenancy.test');
    const r = await t.as(sys, 'PATCH', `/api/v1/operators/${op.id}`, { clientIds: [] });
    expect(r.statusCode).toBe(200);
    expect(c.clientId).toBeTruthy();
  },
  'POST /api/v1/report-addin/reports': async (c) => {
    // An employee's report through an archived client's add-in is refused, and nothing is stored.
    const { addinId } = (await t.as(sys, 'GET', `/api/v1/clients/${c.clientId}/report-addin`)).json();
    const before = await snapshotOf(c.clientId);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/report-addin/reports',
      payload: {
        addinId,
        mailbox: 'someone@tenancy.test',
        eml: Buffer.from('Subject: x\r\nMessage-ID: <a@b>\r\n\r\nx\r\n').toString('base64'),
      },
    });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('client_archived');
    expect(await snapshotOf(c.clientId)).toBe(before);
  },
  'POST /api/v1/incidents/bulk': async (c) => {
    // The system administrator's bulk across clients: an archived client's incident in it refuses
    // the whole change, and nothing is written.
    const before = await snapshotOf(c.clientId);
    const r = await t.as(sys, 'POST', '/api/v1/incidents/bulk', { ids: [c.incidentId], action: 'resolve' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('client_archived');
    expect(await snapshotOf(c.clientId)).toBe(before);
  },
  'GET /api/v1/azure-apps/callback': async (c) => {
    // An authorization started before the archive and finished after it stores no token and
    // consumes nothing: the page says why.
    const before = await snapshotOf(c.clientId);
    const r = await t.as(adminC, 'GET', `/api/v1/azure-apps/callback?state=${c.state}&admin_consent=True&tenant=x`);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe(
      `/settings/azure-applications/${c.appId}?authorization=failed&reason=client_archived`,
    );
    expect(await snapshotOf(c.clientId)).toBe(before);
  },
};

/** The learner portal's writes: an archived client's links open nothing and record nothing. */
const learnerWrite =
  (method: string, path: string, body: unknown) =>
  async (c: ClientData): Promise<void> => {
    const before = await snapshotOf(c.clientId);
    const r = await t.app.inject({
      method: method as 'POST',
      url: `/api/v1/learn/${c.learnerToken}${path}`,
      payload: body as object,
    });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('link_unavailable');
    expect(await snapshotOf(c.clientId)).toBe(before);
    // Nor does the link page record the click.
    expect((await t.app.inject({ method: 'GET', url: `/learn/${c.learnerToken}` })).statusCode).toBe(404);
    expect(await snapshotOf(c.clientId)).toBe(before);
  };
Object.assign(ARCHIVED_CHECKS, {
  'POST /api/v1/learn/:token/start': learnerWrite('POST', '/start', {}),
  'PUT /api/v1/learn/:token/progress': learnerWrite('PUT', '/progress', { page: 1, secondsSpent: 10 }),
  'POST /api/v1/learn/:token/quiz': learnerWrite('POST', '/quiz', { answers: {}, secondsSpent: 0 }),
  'POST /api/v1/learn/:token/scorm': learnerWrite('POST', '/scorm', {
    completion: 'completed',
    success: 'passed',
    score: 100,
    secondsSpent: 10,
    location: '',
    suspendData: '',
  }),
});

/** Writes that touch no client's data. */
const ARCHIVE_IRRELEVANT = new Set([
  'POST /api/v1/auth/setup', // first run: there is no client yet
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password', // the caller's own password
  'POST /api/v1/api-tokens', // the caller's own tokens
  'DELETE /api/v1/api-tokens/:tokenId',
  'POST /api/v1/clients', // a new client is never archived
  'POST /api/v1/operators/:operatorId/password',
  'DELETE /api/v1/operators/:operatorId/api-tokens/:tokenId', // an operator's own tokens, no client data
  // The shared training library (system administrators only): no client's data.
  'POST /api/v1/training/packages',
  'PATCH /api/v1/training/packages/:packageId',
  'DELETE /api/v1/training/packages/:packageId',
]);

describe('an archived client is read-only', () => {
  it('has every non-GET route decided: client routes by the central rule, the others by a check', () => {
    const undecided = t.app.routeTable
      .filter((r) => r.method !== 'GET' && r.access !== 'client')
      .map((r) => `${r.method} ${r.url}`)
      .filter((key) => !ARCHIVED_CHECKS[key] && !ARCHIVE_IRRELEVANT.has(key));
    expect(undecided).toEqual([]);
  });

  it('answers 409 client_archived on every client write route and changes nothing', async () => {
    const writes = t.app.routeTable.filter((r) => r.access === 'client' && r.method !== 'GET');
    expect(writes.length).toBeGreaterThan(15);
    for (const who of [adminC, sys]) {
      for (const r of writes) {
        const before = await snapshotOf(fixturesC.clientId);
        const res = await t.as(who, r.method, fillParams(r.url, fixturesC), r.method === 'DELETE' ? undefined : {});
        const route = `${r.method} ${r.url}`;
        expect({ route, status: res.statusCode, code: res.json().error?.code }).toEqual({
          route,
          status: 409,
          code: 'client_archived',
        });
        expect(res.json().error.message).toMatch(ARCHIVED_MESSAGE);
        expect({ route, after: await snapshotOf(fixturesC.clientId) }).toEqual({ route, after: before });
      }
    }
  });

  it("still answers 404, not 409, for another client's archived client", async () => {
    const r = await t.as(adminA, 'POST', `/api/v1/clients/${fixturesC.clientId}/recipient-groups`, { name: 'x' });
    expect(r.statusCode).toBe(404);
  });

  it('still reads everything of the archived client', async () => {
    for (const r of t.app.routeTable.filter((x) => x.access === 'client' && x.method === 'GET')) {
      const res = await t.as(adminC, 'GET', fillParams(r.url, fixturesC));
      expect({ route: r.url, status: res.statusCode }).toEqual({ route: r.url, status: 200 });
    }
  });

  it('holds on every other route that touches a client', async () => {
    for (const [key, check] of Object.entries(ARCHIVED_CHECKS)) {
      try {
        await check(fixturesC);
      } catch (e) {
        throw new Error(`${key}: ${(e as Error).message}`);
      }
    }
  });

  it('is writable again once a system administrator restores it (audited)', async () => {
    const c = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Client D' })).json();
    await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { archived: true });
    const refused = await t.as(sys, 'POST', `/api/v1/clients/${c.id}/recipient-groups`, { name: 'G' });
    expect(refused.statusCode).toBe(409);
    const restored = await t.as(sys, 'PATCH', `/api/v1/clients/${c.id}`, { archived: false, name: 'Client D2' });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ archived: false, name: 'Client D2' });
    expect((await t.as(sys, 'POST', `/api/v1/clients/${c.id}/recipient-groups`, { name: 'G' })).statusCode).toBe(201);
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${c.id}`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toContain('client.unarchive');
  });
});
