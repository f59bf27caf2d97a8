// The inbox's filters live in the URL (?status=new,in_review&verdict=none&q=…) so a view can be
// reloaded, bookmarked and shared. `client` is the header picker's parameter; the All incidents
// list's own client filter is `inClient`, so filtering there does not switch the picker.
import type { IncidentQuery, IncidentSort, IncidentStatus, VerdictFilter } from '../../api/incidents';

export interface InboxFilters {
  status: IncidentStatus[];
  verdict: VerdictFilter[];
  /** YYYY-MM-DD, local days, both inclusive */
  from: string;
  to: string;
  reporter: string;
  domain: string;
  q: string;
  sort: IncidentSort;
  order: 'asc' | 'desc';
  /** All incidents only */
  inClient: string | null;
}

const STATUSES: IncidentStatus[] = ['new', 'in_review', 'resolved'];
const VERDICTS: VerdictFilter[] = ['phishing', 'spam', 'clean', 'simulation', 'none'];
const SORTS: IncidentSort[] = ['last_reported_at', 'first_reported_at', 'report_count'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const list = <T extends string>(value: string | null, allowed: readonly T[]): T[] =>
  (value ?? '').split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));

/** What the URL says; anything unknown in it is ignored rather than sent to the server. */
export function readFilters(params: URLSearchParams): InboxFilters {
  const sort = params.get('sort') as IncidentSort | null;
  const day = (name: string) => {
    const v = params.get(name) ?? '';
    return DAY.test(v) ? v : '';
  };
  return {
    status: list(params.get('status'), STATUSES),
    verdict: list(params.get('verdict'), VERDICTS),
    from: day('from'),
    to: day('to'),
    reporter: params.get('reporter') ?? '',
    domain: params.get('domain') ?? '',
    q: params.get('q') ?? '',
    sort: sort && SORTS.includes(sort) ? sort : 'last_reported_at',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    inClient: params.get('inClient') || null,
  };
}

/** The URL's parameters with the filters written in (defaults left out, other parameters kept). */
export function writeFilters(params: URLSearchParams, f: InboxFilters): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (name: string, value: string) => (value ? next.set(name, value) : next.delete(name));
  set('status', f.status.join(','));
  set('verdict', f.verdict.join(','));
  set('from', f.from);
  set('to', f.to);
  set('reporter', f.reporter.trim());
  set('domain', f.domain.trim());
  set('q', f.q.trim());
  set('sort', f.sort === 'last_reported_at' ? '' : f.sort);
  set('order', f.order === 'desc' ? '' : f.order);
  set('inClient', f.inClient ?? '');
  return next;
}

export const hasFilters = (f: InboxFilters) =>
  f.status.length > 0 || f.verdict.length > 0 || Boolean(f.from || f.to || f.reporter || f.domain || f.q || f.inClient);

/** A local day's start (or, for `to`, the start of the next day minus a millisecond) as an ISO instant. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const at = end ? new Date(y, m - 1, d + 1).getTime() - 1 : new Date(y, m - 1, d).getTime();
  return new Date(at).toISOString();
}

export function toQuery(f: InboxFilters): IncidentQuery {
  return {
    status: f.status.join(',') || undefined,
    verdict: f.verdict.join(',') || undefined,
    reportedFrom: dayBound(f.from, false),
    reportedTo: dayBound(f.to, true),
    reporter: f.reporter.trim() || undefined,
    senderDomain: f.domain.trim() || undefined,
    q: f.q.trim() || undefined,
    sort: f.sort,
    order: f.order,
    clientId: f.inClient ?? undefined,
  };
}
