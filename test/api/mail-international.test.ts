// Sending to internationalised addresses through an SMTP relay: an IDN domain goes out as its
// A-label (any server takes it), a non-ASCII local part with SMTPUTF8 (RFC 6531) — and a relay
// that does not offer SMTPUTF8 is never handed raw UTF-8 in an envelope: that message fails with
// the reason, the rest go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let modern: SmtpSink;
let old: SmtpSink;
const PASSWORD = 'relay-password-123';

beforeAll(async () => {
  modern = await startSmtpSink({ user: 'relay-user', pass: PASSWORD });
  old = await startSmtpSink({ user: 'relay-user', pass: PASSWORD }, { smtpUtf8: false });
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Mail Intl Ltd' })).json().id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await modern?.close();
  await old?.close();
});

let n = 0;
async function relayProfile(sink: SmtpSink, fromAddress = 'security@mail.example') {
  const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
    name: `Relay ${++n}`,
    kind: 'smtp',
    fromAddress,
    smtp: {
      host: sink.host,
      port: sink.port,
      security: 'starttls',
      tlsVerify: false,
      username: 'relay-user',
      password: PASSWORD,
    },
    limits: { perMinute: 6000, perDay: 100_000, concurrency: 2 },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string };
}

const db = () => t.db.handle.db;
async function send(profileId: string, to: string[]) {
  const ids = await db()
    .transaction()
    .execute((trx) =>
      t.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId,
        purpose: 'test.batch',
        content: { subject: 'Hallo {{ recipient.name }}', html: '<p>Grüße</p>', text: null },
        messages: to.map((address) => ({ to: { address, name: 'Jürgen Müller' }, variables: {} })),
      }),
    );
  const outcome = await new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(
    AbortSignal.timeout(20_000),
  );
  const rows = await db().selectFrom('outbox_messages').selectAll().where('id', 'in', ids).execute();
  return { outcome, rows };
}

describe('an SMTP relay that offers SMTPUTF8', () => {
  it('delivers to a non-ASCII local part with SMTPUTF8, and to an IDN domain by its A-label', async () => {
    const p = await relayProfile(modern);
    const { outcome } = await send(p.id, ['jürgen.müller@müller.example', 'ann@müller.example']);
    expect(outcome).toMatchObject({ sent: 2, failed: 0 });
    const jurgen = modern.received.find((m) => m.envelope.to.includes('jürgen.müller@müller.example'));
    expect(jurgen?.envelope.smtpUtf8).toBe(true);
    expect(jurgen?.parsed.to && 'value' in jurgen.parsed.to ? jurgen.parsed.to.value[0]?.address : null).toBe(
      'jürgen.müller@müller.example',
    );
    // (the server shows the domain decoded; without SMTPUTF8 it can only have arrived as its A-label)
    const ann = modern.received.find((m) => m.envelope.to.includes('ann@müller.example'));
    expect(ann?.envelope.smtpUtf8).toBe(false);
  });

  it('sends a test message to an internationalised address', async () => {
    const p = await relayProfile(modern);
    const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles/${p.id}/test`, {
      to: 'zoë@example.com',
    });
    expect(res.json()).toMatchObject({ ok: true });
    expect(modern.received.some((m) => m.envelope.to.includes('zoë@example.com') && m.envelope.smtpUtf8)).toBe(true);
  });
});

describe('an SMTP relay without SMTPUTF8', () => {
  it('fails only the message whose local part needs it, with the reason, and sends the rest', async () => {
    const p = await relayProfile(old);
    const { outcome, rows } = await send(p.id, ['jürgen.müller@müller.example', 'ann@müller.example']);
    expect(outcome).toMatchObject({ sent: 1, failed: 1, paused: false });
    expect(old.received.map((m) => m.envelope)).toEqual([
      { from: 'security@mail.example', to: ['ann@müller.example'], smtpUtf8: false },
    ]);
    const failed = rows.find((r) => r.to_address === 'jürgen.müller@müller.example');
    expect(failed).toMatchObject({
      status: 'failed',
      last_error: expect.stringMatching(/"code":"smtputf8_unsupported"/),
    });
  });

  it('explains a test send to such an address in plain words', async () => {
    const p = await relayProfile(old);
    const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles/${p.id}/test`, {
      to: 'zoë@example.com',
    });
    expect(res.json()).toMatchObject({
      ok: false,
      code: 'smtputf8_unsupported',
      guidance: { title: expect.stringMatching(/international/i) },
    });
  });
});
