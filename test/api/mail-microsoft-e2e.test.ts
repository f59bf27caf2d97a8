// The Microsoft sending kinds end to end against the emulator: a Graph profile through a 429
// storm (every message once, the throttling recorded and waited out), and the Office 365 SMTP
// (XOAUTH2) profile from a test send to each answer Exchange gives that needs the administrator:
// SMTP AUTH disabled (535 5.7.139), a mailbox the account may not sign in as, the daily
// recipient quota (554 5.2.0), Graph's ErrorSendAsDenied, and consent removed (the profile waits
// for the application to be authorized again and resumes by itself).
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logRecipients, mailState } from '../../emulator/src/mail/state.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { authorizeApp, connectedApp, type EmulatedTenant } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let tenant: EmulatedTenant;
let appId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Microsoft Mail Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { users: 10, name: 'Fabrikam' });
  appId = await connectedApp(t, emu, sys, clientId, tenant, 'Fabrikam mail', { smtpSending: true });
}, 60_000);
afterAll(async () => {
  await emu?.control('PUT', '/faults', { graphThrottleEvery: 0 }).catch(() => undefined);
  await t?.close();
  await emu?.close();
});

const api = (method: string, path: string, body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/sending-profiles${path}`, body);
const db = () => t.db.handle.db;
const sender = () => tenant.admin.userPrincipalName;

let n = 0;
async function profile(kind: 'graph' | 'office365', extra: Record<string, unknown> = {}) {
  const res = await api('POST', '', {
    name: `${kind} ${++n}`,
    kind,
    azureAppId: appId,
    limits: { perMinute: 600, perDay: 100_000, concurrency: 3 },
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

async function enqueue(profileId: string, to: string[]) {
  return db()
    .transaction()
    .execute((trx) =>
      t.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId,
        purpose: 'test.microsoft',
        content: { subject: 'Notice {{ recipient.name }}', html: null, text: 'Dear {{ recipient.name }}' },
        messages: to.map((address, i) => ({ to: { address, name: `Person ${i}` } })),
      }),
    );
}

const dispatch = (profileId: string) =>
  new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(AbortSignal.timeout(20_000));

const messages = (upn: string, folder: string) =>
  emu
    .control<{ value: { internetMessageId: string; subject: string }[] }>(
      'GET',
      `/mailboxes/${encodeURIComponent(upn)}/messages?folder=${folder}`,
    )
    .then((r) => r.value);

const profileRow = (id: string) =>
  db().selectFrom('sending_profiles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('a Graph profile in a 429 storm', () => {
  it('delivers every message exactly once, records each 429 and waits as Microsoft asks', async () => {
    const p = await profile('graph');
    await emu.control('PUT', '/faults', { graphThrottleEvery: 3, graphRetryAfterSeconds: 1 });
    const to = Array.from({ length: 12 }, (_, i) => `storm${i}@partner.example`);
    const ids = await enqueue(p.id, to);
    const rows = () => db().selectFrom('outbox_messages').selectAll().where('id', 'in', ids).execute();
    // Throttled messages come due again after Retry-After; the schedule would start a new job.
    await vi.waitFor(
      async () => {
        await dispatch(p.id);
        const left = (await rows()).filter((r) => r.status !== 'sent');
        if (left.length) throw new Error(`${left.length} not sent`);
      },
      { timeout: 45_000, interval: 100 },
    );
    await emu.control('PUT', '/faults', { graphThrottleEvery: 0 });
    const sent = (await messages(sender(), 'sentitems')).map((m) => m.internetMessageId);
    for (const r of await rows()) {
      expect(sent.filter((id) => id === `<${r.message_id}>`)).toHaveLength(1);
      expect(r.attempts).toBe(1); // a 429 gives the attempt back
    }
    // Every third Graph call was a 429: for 12 accepted sends, 6 ± 1 refusals, each recorded.
    const row = await profileRow(p.id);
    expect(row.throttled_count).toBeGreaterThanOrEqual(5);
    expect(row.throttled_count).toBeLessThanOrEqual(7);
    const status = (await api('GET', `/${p.id}/outbox`)).json();
    expect(status).toMatchObject({ queued: 0, sending: 0, failed: 0, sentToday: 12 });
  }, 60_000);
});

describe('an Office 365 SMTP (XOAUTH2) profile', () => {
  it('sends a test message into the recipient’s mailbox, and outbox messages once each', async () => {
    const p = await profile('office365');
    const res = await api('POST', `/${p.id}/test`, { to: tenant.user.userPrincipalName });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, code: null, from: sender(), guidance: null });
    const inbox = await messages(tenant.user.userPrincipalName, 'inbox');
    expect(inbox.filter((m) => /test/i.test(m.subject))).toHaveLength(1);

    const ids = await enqueue(p.id, [tenant.user.userPrincipalName, 'outside@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 2, failed: 0, paused: false });
    const rows = await db().selectFrom('outbox_messages').selectAll().where('id', 'in', ids).execute();
    const got = (await messages(tenant.user.userPrincipalName, 'inbox')).map((m) => m.internetMessageId);
    const mine = rows.find((r) => r.to_address === tenant.user.userPrincipalName);
    expect(got.filter((id) => id === `<${mine?.message_id}>`)).toHaveLength(1);
    // The XOAUTH2 access token stays in memory: in no response and no data file.
    const token = await t.app.services.azure.tokens.accessToken(clientId, appId, 'smtp');
    const bodies = [res.body, (await api('GET', `/${p.id}`)).body, (await api('GET', `/${p.id}/outbox/messages`)).body];
    for (const b of bodies) expect(b).not.toContain(token);
    if (t.db.config.kind === 'sqlite') {
      const file = t.db.config.file;
      for (const f of [file, `${file}-wal`].filter((x) => existsSync(x)))
        expect(readFileSync(f).toString('latin1')).not.toContain(token);
    }
  });

  it('explains SMTP AUTH turned off (535 5.7.139), and the dispatcher pauses the profile with it', async () => {
    const p = await profile('office365');
    await emu.control('PUT', `/tenants/${tenant.tenantId}/smtp-auth`, { enabled: false });
    try {
      const res = (await api('POST', `/${p.id}/test`, { to: tenant.user.userPrincipalName })).json();
      expect(res).toMatchObject({
        ok: false,
        code: 'smtp.535.5.7.139',
        guidance: { title: expect.stringMatching(/SMTP AUTH is turned off/) },
      });
      expect(res.reply).toContain('SmtpClientAuthentication is disabled');
      await enqueue(p.id, ['paused139@partner.example']);
      expect(await dispatch(p.id)).toMatchObject({ sent: 0, paused: true });
      const view = (await api('GET', `/${p.id}`)).json();
      expect(view.paused.reason).toMatchObject({ code: 'smtp.535.5.7.139', guidance: { title: expect.any(String) } });
      expect(view.paused.until).toBeNull(); // until the administrator acts
      expect((await api('GET', `/${p.id}/outbox`)).json()).toMatchObject({ queued: 1, failed: 0 });
    } finally {
      await emu.control('PUT', `/tenants/${tenant.tenantId}/smtp-auth`, { enabled: true });
    }
  });

  it('refuses a mailbox the account may not sign in as, in plain words', async () => {
    // XOAUTH2 signs in as the profile's mailbox with the admin's token: Exchange answers 535 5.7.3.
    const p = await profile('office365', { mailbox: tenant.user.userPrincipalName });
    const res = (await api('POST', `/${p.id}/test`, { to: 'x@partner.example' })).json();
    expect(res).toMatchObject({ ok: false, code: 'smtp.535.5.7.3', guidance: { title: expect.any(String) } });
    await enqueue(p.id, ['notmine@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, paused: true });
    expect((await api('GET', `/${p.id}`)).json().paused.reason.code).toBe('smtp.535.5.7.3');
  });

  it('pauses the profile for a day at the mailbox’s daily quota (554 5.2.0), keeping the message', async () => {
    const p = await profile('office365');
    // 10,000 recipients in 24 h per mailbox: the emulator's count, brought to the brink.
    const admin = await emu.control<{ value: { id: string; userPrincipalName: string }[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?top=1000`,
    );
    const me = admin.value.find((u) => u.userPrincipalName === sender());
    if (!me) throw new Error('admin not listed');
    logRecipients(emu.emu.store, me.id, 10_000);
    const test = (await api('POST', `/${p.id}/test`, { to: 'q@partner.example' })).json();
    expect(test).toMatchObject({
      ok: false,
      code: 'smtp.554.5.2.0',
      guidance: { title: expect.stringMatching(/daily sending limit/) },
    });
    const [id] = await enqueue(p.id, ['quota@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, paused: true });
    const view = (await api('GET', `/${p.id}`)).json();
    expect(view.paused.reason.code).toBe('smtp.554.5.2.0');
    const hours = (Date.parse(view.paused.until) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    const row = await db()
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', id ?? '')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('queued');
    mailState(emu.emu.store).recipientLog.delete(me.id); // a day later
  });
});

describe('a Graph profile sending as another mailbox', () => {
  it('is refused with ErrorSendAsDenied, explained, and the profile pauses', async () => {
    const p = await profile('graph', { mailbox: tenant.user.userPrincipalName });
    const res = (await api('POST', `/${p.id}/test`, { to: 'x@partner.example' })).json();
    expect(res).toMatchObject({ ok: false, code: 'graph.ErrorSendAsDenied', guidance: { title: expect.any(String) } });
    await enqueue(p.id, ['sendas@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, paused: true });
    expect((await api('GET', `/${p.id}`)).json().paused.reason.code).toBe('graph.ErrorSendAsDenied');
  });
});

describe('a Graph profile naming a mailbox that does not exist', () => {
  it('is a problem of the profile (it pauses), not of each message (none fails)', async () => {
    const p = await profile('graph', { mailbox: `nobody-here@${tenant.domain}` });
    const res = (await api('POST', `/${p.id}/test`, { to: 'x@partner.example' })).json();
    expect(res).toMatchObject({
      ok: false,
      code: 'graph.ErrorInvalidUser',
      guidance: { title: 'The mailbox does not exist' },
    });
    await enqueue(p.id, ['a@partner.example', 'b@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, failed: 0, paused: true });
    expect((await api('GET', `/${p.id}/outbox`)).json()).toMatchObject({ queued: 2, failed: 0 });
  });
});

describe('consent removed', () => {
  it('pauses the profile until the application is authorized again, then the schedule resumes it', async () => {
    const p = await profile('office365');
    await emu.control('DELETE', `/grants?tenantId=${tenant.tenantId}&clientId=${tenant.clientId}`);
    // The access token in hand would last its hour: the next one needs the refresh token.
    t.app.services.azure.tokens.forget(appId);
    const [id] = await enqueue(p.id, ['revoked@partner.example']);
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, paused: true });
    const paused = (await api('GET', `/${p.id}`)).json();
    expect(paused.paused.reason).toMatchObject({
      code: 'reauthorization_required',
      guidance: { title: expect.stringMatching(/authorized again/) },
    });
    const schedule = t.container.schedules.find((s) => s.name === 'mail-delivery.enqueue-due');
    if (!schedule) throw new Error('no mail schedule');
    await schedule.run();
    expect((await api('GET', `/${p.id}`)).json().paused).not.toBeNull(); // still not connected

    await authorizeApp(t, emu, sys, clientId, appId, tenant);
    await schedule.run();
    expect((await api('GET', `/${p.id}`)).json().paused).toBeNull();
    expect(await dispatch(p.id)).toMatchObject({ sent: 1, paused: false });
    const row = await db()
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', id ?? '')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('sent');
  });
});
