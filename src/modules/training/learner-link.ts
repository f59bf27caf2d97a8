// A learner's link: the outbox message's token → its enrolment, campaign and client. The token
// is all the learner has (no account), so every way a link can be wrong answers the same "not
// available" (404-like) without saying which part failed: an unknown token, a message that is not
// a training invitation or reminder, a revoked enrolment, a cancelled campaign, an archived
// client. Only an expired link says so, and whom to ask: its holder is then known to be genuine.
import type { Db } from '../../db/connection.js';
import { AppError } from '../../lib/errors.js';
import { tokenHash } from '../mail-delivery/message-token.js';
import type { OutboxService } from '../mail-delivery/outbox.js';
import { ENROLMENT_REF } from './repository.js';

const TRAINING_PURPOSES = new Set(['training.invitation', 'training.reminder']);
const DAY_MS = 86_400_000;

export type LinkRefusal = { kind: 'unavailable' } | { kind: 'expired'; clientName: string; language: string };

/** What the API answers for a link that does not open (the pages render their own). */
export class LearnerLinkError extends AppError {
  constructor(readonly refusal: LinkRefusal) {
    super(
      refusal.kind === 'expired' ? 410 : 404,
      refusal.kind === 'expired' ? 'link_expired' : 'link_unavailable',
      refusal.kind === 'expired'
        ? `This training link has expired. Ask ${refusal.clientName}'s IT or security team, who sent it, for a new one.`
        : 'This training link is not valid. Check that you opened the whole link from the invitation.',
      refusal.kind === 'expired' ? { contact: refusal.clientName } : undefined,
    );
  }
}

export interface LearnerLink {
  /** '' when resolved from the hash (content requests) */
  token: string;
  tokenHash: string;
  clientId: string;
  clientName: string;
  enrolment: {
    id: string;
    recipientId: string;
    dueAt: string;
    clickedAt: string | null;
    startedAt: string | null;
    progress: number;
    state: string | null;
    completedAt: string | null;
    score: number | null;
    passed: number | null;
    timeSpentSeconds: number;
  };
  campaign: { id: string; contentRef: string; contentTitle: string; language: string; passMark: number | null };
  learnerName: string;
}

/**
 * When the link stops working: the later of the campaign's due date and the learner's own
 * (extended) one, plus the campaign's grace days.
 */
export const linkExpiresAt = (campaignDueAt: string, enrolmentDueAt: string, daysAfter: number): number =>
  Math.max(Date.parse(campaignDueAt), Date.parse(enrolmentDueAt)) + daysAfter * DAY_MS;

/** The link of a token (the learner's page and API). */
export const resolveLink = async (db: Db, outbox: OutboxService, token: string, now = Date.now()) =>
  resolveMessage(db, await outbox.findByToken(token), token, tokenHash(token), now);

/**
 * The link of a token's hash: what the SCORM content's path carries instead of the token, so a
 * package, which can read its own address, never learns the token that opens the learner API.
 */
export const resolveLinkByHash = async (db: Db, outbox: OutboxService, hash: string, now = Date.now()) =>
  resolveMessage(db, await outbox.findByTokenHash(hash), '', hash, now);

type FoundMessage = Awaited<ReturnType<OutboxService['findByToken']>>;

async function resolveMessage(
  db: Db,
  message: FoundMessage,
  token: string,
  hash: string,
  now: number,
): Promise<LearnerLink> {
  // Built only when thrown: an error captures a stack, and most links are fine.
  const unavailable = () => new LearnerLinkError({ kind: 'unavailable' });
  if (!message || message.refType !== ENROLMENT_REF || !message.refId || !TRAINING_PURPOSES.has(message.purpose))
    throw unavailable();
  // One query, every join scoped by the message's client.
  const row = await db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_campaigns as c', (j) =>
      j.onRef('c.id', '=', 'e.campaign_id').onRef('c.client_id', '=', 'e.client_id'),
    )
    .innerJoin('clients as cl', 'cl.id', 'e.client_id')
    .innerJoin('recipients as r', (j) =>
      j.onRef('r.id', '=', 'e.recipient_id').onRef('r.client_id', '=', 'e.client_id'),
    )
    .select([
      'e.id',
      'e.recipient_id',
      'e.due_at',
      'e.revoked_at',
      'e.clicked_at',
      'e.started_at',
      'e.progress',
      'e.state',
      'e.completed_at',
      'e.score',
      'e.passed',
      'e.time_spent_seconds',
      'c.id as campaign_id',
      'c.status',
      'c.content_ref',
      'c.content_title',
      'c.language',
      'c.pass_mark',
      'c.due_at as campaign_due_at',
      'c.link_days_after_due',
      'cl.name as client_name',
      'cl.archived_at as client_archived_at',
      'r.display_name',
      'r.first_name',
      'r.last_name',
      'r.email',
    ])
    .where('e.client_id', '=', message.clientId)
    .where('e.id', '=', message.refId)
    .executeTakeFirst();
  if (!row || row.revoked_at || row.client_archived_at || row.status === 'cancelled' || row.status === 'draft')
    throw unavailable();
  if (now > linkExpiresAt(row.campaign_due_at, row.due_at, row.link_days_after_due))
    throw new LearnerLinkError({ kind: 'expired', clientName: row.client_name, language: row.language });
  const fullName = [row.first_name, row.last_name].filter(Boolean).join(' ');
  return {
    token,
    tokenHash: hash,
    clientId: message.clientId,
    clientName: row.client_name,
    enrolment: {
      id: row.id,
      recipientId: row.recipient_id,
      dueAt: row.due_at,
      clickedAt: row.clicked_at,
      startedAt: row.started_at,
      progress: row.progress,
      state: row.state,
      completedAt: row.completed_at,
      score: row.score,
      passed: row.passed,
      timeSpentSeconds: row.time_spent_seconds,
    },
    campaign: {
      id: row.campaign_id,
      contentRef: row.content_ref,
      contentTitle: row.content_title,
      language: row.language,
      passMark: row.pass_mark,
    },
    learnerName: row.display_name || fullName || row.email,
  };
}
