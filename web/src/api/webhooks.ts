// Shapes of the webhooks API (src/modules/webhooks/view.ts and routes.ts).

export type WebhookEvent = 'incident.created' | 'incident.classified';
export const WEBHOOK_EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: 'incident.created', label: 'A new incident (incident.created)' },
  { value: 'incident.classified', label: 'An incident classified (incident.classified)' },
];

export type DeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed' | 'cancelled';

export interface WebhookDelivery {
  id: string;
  webhookId: string;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  responseExcerpt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface Webhook {
  id: string;
  clientId: string;
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
  secretRotatedAt: string;
  lastDelivery: WebhookDelivery | null;
  createdAt: string;
  updatedAt: string;
}

/** Answered by creation and secret rotation only: the one time the secret is shown. */
export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export interface WebhookInput {
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled?: boolean;
}
