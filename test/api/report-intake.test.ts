// The report add-in's intake against the emulated Microsoft 365: a verified report (the reporter's
// token checked, the message fetched from their mailbox, moved, forwarded to the security mailbox
// in Defender's format), a Baitwise message recognised by its token, unverified reports and the
// client's policy, refused tokens storing nothing, the 25 MB bound, idempotency and rate limits.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GraphClient } from '../../src/microsoft/graph.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { MAX_MESSAGE_BYTES } from '../../src/modules/report-addin/intake.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp, type EmulatedTenant, naaToken as signNaaToken } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'https://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;
const PER_REPORTER = 3;

interface EmuUser {
  id: string;
  hasMailbox?: boolean;
  userPrincipalName: string;
  mail: string | null;
}

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let appId: string;
let addinId: string;
let tenant: EmulatedTenant;
let users: EmuUser[];
let next = 0;
/** A reporter of the tenant not used by another test (each has its own rate-limit budget). */
const reporter = () => {
  const u = users[2 + next++];
  if (!u) throw new Error('out of emulated users');
  return u;
};
const security = () => users[1]!;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({
    env: {
      ...emu.env,
      BAITWISE_PUBLIC_URL: PUBLIC_URL,
      BAITWISE_REPORTS_PER_REPORTER_PER_MINUTE: String(PER_REPORTER),
    },
  });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Reporting Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { users: 20, name: 'Northwind' });
  appId = await connectedApp(t, emu, sys, clientId, tenant, 'Northwind');
  users = (
    await emu.control<{ value: (EmuUser & { hasMailbox: boolean; userType: string })[] }>(
      'GET',
      `/tenants/${tenant.tenantId}/users?top=100`,
    )
  ).value.filter(
    (u) => u.hasMailbox && u.userType === 'Member' && u.userPrincipalName !== tenant.admin.userPrincipalName,
  );
  await settings({});
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

async function settings(over: Record<string, unknown>) {
  const r = await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/report-addin`, {
    azureAppId: appId,
    reportingOptions: ['Phishing', 'Spam'],
    moveTo: 'junk',
    securityMailbox: security().userPrincipalName,
    ...over,
  });
  expect(r.statusCode, r.body).toBe(200);
  addinId = r.json().addinId;
}

const address = (u: EmuUser) => u.mail ?? u.userPrincipalName;

/** The token Outlook's nested app authentication gives the add-in for `u` (the emulator's signer). */
function naaToken(u: EmuUser, over: Record<string, unknown> = {}, opts: { tenantId?: string; nowMs?: number } = {}) {
  const app = { tenantId: opts.tenantId ?? tenant.tenantId, clientId: tenant.clientId };
  return signNaaToken(emu.emu, app, u, over, opts.nowMs);
}

let seq = 0;
/** A suspicious message delivered into `u`'s inbox; its REST id and MIME. */
async function suspicious(u: EmuUser, extra: Record<string, unknown> = {}) {
  const m = await emu.control<{ restId: string; mime: string; internetMessageId: string }>(
    'POST',
    `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages`,
    {
      from: { name: 'IT Helpdesk', address: 'helpdesk@phish.example' },
      subject: `Reset your password ${++seq}`,
      text: 'Click here',
      ...extra,
    },
  );
  return m;
}

const folder = (u: EmuUser, f: string) =>
  emu
    .control<{ value: { internetMessageId: string; subject: string; mime: string }[] }>(
      'GET',
      `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages?folder=${f}`,
    )
    .then((r) => r.value);

function report(body: Record<string, unknown>, token?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/report-addin/reports',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    payload: { addinId, ...body },
  });
}

const rows = () =>
  t.db.handle.db.selectFrom('reported_messages').selectAll().where('client_id', '=', clientId).execute();
const files = () => {
  const dir = join(t.config.dataDir, 'reports', clientId);
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe('a verified report', () => {
  it('fetches the message from the mailbox, moves it, forwards it in Defender’s format, and stores it verified', async () => {
    const u = reporter();
    const m = await suspicious(u);
    const r = await report(
      { restId: m.restId, mailbox: address(u), option: 'Phishing', freeText: 'odd link' },
      await naaToken(u),
    );
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      verified: true,
      counted: true,
      recognised: false,
      title: 'Thank you',
      moveItemTo: 'noMove', // Baitwise moved it: the add-in must not move it again
      forwarded: true,
    });
    // Out of the inbox, into Junk Email (the client's setting).
    expect((await folder(u, 'inbox')).map((x) => x.internetMessageId)).not.toContain(m.internetMessageId);
    expect((await folder(u, 'junkemail')).map((x) => x.internetMessageId)).toContain(m.internetMessageId);
    // The security mailbox has the Defender-format forward: 3| prefix, the original attached unmodified.
    const fwd = (await folder(security(), 'inbox')).find((x) => x.subject.endsWith(`Reset your password ${seq}`));
    expect(fwd?.subject).toBe(`3|Reset your password ${seq}`);
    const parsed = await simpleParser(Buffer.from(fwd?.mime ?? '', 'utf8'));
    expect(parsed.from?.value[0]?.address).toBe(address(u)); // sent from the reporter's mailbox
    const eml = parsed.attachments.find((a) => a.filename === 'reported-message.eml');
    expect(eml?.contentType).toBe('message/rfc822');
    expect(eml?.content.equals(Buffer.from(m.mime, 'utf8'))).toBe(true);
    // Stored: verified, from Graph, the original file byte for byte.
    const [row] = (await rows()).filter((x) => x.id === r.json().reportId);
    expect(row).toMatchObject({
      reporter_address: address(u).toLowerCase(),
      reporter_object_id: u.id,
      verified: 1,
      source: 'graph',
      internet_message_id: m.internetMessageId,
      subject: `Reset your password ${seq}`,
      from_address: 'helpdesk@phish.example',
      reporting_option: 'Phishing',
      free_text: 'odd link',
      counted: 1,
      moved_to: 'junkemail',
      forward_status: 'sent',
      status: 'new',
      outbox_message_id: null,
    });
    // Stored encrypted (the subject is not in the file) and read back byte for byte.
    const { readFileSync } = await import('node:fs');
    const stored = readFileSync(join(t.config.dataDir, row!.eml_path));
    expect(stored.includes(Buffer.from(`Reset your password ${seq}`))).toBe(false);
    expect((await t.app.services.incidents.recorder.readEml(row!)).equals(Buffer.from(m.mime, 'utf8'))).toBe(true);
  });

  it('is idempotent: the same message reported again by the same person is the same report, moved and forwarded once', async () => {
    const u = reporter();
    const m = await suspicious(u);
    const token = await naaToken(u);
    const first = await report({ restId: m.restId, mailbox: address(u) }, token);
    expect(first.statusCode, first.body).toBe(200);
    // The REST id the add-in still holds is stale now (the move changed it); the EML is the same.
    const again = await report(
      { restId: m.restId, mailbox: address(u), eml: Buffer.from(m.mime).toString('base64') },
      token,
    );
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toEqual(first.json());
    // The EML alone (another REST id unknown): found by its Message-ID.
    const third = await report({ mailbox: address(u), eml: Buffer.from(m.mime).toString('base64') }, token);
    expect(third.json()).toEqual(first.json());
    expect((await rows()).filter((x) => x.internet_message_id === m.internetMessageId)).toHaveLength(1);
    expect(
      (await folder(security(), 'inbox')).filter((x) => x.subject === `3|Reset your password ${seq}`),
    ).toHaveLength(1);
  });

  it('recognises a message Baitwise sent by its token and says it was a test', async () => {
    const u = reporter();
    const profile = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
        name: 'Graph',
        kind: 'graph',
        azureAppId: appId,
        limits: { perMinute: 600, perDay: 100_000, concurrency: 1 },
      })
    ).json() as { id: string };
    const [messageId] = await t.db.handle.db.transaction().execute((trx) =>
      t.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId: profile.id,
        purpose: 'simulation',
        content: {
          subject: 'Your parcel is waiting',
          html: '<p>Track it <a href="https://track.example/p?t={{ message.token }}">here</a></p>',
          text: null,
        },
        messages: [{ to: { address: address(u) }, ref: { type: 'campaign_target', id: 'target-1' } }],
      }),
    );
    await new ProfileDispatch(t.app.services.mail.dispatch, clientId, profile.id).run(AbortSignal.timeout(20_000));
    const delivered = (
      await emu.control<{ value: { restId: string; subject: string }[] }>(
        'GET',
        `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages?folder=inbox`,
      )
    ).value.find((x) => x.subject === 'Your parcel is waiting');
    expect(delivered).toBeDefined();
    const r = await report({ restId: delivered?.restId, mailbox: address(u) }, await naaToken(u));
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ recognised: true, title: 'Well spotted!', verified: true });
    expect(r.json().message).toContain('this was a test'.replace('this', 'This'));
    const [row] = (await rows()).filter((x) => x.id === r.json().reportId);
    expect(row).toMatchObject({
      outbox_message_id: messageId,
      outbox_purpose: 'simulation',
      outbox_ref_type: 'campaign_target',
      outbox_ref_id: 'target-1',
    });
  });
});

describe('a reporter’s token', () => {
  it('is confirmed by Graph (/me) once for its lifetime: more reports with it fetch, move and forward but ask /me no more', async () => {
    const u = reporter();
    const token = await naaToken(u);
    const request = vi.spyOn(GraphClient.prototype, 'request');
    try {
      const meCalls = () => request.mock.calls.filter((c) => String(c[3]).startsWith('/me?')).length;
      for (let i = 0; i < 2; i++) {
        const m = await suspicious(u);
        const r = await report({ restId: m.restId }, token);
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json()).toMatchObject({ verified: true, moveItemTo: 'noMove', forwarded: true });
      }
      expect(meCalls()).toBe(1);
      // Another token of the same person is another token: Graph confirms it too.
      const m = await suspicious(u);
      const r = await report({ restId: m.restId }, await naaToken(u, { uti: 'second-sign-in' }));
      expect(r.statusCode, r.body).toBe(200);
      expect(meCalls()).toBe(2);
    } finally {
      request.mockRestore();
    }
  });
});

describe('tokens that are not the client’s reporter', () => {
  it('are refused with 401 and a precise code, and nothing is stored', async () => {
    const u = reporter();
    const m = await suspicious(u);
    const other = await emu.tenantWithApp(REDIRECT_URI, { users: 2, name: 'Elsewhere' });
    const stranger = (await emu.control<{ value: EmuUser[] }>('GET', `/tenants/${other.tenantId}/users`)).value.find(
      (x) => x.hasMailbox,
    )!;
    const valid = await naaToken(u);
    const forged = `${valid.slice(0, valid.lastIndexOf('.'))}.${'A'.repeat(342)}`;
    const cases: [string, string][] = [
      [await naaToken(stranger, { appid: other.clientId }, { tenantId: other.tenantId }), 'reporter_wrong_tenant'],
      [await naaToken(u, { appid: '0f0f0f0f-1111-4222-8333-444444444444' }), 'reporter_wrong_application'],
      [await naaToken(u, {}, { nowMs: Date.now() - 2 * 3600_000 }), 'reporter_token_expired'],
      [await naaToken(u, { aud: 'https://outlook.office.com' }), 'reporter_token_audience'],
      [forged, 'reporter_token_rejected'], // the claims look right: Graph refuses it
      ['not-a-jwt', 'reporter_token_invalid'],
    ];
    const before = { rows: (await rows()).length, files: files().length };
    for (const [token, code] of cases) {
      const r = await report(
        { restId: m.restId, mailbox: address(u), eml: Buffer.from(m.mime).toString('base64') },
        token,
      );
      expect({ code, status: r.statusCode }).toEqual({ code, status: 401 });
      expect(r.json().error.code).toBe(code);
    }
    expect({ rows: (await rows()).length, files: files().length }).toEqual(before);
    expect((await folder(u, 'inbox')).map((x) => x.internetMessageId)).toContain(m.internetMessageId);
  });
});

describe('an unverified report (no nested app authentication)', () => {
  it('is stored from the add-in’s EML and counts only when the client counts unverified reports', async () => {
    const u = reporter();
    const m1 = await suspicious(u);
    const m2 = await suspicious(u);
    const eml = (m: { mime: string }) => Buffer.from(m.mime).toString('base64');
    await settings({ countUnverified: false });
    const r1 = await report({ mailbox: address(u), eml: eml(m1) });
    expect(r1.statusCode, r1.body).toBe(200);
    // Nothing moved it: Outlook must (the client's folder), and nothing was forwarded.
    expect(r1.json()).toMatchObject({ verified: false, counted: false, moveItemTo: 'junkFolder', forwarded: false });
    await settings({ countUnverified: true, moveTo: 'deleted_items' });
    const r2 = await report({ mailbox: address(u), eml: eml(m2) });
    expect(r2.json()).toMatchObject({ verified: false, counted: true, moveItemTo: 'deletedItemsFolder' });
    const mine = (await rows()).filter((x) => x.reporter_address === address(u).toLowerCase());
    expect(mine.map((x) => [x.verified, x.counted, x.source])).toEqual([
      [0, 0, 'addin'],
      [0, 1, 'addin'],
    ]);
    await settings({});
  });

  it('needs the message and the mailbox (400 naming the field)', async () => {
    expect((await report({ mailbox: 'a@b.example' })).json().error.details.field).toBe('eml');
    expect(
      (await report({ eml: Buffer.from('Subject: x\r\n\r\nx').toString('base64') })).json().error.details.field,
    ).toBe('mailbox');
    expect((await report({ mailbox: 'a@b.example', eml: 'not base64!' })).json().error.details.field).toBe('eml');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/report-addin/reports',
      payload: { addinId: '6f1c2d3e-4a5b-4c6d-8e7f-901234567890', mailbox: 'a@b.example', eml: 'eA==' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('addin_not_found');
  });
});

/** A valid message of exactly `size` bytes. */
function messageOfSize(size: number, id: string): Buffer {
  const head = `From: sender@big.example\r\nTo: someone@big.example\r\nSubject: Large\r\nMessage-ID: <${id}@big.example>\r\nContent-Type: text/plain\r\n\r\n`;
  const body = Buffer.alloc(size - head.length, 'A');
  for (let i = 76; i < body.length - 2; i += 78) body.write('\r\n', i);
  return Buffer.concat([Buffer.from(head), body]);
}

describe('size', () => {
  it('accepts a 25 MB message and refuses a larger one with 413 and a sentence saying so', async () => {
    const u = reporter();
    const ok = await report({ mailbox: address(u), eml: messageOfSize(MAX_MESSAGE_BYTES, 'max').toString('base64') });
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    expect((await rows()).find((x) => x.id === ok.json().reportId)?.size_bytes).toBe(MAX_MESSAGE_BYTES);
    const before = (await rows()).length;
    // One byte more (still within the request's limit), then far more (over it: Fastify refuses the body).
    for (const size of [MAX_MESSAGE_BYTES + 1, MAX_MESSAGE_BYTES + 2 * 1024 * 1024]) {
      const r = await report({ mailbox: address(u), eml: messageOfSize(size, `big${size}`).toString('base64') });
      expect(r.statusCode).toBe(413);
      expect(r.json().error).toMatchObject({ code: 'message_too_large' });
      expect(r.json().error.message).toContain('larger than 25 MB');
    }
    expect((await rows()).length).toBe(before);
  }, 60_000);
});

/** A multipart message of about `size` bytes: a text part and a binary attachment (base64, 76-column lines). */
function messageWithAttachment(size: number, id: string): Buffer {
  const head = `From: sender@big.example\r\nTo: someone@big.example\r\nSubject: Invoice ${id}\r\nMessage-ID: <${id}@big.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nPlease pay the attached invoice.\r\n--b1\r\nContent-Type: application/zip; name="invoice.zip"\r\nContent-Disposition: attachment; filename="invoice.zip"\r\nContent-Transfer-Encoding: base64\r\n\r\n`;
  const raw = randomBytes(Math.floor(((size - head.length - 16) * 3) / 4 / 1.027));
  const b64 = raw.toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${head}${b64}\r\n--b1--\r\n`);
}

describe('the Defender forward of a large message', () => {
  it('goes through a draft and an upload session for a 20 MB message, the original attached byte for byte', async () => {
    const u = reporter();
    const eml = messageWithAttachment(20 * 1024 * 1024, `large-${randomUUID()}`);
    expect(eml.length).toBeGreaterThan(19 * 1024 * 1024);
    const r = await report({ mailbox: address(u), eml: eml.toString('base64'), option: 'Phishing' }, await naaToken(u));
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.json()).toMatchObject({ verified: true, forwarded: true });
    const row = (await rows()).find((x) => x.id === r.json().reportId);
    expect(row?.forward_status).toBe('sent');
    const fwd = (await folder(security(), 'inbox')).find((x) => x.subject.startsWith('3|Invoice large-'));
    const parsed = await simpleParser(Buffer.from(fwd?.mime ?? '', 'utf8'));
    expect(parsed.from?.value[0]?.address).toBe(address(u));
    const att = parsed.attachments.find((a) => a.filename === 'reported-message.eml');
    expect(att?.contentType).toBe('message/rfc822');
    expect(att?.content.equals(eml)).toBe(true);
    // The draft path: sent from Drafts (none left), so Outlook keeps it in the reporter's Sent Items.
    expect(await folder(u, 'drafts')).toEqual([]);
    expect((await folder(u, 'sentitems')).map((x) => x.subject)).toContain(fwd?.subject);
  }, 120_000);

  it('still uses sendMail for a small message (no draft, no Sent Items copy)', async () => {
    const u = reporter();
    const eml = messageWithAttachment(200 * 1024, `small-${randomUUID()}`);
    const r = await report({ mailbox: address(u), eml: eml.toString('base64') }, await naaToken(u));
    expect(r.json()).toMatchObject({ forwarded: true });
    const fwd = (await folder(security(), 'inbox')).find((x) => x.subject.startsWith('3|Invoice small-'));
    const att = (await simpleParser(Buffer.from(fwd?.mime ?? '', 'utf8'))).attachments.find(
      (a) => a.filename === 'reported-message.eml',
    );
    expect(att?.content.equals(eml)).toBe(true);
    expect(await folder(u, 'drafts')).toEqual([]);
    expect(await folder(u, 'sentitems')).toEqual([]);
  }, 60_000);
});

describe('rate limits', () => {
  it('refuse a reporter’s reports beyond the per-minute limit with 429 and Retry-After', async () => {
    const u = reporter();
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof report>> | undefined;
    for (let i = 0; i <= PER_REPORTER; i++) {
      const m = await suspicious(u);
      last = await report({ mailbox: address(u), eml: Buffer.from(m.mime).toString('base64') });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([...Array(PER_REPORTER).fill(200), 429]);
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    expect(last?.json().error.code).toBe('rate_limited');
  });

  it('refuse a client’s reports beyond its per-minute limit', async () => {
    const small = await createTestApp({
      env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL, BAITWISE_REPORTS_PER_CLIENT_PER_MINUTE: '2' },
    });
    try {
      const s = await small.login(ADMIN.email, ADMIN.password);
      const cid = (await small.as(s, 'POST', '/api/v1/clients', { name: 'Small' })).json().id;
      const aid = (
        await small.as(s, 'POST', `/api/v1/clients/${cid}/azure-apps`, {
          name: 'App',
          azureClientId: tenant.clientId,
          clientSecret: tenant.clientSecret,
          tenant: tenant.tenantId,
        })
      ).json().id;
      const addin = (await small.as(s, 'PUT', `/api/v1/clients/${cid}/report-addin`, { azureAppId: aid })).json()
        .addinId;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await suspicious(users[2 + i]!);
        const r = await small.app.inject({
          method: 'POST',
          url: '/api/v1/report-addin/reports',
          payload: { addinId: addin, mailbox: address(users[2 + i]!), eml: Buffer.from(m.mime).toString('base64') },
        });
        statuses.push(r.statusCode);
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await small.close();
    }
  });
});

describe('the add-in’s public information', () => {
  it('names the Azure application and authority the pages sign reporters in with', async () => {
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/report-addin/addins/${addinId}` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      addinId,
      azureClientId: tenant.clientId,
      authority: `${emu.urls.authority}/${tenant.tenantId}`,
      moveItemTo: 'junkFolder',
      reportingOptions: ['Phishing', 'Spam'],
    });
  });
});
