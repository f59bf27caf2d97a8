// Sending profiles and the outbox against a real SMTP server (STARTTLS, AUTH, per-address
// refusals): the SMTP relay kind end to end, what the administrator sees, and what the dispatcher
// does with each answer. The Microsoft kinds are in mail-microsoft.test.ts.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { outboxCommand } from '../../src/cli/outbox.js';
import { startWorker, type Worker } from '../../src/jobs/worker.js';
import { DeliveryError } from '../../src/modules/mail-delivery/delivery-error.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import type { OutgoingBatch } from '../../src/modules/mail-delivery/outbox.js';
import { takeSlot, takeSlots } from '../../src/modules/mail-delivery/pacing.js';
import { RenderPool } from '../../src/modules/mail-delivery/render-pool.js';
import * as outboxRepo from '../../src/modules/mail-delivery/repository.js';
import { claimBatch, profilesWithDueWork } from '../../src/modules/mail-delivery/repository.js';
import * as transports from '../../src/modules/mail-delivery/transports.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

let t: TestApp;
let sys: Session;
let sink: SmtpSink;
let clientId: string;
const PASSWORD = 'relay-password-123';
const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

beforeAll(async () => {
  sink = await startSmtpSink({ user: 'relay-user', pass: PASSWORD });
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Mail Ltd' })).json().id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const api = (method: string, path: string, body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/sending-profiles${path}`, body);

let n = 0;
async function relayProfile(extra: Record<string, unknown> = {}) {
  const res = await api('POST', '', {
    name: `Relay ${++n}`,
    kind: 'smtp',
    fromAddress: 'security@mail.example',
    fromName: 'Security Team',
    smtp: {
      host: sink.host,
      port: sink.port,
      security: 'starttls',
      tlsVerify: false,
      username: 'relay-user',
      password: PASSWORD,
    },
    customHeaders: [{ name: 'X-Campaign-Ref', value: 'awareness-2026' }],
    limits: { perMinute: 6000, perDay: 100_000, concurrency: 4 },
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

const db = () => t.db.handle.db;
const dispatch = (profileId: string, ms = 20_000) =>
  new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(AbortSignal.timeout(ms));

async function enqueue(profileId: string, batch: Partial<OutgoingBatch> & { to: string[] }) {
  return db()
    .transaction()
    .execute((trx) =>
      t.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId,
        purpose: 'test.batch',
        content: {
          subject: 'Hello {{ recipient.name }}',
          html: '<style>p{color:#123456}</style><p>Dear {{ recipient.name }}, your code is {{ code }}. <a href="https://learn.example/{{ message.token }}">Start</a></p>',
          text: null,
        },
        messages: batch.to.map((address, i) => ({
          to: { address, name: `Person ${i}` },
          variables: { code: `C${i}` },
        })),
        ...batch,
      }),
    );
}

const messageRows = (ids: string[]) => db().selectFrom('outbox_messages').selectAll().where('id', 'in', ids).execute();
const receivedFor = (address: string) => sink.received.filter((m) => m.envelope.to.includes(address));

describe('an SMTP relay profile', () => {
  it('is created with its secrets encrypted and never returned', async () => {
    const res = await api('POST', '', {
      name: 'Signed relay',
      kind: 'smtp',
      fromAddress: 'security@mail.example',
      smtp: { host: sink.host, port: sink.port, security: 'starttls', username: 'relay-user', password: PASSWORD },
      dkim: { domain: 'mail.example', selector: 'bw1', privateKey: dkimKey },
    });
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      kind: 'smtp',
      smtp: { host: sink.host, security: 'starttls', tlsVerify: true, username: 'relay-user', passwordSet: true },
      dkim: { domain: 'mail.example', selector: 'bw1', privateKeySet: true },
      limits: { perMinute: 60, perDay: 100_000, concurrency: 4 },
      paused: null,
    });
    const all = (await api('GET', '')).body + (await api('GET', `/${p.id}`)).body;
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('PRIVATE KEY');
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.smtp_password).not.toContain(PASSWORD);
    expect(row.dkim_private_key).not.toContain('PRIVATE KEY');
    const file = t.db.config.kind === 'sqlite' ? readFileSync(t.db.config.file).toString('latin1') : '';
    expect(file).not.toContain(PASSWORD);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ smtp: { host: sink.host, port: 25, security: 'starttls', username: 'u' } }, 'smtp.password'],
      [{ dkim: { domain: 'mail.example', selector: 's', privateKey: 'not a key' } }, 'dkim.privateKey'],
      [{ customHeaders: [{ name: 'Subject', value: 'x' }] }, 'customHeaders.0.name'],
      [{ fromAddress: null }, 'fromAddress'],
      [{ limits: { perMinute: 1_000_001 } }, 'limits.perMinute'],
      [
        { smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls', username: 'u', password: 'p' } },
        'smtp.host',
      ],
    ];
    const before = (await api('GET', '')).json().items.length;
    for (const [patch, field] of cases) {
      const res = await api('POST', '', {
        name: 'Bad',
        kind: 'smtp',
        fromAddress: 'a@mail.example',
        smtp: { host: sink.host, port: 25, security: 'none' },
        ...patch,
      });
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400);
      expect(res.json().error.details.field).toBe(field);
    }
    const graph = await api('POST', '', { name: 'G', kind: 'graph', limits: { concurrency: 8 } });
    expect(graph.json().error.details.field).toBe('limits.concurrency');
    expect((await api('GET', '')).json().items.length).toBe(before);
  });

  it('sends a test message over STARTTLS with AUTH, the custom headers and a DKIM signature', async () => {
    const p = await relayProfile({ dkim: { domain: 'mail.example', selector: 'bw1', privateKey: dkimKey } });
    const res = await api('POST', `/${p.id}/test`, { to: 'admin@client.example' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, code: null, from: 'security@mail.example', guidance: null });
    const [got] = receivedFor('admin@client.example');
    expect(got).toBeDefined();
    expect(got?.secure).toBe(true);
    expect(got?.authenticatedAs).toBe('relay-user');
    expect(got?.parsed.headers.get('x-campaign-ref')).toBe('awareness-2026');
    const dkim = got?.raw.split(/\r?\n(?=\S)/).find((h) => h.startsWith('DKIM-Signature:')) ?? '';
    expect(dkim).toMatch(/\bd=mail\.example;/);
    expect(dkim).toMatch(/\bs=bw1;/);
    expect(got?.parsed.from?.text).toBe('"Security Team" <security@mail.example>');
  });

  it("leaves the dispatchers' pace and the day's count alone when it is edited", async () => {
    const p = await relayProfile();
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await db()
      .updateTable('sending_profiles')
      .set({ day_recipients: 7, next_slot_at: later, in_doubt_count: 2 })
      .where('id', '=', p.id)
      .execute();
    expect((await api('PATCH', `/${p.id}`, { fromName: 'Someone else' })).statusCode).toBe(200);
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ day_recipients: 7, next_slot_at: later, in_doubt_count: 2, from_name: 'Someone else' });
  });

  it('keeps the stored password only for the server it was entered for', async () => {
    const p = await relayProfile();
    const smtp = { host: sink.host, port: sink.port, security: 'starttls', tlsVerify: false, username: 'relay-user' };
    // The same server, other settings: the password stays.
    const same = await api('PATCH', `/${p.id}`, { smtp, fromName: 'Awareness' });
    expect(same.statusCode, same.body).toBe(200);
    // Another server (or port, account, weaker security) without the password typed again: refused.
    for (const moved of [
      { ...smtp, host: 'attacker.example' },
      { ...smtp, port: 2525 },
      { ...smtp, username: 'someone-else' },
      { ...smtp, security: 'none' },
    ]) {
      const r = await api('PATCH', `/${p.id}`, { smtp: moved });
      expect(r.statusCode, JSON.stringify(moved)).toBe(400);
      expect(r.json().error.details.field).toBe('smtp.password');
    }
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.smtp_host).toBe(sink.host);
    expect(row.smtp_password).not.toBeNull();
  });

  it('reports a refused login in plain words', async () => {
    const p = await relayProfile();
    await api('PATCH', `/${p.id}`, {
      smtp: {
        host: sink.host,
        port: sink.port,
        security: 'starttls',
        tlsVerify: false,
        username: 'relay-user',
        password: 'wrong-password',
      },
    });
    const res = (await api('POST', `/${p.id}/test`, { to: 'x@client.example' })).json();
    expect(res).toMatchObject({ ok: false, code: 'smtp.535.5.7.8' });
    expect(res.reply).toContain('535');
  });
});

describe("a server's refusals", () => {
  // Exchange's answers as a relay or Exchange itself gives them (the sink answers RCPT TO with
  // them): each is reported in plain words with guidance, and what the dispatcher does follows
  // from it — a profile-wide problem pauses the profile, a quota pauses it for a day.
  const cases: [string, string, string, 'profile' | 'quota'][] = [
    [
      '550 5.7.60 SMTP; Client does not have permissions to send as this sender',
      'smtp.550.5.7.60',
      'may not send as',
      'profile',
    ],
    [
      '550 5.7.30 Basic authentication is not supported for Client Submission.',
      'smtp.550.5.7.30',
      'Basic authentication',
      'profile',
    ],
    [
      '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message',
      'smtp.554.5.2.0',
      'daily sending limit',
      'quota',
    ],
  ];
  for (const [reply, code, title, kind] of cases) {
    it(`${code}: the test send explains it, and dispatch pauses the profile`, async () => {
      // One at a time, so nothing else is in flight when the refusal pauses the profile.
      const p = await relayProfile({ limits: { perMinute: 6000, perDay: 100_000, concurrency: 1 } });
      const to = `${code.replaceAll('.', '-')}@client.example`;
      sink.refuse(to, reply);
      try {
        const res = (await api('POST', `/${p.id}/test`, { to })).json();
        expect(res).toMatchObject({ ok: false, code, reply: expect.stringContaining(reply.split(' ')[1] ?? '') });
        expect(res.guidance.title).toContain(title);
        await enqueue(p.id, { to: [to, 'after@client.example'] });
        const outcome = await dispatch(p.id);
        expect(outcome).toMatchObject({ paused: true, sent: 0 });
        const view = (await api('GET', `/${p.id}`)).json();
        expect(view.paused.reason).toMatchObject({ code, guidance: { title: expect.stringContaining(title) } });
        if (kind === 'quota') expect(Date.parse(view.paused.until)).toBeGreaterThan(Date.now() + 23 * 3600_000);
        else expect(view.paused.until).toBeNull();
        // The message was not the problem: it waits, its attempt given back.
        const status = (await api('GET', `/${p.id}/outbox`)).json();
        expect(status).toMatchObject({ queued: 2, failed: 0 });
      } finally {
        sink.refuse(to, null);
      }
    });
  }
});

describe('a refused sender', () => {
  it('pauses the profile instead of failing every message one by one', async () => {
    const p = await relayProfile({
      fromAddress: 'blocked@mail.example',
      limits: { perMinute: 6000, perDay: 100_000, concurrency: 1 },
    });
    sink.refuseSender('blocked@mail.example', '553 5.7.1 Sender address rejected: not owned by user');
    try {
      const res = (await api('POST', `/${p.id}/test`, { to: 'x@client.example' })).json();
      expect(res).toMatchObject({ ok: false, code: 'smtp.553.5.7.1' });
      await enqueue(p.id, { to: ['s1@client.example', 's2@client.example'] });
      expect(await dispatch(p.id)).toMatchObject({ sent: 0, failed: 0, paused: true });
      expect((await api('GET', `/${p.id}/outbox`)).json()).toMatchObject({ queued: 2, failed: 0 });
    } finally {
      sink.refuseSender('blocked@mail.example', null);
    }
  });

  it('a template that renders more than 512 KB of HTML fails that message, with the reason', async () => {
    const p = await relayProfile();
    const ids = await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId,
          profileId: p.id,
          purpose: 'test.huge',
          content: {
            subject: 'Huge',
            html: '{% for i in (1..40000) %}<p>lorem ipsum dolor</p>{% endfor %}',
            text: null,
          },
          messages: [{ to: { address: 'huge@client.example' } }],
        }),
      );
    await dispatch(p.id);
    const row = (await messageRows(ids))[0];
    expect(row?.status).toBe('failed');
    expect(JSON.parse(row?.last_error ?? '{}')).toMatchObject({
      code: 'template_error',
      message: expect.stringContaining('512 KB'),
    });
  });
});

describe('the outbox', () => {
  it('sends every message once, rendered for its recipient, with the Message-ID fixed at enqueue', async () => {
    const p = await relayProfile();
    const to = Array.from({ length: 12 }, (_, i) => `learner${i}@client.example`);
    const ids = await enqueue(p.id, { to });
    const outcome = await dispatch(p.id);
    expect(outcome).toMatchObject({ sent: 12, failed: 0, paused: false, more: false });
    const rows = await messageRows(ids);
    for (const [i, address] of to.entries()) {
      const got = receivedFor(address);
      expect(got).toHaveLength(1);
      const row = rows.find((r) => r.to_address === address);
      expect(row).toMatchObject({ status: 'sent', attempts: 1 });
      expect(got[0]?.parsed.messageId).toBe(`<${row?.message_id}>`);
      expect(got[0]?.parsed.subject).toBe(`Hello Person ${i}`);
      // CSS inlined for mail clients, and a text part made from the HTML.
      expect(got[0]?.parsed.html).toContain('style="color: #123456;"');
      expect(got[0]?.parsed.text).toContain(`your code is C${i}`);
      // The token is in the link, and only its hash is stored.
      const token = /learn\.example\/(bwm_[\w-]+)/.exec(String(got[0]?.parsed.html))?.[1] ?? '';
      expect(token).toMatch(/^bwm_/);
      expect(JSON.stringify(row)).not.toContain(token);
    }
    const status = (await api('GET', `/${p.id}/outbox`)).json();
    expect(status).toMatchObject({ queued: 0, sending: 0, sentToday: 12, failed: 0 });
  });

  it('defers a message on an SMTP 4xx and fails one permanently on a 5xx, keeping the reason; retry sends it', async () => {
    const p = await relayProfile();
    sink.refuse('busy@client.example', '451 4.7.1 Greylisted, try again later');
    sink.refuse('gone@client.example', '550 5.1.1 No such user');
    const ids = await enqueue(p.id, { to: ['busy@client.example', 'gone@client.example', 'fine@client.example'] });
    await dispatch(p.id);
    const rows = await messageRows(ids);
    const busy = rows.find((r) => r.to_address === 'busy@client.example');
    const gone = rows.find((r) => r.to_address === 'gone@client.example');
    expect(busy).toMatchObject({ status: 'queued', attempts: 1 });
    expect(Date.parse(busy?.next_attempt_at ?? '')).toBeGreaterThan(Date.now() + 30_000);
    expect(JSON.parse(busy?.last_error ?? '{}')).toMatchObject({ code: 'smtp.451.4.7.1' });
    expect(gone).toMatchObject({ status: 'failed' });
    expect(JSON.parse(gone?.last_error ?? '{}')).toMatchObject({ code: 'smtp.550.5.1.1' });
    expect(rows.find((r) => r.to_address === 'fine@client.example')?.status).toBe('sent');
    const status = (await api('GET', `/${p.id}/outbox`)).json();
    expect(status).toMatchObject({ deferred: 1, failed: 1, sentToday: 1 });

    const failed = (await api('GET', `/${p.id}/outbox/messages?status=failed`)).json().items;
    expect(failed).toHaveLength(1);
    expect(failed[0].lastError).toMatchObject({
      code: 'smtp.550.5.1.1',
      reply: expect.stringContaining('No such user'),
    });
    sink.refuse('gone@client.example', null);
    const retry = await api('POST', `/${p.id}/outbox/messages/${failed[0].id}/retry`);
    expect(retry.json()).toEqual({ requeued: 1 });
    await dispatch(p.id);
    expect(receivedFor('gone@client.example')).toHaveLength(1);
    sink.refuse('busy@client.example', null);
  });

  it('expires a message whose window closed instead of sending it late', async () => {
    const p = await relayProfile();
    const ids = await enqueue(p.id, {
      to: ['late@client.example'],
      notBefore: new Date(Date.now() - 120_000).toISOString(),
      notAfter: new Date(Date.now() - 60_000).toISOString(),
    });
    await dispatch(p.id);
    expect((await messageRows(ids))[0]?.status).toBe('expired');
    expect(receivedFor('late@client.example')).toHaveLength(0);
    expect((await api('GET', `/${p.id}/outbox`)).json().expired).toBe(1);
  });

  it('pauses the profile once its daily limit is reached, visibly, until the next day', async () => {
    const p = await relayProfile({ limits: { perMinute: 6000, perDay: 3, concurrency: 2 } });
    await enqueue(p.id, { to: ['q1@client.example', 'q2@client.example', 'q3@client.example', 'q4@client.example'] });
    const outcome = await dispatch(p.id);
    expect(outcome).toMatchObject({ sent: 3, paused: true });
    const view = (await api('GET', `/${p.id}`)).json();
    expect(view.paused.reason.code).toBe('daily_limit');
    expect(Date.parse(view.paused.until)).toBeGreaterThan(Date.now());
    const status = (await api('GET', `/${p.id}/outbox`)).json();
    expect(status).toMatchObject({ queued: 1, sentToday: 3, nextSendAt: null });
  });

  it('spreads sends at the profile’s pace, even with two dispatchers on one profile', async () => {
    const p = await relayProfile({ limits: { perMinute: 600, perDay: 100_000, concurrency: 4 } }); // one per 100 ms
    const ids = await enqueue(p.id, { to: Array.from({ length: 12 }, (_, i) => `paced${i}@client.example`) });
    // Two processes' dispatchers at once (a retried job beside a stalled one): one budget.
    const [a, b] = await Promise.all([dispatch(p.id), dispatch(p.id)]);
    expect(a.sent + b.sent).toBe(12);
    const sent = (await messageRows(ids)).map((r) => Date.parse(r.sent_at ?? '')).sort((x, y) => x - y);
    // 12 slots 100 ms apart: the last starts 1.1 s after the first (recorded when each send ends,
    // so give the first send's own time some room); unpaced, all 12 take a few tens of ms.
    expect((sent.at(-1) ?? 0) - (sent[0] ?? 0)).toBeGreaterThanOrEqual(900);
    for (let i = 0; i < 12; i++) expect(receivedFor(`paced${i}@client.example`)).toHaveLength(1);
  });

  it('keeps late sends apart at the pace when rendering held them past their slots', async () => {
    // One slot each 100 ms; every render waits until 450 ms (a render thread starting again), so
    // the first four messages are ready together, after their slots.
    const p = await relayProfile({ limits: { perMinute: 600, perDay: 100_000, concurrency: 4 } });
    await outboxRepo.updateProfile(db(), clientId, p.id, { next_slot_at: new Date(0).toISOString() });
    await enqueue(p.id, { to: Array.from({ length: 4 }, (_, i) => `late${i}@client.example`) });
    const here = new RenderPool(0);
    const started = Date.now();
    const slow = {
      ready: async () => undefined,
      render: async (...args: Parameters<RenderPool['render']>) => {
        await new Promise((r) => setTimeout(r, Math.max(0, started + 450 - Date.now())));
        return here.render(...args);
      },
    } as unknown as RenderPool;
    // when each send is handed to the server (arrival would add each new session's TLS and AUTH)
    const handed: number[] = [];
    const real = transports.smtpRelay;
    const relay = vi.spyOn(transports, 'smtpRelay').mockImplementation((...args) => {
      const tr = real(...args);
      return {
        ...tr,
        send: (m, o) => {
          handed.push(Date.now());
          return tr.send(m, o);
        },
      };
    });
    let outcome: Awaited<ReturnType<ProfileDispatch['run']>>;
    try {
      outcome = await new ProfileDispatch({ ...t.app.services.mail.dispatch, renderer: slow }, clientId, p.id).run(
        AbortSignal.timeout(20_000),
      );
    } finally {
      relay.mockRestore();
    }
    expect(outcome).toMatchObject({ sent: 4, failed: 0 });
    for (let i = 0; i < 4; i++) expect(receivedFor(`late${i}@client.example`)).toHaveLength(1);
    // at once they would go within a few ms of each other; at the pace, about 100 ms apart
    expect(handed).toHaveLength(4);
    for (let i = 1; i < 4; i++) expect((handed[i] ?? 0) - (handed[i - 1] ?? 0), `gap ${i}`).toBeGreaterThanOrEqual(90);
  });

  it('is sent by the worker: enqueueing in a transaction queues the profile’s dispatch job with it', async () => {
    const p = await relayProfile();
    // Rolled back: no message, no job.
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await t.app.services.mail.outbox.enqueue(trx, {
            clientId,
            profileId: p.id,
            purpose: 'test.rollback',
            content: { subject: 'Never', html: null, text: 'never' },
            messages: [{ to: { address: 'never@client.example' } }],
          });
          throw new Error('producer failed');
        }),
    ).rejects.toThrow('producer failed');
    const ids = await enqueue(p.id, { to: ['worker1@client.example', 'worker2@client.example'] });
    let worker: Worker | undefined;
    try {
      worker = await startWorker(t.container);
      await vi.waitFor(
        async () => {
          const rows = await messageRows(ids);
          if (!rows.every((r) => r.status === 'sent')) throw new Error('not yet');
        },
        { timeout: 20_000, interval: 100 },
      );
    } finally {
      await worker?.stop();
    }
    expect(receivedFor('never@client.example')).toHaveLength(0);
    expect(receivedFor('worker1@client.example')).toHaveLength(1);
  });

  it('refuses a template that does not parse, naming the part and line, in the producer’s transaction', async () => {
    const p = await relayProfile();
    await expect(
      db()
        .transaction()
        .execute((trx) =>
          t.app.services.mail.outbox.enqueue(trx, {
            clientId,
            profileId: p.id,
            purpose: 'test.bad',
            content: { subject: 'ok', html: '<p>\n{% if %}</p>', text: null },
            messages: [{ to: { address: 'x@client.example' } }],
          }),
        ),
    ).rejects.toMatchObject({ status: 400, details: { field: 'html' }, message: expect.stringMatching(/line 2/) });
  });

  it('is summarised by `baitwise outbox` as the console shows it, with the reason for a pause', async () => {
    const p = await relayProfile({ limits: { perMinute: 6000, perDay: 1, concurrency: 1 } });
    sink.refuse('nobody@client.example', '550 5.1.1 No such user');
    await enqueue(p.id, { to: ['nobody@client.example', 'later@client.example'] });
    await dispatch(p.id);
    sink.refuse('nobody@client.example', null);
    const lines: string[] = [];
    await outboxCommand(t.container, { client: clientId }, (l) => lines.push(l));
    const block = lines.slice(lines.findIndex((l) => l.includes(p.id)));
    expect(block[0]).toContain(`Mail Ltd — Relay ${n} (smtp) ${p.id}`);
    expect(block[1]).toBe('  queued 1, in flight 0, deferred 0, sent today 0, failed 1, expired 0, in doubt 0');
    expect(block[2]).toContain('at most 6000/min; 1 recipients a day');
    expect(block[3]).toMatch(/^ {2}PAUSED until \d{4}-.*: The profile's limit of 1 recipients a day is reached\.$/);
  });

  it('keeps a pace learned from a 429 for the rest of the day, then tries the configured limit again', async () => {
    const p = await relayProfile({ limits: { perMinute: 600, perDay: 100_000, concurrency: 1 } });
    const today = new Date().toISOString().slice(0, 10);
    const row = () => db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    await db()
      .updateTable('sending_profiles')
      .set({ learned_per_minute: 60, day: today })
      .where('id', '=', p.id)
      .execute();
    expect(await takeSlot(db(), clientId, p.id)).toMatchObject({ ok: true, intervalMs: 1000 });
    expect((await row()).learned_per_minute).toBe(60);
    expect((await api('GET', `/${p.id}`)).json().effectivePerMinute).toBe(60);
    // The next UTC day: the learned pace is dropped with the day's count.
    await db()
      .updateTable('sending_profiles')
      .set({ day: '2000-01-01', next_slot_at: new Date(0).toISOString() })
      .where('id', '=', p.id)
      .execute();
    expect(await takeSlot(db(), clientId, p.id)).toMatchObject({ ok: true, intervalMs: 100 });
    expect(await row()).toMatchObject({ learned_per_minute: null, day: today, day_recipients: 1 });
  });

  it('keeps a slot taken a little late on its schedule, and starts again from now after a longer wait', async () => {
    const p = await relayProfile({ limits: { perMinute: 600, perDay: 100_000, concurrency: 1 } });
    // idle since long ago
    await outboxRepo.updateProfile(db(), clientId, p.id, { next_slot_at: new Date(0).toISOString() });
    const t0 = Date.now();
    const take = async (at: number) => {
      const slot = await takeSlots(db(), clientId, p.id, 1, new Date(t0 + at));
      if (!('ok' in slot)) throw new Error(`no slot at ${at}: ${JSON.stringify(slot)}`);
      return [slot.startsAt - t0, Date.parse(slot.nextSlotAt) - t0];
    };
    expect(await take(0)).toEqual([0, 100]);
    // 30 ms late (the timer, a statement): the next is 100 ms after the slot, not after the taking,
    // or every taking's delay would come off the rate
    expect(await take(130)).toEqual([100, 200]);
    // 90 ms late, more than half an interval: nothing makes up for it with a burst
    expect(await take(290)).toEqual([290, 390]);
    expect(await takeSlots(db(), clientId, p.id, 1, new Date(t0 + 380))).toEqual({ waitMs: 10 });
  });

  it('holds back messages claimed with one that a 429 refused, giving back their attempt and slot', async () => {
    // 17 ms a slot: each taking gets two (SLOTS_AHEAD_MS), the second due 17 ms after the first
    const p = await relayProfile({ limits: { perMinute: 3500, perDay: 100_000, concurrency: 4 } });
    await outboxRepo.updateProfile(db(), clientId, p.id, { next_slot_at: new Date(0).toISOString() });
    const ids = await enqueue(p.id, { to: ['held0@client.example', 'held1@client.example'] });
    const sends: number[] = [];
    const relay = vi.spyOn(transports, 'smtpRelay').mockImplementation(() => ({
      sender: { address: 'security@mail.example', name: null },
      async send() {
        sends.push(Date.now());
        throw new DeliveryError('throttled', 'smtp.421', 'slow down', '421 4.7.0 slow down', 60_000);
      },
      close: () => undefined,
    }));
    const started = Date.now();
    try {
      // (the slice then waits out the Retry-After: a short one)
      expect(await dispatch(p.id, 1000)).toMatchObject({ sent: 0, failed: 0 });
    } finally {
      relay.mockRestore();
    }
    // one request refused; the other, due after the refusal was known, never went
    expect(sends).toHaveLength(1);
    const rows = await messageRows(ids);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
    ]);
    expect(rows.every((r) => Date.parse(r.next_attempt_at) >= started + 60_000)).toBe(true);
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.throttled_count).toBe(1);
    // the held one gave its slot back: only the refused request counts against the day
    expect(row.day_recipients).toBe(1);
    await db().updateTable('outbox_messages').set({ status: 'cancelled' }).where('id', 'in', ids).execute();
  });

  it('holds back a message whose request was getting ready (a token) when a 429 came back to another', async () => {
    // Two slots 17 ms apart. The first request is refused with a 429 after 60 ms; the second has
    // passed the dispatcher's own check by then and is, as a Graph send on PostgreSQL does, still
    // getting its token: the transport asks `held` right before its request would go.
    const p = await relayProfile({ limits: { perMinute: 3500, perDay: 100_000, concurrency: 4 } });
    await outboxRepo.updateProfile(db(), clientId, p.id, { next_slot_at: new Date(0).toISOString() });
    const ids = await enqueue(p.id, { to: ['ready0@client.example', 'ready1@client.example'] });
    let refusedAt = 0;
    const requests: string[] = [];
    const relay = vi.spyOn(transports, 'smtpRelay').mockImplementation(() => ({
      sender: { address: 'security@mail.example', name: null },
      async send(m, opts = {}) {
        if (m.to === 'ready0@client.example') {
          await new Promise((r) => setTimeout(r, 60));
          requests.push(m.to);
          refusedAt = Date.now();
          throw new DeliveryError('throttled', 'graph.429', 'too many', 'ApplicationThrottled', 60_000);
        }
        await vi.waitFor(() => expect(refusedAt).toBeGreaterThan(0), { interval: 5 });
        await new Promise((r) => setTimeout(r, 20)); // the token, answered after the refusal
        if (opts.held?.()) throw new transports.HeldBack();
        requests.push(m.to);
        return { providerId: '250 ok' };
      },
      close: () => undefined,
    }));
    try {
      expect(await dispatch(p.id, 1000)).toMatchObject({ sent: 0, failed: 0 });
    } finally {
      relay.mockRestore();
    }
    expect(requests).toEqual(['ready0@client.example']);
    const rows = await messageRows(ids);
    expect(rows.map((r) => [r.to_address, r.status, r.attempts]).sort()).toEqual([
      ['ready0@client.example', 'queued', 0],
      ['ready1@client.example', 'queued', 0],
    ]);
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.throttled_count).toBe(1);
    expect(row.day_recipients).toBe(1);
    await db().updateTable('outbox_messages').set({ status: 'cancelled' }).where('id', 'in', ids).execute();
  });

  it("holds an archived client's mail, unchanged, until the client is restored", async () => {
    const other = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Archived Mail Ltd' })).json().id as string;
    const created = await t.as(sys, 'POST', `/api/v1/clients/${other}/sending-profiles`, {
      name: 'Relay',
      kind: 'smtp',
      fromAddress: 'security@mail.example',
      smtp: {
        host: sink.host,
        port: sink.port,
        security: 'starttls',
        tlsVerify: false,
        username: 'relay-user',
        password: PASSWORD,
      },
    });
    const profileId = created.json().id as string;
    const [id] = await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId: other,
          profileId,
          purpose: 'test.archived',
          content: { subject: 'Held', html: null, text: 'held' },
          messages: [{ to: { address: 'held@client.example' } }],
        }),
      );
    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${other}`, { archived: true })).statusCode).toBe(200);
    const run = () =>
      new ProfileDispatch(t.app.services.mail.dispatch, other, profileId).run(AbortSignal.timeout(10_000));
    expect(await run()).toMatchObject({ sent: 0, paused: true });
    expect((await profilesWithDueWork(db(), new Date().toISOString())).map((p) => p.id)).not.toContain(profileId);
    expect(receivedFor('held@client.example')).toHaveLength(0);
    expect((await messageRows([id ?? '']))[0]?.status).toBe('queued');
    // Archived while a slice is sending: its next claim finds nothing.
    const lease = new Date(Date.now() + 60_000).toISOString();
    expect(await claimBatch(db(), other, profileId, new Date().toISOString(), lease, 10)).toEqual([]);

    expect((await t.as(sys, 'PATCH', `/api/v1/clients/${other}`, { archived: false })).statusCode).toBe(200);
    expect((await profilesWithDueWork(db(), new Date().toISOString())).map((p) => p.id)).toContain(profileId);
    expect(await run()).toMatchObject({ sent: 1 });
    expect(receivedFor('held@client.example')).toHaveLength(1);
  });

  it('claims the queue in its order, lost attempts (in doubt) among them, reading only the rows it takes', async () => {
    const p = await relayProfile();
    const ids = await enqueue(p.id, { to: Array.from({ length: 6 }, (_, i) => `order${i}@client.example`) });
    const rows = (await messageRows(ids)).sort((a, b) => (a.id < b.id ? -1 : 1));
    const past = new Date(Date.now() - 60_000).toISOString();
    // The fourth was in flight when its sender died, and was due first: it goes first, in doubt.
    await db()
      .updateTable('outbox_messages')
      .set({ status: 'sending', lease_until: past, next_attempt_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', rows[3]?.id ?? '')
      .execute();
    const now = new Date().toISOString();
    const lease = new Date(Date.now() + 60_000).toISOString();
    const first = await claimBatch(db(), clientId, p.id, now, lease, 3);
    expect(first.map((c) => [c.message.id, c.inDoubt])).toEqual([
      [rows[3]?.id, true],
      [rows[0]?.id, false],
      [rows[1]?.id, false],
    ]);
    const rest = await claimBatch(db(), clientId, p.id, now, lease, 10);
    expect(rest.map((c) => c.message.id)).toEqual([rows[2]?.id, rows[4]?.id, rows[5]?.id]);
    expect(rest.every((c) => !c.inDoubt && c.message.status === 'sending')).toBe(true);
    const sqlite = t.db.handle.sqlite;
    if (sqlite) {
      // The queue's order is the index's: no sort of every message of the profile on each claim.
      const plan = (q: { sql: string; parameters: readonly unknown[] }) =>
        (sqlite.prepare(`explain query plan ${q.sql}`).all(...q.parameters) as { detail: string }[])
          .map((r) => r.detail)
          .join('\n');
      const select = plan(outboxRepo.dueQueued(db(), clientId, p.id, now, 4).compile());
      expect(select).toMatch(/SEARCH outbox_messages USING INDEX outbox_messages_claim_idx/);
      expect(select).not.toMatch(/TEMP B-TREE/);
      // and the claim selects that way, then looks the ids up, not the profile's whole queue
      const update = plan(outboxRepo.claimUpdate(db(), clientId, p.id, false, now, lease, 2).compile());
      expect(update).toMatch(/SEARCH outbox_messages USING INDEX sqlite_autoindex_outbox_messages_1 \(id=\?\)/);
      expect(update).toMatch(/SEARCH outbox_messages USING INDEX outbox_messages_claim_idx/);
      expect(update).not.toMatch(/TEMP B-TREE/);
    }
    await db().updateTable('outbox_messages').set({ status: 'cancelled' }).where('id', 'in', ids).execute();
  });

  it('takes slots from the row its last taking left, unless someone changed the row since', async () => {
    const p = await relayProfile({ limits: { perMinute: 60_000, perDay: 100_000, concurrency: 4 } });
    const first = await takeSlots(db(), clientId, p.id, 1);
    if (!('ok' in first)) throw new Error(`no slot: ${JSON.stringify(first)}`);
    const reads = vi.spyOn(outboxRepo, 'findProfile');
    try {
      // the next taking, 5 ms on: its row is the one the first left, not read again
      const at = new Date(Date.parse(first.nextSlotAt) + 5);
      const second = await takeSlots(db(), clientId, p.id, 1, at, first.row);
      expect(second).toMatchObject({ ok: true, intervalMs: 1 });
      expect(reads).not.toHaveBeenCalled();
      if (!('ok' in second)) throw new Error('no slot');
      // an edit of the rate since: the known row is not written, the new rate is read and used
      expect(
        (await api('PATCH', `/${p.id}`, { limits: { perMinute: 600, perDay: 100_000, concurrency: 4 } })).statusCode,
      ).toBe(200);
      reads.mockClear();
      const third = await takeSlots(db(), clientId, p.id, 1, new Date(Date.parse(second.nextSlotAt) + 5), second.row);
      expect(third).toMatchObject({ ok: true, intervalMs: 100 });
      expect(reads).toHaveBeenCalledTimes(1);
      if (!('ok' in third)) throw new Error('no slot');
      // a pause since (another process): paused, not a slot
      await outboxRepo.updateProfile(db(), clientId, p.id, { paused_until: outboxRepo.INDEFINITELY });
      expect(await takeSlots(db(), clientId, p.id, 1, new Date(Date.parse(third.nextSlotAt) + 5), third.row)).toEqual({
        paused: true,
      });
    } finally {
      reads.mockRestore();
    }
    const row = await db().selectFrom('sending_profiles').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
    expect(row.day_recipients).toBe(3);
  });

  it('looks for lost attempts when a slice starts and then once a second, not on every claim', async () => {
    const p = await relayProfile();
    await enqueue(p.id, { to: Array.from({ length: 12 }, (_, i) => `lostcheck${i}@client.example`) });
    const claims = vi.spyOn(outboxRepo, 'claimBatch');
    try {
      const started = Date.now();
      expect(await dispatch(p.id)).toMatchObject({ sent: 12 });
      const looked = claims.mock.calls.filter((c) => c[6] !== false).length;
      expect(claims.mock.calls.length).toBeGreaterThan(1);
      expect(looked).toBeGreaterThanOrEqual(1);
      expect(looked).toBeLessThanOrEqual(1 + Math.floor((Date.now() - started) / 1000));
    } finally {
      claims.mockRestore();
    }
  });

  it('never queues a message again once the server accepted it, even when recording "sent" fails once', async () => {
    const p = await relayProfile({ limits: { perMinute: 6000, perDay: 100_000, concurrency: 1 } });
    const ids = await enqueue(p.id, { to: ['once@client.example'] });
    const spy = vi.spyOn(outboxRepo, 'finishAttempts').mockRejectedValueOnce(new Error('database is locked'));
    try {
      await dispatch(p.id);
    } finally {
      spy.mockRestore();
    }
    expect((await messageRows(ids))[0]).toMatchObject({ status: 'sent', attempts: 1 });
    await dispatch(p.id);
    expect(receivedFor('once@client.example')).toHaveLength(1);
  });

  it('expires a lost attempt whose window closed, marking it in doubt, instead of looping on it', async () => {
    const p = await relayProfile();
    const ids = await enqueue(p.id, {
      to: ['lost@client.example'],
      notAfter: new Date(Date.now() + 60_000).toISOString(),
    });
    // Its sender died mid-send and the window closed before the lease ran out.
    const past = new Date(Date.now() - 1000).toISOString();
    await db()
      .updateTable('outbox_messages')
      .set({ status: 'sending', lease_until: past, not_after: past, attempts: 1 })
      .where('id', 'in', ids)
      .execute();
    expect(await dispatch(p.id)).toMatchObject({ sent: 0, more: false });
    expect((await messageRows(ids))[0]).toMatchObject({ status: 'expired', in_doubt: 1, lease_until: null });
    expect(receivedFor('lost@client.example')).toHaveLength(0);
  });
});
