// An incident's detail: its summary, the first report's analysis as the message, every report and
// the timeline (with the actors' names). Read-only; every query by client id.
import type { Db } from '../../db/connection.js';
import { NotFoundError } from '../../lib/errors.js';
import type { MessageAnalysis } from './analysis.js';
import { summaryQuery, toSummary } from './list.js';
import type { IncidentDetail, IncidentSummary } from './view.js';

const MAX_REPORTS = 1000;
const MAX_EVENTS = 1000;

export async function detailOf(db: Db, clientId: string, incidentId: string): Promise<IncidentDetail> {
  const row = await summaryQuery(db)
    .where('i.client_id', '=', clientId)
    .where('i.id', '=', incidentId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Incident');
  const summary: IncidentSummary = toSummary(row);
  const reports = await db
    .selectFrom('reported_messages')
    .select([
      'id',
      'reporter_address',
      'verified',
      'source',
      'created_at',
      'reporting_option',
      'free_text',
      'counted',
      'analysis',
      'raw_deleted_at',
    ])
    .where('client_id', '=', clientId)
    .where('incident_id', '=', incidentId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_REPORTS)
    .execute();
  const events = await db
    .selectFrom('incident_events as e')
    .leftJoin('operators as o', 'o.id', 'e.actor_id')
    .select(['e.id', 'e.type', 'e.detail', 'e.created_at', 'o.name as actor_name'])
    .where('e.client_id', '=', clientId)
    .where('e.incident_id', '=', incidentId)
    .orderBy('e.created_at')
    .orderBy('e.id')
    .limit(MAX_EVENTS)
    .execute();
  const first = reports[0];
  const a: MessageAnalysis | null = first?.analysis ? JSON.parse(first.analysis) : null;
  return {
    ...summary,
    message: a
      ? {
          headers: a.headers,
          from: a.from,
          to: a.to,
          cc: a.cc,
          replyTo: a.replyTo,
          subject: a.subject,
          date: a.date,
          messageId: a.messageId,
          receivedChain: a.receivedChain,
          authentication: a.authentication,
          urls: a.urls,
          attachments: a.attachments,
          parseErrors: a.parseErrors,
          rawAvailable: !first?.raw_deleted_at,
        }
      : null,
    reports: reports.map((r) => ({
      id: r.id,
      reporterAddress: r.reporter_address,
      verified: r.verified === 1,
      source: r.source,
      reportedAt: r.created_at,
      reportingOption: r.reporting_option,
      freeText: r.free_text,
      counted: r.counted === 1,
    })),
    timeline: events.map((e) => ({
      id: e.id,
      type: e.type,
      actorName: e.actor_name ?? null,
      detail: e.detail ? JSON.parse(e.detail) : null,
      at: e.created_at,
    })),
  };
}
