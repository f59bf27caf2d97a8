// A learner's link without the campaigns part: a campaign and an enrolment written directly, and
// an invitation enqueued through the outbox (ref training.enrolment), so the token is the real one
// the invitation would carry. Used by the learner portal's API and browser tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/http/actor.js';
import { newId, nowIso } from '../../src/lib/ids.js';
import { messageToken } from '../../src/modules/mail-delivery/message-token.js';
import { newEnrolment } from '../../src/modules/training/repository.js';

export interface LearnerFixture {
  clientId: string;
  campaignId: string;
  enrolmentId: string;
  token: string;
}

const DAY = 86_400_000;

/** Who the fixture's set-up is recorded as (the audit log names the actor of every change). */
const FIXTURE_ACTOR: Actor = {
  operatorId: 'fixture',
  email: 'fixture@baitwise.test',
  name: 'Test fixture',
  role: 'system_admin',
  clientIds: new Set(),
  via: 'session',
  sessionId: null,
  tokenId: null,
  ip: '127.0.0.1',
};

export async function learnerFixture(
  app: App,
  opts: {
    clientName?: string;
    contentRef?: string;
    language?: 'en' | 'de';
    dueInDays?: number;
    linkDaysAfterDue?: number;
    purpose?: string;
    learner?: { email: string; firstName?: string; lastName?: string };
  } = {},
): Promise<LearnerFixture> {
  const db = app.container.db.db;
  const now = nowIso();
  const clientId = newId();
  const name = opts.clientName ?? `Client ${clientId.slice(0, 6)}`;
  await db
    .insertInto('clients')
    .values({ id: clientId, name, name_key: name.toLowerCase(), archived_at: null, created_at: now, updated_at: now })
    .execute();
  const learner = opts.learner ?? {
    email: `learner@${clientId.slice(0, 6)}.test`,
    firstName: 'Ada',
    lastName: 'Lovelace',
  };
  const recipientId = newId();
  await db
    .insertInto('recipients')
    .values({
      id: recipientId,
      client_id: clientId,
      email: learner.email,
      email_key: learner.email.toLowerCase(),
      first_name: learner.firstName ?? null,
      last_name: learner.lastName ?? null,
      display_name: null,
      department: null,
      job_title: null,
      office_location: null,
      entra_object_id: null,
      user_type: null,
      enabled: 1,
      source: 'manual',
      created_at: now,
      updated_at: now,
    })
    .execute();
  // A minimal SMTP relay profile, made the way the console makes one: the outbox needs one, and
  // nothing is sent (the invitation's notBefore is far ahead).
  const profile = await app.services.mail.profiles.create(FIXTURE_ACTOR, clientId, {
    name: 'Relay',
    kind: 'smtp',
    fromAddress: 'security@relay.test',
    smtp: { host: 'relay.test', port: 25, security: 'none' },
  });
  return { clientId, ...(await enrolLearner(app, clientId, recipientId, profile.id, opts)) };
}

export type EnrolOptions = Pick<
  Parameters<typeof learnerFixture>[1] & object,
  'contentRef' | 'language' | 'dueInDays' | 'linkDaysAfterDue' | 'purpose'
>;

/** A running campaign of an existing client, one enrolment of `recipientId`, and its invitation's token. */
export async function enrolLearner(
  app: App,
  clientId: string,
  recipientId: string,
  profileId: string,
  opts: EnrolOptions = {},
): Promise<Omit<LearnerFixture, 'clientId'>> {
  const db = app.container.db.db;
  const now = nowIso();
  const recipient = await db
    .selectFrom('recipients')
    .select('email')
    .where('client_id', '=', clientId)
    .where('id', '=', recipientId)
    .executeTakeFirstOrThrow();
  const dueAt = new Date(Date.now() + (opts.dueInDays ?? 14) * DAY).toISOString();
  const campaignId = newId();
  await db
    .insertInto('training_campaigns')
    .values({
      id: campaignId,
      client_id: clientId,
      name: 'Awareness',
      status: 'running',
      content_ref: opts.contentRef ?? 'builtin:recognising-phishing',
      content_title: 'Recognising phishing',
      language: opts.language ?? 'en',
      profile_id: profileId,
      audience: JSON.stringify({ everyone: true }),
      auto_enrol: 0,
      invite_subject: 'Training',
      invite_html: '<p>{{ link }}</p>',
      reminder_subject: 'Reminder',
      reminder_html: '<p>{{ link }}</p>',
      time_zone: 'Europe/Berlin',
      recipient_time_zones: 0,
      starts_at: null,
      window: null,
      due_at: dueAt,
      reminders: JSON.stringify({ beforeDueDays: 3, afterDueEveryDays: 7, maxAfterDue: 2 }),
      pass_mark: null,
      link_days_after_due: opts.linkDaysAfterDue ?? 30,
      created_by: null,
      created_at: now,
      updated_at: now,
      launched_at: now,
      completed_at: null,
      cancelled_at: null,
    })
    .execute();
  const enrolmentId = newId();
  await db
    .insertInto('training_enrolments')
    .values(
      newEnrolment(
        {
          id: enrolmentId,
          client_id: clientId,
          campaign_id: campaignId,
          recipient_id: recipientId,
          due_at: dueAt,
          invite_at: now,
          invite_message_id: null,
          invite_status: null,
          department: null,
          next_reminder_at: dueAt,
        },
        now,
      ),
    )
    .execute();
  const [messageId] = await db.transaction().execute((trx) =>
    app.services.mail.outbox.enqueue(trx, {
      clientId,
      profileId,
      purpose: opts.purpose ?? 'training.invitation',
      content: { subject: 'Training', html: null, text: 'Your link: {{ message.token }}' },
      messages: [
        { to: { address: recipient.email }, recipientId, ref: { type: 'training.enrolment', id: enrolmentId } },
      ],
      notBefore: '2999-01-01T00:00:00.000Z',
    }),
  );
  const key = await app.services.mail.dispatch.keys.key(clientId);
  return { campaignId, enrolmentId, token: messageToken(key, messageId ?? '') };
}

/** A SCORM 1.2 package of `clientId` on disk and in training_packages: one launch page. */
export async function packageFixture(app: App, clientId: string, body: string): Promise<string> {
  const id = newId();
  const dir = join(app.container.config.dataDir, 'training', 'packages', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><title>Package</title></head><body>${body}</body></html>`,
  );
  writeFileSync(join(dir, 'app.js'), 'window.packageLoaded = true;');
  const now = nowIso();
  await app.container.db.db
    .insertInto('training_packages')
    .values({
      id,
      client_id: clientId,
      title: 'A package',
      description: null,
      language: 'en',
      scorm_version: '1.2',
      launch_href: 'index.html',
      file_count: 2,
      size_bytes: 100,
      uploaded_by: null,
      created_at: now,
      updated_at: now,
      archived_at: null,
    })
    .execute();
  return id;
}
