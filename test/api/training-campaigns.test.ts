// Training campaigns through the API: validation that names the field, the lifecycle (draft,
// scheduled, running, cancelled), launch (one invitation per learner, with the enrolment as its
// ref and a time inside the window), reminders only to those not completed, the actions on one
// learner (with their audit entries), auto-enrolment, aggregates and formula-safe exports.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { localParts } from '../../src/modules/training/window.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { manifest12, manifest2004, zip } from '../helpers/scorm.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let otherClientId: string;
let profileId: string;
let otherProfileId: string;
let groupId: string;
const recipients: { id: string; email: string }[] = [];
const PUBLIC_URL = 'https://baitwise.training.test';
const COURSE = 'builtin:recognising-phishing';

const db = () => t.db.handle.db;
const api = (method: string, path: string, body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/training${path}`, body);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function relay(cid: string) {
  const r = await t.as(sys, 'POST', `/api/v1/clients/${cid}/sending-profiles`, {
    name: 'Relay',
    kind: 'smtp',
    fromAddress: 'security@relay.test',
    smtp: { host: 'relay.test', port: 25, security: 'none' },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

beforeAll(async () => {
  t = await createTestApp({ env: { BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Training Ltd' })).json().id;
  otherClientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Other Ltd' })).json().id;
  profileId = await relay(clientId);
  otherProfileId = await relay(otherClientId);
  groupId = (await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipient-groups`, { name: 'Sales' })).json().id;
  const people = [
    { email: 'ann@training.test', displayName: 'Ann', department: 'Sales' },
    { email: 'bob@training.test', displayName: 'Bob', department: 'Sales' },
    { email: 'cy@training.test', displayName: '=HYPERLINK("http://evil.test","x")', department: '@Finance' },
    { email: 'dee@training.test', displayName: 'Dee', department: 'Finance' },
  ];
  for (const p of people) {
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, { ...p, groupIds: [groupId] });
    expect(r.statusCode, r.body).toBe(201);
    recipients.push({ id: r.json().id, email: p.email });
  }
}, 60_000);
afterAll(async () => t?.close());

const draft = (extra: Record<string, unknown> = {}) => ({
  name: 'Phishing basics',
  contentRef: COURSE,
  language: 'en',
  profileId,
  audience: { groupIds: [groupId] },
  timeZone: 'Europe/Berlin',
  dueAt: inDays(14),
  ...extra,
});

async function create(extra: Record<string, unknown> = {}) {
  const r = await api('POST', '/campaigns', draft(extra));
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; status: string; invitation: { html: string } };
}

async function launched(extra: Record<string, unknown> = {}) {
  const c = await create(extra);
  const r = await api('POST', `/campaigns/${c.id}/launch`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { id: string; status: string };
}

const enrolmentsOf = (campaignId: string) =>
  db().selectFrom('training_enrolments').selectAll().where('campaign_id', '=', campaignId).orderBy('id').execute();
const messagesOf = (ids: string[], purpose?: string) => {
  let q = db().selectFrom('outbox_messages').selectAll().where('ref_type', '=', 'training.enrolment');
  q = q.where('ref_id', 'in', ids.length ? ids : ['none']);
  if (purpose) q = q.where('purpose', '=', purpose);
  return q.execute();
};
const audit = (action: string, targetId: string) =>
  db().selectFrom('audit_log').selectAll().where('action', '=', action).where('target_id', '=', targetId).execute();

describe('validation names the field', () => {
  it.each([
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
    ['dueAt', { startsAt: inDays(10), dueAt: inDays(5) }],
    ['audience', { audience: {} }],
    ['audience.groupIds', { audience: { groupIds: ['00000000-0000-4000-8000-000000000000'] } }],
    ['profileId', { profileId: 'other' }],
    ['contentRef', { contentRef: 'builtin:no-such-course' }],
    ['invitation.html', { invitation: { subject: 'Hi', html: '<p>no link here</p>' } }],
    ['invitation.subject', { invitation: { subject: 'Hi {{ broken', html: '<a href="{{ link }}">go</a>' } }],
    ['autoEnrol', { autoEnrol: true, audience: { everyone: true } }],
    ['window.to', { window: { days: [1], from: '17:00', to: '09:00', spreadDays: 1 } }],
  ] as [string, Record<string, unknown>][])('refuses a bad %s with 400 and nothing written', async (field, extra) => {
    const body = draft(extra.profileId === 'other' ? { profileId: otherProfileId } : extra);
    const before = await db().selectFrom('training_campaigns').select('id').execute();
    const r = await api('POST', '/campaigns', body);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details.field).toBe(field);
    expect(await db().selectFrom('training_campaigns').select('id').execute()).toEqual(before);
  });

  it("answers 404 for another client's campaign", async () => {
    const c = await create();
    const r = await t.as(sys, 'GET', `/api/v1/clients/${otherClientId}/training/campaigns/${c.id}`);
    expect(r.statusCode).toBe(404);
  });
});

describe('SCORM content', () => {
  /** Uploads a zip as the client's own package, as the console does (the raw zip body). */
  async function upload(body: Buffer): Promise<string> {
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/v1/clients/${clientId}/training/packages`,
      headers: { cookie: sys.cookie, 'x-csrf-token': sys.csrf, 'content-type': 'application/zip' },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  }
  const page = { name: 'index.html', data: '<!doctype html><title>x</title>' };

  // Most SCORM 1.2 manifests carry no LOM metadata, so no language: such a package is playable in
  // a campaign of either language (the campaign's language is the portal's), not refused as
  // "available in , not in en".
  it('a package whose manifest names no language can be the content of an English or German campaign', async () => {
    const id = await upload(await zip([{ name: 'imsmanifest.xml', data: manifest12() }, page]));
    await create({ contentRef: `package:${id}`, language: 'en' });
    await create({ contentRef: `package:${id}`, language: 'de' });
  });

  it('a package in en-US can be the content of an English campaign, not of a German one', async () => {
    const files = [
      { name: 'imsmanifest.xml', data: manifest2004({ language: 'en-US' }) },
      { name: 'content/start.html', data: page.data },
      { name: 'content/other.html', data: page.data },
    ];
    const id = await upload(await zip(files));
    await create({ contentRef: `package:${id}`, language: 'en' });
    const r = await api('POST', '/campaigns', draft({ contentRef: `package:${id}`, language: 'de' }));
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error.details.field).toBe('language');
  });
});

describe('lifecycle', () => {
  it('creates a draft with the language’s default invitation, edits it, and deletes it', async () => {
    const c = await create({ language: 'de' });
    expect(c.status).toBe('draft');
    expect(c.invitation.html).toContain('{{ link }}');
    expect(c.invitation.html).toContain('Schulung');
    const renamed = await api('PATCH', `/campaigns/${c.id}`, { name: 'Renamed' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().name).toBe('Renamed');
    expect((await api('DELETE', `/campaigns/${c.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/campaigns/${c.id}`)).statusCode).toBe(404);
  });

  it('launches: one invitation per learner, the enrolment as its ref, each inside the window', async () => {
    const window = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00', spreadDays: 2 };
    const before = Date.now();
    const c = await launched({ window });
    expect(c.status).toBe('running');
    const enrolments = await enrolmentsOf(c.id);
    expect(enrolments.map((e) => e.recipient_id).sort()).toEqual(recipients.map((r) => r.id).sort());
    const messages = await messagesOf(enrolments.map((e) => e.id));
    expect(messages).toHaveLength(recipients.length);
    for (const e of enrolments) {
      const m = messages.find((x) => x.ref_id === e.id);
      expect(m?.purpose).toBe('training.invitation');
      expect(m?.id).toBe(e.invite_message_id);
      expect(m?.next_attempt_at).toBe(e.invite_at);
      const at = Date.parse(e.invite_at);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      const p = localParts(at, 'Europe/Berlin');
      expect(p.weekday).toBeLessThanOrEqual(5);
      expect(p.hour).toBeGreaterThanOrEqual(9);
      expect(p.hour).toBeLessThan(17);
    }
    // Spread, not bunched: four learners over two open days get four different times.
    expect(new Set(enrolments.map((e) => e.invite_at)).size).toBe(4);
    const content = await db()
      .selectFrom('outbox_contents')
      .selectAll()
      .where('id', '=', messages[0]?.content_id ?? '')
      .executeTakeFirstOrThrow();
    expect(content.html).toContain(`${PUBLIC_URL}/learn/{{ message.token }}`);
    // Running: only the due date, reminders and link validity change.
    const rename = await api('PATCH', `/campaigns/${c.id}`, { name: 'Other' });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().error.details.field).toBe('name');
    const due = inDays(21);
    const moved = await api('PATCH', `/campaigns/${c.id}`, { dueAt: due });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await enrolmentsOf(c.id)).map((e) => e.due_at)).toEqual(new Array(4).fill(due));
    expect((await api('DELETE', `/campaigns/${c.id}`)).statusCode).toBe(409);
    expect((await api('POST', `/campaigns/${c.id}/launch`)).statusCode).toBe(409);
  });

  it('schedules a launch at its start time and launches when it comes', async () => {
    const c = await launched({ startsAt: inDays(2), dueAt: inDays(9) });
    expect(c.status).toBe('scheduled');
    expect(await enrolmentsOf(c.id)).toHaveLength(0);
    // Not yet due: nothing happens.
    expect(await t.app.services.training.campaigns.launchScheduled(clientId, c.id)).toBe(false);
    await db()
      .updateTable('training_campaigns')
      .set({ starts_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', c.id)
      .execute();
    expect(await t.app.services.training.campaigns.launchDue()).toBe(1);
    expect((await api('GET', `/campaigns/${c.id}`)).json().status).toBe('running');
    expect(await enrolmentsOf(c.id)).toHaveLength(4);
  });

  it('cancel cancels every queued message and revokes every link', async () => {
    const c = await launched({ startsAt: null });
    const ids = (await enrolmentsOf(c.id)).map((e) => e.id);
    const r = await api('POST', `/campaigns/${c.id}/cancel`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().status).toBe('cancelled');
    expect((await messagesOf(ids)).map((m) => m.status)).toEqual(new Array(4).fill('cancelled'));
    for (const e of await enrolmentsOf(c.id)) {
      expect(e.revoked_at).not.toBeNull();
      expect(e.next_reminder_at).toBeNull();
    }
    expect((await api('POST', `/campaigns/${c.id}/cancel`)).statusCode).toBe(409);
  });
});

describe('reminders', () => {
  it('go only to learners who have not completed, then move on to the next', async () => {
    const c = await launched({ reminders: { beforeDueDays: 3, afterDueEveryDays: 2, maxAfterDue: 1 } });
    const enrolments = await enrolmentsOf(c.id);
    const due = enrolments[0]?.due_at ?? '';
    expect(enrolments[0]?.next_reminder_at).toBe(new Date(Date.parse(due) - 3 * 86_400_000).toISOString());
    const [done, ...open] = enrolments;
    // The portal completed one learner (without clearing the reminder: the query must not rely on it).
    await db()
      .updateTable('training_enrolments')
      .set({ completed_at: new Date().toISOString(), progress: 100 })
      .where('id', '=', done?.id ?? '')
      .execute();
    const past = new Date(Date.now() - 60_000).toISOString();
    await db()
      .updateTable('training_enrolments')
      .set({ next_reminder_at: past })
      .where('campaign_id', '=', c.id)
      .execute();
    await t.app.services.training.campaigns.sendDueReminders();
    const reminders = await messagesOf(
      enrolments.map((e) => e.id),
      'training.reminder',
    );
    expect(reminders.map((m) => m.ref_id).sort()).toEqual(open.map((e) => e.id).sort());
    for (const e of await enrolmentsOf(c.id)) {
      if (e.id === done?.id) expect(e.reminders_sent).toBe(0);
      else {
        expect(e.reminders_sent).toBe(1);
        // the before-due one was sent: next, two days after the due date
        expect(e.next_reminder_at).toBe(new Date(Date.parse(due) + 2 * 86_400_000).toISOString());
      }
    }
    // Nothing more is due now: a second run sends nothing.
    await t.app.services.training.campaigns.sendDueReminders();
    expect(
      await messagesOf(
        enrolments.map((e) => e.id),
        'training.reminder',
      ),
    ).toHaveLength(3);
  });
});

describe('one learner', () => {
  it('resend, extend and mark complete, each with its audit entry', async () => {
    const c = await launched();
    const [a, b] = await enrolmentsOf(c.id);
    const path = (e: typeof a, action: string) => `/campaigns/${c.id}/enrolments/${e?.id}/${action}`;

    expect((await api('POST', path(a, 'resend'))).statusCode).toBe(204);
    const invitations = await messagesOf([a?.id ?? ''], 'training.invitation');
    expect(invitations).toHaveLength(2);
    const after = (await enrolmentsOf(c.id)).find((e) => e.id === a?.id);
    expect(after?.invite_message_id).not.toBe(a?.invite_message_id);
    expect(await audit('training_enrolment.resend', a?.id ?? '')).toHaveLength(1);

    const later = inDays(30);
    const bad = await api('POST', path(a, 'extend'), { dueAt: inDays(-1) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('dueAt');
    expect((await api('POST', path(a, 'extend'), { dueAt: later })).statusCode).toBe(204);
    expect((await enrolmentsOf(c.id)).find((e) => e.id === a?.id)?.due_at).toBe(later);
    expect(JSON.parse((await audit('training_enrolment.extend', a?.id ?? ''))[0]?.details ?? '{}').to).toBe(later);

    const noReason = await api('POST', path(b, 'complete'), {});
    expect(noReason.statusCode).toBe(400);
    expect((await api('POST', path(b, 'complete'), { reason: 'Attended the classroom session' })).statusCode).toBe(204);
    const completed = (await enrolmentsOf(c.id)).find((e) => e.id === b?.id);
    expect(completed?.completed_at).not.toBeNull();
    expect(completed?.completed_by).toBe(sys.operatorId);
    expect(completed?.next_reminder_at).toBeNull();
    const entry = (await audit('training_enrolment.complete', b?.id ?? ''))[0];
    expect(JSON.parse(entry?.details ?? '{}').reason).toBe('Attended the classroom session');
    expect(entry?.actor_id).toBe(sys.operatorId);

    expect((await api('POST', path(a, 'revoke'))).statusCode).toBe(204);
    const revoked = (await enrolmentsOf(c.id)).find((e) => e.id === a?.id);
    expect(revoked?.revoked_at).not.toBeNull();
    expect((await messagesOf([a?.id ?? ''])).map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    expect((await api('POST', path(a, 'resend'))).statusCode).toBe(409);
  });
});

describe('auto-enrolment', () => {
  it('enrols and invites members added to the group after the launch, once', async () => {
    const c = await launched({ autoEnrol: true });
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients`, {
      email: 'late@training.test',
      displayName: 'Late Joiner',
    });
    const lateId = r.json().id as string;
    const put = await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/recipient-groups/${groupId}/members/${lateId}`);
    expect(put.statusCode).toBe(204);
    await t.app.services.training.campaigns.autoEnrol();
    await t.app.services.training.campaigns.autoEnrol();
    const late = (await enrolmentsOf(c.id)).filter((e) => e.recipient_id === lateId);
    expect(late).toHaveLength(1);
    expect(await messagesOf([late[0]?.id ?? ''], 'training.invitation')).toHaveLength(1);
    await t.as(sys, 'DELETE', `/api/v1/clients/${clientId}/recipient-groups/${groupId}/members/${lateId}`);
  });
});

describe('results', () => {
  let campaignId: string;
  beforeAll(async () => {
    campaignId = (await launched({ name: 'Results', audience: { recipientIds: recipients.map((r) => r.id) } })).id;
    const all = await enrolmentsOf(campaignId);
    // in the order of `recipients`: ann, bob, cy
    const [a, b, c] = recipients.map((r) => all.find((e) => e.recipient_id === r.id));
    const set = (id: string | undefined, v: Record<string, unknown>) =>
      db()
        .updateTable('training_enrolments')
        .set(v)
        .where('id', '=', id ?? '')
        .execute();
    // a: completed yesterday 23:30 Berlin (22:30 UTC in winter → still "yesterday" there)
    await set(a?.id, {
      started_at: '2027-01-10T20:00:00.000Z',
      completed_at: '2027-01-10T22:30:00.000Z',
      progress: 100,
      score: 90,
      passed: 1,
    });
    // b: completed at 23:30 UTC, which is the next day in Berlin
    await set(b?.id, {
      started_at: '2027-01-10T21:00:00.000Z',
      completed_at: '2027-01-10T23:30:00.000Z',
      progress: 100,
      score: 60,
      passed: 0,
    });
    // c: started, overdue
    await set(c?.id, { started_at: '2027-01-09T10:00:00.000Z', progress: 40, due_at: inDays(-1) });
    await db()
      .updateTable('outbox_messages')
      .set({ status: 'sent', sent_at: new Date().toISOString() })
      .where('id', 'in', [a?.invite_message_id ?? '', b?.invite_message_id ?? ''])
      .execute();
    await db()
      .updateTable('outbox_messages')
      .set({ status: 'failed' })
      .where('id', '=', c?.invite_message_id ?? '')
      .execute();
  });

  it('aggregates the funnel, completion by local day, departments, groups and overdue', async () => {
    const r = await api('GET', `/campaigns/${campaignId}/results`);
    expect(r.statusCode, r.body).toBe(200);
    const res = r.json();
    expect(res.enrolled).toBe(4);
    expect(res.funnel).toEqual({ invited: 2, pending: 1, failed: 1, clicked: 0, started: 3, completed: 2 });
    expect(res.passed).toBe(1);
    expect(res.overdue).toBe(1);
    expect(res.averageScore).toBe(75);
    expect(res.completionByDay).toEqual([
      { day: '2027-01-10', completed: 1, cumulative: 1 },
      { day: '2027-01-11', completed: 1, cumulative: 2 },
    ]);
    const dept = Object.fromEntries(
      res.byDepartment.map((d: { department: string; enrolled: number; completed: number }) => [
        d.department,
        [d.enrolled, d.completed],
      ]),
    );
    expect(dept).toEqual({ Sales: [2, 2], '@Finance': [1, 0], Finance: [1, 0] });
    expect(res.byGroup).toEqual([{ groupId, name: 'Sales', enrolled: 4, completed: 2 }]);
    const list = (await api('GET', '/campaigns')).json().items;
    expect(list.find((x: { id: string }) => x.id === campaignId).completionRate).toBe(0.5);
  });

  // The aggregates read training_enrolments alone; the invitation's status and the department are
  // copied there and must follow every later change (migrations/0013_training_results.ts).
  it('follows the invitation: a later failure counts as failed, a resend as pending, the old message no more', async () => {
    const own = await api('GET', `/campaigns/${campaignId}/enrolments?search=dee`);
    const dee = own.json().items[0] as { id: string };
    const before = await enrolmentsOf(campaignId);
    const oldMessage = before.find((e) => e.id === dee.id)?.invite_message_id ?? '';
    const funnel = async () => (await api('GET', `/campaigns/${campaignId}/results`)).json().funnel;
    // as the dispatcher records a permanent failure
    await db().updateTable('outbox_messages').set({ status: 'failed' }).where('id', '=', oldMessage).execute();
    expect(await funnel()).toMatchObject({ invited: 2, pending: 0, failed: 2 });
    const resent = await api('POST', `/campaigns/${campaignId}/enrolments/${dee.id}/resend`);
    expect(resent.statusCode, resent.body).toBe(204);
    expect(await funnel()).toMatchObject({ invited: 2, pending: 1, failed: 1 });
    // the first invitation's status changes again (an operator's retry, then sent): not the enrolment's any more
    await db().updateTable('outbox_messages').set({ status: 'sent' }).where('id', '=', oldMessage).execute();
    expect(await funnel()).toMatchObject({ invited: 2, pending: 1, failed: 1 });
    const newMessage = (await enrolmentsOf(campaignId)).find((e) => e.id === dee.id)?.invite_message_id ?? '';
    await db().updateTable('outbox_messages').set({ status: 'failed' }).where('id', '=', newMessage).execute();
    expect(await funnel()).toMatchObject({ invited: 2, pending: 0, failed: 2 });
  });

  it('counts a learner under the department the recipient has now', async () => {
    const dee = recipients[3]?.id ?? '';
    const byDept = async () =>
      Object.fromEntries(
        (await api('GET', `/campaigns/${campaignId}/results`))
          .json()
          .byDepartment.map((d: { department: string; enrolled: number }) => [d.department, d.enrolled]),
      );
    const moved = await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}/recipients/${dee}`, { department: 'Legal' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await byDept()).toEqual({ Sales: 2, '@Finance': 1, Legal: 1 });
    await t.as(sys, 'PATCH', `/api/v1/clients/${clientId}/recipients/${dee}`, { department: 'Finance' });
    expect(await byDept()).toEqual({ Sales: 2, '@Finance': 1, Finance: 1 });
  });

  it('lists learners with filters and keyset pages', async () => {
    const page1 = (await api('GET', `/campaigns/${campaignId}/enrolments?limit=3`)).json();
    expect(page1.items).toHaveLength(3);
    const page2 = (await api('GET', `/campaigns/${campaignId}/enrolments?limit=3&cursor=${page1.nextCursor}`)).json();
    expect(page2.items).toHaveLength(1);
    expect(page2.nextCursor).toBeNull();
    const q = async (query: string) =>
      (await api('GET', `/campaigns/${campaignId}/enrolments?${query}`))
        .json()
        .items.map((e: { recipient: { email: string } }) => e.recipient.email);
    expect(await q('status=completed')).toHaveLength(2);
    expect(await q('status=overdue')).toEqual([recipients[2]?.email]);
    expect(await q('status=not_started')).toEqual([recipients[3]?.email]);
    expect(await q('department=Finance')).toEqual([recipients[3]?.email]);
    expect(await q('search=BOB')).toEqual(['bob@training.test']);
    expect(await q('search=%25')).toEqual([]);
    const first = [...page1.items, ...page2.items].find(
      (e: { recipient: { email: string } }) => e.recipient.email === recipients[0]?.email,
    );
    expect(first).toMatchObject({ status: 'completed', invitation: 'sent', score: 90, passed: true, progress: 100 });
  });

  it('exports CSV and XLSX with formula-like cells written as text', async () => {
    const csv = await api('GET', `/campaigns/${campaignId}/export?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
    expect(csv.body).toContain(",'@Finance,");
    expect(csv.body).not.toMatch(/(^|,)[=@+-]/m);

    const xlsx = await t.app.inject({
      method: 'GET',
      url: `/api/v1/clients/${clientId}/training/campaigns/${campaignId}/export?format=xlsx`,
      headers: { cookie: sys.cookie },
    });
    expect(xlsx.statusCode).toBe(200);
    const files = await unzip(xlsx.rawPayload);
    expect(Object.keys(files)).toContain('xl/worksheets/sheet1.xml');
    const sheet = files['xl/worksheets/sheet1.xml'] ?? '';
    expect(sheet).toContain('<t xml:space="preserve">\'=HYPERLINK(&quot;http://evil.test&quot;,&quot;x&quot;)</t>');
    expect(sheet).toContain("'@Finance");
    expect(sheet).not.toContain('<f>');
  });
});

/** The entries of a zip, read through its central directory as a spreadsheet application does. */
function unzip(buf: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: Record<string, string> = {};
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out[entry.fileName] = Buffer.concat(chunks).toString('utf8');
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
