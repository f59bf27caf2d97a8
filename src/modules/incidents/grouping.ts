// The analysis job: a report parsed once (analyse.ts) and grouped into its incident.
//
// A report joins the incident of any earlier report of the client with the same Message-ID; else the
// incident with the same content key whose last report is within a day of it; else it opens a new
// incident. Grouping is serialised per client so that a wave analysed by many jobs at once is one
// incident: on PostgreSQL by a transaction-scoped advisory lock on the client; on SQLite by the
// database's one writer — the transaction's first statement is a write (claiming the report), so it
// holds the write lock before it reads anything.
import { sql } from 'kysely';
import type { DbHandle } from '../../db/connection.js';
import { newId, newOrderedId, nowIso } from '../../lib/ids.js';
import { analyseEml } from './analyse.js';
import type { MessageAnalysis } from './analysis.js';
import type { ReportRecorder } from './recorder.js';
import type { ReportRow } from './reports-repository.js';
import type { IncidentRow, IncidentSideEffects } from './side-effects.js';

const DAY_MS = 86_400_000;

export const searchTextOf = (subject: string | null, address: string | null, name: string | null) =>
  [subject, address, name].filter(Boolean).join(' ').toLowerCase().slice(0, 2000);

/** What is known of a message whose raw copy is gone (retention ran before its analysis). */
const fromRow = (row: ReportRow): MessageAnalysis => ({
  version: 1,
  headers: [],
  from: row.from_address ? { address: row.from_address, name: row.from_name } : null,
  to: [],
  cc: [],
  replyTo: null,
  subject: row.subject,
  date: row.received_at,
  messageId: row.internet_message_id,
  receivedChain: [],
  authentication: { spf: null, dkim: null, dmarc: null, raw: null },
  urls: [],
  attachments: [],
  parseErrors: ['The raw message was deleted before it was analysed.'],
  contentKey: `row:${row.id}`,
});

export class ReportAnalyser {
  constructor(
    private readonly handle: DbHandle,
    private readonly recorder: ReportRecorder,
    private readonly effects: IncidentSideEffects,
  ) {}

  async analyse(clientId: string, reportId: string): Promise<void> {
    const row = await this.handle.db
      .selectFrom('reported_messages')
      .selectAll()
      .where('client_id', '=', clientId)
      .where('id', '=', reportId)
      .executeTakeFirst();
    if (!row || row.incident_id) return; // gone, or grouped by an earlier run of this job
    const analysis = row.raw_deleted_at ? fromRow(row) : await analyseEml(await this.recorder.readEml(row));
    await this.group(row, analysis);
  }

  private async group(row: ReportRow, a: MessageAnalysis): Promise<void> {
    const { client_id: clientId } = row;
    await this.handle.db.transaction().execute(async (trx) => {
      const now = nowIso();
      const claimed = await trx
        .updateTable('reported_messages')
        .set({ analysed_at: now, analysis: JSON.stringify(a) })
        .where('client_id', '=', clientId)
        .where('id', '=', row.id)
        .where('incident_id', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return;
      if (this.handle.kind === 'postgres') {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`incidents:${clientId}`}, 0))`.execute(trx);
      }
      const reportedAt = row.created_at;
      const byMessageId = await trx
        .selectFrom('reported_messages')
        .select('incident_id')
        .where('client_id', '=', clientId)
        .where('internet_message_id', '=', row.internet_message_id)
        .where('incident_id', 'is not', null)
        .limit(1)
        .executeTakeFirst();
      let incidentId = byMessageId?.incident_id ?? null;
      if (!incidentId) {
        const byContent = await trx
          .selectFrom('incidents')
          .select('id')
          .where('client_id', '=', clientId)
          .where('content_key', '=', a.contentKey)
          .where('last_reported_at', '>=', new Date(Date.parse(reportedAt) - DAY_MS).toISOString())
          .orderBy('last_reported_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        incidentId = byContent?.id ?? null;
      }
      let incident: IncidentRow;
      if (incidentId) {
        incident = await trx
          .updateTable('incidents')
          .set((eb) => ({
            report_count: eb('report_count', '+', 1),
            last_reported_at: sql<string>`case when last_reported_at < ${reportedAt} then ${reportedAt} else last_reported_at end`,
            first_reported_at: sql<string>`case when first_reported_at > ${reportedAt} then ${reportedAt} else first_reported_at end`,
            updated_at: now,
          }))
          .where('client_id', '=', clientId)
          .where('id', '=', incidentId)
          .returningAll()
          .executeTakeFirstOrThrow();
      } else {
        const address = a.from?.address ?? row.from_address;
        const name = a.from?.name ?? row.from_name;
        const subject = a.subject ?? row.subject;
        incident = {
          id: newId(),
          client_id: clientId,
          content_key: a.contentKey,
          subject,
          from_address: address,
          from_name: name,
          from_domain: address?.includes('@') ? (address.split('@').pop() ?? null) : null,
          search_text: searchTextOf(subject, address, name),
          status: 'new',
          verdict: null,
          assignee_id: null,
          report_count: 1,
          first_reported_at: reportedAt,
          last_reported_at: reportedAt,
          outbox_ref_type: null,
          outbox_ref_id: null,
          classified_at: null,
          resolved_at: null,
          created_at: now,
          updated_at: now,
        };
        await trx.insertInto('incidents').values(incident).execute();
        await this.effects.incidentCreated(trx, incident);
      }
      await trx
        .updateTable('reported_messages')
        .set({ incident_id: incident.id })
        .where('client_id', '=', clientId)
        .where('id', '=', row.id)
        .execute();
      const event = (type: 'reported' | 'classified' | 'resolved', detail: object) =>
        trx
          .insertInto('incident_events')
          .values({
            id: newOrderedId(),
            client_id: clientId,
            incident_id: incident.id,
            type,
            actor_id: null,
            detail: JSON.stringify(detail),
            created_at: now,
          })
          .execute();
      await event('reported', { reportId: row.id, reporter: row.reporter_address });
      // A Baitwise message (its token found by ReportRecorder): a simulation, resolved and credited
      // to its campaign — unless an analyst already decided otherwise.
      if (row.outbox_ref_type && row.outbox_ref_id && incident.verdict === null) {
        incident = await trx
          .updateTable('incidents')
          .set({
            verdict: 'simulation',
            status: 'resolved',
            outbox_ref_type: row.outbox_ref_type,
            outbox_ref_id: row.outbox_ref_id,
            classified_at: now,
            resolved_at: now,
            updated_at: now,
          })
          .where('client_id', '=', clientId)
          .where('id', '=', incident.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await event('classified', { verdict: 'simulation', automatic: true });
        await event('resolved', { automatic: true });
        await this.effects.incidentClassified(trx, {
          incident,
          verdict: 'simulation',
          reporters: [{ address: row.reporter_address, reportId: row.id }],
          reply: true,
          actorId: null,
        });
      }
    });
  }
}
