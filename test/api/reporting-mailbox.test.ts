// Intake from a reporting mailbox against the emulated Microsoft 365: Outlook's built-in Report
// button (emulated as Defender's user reported settings deliver it) sends submissions to a
// mailbox; Baitwise reads it with message delta, records each attached original as a report of
// its sender, and moves the submission to the handled folder — once, across rounds, lost delta
// tokens and refusals — and says in plain words which permission is missing when Microsoft refuses.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { enqueueDue, runWaiting } from '../../src/modules/reporting-mailbox/jobs.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp, type EmulatedTenant } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const REDIRECT_URI = 'https://baitwise.test/api/v1/azure-apps/callback';

interface EmuUser {
  hasMailbox: boolean;
  userType: string;
  userPrincipalName: string;
}
interface Run {
  id: string;
  status: string;
  trigger: string;
  ingested: number;
  duplicates: number;
  refused: number;
  restarted: boolean;
  refusals: { sender: string | null; reason: string }[];
  error: string | null;
  errorCode: string | null;
}

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let appId: string;
let tenant: EmulatedTenant;
let users: EmuUser[];
let mailbox: string;

const original = (n: number) =>
  `From: Prize Desk <win@evil.example>\r\nTo: staff@example.com\r\nSubject: You won ${n}\r\nMessage-ID: <win-${n}@evil.example>\r\nDate: Mon, 05 Jan 2026 08:00:00 +0000\r\nContent-Type: text/plain\r\n\r\nClick http://evil.example/${n}\r\n`;
const submit = (reporter: string, n: number, box = mailbox) =>
  emu.control('POST', `/mailboxes/${box}/user-reported`, { reporter, mime: original(n) });
const settings = async (over: Record<string, unknown> = {}) => {
  const r = await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/reporting-mailbox`, {
    enabled: true,
    azureAppId: appId,
    mailbox,
    accessMode: 'delegated',
    ...over,
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
/** Sync now, then the worker's job for it; the run as the run log shows it. */
async function read(): Promise<Run> {
  const queued = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/reporting-mailbox/sync`, {});
  expect(queued.statusCode, queued.body).toBe(202);
  expect(queued.json().status).toBe('queued');
  await runWaiting(t.container.services.reportingMailbox.intake, clientId);
  const runs = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/reporting-mailbox/runs`)).json().items as Run[];
  expect(runs[0]?.id).toBe(queued.json().id);
  return runs[0]!;
}
const reports = () =>
  t.db.handle.db
    .selectFrom('reported_messages')
    .selectAll()
    .where('client_id', '=', clientId)
    .orderBy('created_at')
    .execute();
const inbox = async (box = mailbox) =>
  (await emu.control<{ value: { subject: string }[] }>('GET', `/mailboxes/${box}/messages?folder=inbox`)).value;
const handled = async () => {
  const s = await t.db.handle.db
    .selectFrom('reporting_mailbox_settings')
    .select('processed_folder_id')
    .where('client_id', '=', clientId)
    .executeTakeFirstOrThrow();
  return (
    await emu.control<{ value: { subject: string }[] }>(
      'GET',
      `/mailboxes/${mailbox}/messages?folder=${encodeURIComponent(s.processed_folder_id ?? '')}`,
    )
  ).value;
};

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: 'https://baitwise.test' } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Mailbox Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { users: 30, name: 'Fabrikam' });
  appId = await connectedApp(t, emu, sys, clientId, tenant, 'Fabrikam');
  mailbox = tenant.admin.userPrincipalName.toLowerCase(); // delegated: the authorizing account's own mailbox
  users = (await emu.control<{ value: EmuUser[] }>('GET', `/tenants/${tenant.tenantId}/users?top=100`)).value.filter(
    (u) => u.hasMailbox && u.userType === 'Member' && u.userPrincipalName.toLowerCase() !== mailbox,
  );
  // the first six are the client's recipients (Baitwise knows them); the others are not
  for (const u of users.slice(0, 6)) {
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, { email: u.userPrincipalName });
    expect(r.statusCode, r.body).toBe(201);
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

describe('reporting mailbox intake', () => {
  it('shows defaults and the permissions each access mode needs before it is configured', async () => {
    const r = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/reporting-mailbox`)).json();
    expect(r).toMatchObject({
      configured: false,
      enabled: false,
      sourceFolder: 'inbox',
      processedFolder: 'Baitwise processed',
    });
    expect(r.requirements.delegated.permissions).toEqual([
      'Mail.ReadWrite (delegated)',
      'Mail.ReadWrite.Shared (delegated, for a shared mailbox)',
    ]);
    expect(r.requirements.application.permissions).toEqual(['Mail.ReadWrite (application, admin consent)']);
    const off = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/reporting-mailbox/sync`, {});
    expect(off.statusCode).toBe(409);
    const bad = await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/reporting-mailbox`, {
      enabled: true,
      azureAppId: appId,
      mailbox: 'not-an-address',
      accessMode: 'delegated',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('mailbox');
  });

  it('first round: N submissions from N reporters become N reports of those reporters, moved to the handled folder', async () => {
    await settings();
    for (const [i, u] of users.slice(0, 3).entries()) await submit(u.userPrincipalName, i + 1);
    const run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 3, duplicates: 0, refused: 0, error: null });
    const rows = await reports();
    expect(rows.map((r) => r.reporter_address).sort()).toEqual(
      users
        .slice(0, 3)
        .map((u) => u.userPrincipalName.toLowerCase())
        .sort(),
    );
    expect(rows.every((r) => r.source === 'mailbox' && r.verified === 1 && r.counted === 1)).toBe(true);
    expect(rows.map((r) => r.subject).sort()).toEqual(['You won 1', 'You won 2', 'You won 3']);
    expect(rows.every((r) => r.reporting_option === 'Phishing' && r.graph_message_id === null)).toBe(true);
    expect(await inbox()).toEqual([]);
    expect((await handled()).map((m) => m.subject).sort()).toEqual([
      'Phishing: You won 1',
      'Phishing: You won 2',
      'Phishing: You won 3',
    ]);
  });

  it('the schedule queues one reading per enabled mailbox when due, then waits the configured interval', async () => {
    const db = t.db.handle.db;
    const now = new Date().toISOString();
    await db
      .updateTable('reporting_mailbox_settings')
      .set({ next_run_at: now })
      .where('client_id', '=', clientId)
      .execute();
    expect(await enqueueDue(db, t.container.queue, 7, now)).toBe(1);
    expect(await enqueueDue(db, t.container.queue, 7, now)).toBe(0);
    const s = await db
      .selectFrom('reporting_mailbox_settings')
      .select('next_run_at')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(Date.parse(s.next_run_at ?? '') - Date.parse(now)).toBe(7 * 60_000);
    const runs = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/reporting-mailbox/runs`)).json().items as Run[];
    expect(runs[0]).toMatchObject({ status: 'queued', trigger: 'schedule' });
    await runWaiting(t.container.services.reportingMailbox.intake, clientId);
  });

  it('a second round ingests only the new submissions', async () => {
    await submit(users[3]!.userPrincipalName, 4);
    const run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 1, duplicates: 0, refused: 0, restarted: false });
    expect(await reports()).toHaveLength(4);
    expect(await handled()).toHaveLength(4);
  });

  it('an expired delta token starts a full round that records nothing twice', async () => {
    await submit(users[4]!.userPrincipalName, 5);
    // the same report again (as after a crash between recording and moving): one report, not two
    await submit(users[0]!.userPrincipalName, 1);
    await emu.control('POST', '/delta/invalidate');
    const run = await read();
    expect(run).toMatchObject({ status: 'succeeded', restarted: true, ingested: 1, duplicates: 1, refused: 0 });
    const rows = await reports();
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => `${r.reporter_address} ${r.internet_message_id}`)).size).toBe(5);
    expect(await inbox()).toEqual([]);
  });

  it('a reading that fails half-way through a page is finished by the next without a duplicate', async () => {
    const before = (await reports()).length;
    await submit(users[0]!.userPrincipalName, 20);
    await submit(users[1]!.userPrincipalName, 21);
    const recorder = t.container.services.reportingMailbox.intake.recorder;
    const real = recorder.record.bind(recorder);
    let calls = 0;
    const spy = vi.spyOn(recorder, 'record').mockImplementation(async (r) => {
      if (++calls === 2) throw new Error('worker stopped');
      return real(r);
    });
    let run: Run;
    try {
      run = await read();
    } finally {
      spy.mockRestore();
    }
    expect(run).toMatchObject({ status: 'failed', ingested: 1, errorCode: 'internal_error' });
    expect(await inbox()).toHaveLength(1); // the first was recorded and moved; the second waits
    run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 1, duplicates: 0 });
    expect(await reports()).toHaveLength(before + 2);
    expect(await inbox()).toEqual([]);
  });

  it('refuses a submission from outside the tenant (recorded in the run, not as a report) and keeps same-domain strangers unverified', async () => {
    await submit('mallory@evil.example', 6);
    const stranger = users[8]!.userPrincipalName.toLowerCase(); // the tenant's domain, not a recipient
    await submit(stranger, 7);
    const run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 1, refused: 1 });
    expect(run.refusals).toEqual([
      { sender: 'mallory@evil.example', reason: expect.stringContaining('not a recipient') },
    ]);
    const rows = await reports();
    expect(rows.some((r) => r.reporter_address === 'mallory@evil.example')).toBe(false);
    expect(rows.find((r) => r.reporter_address === stranger)).toMatchObject({ verified: 0, counted: 0 });
    expect(await inbox()).toEqual([]);
  });

  it('reads a shared mailbox in delegated mode once the authorizing account has Full Access, and says so until then', async () => {
    const shared = users[7]!.userPrincipalName.toLowerCase();
    await settings({ mailbox: shared });
    await submit(users[2]!.userPrincipalName, 9, shared);
    let run = await read();
    expect(run).toMatchObject({ status: 'failed', errorCode: 'ErrorAccessDenied' });
    expect(run.error).toMatch(/Mail\.ReadWrite\.Shared.*Full Access/);
    expect(run.error).toContain(shared);
    await emu.control('POST', `/mailboxes/${shared}/permissions`, { user: mailbox });
    // an application authorized before Baitwise asked for Mail.ReadWrite.Shared: told to authorize
    // again, without a refresh that would fail (and flag) the whole connection
    const apps = t.db.handle.db.updateTable('azure_apps').where('client_id', '=', clientId).where('id', '=', appId);
    const row = await t.db.handle.db
      .selectFrom('azure_apps')
      .select('granted_scopes')
      .where('client_id', '=', clientId)
      .where('id', '=', appId)
      .executeTakeFirstOrThrow();
    await apps.set({ granted_scopes: (row.granted_scopes ?? '').replace(/\S*Mail\.ReadWrite\.Shared/i, '') }).execute();
    run = await read();
    expect(run).toMatchObject({ status: 'failed', errorCode: 'shared_permission_missing' });
    expect(run.error).toMatch(/authorize the application again/);
    const app = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/azure-apps/${appId}`)).json();
    expect(app.status).toBe('connected');
    await apps.set({ granted_scopes: row.granted_scopes }).execute();
    run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 1 });
    expect(await inbox(shared)).toEqual([]);
  });

  it('says in plain words which permission is missing when Microsoft refuses, then reads with the application permission once granted', async () => {
    const other = users[6]!.userPrincipalName.toLowerCase();
    await submit(users[1]!.userPrincipalName, 8, other);
    let run: Run;

    // application access without the application permission consented
    await settings({ mailbox: other, accessMode: 'application' });
    run = await read();
    expect(run).toMatchObject({ status: 'failed', errorCode: 'ErrorAccessDenied' });
    expect(run.error).toMatch(/application permission Mail\.ReadWrite .*admin consent/);

    // consented, and restricted to the reporting mailbox by an application access policy
    await emu.control('POST', '/app-role-grants', {
      tenantId: tenant.tenantId,
      clientId: tenant.clientId,
      roles: ['Mail.ReadWrite'],
    });
    await emu.control('POST', `/tenants/${tenant.tenantId}/application-access-policies`, {
      appId: tenant.clientId,
      accessRight: 'RestrictAccess',
      mailboxes: [other],
    });
    run = await read();
    expect(run).toMatchObject({ status: 'succeeded', ingested: 1 });
    expect(await inbox(other)).toEqual([]);

    // a mailbox outside the policy: refused, and the guidance names the policy
    await settings({ mailbox, accessMode: 'application' });
    run = await read();
    expect(run).toMatchObject({ status: 'failed', errorCode: 'ErrorAccessDenied' });
    expect(run.error).toMatch(/application access policy/);
  });

  it('an archived client’s mailbox is not read (its data is read-only) until it is restored', async () => {
    await settings(); // delegated, the authorizing account's own mailbox
    const db = t.db.handle.db;
    const now = new Date().toISOString();
    const due = () =>
      db
        .updateTable('reporting_mailbox_settings')
        .set({ next_run_at: now })
        .where('client_id', '=', clientId)
        .execute();
    await due();
    // a reading queued before the client was archived finds it archived and reads nothing
    const queued = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/reporting-mailbox/sync`, {});
    expect(queued.statusCode).toBe(202);
    await submit(users[5]!.userPrincipalName, 30);
    const before = (await reports()).length;
    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}`, { archived: true })).statusCode).toBe(200);
    try {
      expect(await enqueueDue(db, t.container.queue, 5, now)).toBe(0);
      await runWaiting(t.container.services.reportingMailbox.intake, clientId);
      const runs = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/reporting-mailbox/runs`)).json().items as Run[];
      expect(runs[0]).toMatchObject({ id: queued.json().id, status: 'failed', errorCode: 'client_archived' });
      expect(await reports()).toHaveLength(before);
    } finally {
      expect((await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}`, { archived: false })).statusCode).toBe(200);
    }
    expect(await enqueueDue(db, t.container.queue, 5, now)).toBe(1);
    await runWaiting(t.container.services.reportingMailbox.intake, clientId);
    expect(await reports()).toHaveLength(before + 1);
  });
});
