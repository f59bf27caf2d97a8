// The dispatcher: one job per sending profile (singleton), working for a time slice and then
// handing the rest to a new job, like directory sync. Per message: take a slot of the profile's
// pace, claim the message (lease), render, send, record; on a busy profile the record of one
// message and the slot and claim of the next are one transaction (turn). The message row is
// committed as "sending" before the send and as "sent" after it, so a worker killed in between
// leaves exactly the messages that were in flight in doubt: their lease runs out, the next claim
// marks them in_doubt and sends them again with the same Message-ID. No other message can go twice.
import type { Db } from '../../db/connection.js';
import type { SecretBox } from '../../lib/crypto.js';
import { nowIso } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import { findApp } from '../azure-apps/repository.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { isClientArchived } from '../clients/repository.js';
import { DeliveryError } from './delivery-error.js';
import { type MessageTokenKeys, messageToken } from './message-token.js';
import { backOff, returnSlots, type Taken, takeSlots } from './pacing.js';
import { profileSecrets, senderHeaders } from './profile-fields.js';
import type { MessageTemplates } from './render.js';
import { RenderError, type RenderPool } from './render-pool.js';
import * as repo from './repository.js';
import { mailTiming } from './timing.js';
import { graphSendMail, HeldBack, office365Smtp, smtpRelay, type Transport, type TransportDeps } from './transports.js';

/** Transient failures (SMTP 4xx, network) are retried this many times, backing off, then fail. */
export const MAX_ATTEMPTS = 8;

/** How often a running dispatcher looks for lost attempts (see run). */
const LOST_CHECK_MS = 1000;

const backoffMs = (attempt: number) => Math.min(60 * 60_000, 60_000 * 2 ** Math.max(0, attempt - 1));

export interface DispatcherDeps extends TransportDeps {
  db: Db;
  /** renders and writes each message, on threads of its own (render-pool.ts) */
  renderer: RenderPool;
  secrets: SecretBox;
  tokens: TokenService;
  keys: MessageTokenKeys;
  logger?: Logger;
}

/** Builds the profile's transport, or says why the profile cannot send at all. */
export async function openTransport(deps: DispatcherDeps, p: repo.ProfileRow): Promise<Transport> {
  if (p.kind === 'smtp') return smtpRelay(p, profileSecrets(deps.secrets, p), deps.config.mailSliceSeconds);
  const app = p.azure_app_id ? await findApp(deps.db, p.client_id, p.azure_app_id) : undefined;
  if (!app) throw new DeliveryError('profile', 'azure_app_missing', 'The profile has no Azure application.');
  if (app.status === 'reauth_required')
    throw new DeliveryError('profile', 'reauthorization_required', 'The Azure application must be authorized again.');
  if (app.status !== 'connected')
    throw new DeliveryError('profile', 'not_authorized', 'The Azure application is not connected.');
  if (p.kind === 'office365') {
    if (app.smtp_sending !== 1)
      throw new DeliveryError(
        'profile',
        'smtp_sending_disabled',
        'SMTP sending is not enabled on the Azure application.',
      );
    return office365Smtp(p, app, deps);
  }
  return graphSendMail(p, app, deps);
}

export interface DispatchOutcome {
  sent: number;
  failed: number;
  /** stopped because the profile paused (reason on the profile) */
  paused: boolean;
  /** work left that is due now (the slice ended first) */
  more: boolean;
}

export class ProfileDispatch {
  private readonly inflight = new Set<Promise<void>>();
  private readonly contents = new Map<string, Promise<MessageTemplates | undefined>>();
  private readonly finishing: {
    m: repo.MessageRow;
    patch: Partial<repo.MessageRow>;
    resolve: (ok: boolean) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private writing: Promise<void> | undefined;
  /** the run loop waits for a send to end: the next end wakes it, and it records the end (turn) */
  private wake: (() => void) | undefined;
  /** claimed messages whose send has not ended: what the profile's concurrency counts */
  private readonly sending = new Set<string>();
  /** messages this dispatcher is sending, with the lease it holds on each, until their end is recorded */
  private readonly held = new Map<string, repo.MessageRow>();
  /** lease renewals and recorded ends, one at a time, so an end always names the current lease */
  private writes: Promise<unknown> = Promise.resolve();
  private pausedBy: DeliveryError | undefined;
  /** the profile row as this dispatcher's last taking of slots left it (pacing.ts) */
  private pace: repo.ProfileRow | undefined;
  /** a 429's Retry-After ends then (ms): sends due before it are held back, not tried */
  private holdUntil = 0;
  /** the earliest the next send may go (ms): one interval after the last one let go */
  private nextSendAt = 0;
  /** when this dispatcher last looked for lost attempts (0: not yet) */
  private lostCheckedAt = 0;
  private sent = 0;
  private failed = 0;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly clientId: string,
    private readonly profileId: string,
  ) {}

  /** Sends due messages until none is due, the profile pauses, or `signal` ends the slice. */
  async run(signal: AbortSignal): Promise<DispatchOutcome> {
    const { db } = this.deps;
    const profile = await repo.findProfile(db, this.clientId, this.profileId);
    if (!profile) return { sent: 0, failed: 0, paused: false, more: false };
    if (profile.paused_until && profile.paused_until > nowIso())
      return { sent: 0, failed: 0, paused: true, more: false };
    // An archived client is read-only and its background work paused: its mail waits, unchanged,
    // and goes once the client is restored (the schedule finds it due again).
    if (await isClientArchived(db, this.clientId)) return { sent: 0, failed: 0, paused: true, more: false };
    await repo.expireOverdue(db, this.clientId, this.profileId, nowIso());
    let transport: Transport;
    try {
      transport = await openTransport(this.deps, profile);
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      await this.pause(err);
      return { sent: 0, failed: 0, paused: true, more: false };
    }
    // the render threads up before the first slot (render-pool.ts: ready)
    await this.deps.renderer.ready();
    const headers = senderHeaders(profile);
    const { leaseMs } = mailTiming(this.deps.config.mailSliceSeconds);
    const renewal = setInterval(
      () => void this.serial(() => this.renewLeases(leaseMs)).catch(() => undefined),
      leaseMs / 3,
    );
    renewal.unref();
    try {
      await this.sendWhileDue(signal, profile, transport, headers, leaseMs);
      await Promise.allSettled([...this.inflight]);
    } finally {
      clearInterval(renewal);
      transport.close();
    }
    const more = !this.pausedBy && (await repo.hasDueWork(db, this.clientId, this.profileId, nowIso()));
    return { sent: this.sent, failed: this.failed, paused: Boolean(this.pausedBy), more };
  }

  /** The run's loop: claims and sends due messages while the slice lasts and the profile is not paused. */
  private async sendWhileDue(
    signal: AbortSignal,
    profile: repo.ProfileRow,
    transport: Transport,
    headers: { name: string; value: string }[],
    leaseMs: number,
  ) {
    const { db } = this.deps;
    try {
      while (!signal.aborted && !this.pausedBy) {
        const room = profile.concurrency - this.sending.size;
        if (room <= 0) {
          await this.sendEnded();
          continue;
        }
        // Claimed messages stay claimed longer than any live attempt lasts (timing.ts).
        const lease = new Date(Date.now() + leaseMs).toISOString();
        // Lost attempts (a sender died: the lease ran out) are looked for at the start and then
        // once a second, not on every claim: a lease lasts far longer than that.
        const lookForLost = Date.now() - this.lostCheckedAt >= LOST_CHECK_MS;
        const turn = await this.turn(room, lookForLost, lease);
        // the turn failed, and with it the record of ends it carried: their senders write them again
        if (!turn) continue;
        if (lookForLost) this.lostCheckedAt = Date.now();
        const { slot, claims } = turn;
        this.pace = 'ok' in slot ? slot.row : undefined;
        if ('paused' in slot) break;
        if ('quotaUntil' in slot) {
          // Sends in flight may still fail and give their slot back: the day is not over yet.
          if (this.inflight.size) {
            await this.sendEnded();
            continue;
          }
          if (!(await repo.hasDueWork(db, this.clientId, this.profileId, nowIso()))) break;
          await this.pause(
            new DeliveryError(
              'quota',
              'daily_limit',
              `The profile's limit of ${profile.per_day} recipients a day is reached.`,
            ),
            slot.quotaUntil,
          );
          break;
        }
        if ('waitMs' in slot) {
          await sleep(slot.waitMs, signal);
          continue;
        }
        if (claims.length < slot.count) this.pace = undefined;
        if (!claims.length) {
          // Nothing due now; sends in flight may yet put a message back (a deferral).
          if (!this.inflight.size) break;
          await this.sendEnded();
          continue;
        }
        for (const [i, claim] of claims.entries()) {
          if (claim.inDoubt) {
            await repo.countInDoubt(db, this.clientId, this.profileId);
            this.deps.logger?.warn(
              { messageId: claim.message.id },
              'outbox message in doubt after a lost attempt; sending it again',
            );
          }
          this.held.set(claim.message.id, claim.message);
          this.sending.add(claim.message.id);
          // Each at its own slot: slots taken together are not sent as a burst.
          const at = slot.startsAt + i * slot.intervalMs;
          const p = this.deliver(claim.message, transport, headers, at, slot).finally(() => {
            this.sending.delete(claim.message.id);
            this.held.delete(claim.message.id);
            this.inflight.delete(p);
          });
          this.inflight.add(p);
        }
      }
    } finally {
      // Ends from here on are recorded as they come; any the loop was woken for, now.
      this.wake = undefined;
      if (this.finishing.length && !this.writing) this.writing = this.writeFinished();
    }
  }

  /**
   * One transaction: the ends waiting to be recorded, then up to `want` slots of the pace and as
   * many due messages as slots, the ones left over given back. A busy profile sends one message as
   * another ends, so this is one commit per message where the end, the pace and the claim were
   * three: every commit writes the pages it changed to SQLite's WAL again (bench:send wrote 40 KB
   * a message), and on PostgreSQL each is a WAL flush. What is in doubt after a crash is still
   * only what was in flight: an end is written with the claim that follows it, or on its own.
   * Undefined when it failed with ends in it: they are rejected (their senders write them again)
   * and the loop goes on; a failure without ends is the loop's (as a claim's was).
   */
  private async turn(want: number, lookForLost: boolean, leaseUntil: string) {
    const { db } = this.deps;
    const ends = this.finishing.splice(0, 200);
    try {
      const r = await this.serial(() =>
        repo.retryDeadlock(() =>
          db
            .transaction()
            .setAccessMode('read write')
            .execute(async (trx) => {
              const recorded = ends.length ? await repo.finishAttempts(trx, this.clientId, ends) : [];
              // Slots first (the pace and the day's count, shared through the profile row), then as
              // many due messages as slots; slots left over go back, so the day's count stays exact.
              const slot = await takeSlots(trx, this.clientId, this.profileId, want, new Date(), this.pace);
              if (!('ok' in slot)) return { recorded, slot, claims: [] };
              const claims = await repo.claimBatch(
                trx,
                this.clientId,
                this.profileId,
                nowIso(),
                leaseUntil,
                slot.count,
                lookForLost,
              );
              await returnSlots(trx, this.clientId, this.profileId, slot, slot.count - claims.length);
              return { recorded, slot, claims };
            }),
        ),
      );
      for (const [i, e] of ends.entries()) e.resolve(r.recorded[i] ?? false);
      return r;
    } catch (err) {
      for (const e of ends) e.reject(err);
      if (ends.length) return undefined;
      throw err;
    }
  }

  /** Resolves when a send ends (its end is then waiting for the loop's next turn) or a delivery settles. */
  private sendEnded(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      void Promise.race(this.inflight).then(resolve, resolve);
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /**
   * Records an attempt's end: a sent one with the loop's next claim when the loop is waiting for
   * an end (turn), otherwise at once. Ends that come in while an earlier write is running are
   * written together, in one transaction, when it is done (group commit); none waits for a timer,
   * so what is in doubt after a crash is still only what was in flight.
   */
  private finish(m: repo.MessageRow, patch: Partial<repo.MessageRow>, sent = false): Promise<boolean> {
    // Only a sent message frees its place before its end is recorded: after a failure the loop
    // waits for what the failure decides (a pause, a back-off) before it claims again.
    if (sent) this.sending.delete(m.id);
    return new Promise<boolean>((resolve, reject) => {
      this.finishing.push({ m, patch, resolve, reject });
      if (sent && this.wake) this.wake();
      else if (!this.writing) this.writing = this.writeFinished();
    });
  }

  private async writeFinished() {
    while (this.finishing.length) {
      const batch = this.finishing.splice(0, 200);
      try {
        const done = await this.serial(() => repo.finishAttempts(this.deps.db, this.clientId, batch));
        for (const [i, b] of batch.entries()) b.resolve(done[i] ?? false);
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.writing = undefined;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.writes.then(fn);
    this.writes = r.catch(() => undefined);
    return r;
  }

  /**
   * A send can outlast its lease (a slow server answers each command just before its idle
   * timeout): the leases of messages still in flight are renewed, so no claim — this
   * dispatcher's or another's — ever takes a live attempt for a lost one.
   */
  private async renewLeases(leaseMs: number) {
    for (const m of this.held.values()) {
      const until = new Date(Date.now() + leaseMs).toISOString();
      if (await repo.renewLease(this.deps.db, this.clientId, m, until)) m.lease_until = until;
    }
  }

  private content(contentId: string) {
    let c = this.contents.get(contentId);
    if (!c) {
      c = repo.findContent(this.deps.db, this.clientId, contentId);
      this.contents.set(contentId, c);
    }
    return c;
  }

  // A send in flight is never aborted, not even by the end of a slice or a shutdown: an aborted
  // request may still have been accepted, and recording it as failed would send it twice. Every
  // transport has its own timeout.
  private async deliver(
    m: repo.MessageRow,
    transport: Transport,
    headers: { name: string; value: string }[],
    /** the message's slot (ms) */
    at: number,
    taken: Taken,
  ) {
    let result: { providerId: string | null };
    try {
      const content = await this.content(m.content_id);
      if (!content) throw new DeliveryError('permanent', 'content_missing', 'The message content was deleted.');
      const key = await this.deps.keys.key(this.clientId);
      const variables = JSON.parse(m.variables) as Record<string, unknown>;
      const { mime } = await this.deps.renderer
        .render(
          content,
          {
            ...variables,
            recipient: { email: m.to_address, name: m.to_name, ...(variables.recipient as object | undefined) },
            message: { id: m.id, token: messageToken(key, m.id) },
          },
          { from: transport.sender, to: { address: m.to_address, name: m.to_name }, messageId: m.message_id, headers },
        )
        .catch((err: unknown) => {
          // A render thread that died is not the template's fault: that message is tried again.
          if (!(err instanceof RenderError))
            throw new DeliveryError('transient', 'render_failed', err instanceof Error ? err.message : String(err));
          throw new DeliveryError('permanent', 'template_error', err.message);
        });
      // A message ready after its slot (a slow render, a render thread starting again) goes no
      // sooner than one interval after the last one this dispatcher let go, not at once with the
      // others that were late with it: late sends never come closer together than the pace.
      const sendAt = Math.max(at, this.nextSendAt, Date.now());
      this.nextSendAt = sendAt + taken.intervalMs;
      const wait = sendAt - Date.now();
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
      // A 429 came back while this one waited for its slot: it would only be refused too.
      if (this.holdUntil > Date.now()) {
        await this.holdBack(m, taken);
        return;
      }
      result = await transport.send(
        { from: transport.sender.address, to: m.to_address, mime },
        { held: () => this.holdUntil > Date.now() },
      );
    } catch (err) {
      if (err instanceof HeldBack) await this.holdBack(m, taken);
      else await this.failed_(m, err);
      return;
    }
    // Accepted by the server: from here on the message must never be queued again. A failed
    // write of "sent" is retried; if it keeps failing the message stays claimed and, once its
    // lease ends, is in doubt (sent again with the same Message-ID, and counted) — never silently
    // requeued as if it had not gone.
    const patch = {
      status: 'sent' as const,
      sent_at: nowIso(),
      provider_id: result.providerId?.slice(0, 500) ?? null,
      last_error: null,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.finish(m, patch, true);
        this.sent++;
        return;
      } catch (err) {
        if (attempt >= 5) {
          this.deps.logger?.error({ err, messageId: m.id }, 'could not record a sent message; it will be in doubt');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  }

  /** Puts a message back as it was before its claim, and its slot with it: it was never tried. */
  private async holdBack(m: repo.MessageRow, taken: Taken) {
    await this.finish(m, {
      status: 'queued',
      attempts: m.attempts - 1,
      next_attempt_at: new Date(this.holdUntil).toISOString(),
    });
    await returnSlots(this.deps.db, this.clientId, this.profileId, taken, 1);
  }

  private async failed_(m: repo.MessageRow, err: unknown) {
    const { db } = this.deps;
    const e =
      err instanceof DeliveryError
        ? err
        : new DeliveryError('transient', 'internal', err instanceof Error ? err.message : String(err));
    if (e.kind === 'throttled') this.holdUntil = Math.max(this.holdUntil, Date.now() + (e.retryAfterMs ?? 10_000));
    const lastError = JSON.stringify({
      code: e.code,
      message: e.message.slice(0, 1000),
      reply: e.reply?.slice(0, 1000) ?? null,
      at: nowIso(),
    });
    const now = Date.now();
    if (e.kind === 'permanent' || (e.kind === 'transient' && m.attempts >= MAX_ATTEMPTS)) {
      await this.finish(m, { status: 'failed', last_error: lastError });
      this.failed++;
      return;
    }
    // Not the message's fault (throttled, paused profile): the attempt is given back.
    const giveBack = e.kind !== 'transient';
    const retryAt =
      e.kind === 'transient'
        ? now + backoffMs(m.attempts)
        : e.kind === 'throttled'
          ? now + (e.retryAfterMs ?? 10_000)
          : now;
    await this.finish(m, {
      status: 'queued',
      attempts: giveBack ? m.attempts - 1 : m.attempts,
      next_attempt_at: new Date(retryAt).toISOString(),
      last_error: lastError,
    });
    if (e.kind === 'throttled') {
      // Concurrency, not rate, was over the limit: wait, but keep the pace.
      const learn = e.code !== 'graph.MailboxConcurrency';
      const startedAt = Date.parse(m.lease_until ?? '') - mailTiming(this.deps.config.mailSliceSeconds).leaseMs;
      // one after another: a back-off sees the ones before it, and learns a limit once
      await this.serial(() => backOff(db, this.clientId, this.profileId, e.retryAfterMs ?? 10_000, learn, startedAt));
    }
    if (e.kind === 'profile') await this.pause(e);
    if (e.kind === 'quota') await this.pause(e, new Date(now + 24 * 60 * 60_000).toISOString());
  }

  private async pause(e: DeliveryError, until = repo.INDEFINITELY) {
    if (this.pausedBy) return;
    this.pausedBy = e;
    await repo.updateProfile(this.deps.db, this.clientId, this.profileId, {
      paused_until: until,
      pause_reason: JSON.stringify({
        code: e.code,
        message: e.message.slice(0, 1000),
        reply: e.reply?.slice(0, 1000) ?? null,
        at: nowIso(),
      }),
    });
    this.deps.logger?.warn({ profileId: this.profileId, code: e.code, until }, 'sending profile paused');
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
