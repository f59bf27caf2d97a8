// Reporter feedback: the settings routes, and the replies enqueued when an incident is classified
// — one per reporter, delivered through the client's sending profile (a real SMTP server here),
// never twice for one verdict, never for a classification that rolled back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppError } from '../../src/lib/errors.js';
import { newId } from '../../src/lib/ids.js';
import { DEFAULT_TEMPLATES } from '../../src/modules/incident-feedback/templates.js';
import type { ClassifiedIncident, IncidentRow, Verdict } from '../../src/modules/incidents/side-effects.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { insertIncident } from '../helpers/incidents.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

let t: TestApp;
let sys: Session;
let sink: SmtpSink;
let clientId: string;
let profileId: string;
const PASSWORD = 'relay-password-123';

beforeAll(async () => {
  sink = await startSmtpSink({ user: 'relay-user', pass: PASSWORD });
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Feedback Ltd' })).json().id;
  const profile = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
    name: 'Relay',
    kind: 'smtp',
    fromAddress: 'security@feedback.example',
    smtp: {
      host: sink.host,
      port: sink.port,
      security: 'starttls',
      tlsVerify: false,
      username: 'relay-user',
      password: PASSWORD,
    },
    limits: { perMinute: 6000, perDay: 100_000, concurrency: 4 },
  });
  expect(profile.statusCode, profile.body).toBe(201);
  profileId = profile.json().id;
  // One reporter is a known recipient: the reply greets them by name.
  const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, {
    email: 'ann.known@feedback.example',
    firstName: 'Ann',
    lastName: 'Known',
  });
  expect(r.statusCode, r.body).toBe(201);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await sink?.close();
});

const db = () => t.db.handle.db;
const api = (method: string, body?: unknown, path = '') =>
  t.as(sys, method, `/api/v1/clients/${clientId}/incident-feedback${path}`, body);
const dispatch = () =>
  new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(AbortSignal.timeout(20_000));
const feedbackMessages = () =>
  db()
    .selectFrom('outbox_messages')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('purpose', '=', 'incident_feedback')
    .execute();

let seq = 0;
async function wave(n = 2) {
  const incident = await insertIncident(db(), clientId, { subject: `Urgent invoice ${++seq}` });
  const reporters = [
    { address: 'ann.known@feedback.example', reportId: newId() },
    ...Array.from({ length: n - 1 }, (_, i) => ({
      address: `Reporter${seq}.${i}@Feedback.example`,
      reportId: newId(),
    })),
  ];
  return { incident, reporters };
}

/** who classifies in these tests: an analyst, whose classification a missing profile refuses */
const ANALYST = newId();

const classify = (incident: IncidentRow, verdict: Verdict, reporters: ClassifiedIncident['reporters'], reply = true) =>
  db()
    .transaction()
    .execute((trx) =>
      t.app.services.incidentSideEffects.incidentClassified(trx, {
        incident,
        verdict,
        reporters,
        reply,
        actorId: ANALYST, // an analyst's classification (Baitwise's own, actorId null, is in incidents.test.ts)
      }),
    );

describe('the reporter feedback settings', () => {
  it('start off with the built-in templates', async () => {
    const res = await api('GET');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ enabled: false, profileId: null, customized: [], updatedAt: null });
    expect(res.json().templates.phishing.subject).toBe(DEFAULT_TEMPLATES.phishing.subject);
  });

  it('refuse being enabled without a profile, another client’s profile, and a broken template', async () => {
    const none = await api('PUT', { enabled: true, profileId: null });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.details.field).toBe('profileId');
    const foreign = await api('PUT', { enabled: true, profileId: newId() });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error.details.field).toBe('profileId');
    const broken = await api('PUT', {
      enabled: true,
      profileId,
      templates: { spam: { subject: 'Ok', body: 'Hello {% if %}' } },
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.details.field).toBe('templates.spam.body');
    expect((await api('GET')).json().enabled).toBe(false); // nothing half-written
  });

  it('save a profile and a changed template, and preview it', async () => {
    const res = await api('PUT', {
      enabled: true,
      profileId,
      templates: {
        clean: { subject: 'Safe: {{ report.subject }}', body: 'Hi {{ reporter.name }}, it was {{ verdict }}.' },
        phishing: DEFAULT_TEMPLATES.phishing, // equal to the default: follows the default
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ enabled: true, profileId, customized: ['clean'] });
    const preview = await api('POST', { verdict: 'clean' }, '/preview');
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toEqual({
      subject: 'Safe: Your mailbox is almost full',
      text: 'Hi Jane Doe, it was clean.',
    });
    const draft = await api(
      'POST',
      { verdict: 'spam', template: { subject: '{{ verdict }}', body: 'To {{ reporter.address }}' } },
      '/preview',
    );
    expect(draft.json()).toEqual({ subject: 'spam', text: 'To jane.doe@example.com' });
  });
});

describe('replies on classification', () => {
  it('deliver each verdict’s reply to every reporter', async () => {
    for (const verdict of ['phishing', 'spam', 'clean', 'simulation'] as const) {
      const { incident, reporters } = await wave(3);
      expect(await classify(incident, verdict, reporters)).toEqual({ replies: 3 });
      await dispatch();
      for (const r of reporters) {
        const got = sink.received.filter((m) => m.envelope.to.includes(r.address.toLowerCase()));
        const mine = got.filter(
          (m) =>
            (m.parsed.text ?? '').includes(incident.subject ?? '-') ||
            m.parsed.subject?.includes(incident.subject ?? '-'),
        );
        expect({ verdict, to: r.address, count: mine.length }).toEqual({ verdict, to: r.address, count: 1 });
        const mail = mine[0];
        if (verdict === 'clean') {
          expect(mail?.parsed.subject).toBe(`Safe: ${incident.subject}`);
        } else {
          expect(mail?.parsed.subject).toBe(DEFAULT_TEMPLATES[verdict].subject);
          expect(mail?.parsed.text).toContain('helpdesk@phish.example');
        }
        // The known recipient is greeted by name, the others by the default.
        if (r.address.startsWith('ann.')) expect(mail?.parsed.text).toContain('Ann Known');
        else if (verdict !== 'clean') expect(mail?.parsed.text).toContain('Hello there,');
      }
      const rows = (await feedbackMessages()).filter((m) => m.ref_id === incident.id);
      expect(rows.map((m) => [m.status, m.ref_type])).toEqual(Array(3).fill(['sent', 'incident']));
    }
  }, 60_000);

  it('never tells a reporter the same verdict twice, but tells a new verdict', async () => {
    const { incident, reporters } = await wave(2);
    expect(await classify(incident, 'phishing', reporters)).toEqual({ replies: 2 });
    const extra = { address: 'late@feedback.example', reportId: newId() };
    // Classified again the same (a new reporter joined since): only the newcomer is told.
    expect(await classify(incident, 'phishing', [...reporters, extra])).toEqual({ replies: 1 });
    expect(await classify(incident, 'phishing', [...reporters, extra])).toEqual({ replies: 0 });
    // Re-classified to another verdict: everyone learns the new one.
    expect(await classify(incident, 'clean', [...reporters, extra])).toEqual({ replies: 3 });
    const rows = (await feedbackMessages()).filter((m) => m.ref_id === incident.id);
    expect(rows).toHaveLength(6);
  });

  it('enqueue nothing when the classification rolls back', async () => {
    const { incident, reporters } = await wave(2);
    const before = (await feedbackMessages()).length;
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          const r = await t.app.services.incidentSideEffects.incidentClassified(trx, {
            incident,
            verdict: 'phishing',
            reporters,
            reply: true,
            actorId: null,
          });
          expect(r.replies).toBe(2);
          throw new Error('the classification failed after its side effects');
        }),
    ).rejects.toThrow('classification failed');
    expect((await feedbackMessages()).length).toBe(before);
    // …and the reporters were not marked as told: the next classification replies.
    expect(await classify(incident, 'phishing', reporters)).toEqual({ replies: 2 });
  });

  it('send nothing without reply, or with feedback off', async () => {
    const { incident, reporters } = await wave(2);
    expect(await classify(incident, 'phishing', reporters, false)).toEqual({ replies: 0 });
    expect((await api('PUT', { enabled: false, profileId })).statusCode).toBe(200);
    expect(await classify(incident, 'phishing', reporters)).toEqual({ replies: 0 });
    expect((await api('PUT', { enabled: true, profileId })).statusCode).toBe(200);
    expect((await feedbackMessages()).filter((m) => m.ref_id === incident.id)).toHaveLength(0);
  });

  it('fail the classification clearly when the profile is gone', async () => {
    const { incident, reporters } = await wave(1);
    // What deleting the profile leaves (the column's foreign key sets it null).
    await db()
      .updateTable('incident_feedback_settings')
      .set({ profile_id: null })
      .where('client_id', '=', clientId)
      .execute();
    const err = (await classify(incident, 'spam', reporters).catch((e: unknown) => e)) as AppError;
    expect(err).toMatchObject({ status: 409, code: 'feedback_profile_missing', details: { field: 'profileId' } });
    expect((await feedbackMessages()).filter((m) => m.ref_id === incident.id)).toHaveLength(0);
    await db()
      .updateTable('incident_feedback_settings')
      .set({ profile_id: profileId })
      .where('client_id', '=', clientId)
      .execute();
  });
});
