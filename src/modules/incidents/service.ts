// The incidents inbox: reading (list, detail, body, raw message) and triage (classify, assign,
// resolve, note, bulk), each change with its timeline event and audit entry in one transaction.
// Every query filters by client id; routes have already checked the actor may see the client.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { AppError, ClientArchivedError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newOrderedId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { isClientArchived } from '../clients/repository.js';
import { detailOf } from './detail.js';
import { listIncidents } from './list.js';
import type { ReportRecorder } from './recorder.js';
import { DEFAULT_RETENTION_DAYS } from './retention.js';
import { type SafeBody, safeBody } from './safe-body.js';
import type { IncidentSideEffects } from './side-effects.js';
import { applyChange, type Change } from './triage.js';
import type {
  BulkInput,
  IncidentDetail,
  IncidentPatch,
  IncidentQuery,
  IncidentSettings,
  TimelineEvent,
} from './view.js';

const VIEW_EVERY_MS = 3_600_000;

export class RawMessageDeletedError extends AppError {
  constructor() {
    super(410, 'raw_message_deleted', 'The raw message was deleted by the retention period; its summary is kept.');
  }
}

export class IncidentService {
  constructor(
    private readonly db: Db,
    private readonly recorder: ReportRecorder,
    private readonly effects: IncidentSideEffects,
  ) {}

  list(clientIds: string[] | null, q: IncidentQuery) {
    return listIncidents(this.db, clientIds, q);
  }

  async get(actor: Actor, clientId: string, incidentId: string): Promise<IncidentDetail> {
    const detail = await detailOf(this.db, clientId, incidentId);
    await this.recordView(actor, clientId, incidentId);
    return detail;
  }

  async update(actor: Actor, clientId: string, incidentId: string, patch: IncidentPatch): Promise<IncidentDetail> {
    if (patch.reply && !patch.verdict) throw new ValidationError('reply', 'A reply goes with a verdict.');
    await this.db.transaction().execute(async (trx) => {
      const change: Change = {
        status: patch.status,
        verdict: patch.verdict,
        assigneeId: patch.assigneeId,
        reply: patch.reply,
      };
      await applyChange(trx, this.effects, actor, clientId, [incidentId], change);
    });
    return detailOf(this.db, clientId, incidentId);
  }

  async note(actor: Actor, clientId: string, incidentId: string, text: string): Promise<TimelineEvent> {
    return this.db.transaction().execute(async (trx) => {
      await this.mustExist(trx, clientId, incidentId);
      const at = nowIso();
      const id = newOrderedId();
      await trx
        .insertInto('incident_events')
        .values({
          id,
          client_id: clientId,
          incident_id: incidentId,
          type: 'noted',
          actor_id: actor.operatorId,
          detail: JSON.stringify({ text }),
          created_at: at,
        })
        .execute();
      // The note's text is the analyst's words about client data: it stays in the timeline, not the audit log.
      await recordAudit(trx, actor, {
        clientId,
        action: 'incident.note',
        targetType: 'incident',
        targetId: incidentId,
      });
      return { id, type: 'noted', actorName: actor.name, detail: { text }, at };
    });
  }

  /** `clientId` null: a system administrator's bulk across clients. All or nothing. */
  async bulk(actor: Actor, clientId: string | null, input: BulkInput): Promise<{ updated: number }> {
    const change = bulkChange(input);
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('incidents')
        .select(['id', 'client_id'])
        .where('id', 'in', input.ids)
        .$if(clientId !== null, (q) => q.where('client_id', '=', clientId ?? ''))
        .execute();
      if (rows.length !== input.ids.length) throw new NotFoundError('Incident');
      const byClient = new Map<string, string[]>();
      for (const r of rows) byClient.set(r.client_id, [...(byClient.get(r.client_id) ?? []), r.id]);
      for (const [c, ids] of byClient) {
        // The per-client routes refuse an archived client centrally; across clients it is checked here.
        if (clientId === null && (await isClientArchived(trx, c))) throw new ClientArchivedError();
        await applyChange(trx, this.effects, actor, c, ids, change);
      }
      return { updated: rows.length };
    });
  }

  async body(clientId: string, incidentId: string, view: 'html' | 'text', remote: boolean): Promise<SafeBody> {
    const first = await this.firstReport(clientId, incidentId);
    if (first.raw_deleted_at) throw new RawMessageDeletedError();
    return safeBody(await this.recorder.readEml(first), view, remote);
  }

  async eml(actor: Actor, clientId: string, incidentId: string, reportId: string): Promise<Buffer> {
    const row = await this.db
      .selectFrom('reported_messages')
      .select(['id', 'client_id', 'eml_path', 'raw_deleted_at'])
      .where('client_id', '=', clientId)
      .where('incident_id', '=', incidentId)
      .where('id', '=', reportId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('Report');
    if (row.raw_deleted_at) throw new RawMessageDeletedError();
    const eml = await this.recorder.readEml(row);
    if (!(await isClientArchived(this.db, clientId))) {
      await recordAudit(this.db, actor, {
        clientId,
        action: 'incident.eml_download',
        targetType: 'reported_message',
        targetId: reportId,
      });
    }
    return eml;
  }

  async settings(clientId: string): Promise<IncidentSettings> {
    const row = await this.db
      .selectFrom('incident_settings')
      .select('retention_days')
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return { retentionDays: row?.retention_days ?? DEFAULT_RETENTION_DAYS };
  }

  async saveSettings(actor: Actor, clientId: string, s: IncidentSettings): Promise<IncidentSettings> {
    await this.db.transaction().execute(async (trx) => {
      const now = nowIso();
      await trx
        .insertInto('incident_settings')
        .values({ client_id: clientId, retention_days: s.retentionDays, updated_at: now })
        .onConflict((oc) => oc.column('client_id').doUpdateSet({ retention_days: s.retentionDays, updated_at: now }))
        .execute();
      await recordAudit(trx, actor, {
        clientId,
        action: 'incident_settings.update',
        details: { retentionDays: s.retentionDays },
      });
    });
    return this.settings(clientId);
  }

  private async mustExist(db: Db, clientId: string, incidentId: string): Promise<void> {
    const row = await db
      .selectFrom('incidents')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', '=', incidentId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('Incident');
  }

  private async firstReport(clientId: string, incidentId: string) {
    const first = await this.db
      .selectFrom('reported_messages')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('incident_id', '=', incidentId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!first) throw new NotFoundError('Incident');
    return first;
  }

  /** At most one `viewed` per operator and incident an hour; none on an archived (read-only) client. */
  private async recordView(actor: Actor, clientId: string, incidentId: string): Promise<void> {
    const since = new Date(Date.now() - VIEW_EVERY_MS).toISOString();
    const recent = await this.db
      .selectFrom('incident_events')
      .select('id')
      .where('client_id', '=', clientId)
      .where('incident_id', '=', incidentId)
      .where('type', '=', 'viewed')
      .where('actor_id', '=', actor.operatorId)
      .where('created_at', '>=', since)
      .executeTakeFirst();
    if (recent || (await isClientArchived(this.db, clientId))) return;
    await this.db
      .insertInto('incident_events')
      .values({
        id: newOrderedId(),
        client_id: clientId,
        incident_id: incidentId,
        type: 'viewed',
        actor_id: actor.operatorId,
        detail: null,
        created_at: nowIso(),
      })
      .execute();
  }
}

function bulkChange(input: BulkInput): Change {
  switch (input.action) {
    case 'classify':
      if (!input.verdict) throw new ValidationError('verdict', 'Classifying needs a verdict.');
      return { verdict: input.verdict, reply: input.reply };
    case 'assign':
      if (input.assigneeId === undefined)
        throw new ValidationError('assigneeId', 'Assigning needs an assigneeId (null to unassign).');
      return { assigneeId: input.assigneeId };
    case 'resolve':
      return { status: 'resolved' };
    case 'reopen':
      return { status: 'in_review' };
  }
}
