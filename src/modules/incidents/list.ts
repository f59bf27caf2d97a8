// The inbox query: a client's incidents (or every client's), filtered, searched and sorted, a page
// at a time by keyset — the cursor is the last row's (sort value, id), so a page costs the same at
// the 1st or the 2,000th, and rows arriving meanwhile neither repeat nor skip rows.
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { ValidationError } from '../../lib/errors.js';
import type { IncidentQuery, IncidentSummary, SortKey } from './view.js';

type Cursor = [string | number, string];

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

function decode(raw: string, sort: SortKey): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    const numeric = sort === 'report_count';
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === (numeric ? 'number' : 'string') &&
      typeof v[1] === 'string' &&
      v[1].length <= 64
    )
      return [v[0], v[1]];
  } catch {
    // any malformed cursor is the caller's mistake
  }
  throw new ValidationError('cursor', 'The cursor is not valid for this sort; start again from the first page.');
}

const list = <T extends string>(v: string | string[] | undefined): T[] | undefined =>
  v === undefined ? undefined : ([...new Set((Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()))] as T[]);

/** `like` with the user's % and _ taken literally. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The select of an incident's summary (with its client's and assignee's names). */
export const summaryQuery = (db: Db) =>
  db
    .selectFrom('incidents as i')
    .innerJoin('clients as c', 'c.id', 'i.client_id')
    .leftJoin('operators as o', 'o.id', 'i.assignee_id')
    .select([
      'i.id',
      'i.client_id',
      'c.name as client_name',
      'i.subject',
      'i.from_address',
      'i.from_name',
      'i.from_domain',
      'i.status',
      'i.verdict',
      'i.assignee_id',
      'o.name as assignee_name',
      'i.report_count',
      'i.first_reported_at',
      'i.last_reported_at',
      'i.outbox_ref_type',
      'i.outbox_ref_id',
    ]);

type SummaryRow = Awaited<ReturnType<ReturnType<typeof summaryQuery>['executeTakeFirstOrThrow']>>;

export const toSummary = (r: SummaryRow): IncidentSummary => ({
  id: r.id,
  clientId: r.client_id,
  clientName: r.client_name,
  subject: r.subject,
  fromAddress: r.from_address,
  fromName: r.from_name,
  fromDomain: r.from_domain,
  status: r.status,
  verdict: r.verdict,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name ?? null,
  reportCount: Number(r.report_count),
  firstReportedAt: r.first_reported_at,
  lastReportedAt: r.last_reported_at,
  campaign: r.outbox_ref_type && r.outbox_ref_id ? { refType: r.outbox_ref_type, refId: r.outbox_ref_id } : null,
});

/** `clientIds` null: every client (a system administrator's all-clients view). */
export async function listIncidents(
  db: Db,
  clientIds: string[] | null,
  q: IncidentQuery,
): Promise<{ items: IncidentSummary[]; nextCursor: string | null }> {
  const sort: SortKey = q.sort ?? 'last_reported_at';
  const desc = (q.order ?? 'desc') === 'desc';
  const statuses = list<'new' | 'in_review' | 'resolved'>(q.status);
  const verdicts = list<string>(q.verdict);
  let query = summaryQuery(db);
  if (clientIds) query = query.where('i.client_id', 'in', clientIds);
  if (statuses) query = query.where('i.status', 'in', statuses);
  if (verdicts) {
    const named = verdicts.filter((v) => v !== 'none') as ('phishing' | 'spam' | 'clean' | 'simulation')[];
    const none = verdicts.includes('none');
    query = query.where((eb) => {
      const ors: Expression<SqlBool>[] = [];
      if (named.length) ors.push(eb('i.verdict', 'in', named));
      if (none) ors.push(eb('i.verdict', 'is', null));
      return eb.or(ors);
    });
  }
  if (q.reportedFrom) query = query.where('i.last_reported_at', '>=', new Date(q.reportedFrom).toISOString());
  if (q.reportedTo) query = query.where('i.first_reported_at', '<=', new Date(q.reportedTo).toISOString());
  if (q.senderDomain) query = query.where('i.from_domain', '=', q.senderDomain.trim().toLowerCase());
  if (q.reporter) {
    const reporter = q.reporter.trim().toLowerCase();
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('reported_messages as r')
          .select('r.id')
          .whereRef('r.client_id', '=', 'i.client_id')
          .whereRef('r.incident_id', '=', 'i.id')
          .where('r.reporter_address', '=', reporter),
      ),
    );
  }
  const term = q.q?.trim().toLowerCase();
  // ESCAPE spelled out: SQLite has no default escape character (PostgreSQL's is the backslash).
  if (term) query = query.where(sql<SqlBool>`i.search_text like ${`%${likeEscape(term)}%`} escape '\\'`);
  const col = `i.${sort}` as const;
  if (q.cursor) {
    const [v, id] = decode(q.cursor, sort);
    const op = desc ? '<' : '>';
    query = query.where((eb) =>
      eb.or([eb(col, op, v as never), eb.and([eb(col, '=', v as never), eb('i.id', op, id)])]),
    );
  }
  const dir = desc ? 'desc' : 'asc';
  const rows = await query
    .orderBy(col, dir)
    .orderBy('i.id', dir)
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toSummary),
    nextCursor:
      rows.length > q.limit && last
        ? encode([sort === 'report_count' ? Number(last.report_count) : last[sort], last.id])
        : null,
  };
}
