// Queries of the webhooks module. Every one filters by client_id.
import type { Selectable } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../../db/types.js';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export const listWebhooks = (db: Db, clientId: string) =>
  db.selectFrom('webhooks').selectAll().where('client_id', '=', clientId).orderBy('created_at').orderBy('id').execute();

export const findWebhook = (db: Db, clientId: string, id: string) =>
  db.selectFrom('webhooks').selectAll().where('client_id', '=', clientId).where('id', '=', id).executeTakeFirst();

export const findDelivery = (db: Db, clientId: string, id: string) =>
  db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();

/** Newest first, keyset on the (time-ordered) id. */
export const listDeliveries = (db: Db, clientId: string, webhookId: string, limit: number, before?: string) => {
  let q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('webhook_id', '=', webhookId);
  if (before) q = q.where('id', '<', before);
  return q.orderBy('id', 'desc').limit(limit).execute();
};

/** The latest delivery of each of the client's webhooks, for the list. */
export const latestDeliveries = async (db: Db, clientId: string, webhookIds: string[]) => {
  const out = new Map<string, DeliveryRow>();
  for (const id of webhookIds) {
    const [row] = await listDeliveries(db, clientId, id, 1);
    if (row) out.set(id, row);
  }
  return out;
};
