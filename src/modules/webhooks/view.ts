// API shapes of webhooks (TypeBox: the one source of each shape's type). The signing secret is in
// no shape but CreatedWebhookSchema, answered by the creation and the rotation only.
import { type Static, Type } from '@sinclair/typebox';
import { Strict } from '../../http/schemas.js';
import type { DeliveryRow, WebhookRow } from './repository.js';

export const EventName = Type.Union([Type.Literal('incident.created'), Type.Literal('incident.classified')]);
const Events = Type.Array(EventName, { minItems: 1, maxItems: 2, uniqueItems: true });
const Url = Type.String({ minLength: 1, maxLength: 2000, description: 'https (see BAITWISE_ALLOW_HTTP_WEBHOOKS)' });
const WebhookName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });

export const WebhookInput = Strict({
  name: WebhookName,
  url: Url,
  events: Events,
  enabled: Type.Optional(Type.Boolean({ description: 'default true' })),
});
export type WebhookInput = Static<typeof WebhookInput>;

export const WebhookPatch = Type.Partial(WebhookInput, { additionalProperties: false, minProperties: 1 });
export type WebhookPatch = Static<typeof WebhookPatch>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const DeliverySchema = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  event: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('delivering'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
  ]),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Type.String()),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Nullable(Type.String()),
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  /** at most 1 KB of the endpoint's last answer */
  responseExcerpt: Nullable(Type.String()),
  lastAttemptAt: Nullable(Type.String()),
  deliveredAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type DeliveryView = Static<typeof DeliverySchema>;

export const WebhookSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  secretRotatedAt: Type.String(),
  lastDelivery: Type.Union([DeliverySchema, Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type WebhookView = Static<typeof WebhookSchema>;

export const CreatedWebhookSchema = Type.Composite([
  WebhookSchema,
  Type.Object({ secret: Type.String({ description: 'the signing secret: shown this once, store it now' }) }),
]);

export const deliveryView = (d: DeliveryRow): DeliveryView => ({
  id: d.id,
  webhookId: d.webhook_id,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.next_attempt_at,
  lastStatusCode: d.last_status_code,
  lastError: d.last_error,
  lastDurationMs: d.last_duration_ms,
  responseExcerpt: d.response_excerpt,
  lastAttemptAt: d.last_attempt_at,
  deliveredAt: d.delivered_at,
  createdAt: d.created_at,
});

export const webhookView = (w: WebhookRow, last: DeliveryRow | undefined): WebhookView => ({
  id: w.id,
  clientId: w.client_id,
  name: w.name,
  url: w.url,
  events: JSON.parse(w.events) as string[],
  enabled: w.enabled === 1,
  secretRotatedAt: w.secret_rotated_at,
  lastDelivery: last ? deliveryView(last) : null,
  createdAt: w.created_at,
  updatedAt: w.updated_at,
});
