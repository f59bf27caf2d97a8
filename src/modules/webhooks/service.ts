// A client's webhooks: create (the signing secret generated here, returned once), edit, delete,
// rotate the secret, send a test ping, read the delivery log. Audit entries name what changed and
// never hold the secret.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { SecretBox } from '../../lib/crypto.js';
import { NotFoundError, NotReadyError } from '../../lib/errors.js';
import { newId, newOrderedId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import type { IncidentRow, IncidentSideEffects } from '../incidents/side-effects.js';
import { eventBody, type WebhookDeliveries } from './delivery.js';
import { checkWebhookUrl, type WebhookPolicy } from './destination.js';
import type { DeliveryRow } from './repository.js';
import * as repo from './repository.js';
import { newSigningSecret } from './signature.js';
import { deliveryView, type WebhookInput, type WebhookPatch, type WebhookView, webhookView } from './view.js';

export class WebhookService {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly policy: WebhookPolicy,
    readonly deliveries: WebhookDeliveries,
  ) {}

  private seal(clientId: string, id: string, secret: string) {
    return this.secrets.encrypt(secret, { table: 'webhooks', column: 'secret', rowId: id, clientId });
  }

  private async must(db: Db, clientId: string, id: string) {
    const w = await repo.findWebhook(db, clientId, id);
    if (!w) throw new NotFoundError('Webhook');
    return w;
  }

  async list(clientId: string): Promise<WebhookView[]> {
    const rows = await repo.listWebhooks(this.db, clientId);
    const last = await repo.latestDeliveries(
      this.db,
      clientId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => webhookView(r, last.get(r.id)));
  }

  async get(clientId: string, id: string): Promise<WebhookView> {
    const w = await this.must(this.db, clientId, id);
    const [last] = await repo.listDeliveries(this.db, clientId, id, 1);
    return webhookView(w, last);
  }

  async create(actor: Actor, clientId: string, input: WebhookInput): Promise<WebhookView & { secret: string }> {
    const url = checkWebhookUrl(input.url, this.policy);
    const id = newId();
    const secret = newSigningSecret();
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhooks')
        .values({
          id,
          client_id: clientId,
          name: input.name.trim(),
          url,
          events: JSON.stringify(input.events),
          enabled: input.enabled === false ? 0 : 1,
          secret: this.seal(clientId, id, secret),
          secret_rotated_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordAudit(trx, actor, {
        clientId,
        action: 'webhook.create',
        targetType: 'webhook',
        targetId: id,
        details: { name: input.name.trim(), url, events: input.events },
      });
    });
    return { ...(await this.get(clientId, id)), secret };
  }

  async update(actor: Actor, clientId: string, id: string, patch: WebhookPatch): Promise<WebhookView> {
    const url = patch.url === undefined ? undefined : checkWebhookUrl(patch.url, this.policy);
    await this.db.transaction().execute(async (trx) => {
      await this.must(trx, clientId, id);
      await trx
        .updateTable('webhooks')
        .set({
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(url !== undefined ? { url } : {}),
          ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
          ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
          updated_at: nowIso(),
        })
        .where('client_id', '=', clientId)
        .where('id', '=', id)
        .execute();
      // Disabled: what is still waiting to be sent is not sent.
      if (patch.enabled === false)
        await trx
          .updateTable('webhook_deliveries')
          .set({
            status: 'cancelled',
            next_attempt_at: null,
            last_error: 'The webhook was disabled.',
            updated_at: nowIso(),
          })
          .where('client_id', '=', clientId)
          .where('webhook_id', '=', id)
          .where('status', '=', 'pending')
          .execute();
      await recordAudit(trx, actor, {
        clientId,
        action: 'webhook.update',
        targetType: 'webhook',
        targetId: id,
        details: { ...patch, ...(url !== undefined ? { url } : {}) },
      });
    });
    return this.get(clientId, id);
  }

  async delete(actor: Actor, clientId: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const w = await this.must(trx, clientId, id);
      await trx
        .deleteFrom('webhook_deliveries')
        .where('client_id', '=', clientId)
        .where('webhook_id', '=', id)
        .execute();
      await trx.deleteFrom('webhooks').where('client_id', '=', clientId).where('id', '=', id).execute();
      await recordAudit(trx, actor, {
        clientId,
        action: 'webhook.delete',
        targetType: 'webhook',
        targetId: id,
        details: { name: w.name, url: w.url },
      });
    });
  }

  /** A new secret, returned once; the old one stops signing at once. */
  async rotateSecret(actor: Actor, clientId: string, id: string): Promise<WebhookView & { secret: string }> {
    const secret = newSigningSecret();
    await this.db.transaction().execute(async (trx) => {
      await this.must(trx, clientId, id);
      const now = nowIso();
      await trx
        .updateTable('webhooks')
        .set({ secret: this.seal(clientId, id, secret), secret_rotated_at: now, updated_at: now })
        .where('client_id', '=', clientId)
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, actor, { clientId, action: 'webhook.rotate_secret', targetType: 'webhook', targetId: id });
    });
    return { ...(await this.get(clientId, id)), secret };
  }

  /** A `ping` sent now (retried like any delivery if the endpoint fails); answers the delivery. */
  async test(actor: Actor, clientId: string, id: string) {
    const w = await this.must(this.db, clientId, id);
    if (w.enabled !== 1)
      throw new NotReadyError('webhook_disabled', 'This webhook is disabled: enable it before sending a test.', {
        field: 'enabled',
      });
    const deliveryId = await this.db.transaction().execute(async (trx) => {
      const body = eventBody(newOrderedId(), 'ping', clientId, { webhook: { id: w.id, name: w.name } });
      const d = await this.deliveries.create(trx, clientId, id, 'ping', body, false);
      await recordAudit(trx, actor, { clientId, action: 'webhook.test', targetType: 'webhook', targetId: id });
      return d;
    });
    const row = (await this.deliveries.attempt(clientId, deliveryId)) as DeliveryRow;
    return deliveryView(row);
  }

  async deliveryLog(clientId: string, id: string, q: { limit: number; cursor?: string }) {
    await this.must(this.db, clientId, id);
    const rows = await repo.listDeliveries(this.db, clientId, id, q.limit + 1, q.cursor);
    const page = rows.slice(0, q.limit);
    return {
      items: page.map(deliveryView),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }
}

/** What a webhook says about an incident: the summary, never the reported message itself. */
export const incidentPayload = (i: IncidentRow) => ({
  id: i.id,
  subject: i.subject,
  fromAddress: i.from_address,
  fromName: i.from_name,
  fromDomain: i.from_domain,
  status: i.status,
  verdict: i.verdict,
  reportCount: i.report_count,
  firstReportedAt: i.first_reported_at,
  lastReportedAt: i.last_reported_at,
  campaign: i.outbox_ref_type && i.outbox_ref_id ? { refType: i.outbox_ref_type, refId: i.outbox_ref_id } : null,
});

/** The webhook side effect of incidents: a delivery per subscribed webhook, in the change's transaction. */
export const webhookSideEffects = (deliveries: WebhookDeliveries): IncidentSideEffects => ({
  async incidentCreated(trx, incident) {
    await deliveries.enqueueEvent(trx, incident.client_id, 'incident.created', { incident: incidentPayload(incident) });
  },
  async incidentClassified(trx, change) {
    await deliveries.enqueueEvent(trx, change.incident.client_id, 'incident.classified', {
      incident: { ...incidentPayload(change.incident), verdict: change.verdict },
      verdict: change.verdict,
      reporters: change.reporters.map((r) => r.address),
      reply: change.reply,
    });
    return { replies: 0 };
  },
});
