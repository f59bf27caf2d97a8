// Queries for training campaigns and enrolments. Every function takes the client id and puts it
// in the where clause, except the schedules' scans across clients (due reminders, campaigns to
// launch or complete, auto-enrolment), which return the client id with each row so that
// everything after them is scoped again.
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { isPostgres } from '../../db/engine.js';
import type { TrainingCampaignsTable, TrainingEnrolmentsTable } from '../../db/types.js';
import { nowIso } from '../../lib/ids.js';
import type { Audience } from './view.js';

export type CampaignRow = TrainingCampaignsTable;
export type EnrolmentRow = TrainingEnrolmentsTable;

/** The outbox ref type of a training message: its ref id is the enrolment's. */
export const ENROLMENT_REF = 'training.enrolment';

/** Rows per INSERT: 25 columns × 500 is well under SQLite's 32,766 bound parameters. */
const CHUNK = 500;

export async function insertCampaign(db: Db, row: CampaignRow): Promise<void> {
  await db.insertInto('training_campaigns').values(row).execute();
}

export const findCampaign = (db: Db, clientId: string, campaignId: string) =>
  db
    .selectFrom('training_campaigns')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', campaignId)
    .executeTakeFirst();

/** Updates only while the campaign is in one of `statuses` (two requests racing: one wins). */
export async function updateCampaign(
  db: Db,
  clientId: string,
  campaignId: string,
  statuses: readonly CampaignRow['status'][],
  patch: Partial<CampaignRow>,
): Promise<boolean> {
  const r = await db
    .updateTable('training_campaigns')
    .set({ ...patch, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('id', '=', campaignId)
    .where('status', 'in', statuses)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteDraft(db: Db, clientId: string, campaignId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('training_campaigns')
    .where('client_id', '=', clientId)
    .where('id', '=', campaignId)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Every campaign of the client with its enrolled and completed counts (one grouped query). */
export async function listCampaigns(db: Db, clientId: string) {
  const counts = db
    .selectFrom('training_enrolments')
    .select(['campaign_id', sql<number>`count(*)`.as('enrolled'), sql<number>`count(completed_at)`.as('completed')])
    .where('client_id', '=', clientId)
    .groupBy('campaign_id')
    .as('n');
  return db
    .selectFrom('training_campaigns as c')
    .leftJoin(counts, 'n.campaign_id', 'c.id')
    .select([
      'c.id',
      'c.name',
      'c.status',
      'c.content_title',
      'c.language',
      'c.starts_at',
      'c.due_at',
      'c.launched_at',
      'c.created_at',
      'n.enrolled',
      'n.completed',
    ])
    .where('c.client_id', '=', clientId)
    .orderBy('c.created_at', 'desc')
    .execute();
}

export interface AudienceMember {
  id: string;
  email: string;
  name: string | null;
  department: string | null;
  /** the recipient's own IANA zone, null when not known */
  time_zone: string | null;
}

const displayName = sql<
  string | null
>`coalesce(r.display_name, nullif(trim(coalesce(r.first_name, '') || ' ' || coalesce(r.last_name, '')), ''))`;

interface AudienceOptions {
  /** leave out those already enrolled in that campaign (auto-enrolment) */
  exceptCampaign?: string;
  limit?: number;
  /** keyset: only recipients whose id sorts after this one (a launch reads its audience in pages) */
  after?: string;
}

/** The enabled recipients an audience names, each once (the where clause of both queries below). */
function audienceQuery(db: Db, clientId: string, audience: Audience, opts: AudienceOptions) {
  const groupIds = audience.groupIds ?? [];
  const recipientIds = audience.recipientIds ?? [];
  let q = db.selectFrom('recipients as r').where('r.client_id', '=', clientId).where('r.enabled', '=', 1);
  if (!audience.everyone) {
    q = q.where((eb) =>
      eb.or([
        ...(groupIds.length
          ? [
              eb.exists(
                eb
                  .selectFrom('recipient_group_members as m')
                  .select('m.recipient_id')
                  .where('m.client_id', '=', clientId)
                  .whereRef('m.recipient_id', '=', 'r.id')
                  .where('m.group_id', 'in', groupIds),
              ),
            ]
          : []),
        ...(recipientIds.length ? [eb('r.id', 'in', recipientIds)] : []),
      ]),
    );
  }
  if (opts.after !== undefined) q = q.where('r.id', '>', opts.after);
  if (opts.exceptCampaign) {
    const campaignId = opts.exceptCampaign;
    q = q.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('training_enrolments as e')
            .select('e.id')
            .where('e.campaign_id', '=', campaignId)
            .whereRef('e.recipient_id', '=', 'r.id'),
        ),
      ),
    );
  }
  return q;
}

const namesNobody = (a: Audience) => !a.everyone && !a.groupIds?.length && !a.recipientIds?.length;

/** The enabled recipients an audience names, each once, in id order (the order of the spread). */
export async function audienceMembers(
  db: Db,
  clientId: string,
  audience: Audience,
  opts: AudienceOptions = {},
): Promise<AudienceMember[]> {
  if (namesNobody(audience)) return [];
  let q = audienceQuery(db, clientId, audience, opts)
    .select(['r.id', 'r.email', displayName.as('name'), 'r.department', 'r.time_zone'])
    .orderBy('r.id');
  if (opts.limit) q = q.limit(opts.limit);
  return q.execute();
}

/** How many recipients audienceMembers would return (without a limit). */
export async function countAudience(db: Db, clientId: string, audience: Audience): Promise<number> {
  if (namesNobody(audience)) return 0;
  const r = await audienceQuery(db, clientId, audience, {}).select(sql<number>`count(*)`.as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Which of `ids` are recipients of this client (others' ids are simply absent). */
export async function existingRecipientIds(db: Db, clientId: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('recipients')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** What an enrolment is given when it is made; the rest starts empty (nothing learned yet). */
export type NewEnrolment = Pick<
  EnrolmentRow,
  | 'id'
  | 'client_id'
  | 'campaign_id'
  | 'recipient_id'
  | 'due_at'
  | 'invite_at'
  | 'invite_message_id'
  | 'invite_status'
  | 'department'
  | 'next_reminder_at'
>;

/** A new enrolment's row: the given fields, no progress, made and updated `now`. */
export const newEnrolment = (e: NewEnrolment, now: string): EnrolmentRow => ({
  ...e,
  revoked_at: null,
  opened_at: null,
  clicked_at: null,
  started_at: null,
  last_seen_at: null,
  progress: 0,
  state: null,
  completed_at: null,
  completed_by: null,
  score: null,
  passed: null,
  time_spent_seconds: 0,
  reminders_sent: 0,
  created_at: now,
  updated_at: now,
});

export async function insertEnrolments(db: Db, rows: EnrolmentRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('training_enrolments')
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

export const findEnrolment = (db: Db, clientId: string, campaignId: string, enrolmentId: string) =>
  db
    .selectFrom('training_enrolments as e')
    .innerJoin('recipients as r', (j) =>
      j.onRef('r.id', '=', 'e.recipient_id').onRef('r.client_id', '=', 'e.client_id'),
    )
    .selectAll('e')
    .select(['r.email', displayName.as('name'), 'r.time_zone'])
    .where('e.client_id', '=', clientId)
    .where('e.campaign_id', '=', campaignId)
    .where('e.id', '=', enrolmentId)
    .executeTakeFirst();

export async function updateEnrolment(
  db: Db,
  clientId: string,
  enrolmentId: string,
  patch: Partial<EnrolmentRow>,
): Promise<boolean> {
  const r = await db
    .updateTable('training_enrolments')
    .set({ ...patch, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('id', '=', enrolmentId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The campaign's enrolment ids of these recipients (at most one each: unique campaign+recipient). */
export async function enrolmentIdsOfRecipients(
  db: Db,
  clientId: string,
  campaignId: string,
  recipientIds: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < recipientIds.length; i += CHUNK) {
    const rows = await db
      .selectFrom('training_enrolments')
      .select('id')
      .where('campaign_id', '=', campaignId)
      .where('recipient_id', 'in', recipientIds.slice(i, i + CHUNK))
      // SQLite: `+` keeps it off the (client, campaign, …) indexes, whose two equalities it prefers
      // to the campaign+recipient index's seek per recipient, and which walk the whole campaign
      // (45 ms at 100,000 against 1 ms). PostgreSQL has no unary + on text, and its statistics choose.
      .where(isPostgres(db) ? sql.ref('client_id') : sql`+${sql.ref('client_id')}`, '=', clientId)
      .execute();
    for (const r of rows) out.push(r.id);
  }
  return out;
}

/** A subquery of the campaign's enrolment ids (for the outbox's cancelByRef). */
export const enrolmentIdsOf = (db: Db, clientId: string, campaignId: string) =>
  db
    .selectFrom('training_enrolments')
    .select('id')
    .where('client_id', '=', clientId)
    .where('campaign_id', '=', campaignId);

/** Every link of the campaign revoked and no reminder left to send. */
export async function revokeAll(db: Db, clientId: string, campaignId: string, now: string): Promise<void> {
  await db
    .updateTable('training_enrolments')
    .set({ revoked_at: now, next_reminder_at: null, updated_at: now })
    .where('client_id', '=', clientId)
    .where('campaign_id', '=', campaignId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Moves every open enrolment of the campaign to a new due date (they kept the campaign's). */
export async function moveDueDate(
  db: Db,
  clientId: string,
  campaignId: string,
  from: string,
  to: string,
): Promise<void> {
  await db
    .updateTable('training_enrolments')
    .set({ due_at: to, updated_at: nowIso() })
    .where('client_id', '=', clientId)
    .where('campaign_id', '=', campaignId)
    .where('due_at', '=', from)
    .execute();
}

/** Open enrolments of a campaign (not completed, not revoked), for rescheduling reminders, in id pages. */
export async function openEnrolmentsPage(db: Db, clientId: string, campaignId: string, after: string, limit: number) {
  return db
    .selectFrom('training_enrolments')
    .select(['id', 'due_at', 'invite_at', 'reminders_sent', 'next_reminder_at'])
    .where('client_id', '=', clientId)
    .where('campaign_id', '=', campaignId)
    .where('completed_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Sets next_reminder_at of many enrolments to per-row values, grouped so each value is one statement. */
export async function setNextReminders(
  db: Db,
  clientId: string,
  rows: readonly { id: string; next: string | null }[],
): Promise<void> {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const key = JSON.stringify(r.next);
    const ids = groups.get(key) ?? [];
    ids.push(r.id);
    groups.set(key, ids);
  }
  const now = nowIso();
  for (const [key, ids] of groups) {
    const next = JSON.parse(key) as string | null;
    for (let i = 0; i < ids.length; i += CHUNK) {
      await db
        .updateTable('training_enrolments')
        .set({ next_reminder_at: next, updated_at: now })
        .where('client_id', '=', clientId)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .execute();
    }
  }
}

/** Scheduled campaigns whose start has come (any client; an archived client's wait for its restore). */
export const campaignsToLaunch = (db: Db, now: string, only?: { clientId: string; campaignId: string }) => {
  let q = db
    .selectFrom('training_campaigns as c')
    .innerJoin('clients as k', 'k.id', 'c.client_id')
    .select(['c.id', 'c.client_id'])
    .where('c.status', '=', 'scheduled')
    .where('c.starts_at', '<=', now)
    .where('k.archived_at', 'is', null);
  if (only) q = q.where('c.client_id', '=', only.clientId).where('c.id', '=', only.campaignId);
  return q.execute();
};

/** Running campaigns that enrol later members of their groups (any client). */
export const autoEnrolCampaigns = (db: Db) =>
  db
    .selectFrom('training_campaigns as c')
    .innerJoin('clients as k', 'k.id', 'c.client_id')
    .select(['c.id', 'c.client_id'])
    .where('c.status', '=', 'running')
    .where('c.auto_enrol', '=', 1)
    .where('k.archived_at', 'is', null)
    .execute();

/**
 * Running campaigns that are done: every enrolment completed or revoked, or every link expired
 * (the latest due date, extensions included, plus the campaign's link days, has passed).
 */
export async function campaignsToComplete(db: Db, now: string) {
  const running = await db
    .selectFrom('training_campaigns as c')
    .select([
      'c.id',
      'c.client_id',
      'c.due_at',
      'c.link_days_after_due',
      (eb) =>
        eb
          .selectFrom('training_enrolments as e')
          .select(sql<string | null>`max(e.due_at)`.as('m'))
          .whereRef('e.client_id', '=', 'c.client_id')
          .whereRef('e.campaign_id', '=', 'c.id')
          .as('latest_due'),
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('training_enrolments as e')
              .select('e.id')
              .whereRef('e.client_id', '=', 'c.client_id')
              .whereRef('e.campaign_id', '=', 'c.id')
              .where('e.completed_at', 'is', null)
              .where('e.revoked_at', 'is', null),
          )
          .as('open'),
    ])
    .where('c.status', '=', 'running')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('clients as k')
          .select('k.id')
          .whereRef('k.id', '=', 'c.client_id')
          .where('k.archived_at', 'is', null),
      ),
    )
    .execute();
  const nowMs = Date.parse(now);
  return running.filter((c) => {
    const latest = [c.due_at, c.latest_due ?? c.due_at].sort().at(-1) ?? c.due_at;
    const expired = Date.parse(latest) + c.link_days_after_due * 86_400_000 < nowMs;
    return expired || !Number(c.open);
  });
}

/** Enrolments whose next reminder is due, in campaigns still running, oldest due first (any client). */
export async function dueReminders(db: Db, now: string, limit: number) {
  return db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_campaigns as c', (j) =>
      j.onRef('c.id', '=', 'e.campaign_id').onRef('c.client_id', '=', 'e.client_id'),
    )
    .innerJoin('recipients as r', (j) =>
      j.onRef('r.id', '=', 'e.recipient_id').onRef('r.client_id', '=', 'e.client_id'),
    )
    .innerJoin('clients as k', 'k.id', 'e.client_id')
    .select([
      'e.id',
      'e.client_id',
      'e.campaign_id',
      'e.recipient_id',
      'e.due_at',
      'e.invite_at',
      'e.reminders_sent',
      'e.next_reminder_at',
      'r.email',
      displayName.as('name'),
      'r.time_zone',
    ])
    .where('e.next_reminder_at', 'is not', null)
    .where('e.next_reminder_at', '<=', now)
    .where('e.completed_at', 'is', null)
    .where('e.revoked_at', 'is', null)
    .where('c.status', '=', 'running')
    .where('k.archived_at', 'is', null)
    .orderBy('e.next_reminder_at')
    .orderBy('e.id')
    .limit(limit)
    .execute();
}

/**
 * Claims due reminders: each enrolment's next_reminder_at and reminders_sent move on, only where
 * next_reminder_at is still the value read (`from`), so of two workers each reminder goes once.
 * Grouped by the new values: a batch of one campaign has few distinct ones. Returns the ids claimed.
 */
export async function claimReminders(
  db: Db,
  clientId: string,
  rows: readonly { id: string; from: string; next: string | null; sent: number }[],
): Promise<Set<string>> {
  const groups = new Map<string, string[]>();
  for (const r of rows) {
    const key = JSON.stringify([r.from, r.next, r.sent]);
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  const claimed = new Set<string>();
  const now = nowIso();
  for (const [key, ids] of groups) {
    const [from, next, sent] = JSON.parse(key) as [string, string | null, number];
    const done = await db
      .updateTable('training_enrolments')
      .set({ next_reminder_at: next, reminders_sent: sent, updated_at: now })
      .where('client_id', '=', clientId)
      .where('id', 'in', ids)
      .where('next_reminder_at', '=', from)
      .where('completed_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .execute();
    for (const r of done) claimed.add(r.id);
  }
  return claimed;
}
