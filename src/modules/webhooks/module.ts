// The webhooks module: its routes and the delivery job. Its side effect (deliveries on incident
// events) is joined with the incidents module in the composition root (webhookSideEffects).
import type { Module } from '../module.js';
import { webhookDeliverJob } from './delivery.js';
import { webhookRoutes } from './routes.js';
import type { WebhookService } from './service.js';

export const webhooksModule = (webhooks: WebhookService): Module => ({
  name: 'webhooks',
  routes: webhookRoutes(webhooks),
  jobs: [webhookDeliverJob(webhooks.deliveries)],
});
