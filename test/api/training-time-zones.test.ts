// A training campaign that spreads its invitations in each recipient's own time zone where it is
// known (issue #11): each learner's invitation falls inside the window's days and hours of their
// zone, and the due date in their invitation, reminder and resent invitation is written in it;
// learners without a zone, and campaigns that do not ask for it, use the campaign's zone.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDueDate } from '../../src/modules/training/templates.js';
import { localParts } from '../../src/modules/training/window.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let profileId: string;
let groupId: string;
const zoneOf = new Map<string, string>(); // recipient id → the zone their mail should use
const CAMPAIGN_ZONE = 'Europe/Berlin';

const db = () => t.db.handle.db;
const api = (method: string, path: string, body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/training${path}`, body);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: 'https://baitwise.zones.test' } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Zones Training Ltd' })).json().id;
  const p = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
    name: 'Relay',
    kind: 'smtp',
    fromAddress: 'security@relay.test',
    smtp: { host: 'relay.test', port: 25, security: 'none' },
  });
  profileId = p.json().id;
  groupId = (await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipient-groups`, { name: 'All' })).json().id;
  for (const [email, timeZone] of [
    ['kenji@zones.test', 'Asia/Tokyo'],
    ['mary@zones.test', 'America/New_York'],
    ['nomad@zones.test', null],
  ] as const) {
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, {
      email,
      timeZone,
      groupIds: [groupId],
    });
    expect(r.statusCode, r.body).toBe(201);
    zoneOf.set(r.json().id, timeZone ?? CAMPAIGN_ZONE);
  }
}, 60_000);
afterAll(async () => t?.close());

const WINDOW = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', spreadDays: 1 };

async function launched(extra: Record<string, unknown>) {
  const c = await api('POST', '/campaigns', {
    name: 'Around the world',
    contentRef: 'builtin:recognising-phishing',
    language: 'en',
    profileId,
    audience: { groupIds: [groupId] },
    timeZone: CAMPAIGN_ZONE,
    window: WINDOW,
    dueAt: inDays(14),
    ...extra,
  });
  expect(c.statusCode, c.body).toBe(201);
  const r = await api('POST', `/campaigns/${c.json().id}/launch`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { id: string; recipientTimeZones: boolean; dueAt: string };
}

const enrolmentsOf = (campaignId: string) =>
  db().selectFrom('training_enrolments').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
const messagesOf = (ids: string[], purpose: string) =>
  db()
    .selectFrom('outbox_messages')
    .selectAll()
    .where('ref_type', '=', 'training.enrolment')
    .where('ref_id', 'in', ids)
    .where('purpose', '=', purpose)
    .execute();

const insideWindow = (iso: string, zone: string) => {
  const p = localParts(Date.parse(iso), zone);
  const minutes = p.hour * 60 + p.minute;
  return p.weekday <= 5 && minutes >= 9 * 60 && minutes < 17 * 60;
};

describe('each recipient’s own time zone', () => {
  it('is offered by the campaign and off unless asked for', async () => {
    const r = await api('POST', '/campaigns', {
      name: 'Default',
      contentRef: 'builtin:recognising-phishing',
      language: 'en',
      profileId,
      audience: { everyone: true },
      timeZone: CAMPAIGN_ZONE,
      dueAt: inDays(14),
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().recipientTimeZones).toBe(false);
    const on = await api('PATCH', `/campaigns/${r.json().id}`, { recipientTimeZones: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json().recipientTimeZones).toBe(true);
    const bad = await api('PATCH', `/campaigns/${r.json().id}`, { recipientTimeZones: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('recipientTimeZones');
  });

  it('places each invitation in the window of the learner’s zone and writes the due date in it', async () => {
    const c = await launched({ recipientTimeZones: true });
    expect(c.recipientTimeZones).toBe(true);
    const enrolments = await enrolmentsOf(c.id);
    expect(enrolments).toHaveLength(3);
    const messages = await messagesOf(
      enrolments.map((e) => e.id),
      'training.invitation',
    );
    for (const e of enrolments) {
      const zone = zoneOf.get(e.recipient_id) ?? '';
      expect({ zone, inside: insideWindow(e.invite_at, zone) }).toEqual({ zone, inside: true });
      const m = messages.find((x) => x.ref_id === e.id);
      expect(m?.next_attempt_at).toBe(e.invite_at);
      expect(JSON.parse(m?.variables ?? '{}').dueDate).toBe(formatDueDate(c.dueAt, 'en', zone));
    }
    // Tokyo's working day and Berlin's do not overlap: the zone really decided.
    const tokyo = enrolments.find((e) => zoneOf.get(e.recipient_id) === 'Asia/Tokyo');
    expect(insideWindow(tokyo?.invite_at ?? '', CAMPAIGN_ZONE)).toBe(false);

    // Reminders and a resent invitation write the due date in the learner's zone too.
    await db()
      .updateTable('training_enrolments')
      .set({ next_reminder_at: new Date(Date.now() - 60_000).toISOString() })
      .where('campaign_id', '=', c.id)
      .execute();
    await t.app.services.training.campaigns.sendDueReminders();
    const reminders = await messagesOf(
      enrolments.map((e) => e.id),
      'training.reminder',
    );
    expect(reminders).toHaveLength(3);
    for (const m of reminders) {
      const e = enrolments.find((x) => x.id === m.ref_id);
      expect(JSON.parse(m.variables).dueDate).toBe(
        formatDueDate(c.dueAt, 'en', zoneOf.get(e?.recipient_id ?? '') ?? ''),
      );
    }
    const mary = enrolments.find((e) => zoneOf.get(e.recipient_id) === 'America/New_York');
    const resend = await api('POST', `/campaigns/${c.id}/enrolments/${mary?.id}/resend`);
    expect(resend.statusCode, resend.body).toBeLessThan(300);
    const invitations = await messagesOf([mary?.id ?? ''], 'training.invitation');
    expect(invitations).toHaveLength(2);
    for (const m of invitations)
      expect(JSON.parse(m.variables).dueDate).toBe(formatDueDate(c.dueAt, 'en', 'America/New_York'));
  });

  it('uses the campaign’s zone for everyone when the campaign does not ask for theirs', async () => {
    const c = await launched({});
    const enrolments = await enrolmentsOf(c.id);
    const messages = await messagesOf(
      enrolments.map((e) => e.id),
      'training.invitation',
    );
    for (const e of enrolments) {
      expect(insideWindow(e.invite_at, CAMPAIGN_ZONE)).toBe(true);
      const m = messages.find((x) => x.ref_id === e.id);
      expect(JSON.parse(m?.variables ?? '{}').dueDate).toBe(formatDueDate(c.dueAt, 'en', CAMPAIGN_ZONE));
    }
  });
});
