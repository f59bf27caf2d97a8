// The outbox: how every other capability sends mail. A producer enqueues its messages inside the
// transaction that records why they exist (a campaign's recipients, a reply to a reporter), so a
// committed change always has its mail and a rolled-back one never does; the dispatch job for the
// profile is enqueued in the same transaction. Each message gets its Message-ID and token now,
// before any attempt, so a retry is the same message.
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { jobType } from '../../jobs/definition.js';
import type { JobQueue } from '../../jobs/queue.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { newOrderedId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { findApp } from '../azure-apps/repository.js';
import { isMessageToken, type MessageTokenKeys, messageToken, tokenHash } from './message-token.js';
import { domainOf } from './profiles.js';
import { checkTemplates, type MessageTemplates } from './render.js';
import * as repo from './repository.js';
import { outboxStatusView, reasonView } from './view.js';

/** One job per profile: send what is due, at the profile's pace. */
export const MailDispatchJob = jobType(
  'mail-dispatch',
  Type.Object({ clientId: Type.String(), profileId: Type.String() }, { additionalProperties: false }),
  { singleton: true },
);
export const dispatchKey = (profileId: string) => `profile:${profileId}`;

export interface OutgoingBatch {
  clientId: string;
  profileId: string;
  /** what the mail is for, e.g. `training.invitation`; shown in the console */
  purpose: string;
  /** Liquid templates rendered per message with its variables, `recipient` and `message.token` */
  content: MessageTemplates;
  messages: {
    to: { address: string; name?: string | null };
    recipientId?: string | null;
    variables?: Record<string, unknown>;
    /** what produced this message (a campaign enrolment, an incident) */
    ref?: { type: string; id: string };
    /** this message not before this time (default: the batch's); a campaign spreads its invitations */
    notBefore?: string;
  }[];
  /** not before this time (default now) */
  notBefore?: string;
  /** not after this time: a message still queued then expires instead of going late */
  notAfter?: string | null;
}

/** Rows per INSERT: well under SQLite's 32,766 bound parameters at 20 columns. */
const CHUNK = 500;

export class OutboxService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly keys: MessageTokenKeys,
  ) {}

  /**
   * Enqueue inside the caller's transaction `trx`. Returns the message ids in input order. The
   * templates are checked here, so a broken template fails the producer's transaction, not the send.
   */
  async enqueue(trx: Db, batch: OutgoingBatch): Promise<string[]> {
    checkTemplates(batch.content);
    const profile = await repo.findProfile(trx, batch.clientId, batch.profileId);
    if (!profile) throw new NotFoundError('Sending profile');
    const key = await this.keys.key(batch.clientId, trx);
    const sender =
      profile.from_address ??
      profile.mailbox ??
      (profile.azure_app_id ? (await findApp(trx, batch.clientId, profile.azure_app_id))?.ms_upn : null) ??
      'baitwise.invalid';
    const domain = domainOf(sender);
    const now = nowIso();
    const contentId = newOrderedId();
    await trx
      .insertInto('outbox_contents')
      .values({
        id: contentId,
        client_id: batch.clientId,
        subject: batch.content.subject,
        html: batch.content.html,
        text: batch.content.text,
        created_at: now,
      })
      .execute();
    const ids: string[] = [];
    for (let i = 0; i < batch.messages.length; i += CHUNK) {
      const rows = batch.messages.slice(i, i + CHUNK).map((m) => {
        const id = newOrderedId();
        ids.push(id);
        return {
          id,
          client_id: batch.clientId,
          profile_id: batch.profileId,
          content_id: contentId,
          recipient_id: m.recipientId ?? null,
          to_address: m.to.address,
          to_name: m.to.name ?? null,
          variables: JSON.stringify(m.variables ?? {}),
          purpose: batch.purpose,
          ref_type: m.ref?.type ?? null,
          ref_id: m.ref?.id ?? null,
          message_id: `${id}@${domain}`,
          token_hash: tokenHash(messageToken(key, id)),
          status: 'queued' as const,
          attempts: 0,
          next_attempt_at: m.notBefore ?? batch.notBefore ?? now,
          not_after: batch.notAfter ?? null,
          lease_until: null,
          in_doubt: 0,
          last_error: null,
          provider_id: null,
          sent_at: null,
          created_at: now,
          updated_at: now,
        };
      });
      await trx.insertInto('outbox_messages').values(rows).execute();
    }
    await this.kick(trx, batch.clientId, batch.profileId);
    return ids;
  }

  /**
   * The message a token from a link (a learner's, a reporter's) belongs to, or undefined. The
   * token is looked up by its SHA-256, as stored; a malformed one never reaches the database.
   */
  async findByToken(
    token: string,
  ): Promise<
    { id: string; clientId: string; refType: string | null; refId: string | null; purpose: string } | undefined
  > {
    if (!isMessageToken(token)) return undefined;
    return this.findByTokenHash(tokenHash(token));
  }

  /** The same by the token's SHA-256 (hex), for a link that carries the hash instead of the token. */
  async findByTokenHash(hash: string) {
    if (!/^[0-9a-f]{64}$/.test(hash)) return undefined;
    const m = await repo.findMessageByTokenHash(this.db, hash);
    return m && { id: m.id, clientId: m.client_id, refType: m.ref_type, refId: m.ref_id, purpose: m.purpose };
  }

  /**
   * Cancels the still-queued messages of the given refs inside the caller's transaction (a
   * cancelled campaign, a revoked enrolment): what is already being sent is left to finish.
   * `refIds` is a list or a subquery selecting the ids (a whole campaign's enrolments at once).
   */
  async cancelByRef(trx: Db, clientId: string, refType: string, refIds: repo.RefIds): Promise<number> {
    return repo.cancelQueuedByRef(trx, clientId, refType, refIds, nowIso());
  }

  /** Makes sure a dispatch job for the profile is queued (a singleton: at most one waits). */
  async kick(trx: Db, clientId: string, profileId: string): Promise<void> {
    await this.queue.enqueue(trx, MailDispatchJob, { clientId, profileId }, { singletonKey: dispatchKey(profileId) });
  }

  async status(clientId: string, profileId: string) {
    const p = await repo.findProfile(this.db, clientId, profileId);
    if (!p) throw new NotFoundError('Sending profile');
    return outboxStatusView(p, await repo.queueCounts(this.db, clientId, profileId, new Date()));
  }

  async messages(clientId: string, profileId: string, q: { status?: string; limit: number; cursor?: string }) {
    const p = await repo.findProfile(this.db, clientId, profileId);
    if (!p) throw new NotFoundError('Sending profile');
    const rows = await repo.listMessages(
      this.db,
      clientId,
      profileId,
      q.status as repo.MessageRow['status'] | undefined,
      q.limit + 1,
      q.cursor,
    );
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((m) => ({
        id: m.id,
        to: { address: m.to_address, name: m.to_name },
        purpose: m.purpose,
        ref: m.ref_type && m.ref_id ? { type: m.ref_type, id: m.ref_id } : null,
        messageId: `<${m.message_id}>`,
        status: m.status,
        attempts: m.attempts,
        nextAttemptAt: m.next_attempt_at,
        notAfter: m.not_after,
        inDoubt: m.in_doubt === 1,
        lastError: reasonView(m.last_error),
        providerId: m.provider_id,
        sentAt: m.sent_at,
        createdAt: m.created_at,
      })),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** Failed or expired messages (one, or all of the profile) back to the queue. */
  async retry(actor: Actor, clientId: string, profileId: string, messageId: string | null): Promise<number> {
    const p = await repo.findProfile(this.db, clientId, profileId);
    if (!p) throw new NotFoundError('Sending profile');
    return this.db.transaction().execute(async (trx) => {
      const n = await repo.requeue(trx, clientId, profileId, messageId, nowIso());
      if (messageId && n === 0)
        throw new ValidationError('messageId', 'Only a failed or expired message can be sent again.');
      if (n > 0) await this.kick(trx, clientId, profileId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'outbox.retry',
        targetType: 'sending_profile',
        targetId: profileId,
        details: { messages: n, ...(messageId ? { messageId } : {}) },
      });
      return n;
    });
  }
}
