// Webhook deliveries: one row and one job per event per subscribed webhook, created in the
// transaction that records the event (so a rolled-back classification sends nothing), then one
// attempt per job. A network error, a timeout, a 5xx or a 429 is tried again later — after
// 1 min, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (8 attempts over about 28 hours), never sooner than
// the endpoint's Retry-After — and any other answer is final. The next attempt is a new job
// enqueued with the row's update, so a retry survives a restart.
import { Type } from '@sinclair/typebox';
import type { Db } from '../../db/connection.js';
import { defineJob, jobType } from '../../jobs/definition.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { SecretBox } from '../../lib/crypto.js';
import { newOrderedId, nowIso } from '../../lib/ids.js';
import { retryAfterMs } from '../../lib/outbound.js';
import type { WebhookPolicy } from './destination.js';
import { postWebhook } from './post.js';
import { type DeliveryRow, findDelivery, findWebhook, type WebhookRow } from './repository.js';
import { signatureHeader } from './signature.js';

export const WebhookDeliverJob = jobType(
  'webhook-deliver',
  Type.Object({ clientId: Type.String(), deliveryId: Type.String() }, { additionalProperties: false }),
);

export type WebhookEvent = 'incident.created' | 'incident.classified' | 'ping';
export const SUBSCRIBABLE_EVENTS = ['incident.created', 'incident.classified'] as const;

/** Seconds to wait after attempt n (1-based) failed; its length + 1 attempts in all. */
export const RETRY_WAITS = [60, 300, 1800, 7200, 18_000, 36_000, 36_000] as const;
export const MAX_ATTEMPTS = RETRY_WAITS.length + 1;
/** A Retry-After longer than a day is held to a day. */
const MAX_RETRY_AFTER_S = 86_400;
/** How long an attempt may hold its row (10 s request plus margin) before another may take it. */
const LEASE_MS = 60_000;

/** The wait before the next attempt: the schedule ±10 %, and at least the endpoint's Retry-After. */
export function retryDelaySeconds(attempt: number, retryAfter: string | null, now = Date.now()): number {
  const base = RETRY_WAITS[Math.min(attempt, RETRY_WAITS.length) - 1] ?? 60;
  const jittered = Math.round(base * (0.9 + Math.random() * 0.2));
  const asked = retryAfterMs(retryAfter, now);
  return asked === undefined ? jittered : Math.max(jittered, Math.min(Math.ceil(asked / 1000), MAX_RETRY_AFTER_S));
}

export const eventBody = (eventId: string, type: WebhookEvent, clientId: string, data: unknown): string =>
  JSON.stringify({ id: eventId, type, createdAt: nowIso(), clientId, data });

export class WebhookDeliveries {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly secrets: SecretBox,
    private readonly policy: WebhookPolicy,
  ) {}

  /** Queues `type` for each enabled webhook of the client subscribed to it, in `trx`. */
  async enqueueEvent(trx: Db, clientId: string, type: WebhookEvent, data: unknown): Promise<number> {
    const hooks = await trx
      .selectFrom('webhooks')
      .select(['id', 'events'])
      .where('client_id', '=', clientId)
      .where('enabled', '=', 1)
      .execute();
    const subscribed = hooks.filter((h) => (JSON.parse(h.events) as string[]).includes(type));
    if (subscribed.length === 0) return 0;
    const body = eventBody(newOrderedId(), type, clientId, data);
    for (const h of subscribed) await this.create(trx, clientId, h.id, type, body, true);
    return subscribed.length;
  }

  /** A pending delivery row (and its job, unless the caller attempts it itself). */
  async create(trx: Db, clientId: string, webhookId: string, type: WebhookEvent, body: string, job: boolean) {
    const id = newOrderedId();
    const now = nowIso();
    await trx
      .insertInto('webhook_deliveries')
      .values({
        id,
        client_id: clientId,
        webhook_id: webhookId,
        event: type,
        body,
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        lease_until: null,
        last_status_code: null,
        last_error: null,
        last_duration_ms: null,
        response_excerpt: null,
        last_attempt_at: null,
        delivered_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (job) await this.queue.enqueue(trx, WebhookDeliverJob, { clientId, deliveryId: id }, { maxAttempts: 3 });
    return id;
  }

  /** Takes the delivery when it is due (or its attempt's worker died); undefined: nothing to do now. */
  private async claim(clientId: string, id: string): Promise<DeliveryRow | undefined> {
    const now = nowIso();
    return this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({
        status: 'delivering',
        attempts: eb('attempts', '+', 1),
        lease_until: new Date(Date.now() + LEASE_MS).toISOString(),
        last_attempt_at: now,
        updated_at: now,
      }))
      .where('client_id', '=', clientId)
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'delivering'), eb('lease_until', '<', now)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
  }

  /** One attempt of a delivery: what the job runs, and the test send. Returns the row after it. */
  async attempt(clientId: string, id: string): Promise<DeliveryRow | undefined> {
    const d = await this.claim(clientId, id);
    if (!d) return findDelivery(this.db, clientId, id);
    const hook = await findWebhook(this.db, clientId, d.webhook_id);
    // Disabled (or deleted) since: what is still queued is not sent.
    if (hook?.enabled !== 1) return this.finish(d, { status: 'cancelled', error: 'The webhook is disabled.' });
    const r = await postWebhook(hook.url, this.headers(hook, d), d.body, this.policy);
    const base = { durationMs: r.durationMs, code: r.ok ? r.status : null, excerpt: r.ok ? r.excerpt : null };
    if (r.ok && r.status >= 200 && r.status < 300) return this.finish(d, { ...base, status: 'succeeded', error: null });
    const retryable = r.ok ? r.status === 429 || r.status >= 500 : r.retryable;
    const error = r.ok
      ? `HTTP ${r.status}${r.status >= 300 && r.status < 400 ? ' (redirects are not followed)' : ''}`
      : r.error;
    if (!retryable || d.attempts >= MAX_ATTEMPTS) return this.finish(d, { ...base, status: 'failed', error });
    const wait = retryDelaySeconds(d.attempts, r.ok ? r.retryAfter : null);
    return this.finish(d, { ...base, status: 'pending', error, retryInSeconds: wait });
  }

  private headers(hook: WebhookRow, d: DeliveryRow): Record<string, string> {
    const secret = this.secrets.decrypt(hook.secret, {
      table: 'webhooks',
      column: 'secret',
      rowId: hook.id,
      clientId: hook.client_id,
    });
    return {
      'content-type': 'application/json',
      'user-agent': 'Baitwise-Webhooks/1',
      'baitwise-event': d.event,
      'baitwise-delivery': d.id,
      'baitwise-signature': signatureHeader(secret, d.body),
    };
  }

  private async finish(
    d: DeliveryRow,
    o: {
      status: DeliveryRow['status'];
      error: string | null;
      code?: number | null;
      excerpt?: string | null;
      durationMs?: number;
      retryInSeconds?: number;
    },
  ): Promise<DeliveryRow | undefined> {
    const now = nowIso();
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('webhook_deliveries')
        .set({
          status: o.status,
          lease_until: null,
          next_attempt_at:
            o.retryInSeconds === undefined ? null : new Date(Date.now() + o.retryInSeconds * 1000).toISOString(),
          last_status_code: o.code ?? null,
          last_error: o.error,
          last_duration_ms: o.durationMs ?? null,
          response_excerpt: o.excerpt ?? null,
          delivered_at: o.status === 'succeeded' ? now : null,
          updated_at: now,
        })
        .where('client_id', '=', d.client_id)
        .where('id', '=', d.id)
        .returningAll()
        .executeTakeFirst();
      if (o.retryInSeconds !== undefined)
        await this.queue.enqueue(
          trx,
          WebhookDeliverJob,
          { clientId: d.client_id, deliveryId: d.id },
          { startAfterSeconds: o.retryInSeconds, maxAttempts: 3 },
        );
      return row;
    });
  }
}

export const webhookDeliverJob = (deliveries: WebhookDeliveries) =>
  defineJob({
    type: WebhookDeliverJob,
    // One attempt is a 10 s request: a crashed worker's job comes back within minutes.
    options: { expireInSeconds: 120 },
    handler: async ({ clientId, deliveryId }) => {
      await deliveries.attempt(clientId, deliveryId);
    },
  });
