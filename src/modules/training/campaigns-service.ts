// Training campaigns: drafts, launch (every enrolment and its invitation in one transaction),
// scheduled launches, reminders, auto-enrolment, completion, cancel, and the actions on one
// learner. Mail goes only through the outbox (mail-delivery/outbox.ts), enqueued in the
// transaction that records why it exists.

import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { jobType } from '../../jobs/definition.js';
import type { JobQueue } from '../../jobs/queue.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, newOrderedId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import type { OutboxService } from '../mail-delivery/outbox.js';
import { checkTemplates } from '../mail-delivery/render.js';
import { findProfile } from '../mail-delivery/repository.js';
import { existingGroupIds } from '../recipients/groups-repository.js';
import { afterReminder, nextReminder } from './reminder-plan.js';
import * as repo from './repository.js';
import { DEFAULT_TEMPLATES, formatDueDate, hasLink, type Language, type MailTemplate, withLink } from './templates.js';
import type { Audience, CampaignInput, CampaignListItem, CampaignPatch, CampaignView, Reminders } from './view.js';
import { isTimeZone, type SendWindow, Spread } from './window.js';

/** What campaigns need of the content library (modules/training/content.ts, ContentLibrary). */
export interface ContentResolver {
  resolve(
    clientId: string,
    ref: string,
    db?: Db,
  ): Promise<{ title: string; languages: string[]; passMark: number | null } | undefined>;
}

/** Launches a scheduled campaign at its start (enqueued with the change that scheduled it). */
export const TrainingLaunchJob = jobType(
  'training-launch',
  Type.Object({ clientId: Type.String(), campaignId: Type.String() }, { additionalProperties: false }),
  { singleton: true },
);

const DEFAULT_REMINDERS: Reminders = { beforeDueDays: 3, afterDueEveryDays: 7, maxAfterDue: 2 };
const DEFAULT_LINK_DAYS = 30;
/** Reminders handled per transaction by the schedule. */
const REMINDER_BATCH = 500;
/** Auto-enrolment: members enrolled per transaction. */
const ENROL_BATCH = 5_000;
/**
 * A launch reads its audience, and writes enrolments and invitations, this many recipients at a
 * time, all in its one transaction: what it holds in memory is one page, not the whole audience
 * (100,000 learners' members, messages and rows at once peaked at 1.1 GB RSS on PostgreSQL).
 * Each page is one outbox batch, so one copy of the invitation's content per page.
 */
const LAUNCH_PAGE = 5_000;

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

export function campaignView(c: repo.CampaignRow): CampaignView {
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    contentRef: c.content_ref,
    contentTitle: c.content_title,
    language: c.language as Language,
    profileId: c.profile_id,
    audience: JSON.parse(c.audience) as Audience,
    autoEnrol: c.auto_enrol === 1,
    invitation: { subject: c.invite_subject, html: c.invite_html },
    reminder: { subject: c.reminder_subject, html: c.reminder_html },
    timeZone: c.time_zone,
    recipientTimeZones: c.recipient_time_zones === 1,
    startsAt: c.starts_at,
    window: parse<SendWindow>(c.window),
    dueAt: c.due_at,
    reminders: JSON.parse(c.reminders) as Reminders,
    linkDaysAfterDue: c.link_days_after_due,
    passMark: c.pass_mark,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    launchedAt: c.launched_at,
    completedAt: c.completed_at,
    cancelledAt: c.cancelled_at,
  };
}

const iso = (s: string) => new Date(s).toISOString();

/** A campaign's settings as columns: the same for a new draft and for an edit. */
interface CampaignSettings {
  name: string;
  contentRef: string;
  language: string;
  profileId: string;
  audience: unknown;
  autoEnrol: boolean;
  invitation: { subject: string; html: string };
  reminder: { subject: string; html: string };
  timeZone: string;
  recipientTimeZones: boolean;
  startsAt: string | null;
  window: unknown;
  dueAt: string;
  reminders: unknown;
  linkDaysAfterDue: number;
  passMark: number | null;
}

const settingsColumns = (full: CampaignSettings, contentTitle: string) => ({
  name: full.name.trim(),
  content_ref: full.contentRef,
  content_title: contentTitle,
  language: full.language,
  profile_id: full.profileId,
  audience: JSON.stringify(full.audience),
  auto_enrol: full.autoEnrol ? 1 : 0,
  invite_subject: full.invitation.subject,
  invite_html: full.invitation.html,
  reminder_subject: full.reminder.subject,
  reminder_html: full.reminder.html,
  time_zone: full.timeZone,
  recipient_time_zones: full.recipientTimeZones ? 1 : 0,
  starts_at: full.startsAt ? iso(full.startsAt) : null,
  window: full.window ? JSON.stringify(full.window) : null,
  due_at: iso(full.dueAt),
  reminders: JSON.stringify(full.reminders),
  pass_mark: full.passMark,
  link_days_after_due: full.linkDaysAfterDue,
});

/** What may change once a campaign is scheduled or running. */
const LIVE_EDITABLE = new Set(['dueAt', 'reminders', 'linkDaysAfterDue']);

export class TrainingCampaignService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly outbox: OutboxService,
    private readonly content: ContentResolver,
    private readonly publicUrl: string,
  ) {}

  templates(language: Language) {
    return DEFAULT_TEMPLATES[language];
  }

  async list(clientId: string): Promise<Static<typeof CampaignListItem>[]> {
    const rows = await repo.listCampaigns(this.db, clientId);
    return rows.map((r) => {
      const enrolled = Number(r.enrolled ?? 0);
      const completed = Number(r.completed ?? 0);
      return {
        id: r.id,
        name: r.name,
        status: r.status,
        contentTitle: r.content_title,
        language: r.language as Language,
        startsAt: r.starts_at,
        dueAt: r.due_at,
        launchedAt: r.launched_at,
        enrolled,
        completed,
        completionRate: r.launched_at && enrolled > 0 ? completed / enrolled : r.launched_at ? 0 : null,
      };
    });
  }

  async campaign(clientId: string, campaignId: string, db: Db = this.db): Promise<repo.CampaignRow> {
    const c = await repo.findCampaign(db, clientId, campaignId);
    if (!c) throw new NotFoundError('Training campaign');
    return c;
  }

  async get(clientId: string, campaignId: string): Promise<CampaignView> {
    return campaignView(await this.campaign(clientId, campaignId));
  }

  async create(actor: Actor, clientId: string, input: CampaignInput): Promise<CampaignView> {
    const defaults = DEFAULT_TEMPLATES[input.language];
    const full = {
      ...input,
      invitation: input.invitation ?? defaults.invitation,
      reminder: input.reminder ?? defaults.reminder,
      reminders: input.reminders ?? DEFAULT_REMINDERS,
      autoEnrol: input.autoEnrol ?? false,
      recipientTimeZones: input.recipientTimeZones ?? false,
      startsAt: input.startsAt ?? null,
      window: input.window ?? null,
      linkDaysAfterDue: input.linkDaysAfterDue ?? DEFAULT_LINK_DAYS,
      passMark: input.passMark ?? null,
    };
    const contentTitle = await this.check(clientId, full);
    const now = nowIso();
    const row: repo.CampaignRow = {
      id: newId(),
      client_id: clientId,
      status: 'draft',
      ...settingsColumns(full, contentTitle),
      created_by: actor.operatorId,
      created_at: now,
      updated_at: now,
      launched_at: null,
      completed_at: null,
      cancelled_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.insertCampaign(trx, row);
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_campaign.create',
        targetType: 'training_campaign',
        targetId: row.id,
        details: { name: row.name, contentRef: row.content_ref },
      });
    });
    return campaignView(row);
  }

  /**
   * A draft changes freely. A scheduled or running campaign changes only its due date, reminders
   * and link validity: its learners were (or are about to be) invited with the rest.
   */
  async update(actor: Actor, clientId: string, campaignId: string, patch: CampaignPatch): Promise<CampaignView> {
    const c = await this.campaign(clientId, campaignId);
    const current = campaignView(c);
    if (c.status === 'completed' || c.status === 'cancelled')
      throw new ConflictError('status', `A ${c.status} campaign cannot be changed.`);
    const live = c.status !== 'draft';
    if (live) {
      const refused = Object.keys(patch).filter((k) => !LIVE_EDITABLE.has(k));
      if (refused.length)
        throw new ValidationError(
          refused[0] ?? 'body',
          `A ${c.status} campaign changes only its due date, reminders and link validity; ${refused.join(', ')} cannot change now.`,
        );
    }
    const full = {
      name: patch.name ?? current.name,
      contentRef: patch.contentRef ?? current.contentRef,
      language: patch.language ?? current.language,
      profileId: patch.profileId ?? current.profileId ?? '',
      audience: patch.audience ?? current.audience,
      autoEnrol: patch.autoEnrol ?? current.autoEnrol,
      invitation: patch.invitation ?? current.invitation,
      reminder: patch.reminder ?? current.reminder,
      timeZone: patch.timeZone ?? current.timeZone,
      recipientTimeZones: patch.recipientTimeZones ?? current.recipientTimeZones,
      startsAt: patch.startsAt === undefined ? current.startsAt : patch.startsAt,
      window: patch.window === undefined ? current.window : patch.window,
      dueAt: patch.dueAt ?? current.dueAt,
      reminders: patch.reminders ?? current.reminders,
      linkDaysAfterDue: patch.linkDaysAfterDue ?? current.linkDaysAfterDue,
      passMark: patch.passMark === undefined ? current.passMark : patch.passMark,
    };
    const contentTitle = live ? c.content_title : await this.check(clientId, full);
    if (live) {
      const start = Date.parse(c.starts_at ?? c.launched_at ?? nowIso());
      if (Date.parse(full.dueAt) <= Math.max(start, Date.now()))
        throw new ValidationError('dueAt', 'The due date must be in the future and after the start.');
    }
    const rowPatch: Partial<repo.CampaignRow> = settingsColumns(full, contentTitle);
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.updateCampaign(trx, clientId, campaignId, [c.status], rowPatch)))
        throw new ConflictError('status', 'The campaign changed meanwhile; load it again.');
      if (live && (patch.dueAt !== undefined || patch.reminders !== undefined)) {
        // Learners who kept the campaign's due date move with it; everyone's reminders are replanned.
        if (rowPatch.due_at !== c.due_at)
          await repo.moveDueDate(trx, clientId, campaignId, c.due_at, rowPatch.due_at ?? c.due_at);
        await this.replan(trx, clientId, campaignId, full.reminders);
      }
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_campaign.update',
        targetType: 'training_campaign',
        targetId: campaignId,
        details: { fields: Object.keys(patch) },
      });
    });
    return this.get(clientId, campaignId);
  }

  async delete(actor: Actor, clientId: string, campaignId: string): Promise<void> {
    const c = await this.campaign(clientId, campaignId);
    if (c.status !== 'draft')
      throw new ConflictError('status', 'Only a draft can be deleted; cancel a launched campaign instead.');
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.deleteDraft(trx, clientId, campaignId)))
        throw new ConflictError('status', 'The campaign changed meanwhile; load it again.');
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_campaign.delete',
        targetType: 'training_campaign',
        targetId: campaignId,
        details: { name: c.name },
      });
    });
  }

  /** Launches now, or schedules the launch at `starts_at` (a job enqueued with the change). */
  async launch(actor: Actor, clientId: string, campaignId: string): Promise<CampaignView> {
    const c = await this.campaign(clientId, campaignId);
    if (c.status !== 'draft') throw new ConflictError('status', `The campaign is ${c.status}, not a draft.`);
    const view = campaignView(c);
    await this.check(clientId, { ...view, profileId: view.profileId ?? '' });
    if (c.starts_at && Date.parse(c.starts_at) > Date.now()) {
      await this.db.transaction().execute(async (trx) => {
        if (!(await repo.updateCampaign(trx, clientId, campaignId, ['draft'], { status: 'scheduled' })))
          throw new ConflictError('status', 'The campaign changed meanwhile; load it again.');
        await this.queue.enqueue(
          trx,
          TrainingLaunchJob,
          { clientId, campaignId },
          {
            singletonKey: `campaign:${campaignId}`,
            startAfterSeconds: Math.ceil((Date.parse(c.starts_at ?? '') - Date.now()) / 1000),
          },
        );
        await recordAudit(trx, actor, {
          clientId,
          action: 'training_campaign.schedule',
          targetType: 'training_campaign',
          targetId: campaignId,
          details: { startsAt: c.starts_at },
        });
      });
    } else {
      await this.launchNow(actor, clientId, campaignId, 'draft');
    }
    return this.get(clientId, campaignId);
  }

  /** The scheduled launch (job or schedule): does nothing unless the campaign still waits for it. */
  async launchScheduled(clientId: string, campaignId: string): Promise<boolean> {
    const due = await repo.campaignsToLaunch(this.db, nowIso(), { clientId, campaignId });
    if (due.length === 0) return false;
    try {
      await this.launchNow(null, clientId, campaignId, 'scheduled');
      return true;
    } catch (err) {
      // Its audience emptied or its content went meanwhile: the campaign goes back to draft, told why.
      if (err instanceof ValidationError || err instanceof NotFoundError) {
        await this.db.transaction().execute(async (trx) => {
          await repo.updateCampaign(trx, clientId, campaignId, ['scheduled'], { status: 'draft' });
          await recordAudit(trx, null, {
            clientId,
            action: 'training_campaign.launch_failed',
            targetType: 'training_campaign',
            targetId: campaignId,
            details: { reason: err.message },
          });
        });
        return false;
      }
      throw err;
    }
  }

  private async launchNow(
    actor: Actor | null,
    clientId: string,
    campaignId: string,
    from: 'draft' | 'scheduled',
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const c = await this.campaign(clientId, campaignId, trx);
      const content = await this.content.resolve(clientId, c.content_ref, trx);
      if (!content) throw new ValidationError('contentRef', 'The training content is no longer available.');
      const now = nowIso();
      const startsAt = c.starts_at && c.starts_at > now ? c.starts_at : now;
      if (
        !(await repo.updateCampaign(trx, clientId, campaignId, [from], {
          status: 'running',
          launched_at: now,
          starts_at: startsAt,
          content_title: content.title,
        }))
      )
        throw new ConflictError('status', 'The campaign changed meanwhile; load it again.');
      const audience = JSON.parse(c.audience) as Audience;
      // Counted first: the spread places recipient i of n. Then read and written a page at a time
      // (keyset on the id, the spread's order), so memory holds one page whatever the audience.
      const n = await repo.countAudience(trx, clientId, audience);
      if (n === 0) throw new ValidationError('audience', 'The audience has no enabled recipients to enrol.');
      const campaign = { ...c, content_title: content.title };
      const spread = this.spread(campaign, n, Date.parse(startsAt));
      let enrolled = 0;
      for (let after = ''; ; ) {
        const page = await repo.audienceMembers(trx, clientId, audience, { after, limit: LAUNCH_PAGE });
        if (page.length === 0) break;
        enrolled += await this.enrol(trx, campaign, page, spread, enrolled);
        after = page.at(-1)?.id ?? after;
        if (page.length < LAUNCH_PAGE) break;
      }
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_campaign.launch',
        targetType: 'training_campaign',
        targetId: campaignId,
        details: { enrolled, startsAt },
      });
      return enrolled;
    });
  }

  /** The campaign's spread of `count` invitations over its window from `startMs`. */
  private spread(c: repo.CampaignRow, count: number, startMs: number): Spread {
    return new Spread(count, startMs, parse<SendWindow>(c.window), c.time_zone);
  }

  /**
   * Enrolments and their invitations for `members`, who are recipients `first`… of the spread:
   * each invitation at its place in the window and with the due date written in the learner's
   * zone (learnerZone).
   */
  private async enrol(trx: Db, c: repo.CampaignRow, members: repo.AudienceMember[], spread: Spread, first = 0) {
    const zones = members.map((m) => learnerZone(c, m.time_zone));
    const times = members.map((_, i) => spread.at(first + i, zones[i]));
    const reminders = JSON.parse(c.reminders) as Reminders;
    const dueDate = dueDates(c);
    const ids = members.map(() => newOrderedId());
    const messageIds = await this.outbox.enqueue(trx, {
      clientId: c.client_id,
      profileId: c.profile_id ?? '',
      purpose: 'training.invitation',
      content: this.mailContent({ subject: c.invite_subject, html: c.invite_html }),
      messages: members.map((m, i) => ({
        to: { address: m.email, name: m.name },
        recipientId: m.id,
        variables: { course: { title: c.content_title }, dueDate: dueDate(c.due_at, zones[i] ?? c.time_zone) },
        ref: { type: repo.ENROLMENT_REF, id: ids[i] ?? '' },
        notBefore: times[i],
      })),
    });
    const now = nowIso();
    await repo.insertEnrolments(
      trx,
      members.map((m, i) => {
        const inviteAt = times[i] ?? now;
        return repo.newEnrolment(
          {
            id: ids[i] ?? '',
            client_id: c.client_id,
            campaign_id: c.id,
            recipient_id: m.id,
            due_at: c.due_at,
            invite_at: inviteAt,
            invite_message_id: messageIds[i] ?? null,
            invite_status: messageIds[i] ? 'queued' : null,
            department: m.department,
            next_reminder_at: nextReminder(
              { due_at: c.due_at, invite_at: inviteAt, reminders_sent: 0 },
              reminders,
              Date.parse(inviteAt),
            ),
          },
          now,
        );
      }),
    );
    return members.length;
  }

  private mailContent(t: MailTemplate) {
    return { subject: t.subject, html: withLink(t.html, this.publicUrl), text: null };
  }

  /** Cancels: every unsent message of the campaign is cancelled and every link revoked. */
  async cancel(actor: Actor, clientId: string, campaignId: string): Promise<CampaignView> {
    const c = await this.campaign(clientId, campaignId);
    if (c.status === 'completed' || c.status === 'cancelled')
      throw new ConflictError('status', `The campaign is already ${c.status}.`);
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      if (
        !(await repo.updateCampaign(trx, clientId, campaignId, [c.status], { status: 'cancelled', cancelled_at: now }))
      )
        throw new ConflictError('status', 'The campaign changed meanwhile; load it again.');
      const cancelled = await this.outbox.cancelByRef(
        trx,
        clientId,
        repo.ENROLMENT_REF,
        repo.enrolmentIdsOf(trx, clientId, campaignId),
      );
      await repo.revokeAll(trx, clientId, campaignId, now);
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_campaign.cancel',
        targetType: 'training_campaign',
        targetId: campaignId,
        details: { cancelledMessages: cancelled },
      });
    });
    return this.get(clientId, campaignId);
  }

  // ---- one learner ----

  private async liveEnrolment(clientId: string, campaignId: string, enrolmentId: string) {
    const c = await this.campaign(clientId, campaignId);
    const e = await repo.findEnrolment(this.db, clientId, campaignId, enrolmentId);
    if (!e) throw new NotFoundError('Enrolment');
    if (c.status !== 'running') throw new ConflictError('status', `The campaign is ${c.status}, not running.`);
    return { c, e };
  }

  /** A new invitation now (a new outbox message, so a new token; the old links keep working). */
  async resend(actor: Actor, clientId: string, campaignId: string, enrolmentId: string): Promise<void> {
    const { c, e } = await this.liveEnrolment(clientId, campaignId, enrolmentId);
    if (e.revoked_at) throw new ConflictError('enrolmentId', 'This learner’s link is revoked.');
    if (e.completed_at) throw new ConflictError('enrolmentId', 'This learner has completed the training.');
    await this.db.transaction().execute(async (trx) => {
      const [messageId] = await this.outbox.enqueue(trx, {
        clientId,
        profileId: c.profile_id ?? '',
        purpose: 'training.invitation',
        content: this.mailContent({ subject: c.invite_subject, html: c.invite_html }),
        messages: [
          {
            to: { address: e.email, name: e.name },
            recipientId: e.recipient_id,
            variables: {
              course: { title: c.content_title },
              dueDate: dueDates(c)(e.due_at, learnerZone(c, e.time_zone)),
            },
            ref: { type: repo.ENROLMENT_REF, id: e.id },
          },
        ],
      });
      await repo.updateEnrolment(trx, clientId, e.id, {
        invite_message_id: messageId ?? null,
        invite_status: messageId ? 'queued' : null,
      });
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_enrolment.resend',
        targetType: 'training_enrolment',
        targetId: e.id,
        details: { campaignId },
      });
    });
  }

  async extend(actor: Actor, clientId: string, campaignId: string, enrolmentId: string, dueAt: string) {
    const { c, e } = await this.liveEnrolment(clientId, campaignId, enrolmentId);
    if (e.completed_at) throw new ConflictError('enrolmentId', 'This learner has completed the training.');
    if (e.revoked_at) throw new ConflictError('enrolmentId', 'This learner’s link is revoked.');
    const due = iso(dueAt);
    if (Date.parse(due) <= Date.now()) throw new ValidationError('dueAt', 'The new due date must be in the future.');
    const reminders = JSON.parse(c.reminders) as Reminders;
    await this.db.transaction().execute(async (trx) => {
      await repo.updateEnrolment(trx, clientId, e.id, {
        due_at: due,
        next_reminder_at: nextReminder({ ...e, due_at: due }, reminders, Date.now()),
      });
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_enrolment.extend',
        targetType: 'training_enrolment',
        targetId: e.id,
        details: { campaignId, from: e.due_at, to: due },
      });
    });
  }

  async complete(actor: Actor, clientId: string, campaignId: string, enrolmentId: string, reason: string) {
    const { e } = await this.liveEnrolment(clientId, campaignId, enrolmentId);
    if (e.completed_at) throw new ConflictError('enrolmentId', 'This learner has already completed the training.');
    await this.db.transaction().execute(async (trx) => {
      await repo.updateEnrolment(trx, clientId, e.id, {
        completed_at: nowIso(),
        completed_by: actor.operatorId,
        next_reminder_at: null,
      });
      await this.outbox.cancelByRef(trx, clientId, repo.ENROLMENT_REF, [e.id]);
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_enrolment.complete',
        targetType: 'training_enrolment',
        targetId: e.id,
        details: { campaignId, reason: reason.trim() },
      });
    });
  }

  async revoke(actor: Actor, clientId: string, campaignId: string, enrolmentId: string) {
    const c = await this.campaign(clientId, campaignId);
    const e = await repo.findEnrolment(this.db, clientId, campaignId, enrolmentId);
    if (!e) throw new NotFoundError('Enrolment');
    if (e.revoked_at) return;
    await this.db.transaction().execute(async (trx) => {
      await repo.updateEnrolment(trx, clientId, e.id, { revoked_at: nowIso(), next_reminder_at: null });
      await this.outbox.cancelByRef(trx, clientId, repo.ENROLMENT_REF, [e.id]);
      await recordAudit(trx, actor, {
        clientId,
        action: 'training_enrolment.revoke',
        targetType: 'training_enrolment',
        targetId: e.id,
        details: { campaignId: c.id },
      });
    });
  }

  // ---- the schedules ----

  /** Scheduled campaigns whose start has come and whose job was lost or late. */
  async launchDue(): Promise<number> {
    let n = 0;
    for (const c of await repo.campaignsToLaunch(this.db, nowIso()))
      if (await this.launchScheduled(c.client_id, c.id)) n++;
    return n;
  }

  /**
   * Reminders due now, in batches: per batch one transaction that claims the enrolments (moves
   * next_reminder_at on, only where it is still what was read, so two workers never both send)
   * and enqueues their reminders.
   */
  async sendDueReminders(budgetMs = 20_000): Promise<number> {
    const until = Date.now() + budgetMs;
    let sent = 0;
    for (;;) {
      const now = nowIso();
      const due = await repo.dueReminders(this.db, now, REMINDER_BATCH);
      if (due.length === 0) break;
      const byCampaign = new Map<string, typeof due>();
      for (const e of due) byCampaign.set(e.campaign_id, [...(byCampaign.get(e.campaign_id) ?? []), e]);
      for (const [campaignId, rows] of byCampaign) {
        const clientId = rows[0]?.client_id ?? '';
        sent += await this.db.transaction().execute(async (trx) => {
          const c = await this.campaign(clientId, campaignId, trx);
          const reminders = JSON.parse(c.reminders) as Reminders;
          const plans = rows.map((e) => ({
            e,
            ...afterReminder({ ...e, next_reminder_at: e.next_reminder_at ?? now }, reminders, Date.parse(now)),
          }));
          const claimed = await repo.claimReminders(
            trx,
            clientId,
            plans.map((p) => ({ id: p.e.id, from: p.e.next_reminder_at ?? now, next: p.next, sent: p.sent })),
          );
          const mine = plans.filter((p) => claimed.has(p.e.id));
          if (mine.length === 0) return 0;
          const dueDate = dueDates(c);
          await this.outbox.enqueue(trx, {
            clientId,
            profileId: c.profile_id ?? '',
            purpose: 'training.reminder',
            content: this.mailContent({ subject: c.reminder_subject, html: c.reminder_html }),
            messages: mine.map(({ e }) => ({
              to: { address: e.email, name: e.name },
              recipientId: e.recipient_id,
              variables: {
                course: { title: c.content_title },
                dueDate: dueDate(e.due_at, learnerZone(c, e.time_zone)),
              },
              ref: { type: repo.ENROLMENT_REF, id: e.id },
            })),
          });
          return mine.length;
        });
      }
      if (due.length < REMINDER_BATCH || Date.now() > until) break;
    }
    return sent;
  }

  /**
   * Auto-enrolment: members of a running auto-enrol campaign's groups who are not enrolled yet
   * (added by directory sync or by hand since the launch) are enrolled and invited. One indexed
   * anti-join per campaign; running it twice enrols nobody twice (unique campaign+recipient).
   */
  async autoEnrol(): Promise<number> {
    let n = 0;
    for (const { id, client_id } of await repo.autoEnrolCampaigns(this.db)) {
      n += await this.db.transaction().execute(async (trx) => {
        const c = await this.campaign(client_id, id, trx);
        if (c.status !== 'running') return 0;
        const audience = JSON.parse(c.audience) as Audience;
        const members = await repo.audienceMembers(
          trx,
          client_id,
          { groupIds: audience.groupIds ?? [] },
          { exceptCampaign: id, limit: ENROL_BATCH },
        );
        if (members.length === 0) return 0;
        const enrolled = await this.enrol(trx, c, members, this.spread(c, members.length, Date.now()));
        await recordAudit(trx, null, {
          clientId: client_id,
          action: 'training_campaign.auto_enrol',
          targetType: 'training_campaign',
          targetId: id,
          details: { enrolled },
        });
        return enrolled;
      });
    }
    return n;
  }

  /** Running campaigns where everybody completed, or every link expired, become completed. */
  async completeFinished(): Promise<number> {
    const now = nowIso();
    let n = 0;
    for (const c of await repo.campaignsToComplete(this.db, now)) {
      if (
        await repo.updateCampaign(this.db, c.client_id, c.id, ['running'], { status: 'completed', completed_at: now })
      )
        n++;
    }
    return n;
  }

  // ---- checks ----

  private async replan(trx: Db, clientId: string, campaignId: string, reminders: Reminders): Promise<void> {
    const nowMs = Date.now();
    let after = '';
    for (;;) {
      const page = await repo.openEnrolmentsPage(trx, clientId, campaignId, after, 2_000);
      if (page.length === 0) break;
      await repo.setNextReminders(
        trx,
        clientId,
        page.map((e) => ({ id: e.id, next: nextReminder(e, reminders, nowMs) })),
      );
      after = page.at(-1)?.id ?? after;
    }
  }

  /** Everything a draft must satisfy; returns the content's title. Errors name the field. */
  private async check(
    clientId: string,
    f: {
      contentRef: string;
      language: Language;
      profileId: string;
      audience: Audience;
      autoEnrol: boolean;
      invitation: MailTemplate;
      reminder: MailTemplate;
      timeZone: string;
      startsAt: string | null;
      window: SendWindow | null;
      dueAt: string;
    },
  ): Promise<string> {
    if (!isTimeZone(f.timeZone))
      throw new ValidationError('timeZone', `"${f.timeZone}" is not a known IANA time zone (e.g. Europe/Berlin).`);
    const start = f.startsAt ? Date.parse(f.startsAt) : Date.now();
    if (Date.parse(f.dueAt) <= start)
      throw new ValidationError('dueAt', 'The due date must be after the start (and in the future).');
    if (f.window && f.window.from >= f.window.to)
      throw new ValidationError('window.to', 'The window must close after it opens (from before to).');
    const groupIds = f.audience.groupIds ?? [];
    const recipientIds = f.audience.recipientIds ?? [];
    if (!f.audience.everyone && groupIds.length === 0 && recipientIds.length === 0)
      throw new ValidationError('audience', 'Choose everyone, some groups or some recipients.');
    if (f.autoEnrol && groupIds.length === 0)
      throw new ValidationError('autoEnrol', 'Automatic enrolment follows groups: choose at least one group.');
    const groups = await existingGroupIds(this.db, clientId, groupIds);
    const missingGroup = groupIds.find((g) => !groups.has(g));
    if (missingGroup) throw new ValidationError('audience.groupIds', `No such group: ${missingGroup}.`);
    const recipients = await repo.existingRecipientIds(this.db, clientId, recipientIds);
    const missingRecipient = recipientIds.find((r) => !recipients.has(r));
    if (missingRecipient) throw new ValidationError('audience.recipientIds', `No such recipient: ${missingRecipient}.`);
    if (!(await findProfile(this.db, clientId, f.profileId)))
      throw new ValidationError('profileId', 'No such sending profile in this client.');
    for (const [part, t] of [
      ['invitation', f.invitation],
      ['reminder', f.reminder],
    ] as const) {
      if (!hasLink(t.html))
        throw new ValidationError(`${part}.html`, `The ${part} must contain the learner's link, {{ link }}.`);
      try {
        checkTemplates({ subject: t.subject, html: t.html, text: null });
      } catch (err) {
        if (err instanceof AppError) throw new ValidationError(`${part}.${err.details?.field ?? 'html'}`, err.message);
        throw err;
      }
    }
    const content = await this.content.resolve(clientId, f.contentRef);
    if (!content) throw new ValidationError('contentRef', `No such training content: ${f.contentRef}.`);
    if (!offersLanguage(content.languages, f.language))
      throw new ValidationError(
        'language',
        `${content.title} is available in ${content.languages.join(', ')}, not in ${f.language}.`,
      );
    return content.title;
  }
}

/**
 * The zone a learner's mail is placed and dated in: their own where the campaign asks for it and
 * it is known (and still known to Intl: a zone stored before an ICU update may have gone), else
 * the campaign's.
 */
export function learnerZone(c: Pick<repo.CampaignRow, 'recipient_time_zones' | 'time_zone'>, own: string | null) {
  return c.recipient_time_zones === 1 && own && isTimeZone(own) ? own : c.time_zone;
}

/** The due date as learners read it, in the campaign's language, per zone (formatted once per zone and date). */
function dueDates(c: Pick<repo.CampaignRow, 'language'>) {
  const done = new Map<string, string>();
  return (dueAt: string, zone: string): string => {
    const key = `${dueAt}|${zone}`;
    let s = done.get(key);
    if (s === undefined) {
      s = formatDueDate(dueAt, c.language as Language, zone);
      done.set(key, s);
    }
    return s;
  };
}

/**
 * Whether content in `languages` suits a campaign in `language`. A language tag matches by its
 * primary subtag (a package in en-US is English). Content that names no language (most SCORM 1.2
 * manifests carry no LOM metadata) suits either: the campaign's language is the portal's.
 */
export function offersLanguage(languages: readonly string[], language: string): boolean {
  if (languages.length === 0) return true;
  return languages.some((l) => l.toLowerCase().split('-')[0] === language);
}
