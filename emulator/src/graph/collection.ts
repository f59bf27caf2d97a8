// Paging over directory collections (users, groups, members). The $skiptoken carries the query
// options plus the position in the stable list order, so a page costs O(page + skipped
// non-matches) and walking 100k users is linear overall.
import { GraphError } from './errors.js';
import {
  compileFilter,
  compileSearch,
  decodeToken,
  encodeToken,
  expiredPageToken,
  filterNeedsAdvanced,
  isEventual,
  type PropDef,
  parseFilter,
  parseSelect,
  parseTop,
  type Schema,
} from './query.js';
import { CONTEXT_BASE, type GraphReq, linkWith, q } from './request.js';

export interface ListOptions {
  select: string | null;
  filter: string | null;
  search: string | null;
  orderby: string | null;
  top: number;
  count: boolean;
}

interface PageToken {
  k: string; // which collection (path), so a users token is not replayed on groups
  o: ListOptions;
  i: number; // next index in the list
  l: string | null; // id of the last item returned (guards against list shifts)
}

/** Read options from the request or, on follow-up pages, from the $skiptoken. */
export function readListOptions(
  req: GraphReq,
  kind: string,
): { opts: ListOptions; start: number; lastId: string | null } {
  const skip = q(req, '$skiptoken');
  if (skip !== null) {
    const t = decodeToken<PageToken>(skip);
    if (!t || t.k !== kind) throw expiredPageToken();
    return { opts: t.o, start: t.i, lastId: t.l };
  }
  const countRaw = q(req, '$count');
  if (countRaw !== null && !/^(true|false)$/i.test(countRaw)) {
    throw new GraphError(
      400,
      'BadRequest',
      `Invalid value '${countRaw}' for $count query option found. Valid values are 'true' and 'false'.`,
    );
  }
  return {
    opts: {
      select: q(req, '$select'),
      filter: q(req, '$filter'),
      search: q(req, '$search'),
      orderby: q(req, '$orderby'),
      top: parseTop(q(req, '$top')),
      count: countRaw?.toLowerCase() === 'true',
    },
    start: 0,
    lastId: null,
  };
}

export interface Compiled<T> {
  select: PropDef<T>[] | null;
  pred: (e: T) => boolean;
  advanced: boolean;
  /** emit @odata.count ($count=true and ConsistencyLevel: eventual) */
  withCount: boolean;
}

/**
 * Validate and compile options against the schema, enforcing Graph's advanced-query rule:
 * $search needs `ConsistencyLevel: eventual`; ne/not/endsWith/null filters need it and
 * $count=true. Applied again on every follow-up page, as Graph does.
 */
export function compileOptions<T>(
  req: GraphReq,
  opts: ListOptions,
  sch: Schema<T>,
  type: string,
  /** properties $orderby may name without an advanced query (users: displayName, userPrincipalName) */
  orderbyBasic: string[] = [],
): Compiled<T> {
  const eventual = isEventual(req.headers);
  if (opts.orderby) {
    const prop = /^\s*(\w+)/.exec(opts.orderby)?.[1]?.toLowerCase() ?? '';
    // Sorting on anything else, or together with $filter, is an advanced query in Entra.
    if ((!orderbyBasic.includes(prop) || opts.filter) && !(eventual && opts.count)) {
      throw new GraphError(400, 'Request_UnsupportedQuery', 'Sorting not supported for current query.');
    }
  }
  const select = parseSelect(opts.select, sch, type);
  if (select?.some((d) => d.singleOnly)) {
    const d = select.find((x) => x.singleOnly)!;
    throw new GraphError(
      501,
      'Request_NotImplemented',
      `The property '${d.name}' does not support being returned in a collection; request it on a single ${type}.`,
    );
  }
  const preds: ((e: T) => boolean)[] = [];
  let advanced = false;
  if (opts.filter) {
    const ast = parseFilter(opts.filter);
    preds.push(compileFilter(ast, sch, type));
    if (filterNeedsAdvanced(ast)) {
      advanced = true;
      if (!eventual || !opts.count) {
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property of resource '${type[0]!.toUpperCase()}${type.slice(1)}'. This filter requires the 'ConsistencyLevel: eventual' header and $count=true (advanced query).`,
        );
      }
    }
  }
  if (opts.search) {
    advanced = true;
    if (!eventual) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    }
    preds.push(compileSearch(opts.search, sch, type));
  }
  // $count=true without the header is not an error: Graph just leaves @odata.count out
  // (microsoft-graph-docs #8586), a trap the emulator reproduces on purpose.
  const withCount = opts.count && eventual;
  const pred = preds.length === 0 ? () => true : preds.length === 1 ? preds[0]! : (e: T) => preds.every((p) => p(e));
  return { select, pred, advanced, withCount };
}

/** Sort order for $orderby (displayName / userPrincipalName, asc|desc); cached per list snapshot. */
const sortCache = new WeakMap<readonly unknown[], Map<string, { len: number; stamp: number; sorted: unknown[] }>>();
export function ordered<T>(list: readonly T[], orderby: string | null, sch: Schema<T>, stamp: number): readonly T[] {
  if (!orderby) return list;
  const m = /^\s*([\w]+)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
  const def = m ? sch.get(m[1]!.toLowerCase()) : undefined;
  if (!m || !def) throw new GraphError(400, 'Request_UnsupportedQuery', `Sorting not supported for '${orderby}'.`);
  const key = `${def.name} ${m[2]?.toLowerCase() ?? 'asc'}`;
  let perList = sortCache.get(list);
  if (!perList) {
    perList = new Map();
    sortCache.set(list, perList);
  }
  const hit = perList.get(key);
  // Store.seq moves on every directory change; the length also catches direct list edits
  if (hit && hit.len === list.length && hit.stamp === stamp) return hit.sorted as T[];
  const dir = m[2]?.toLowerCase() === 'desc' ? -1 : 1;
  const sorted = [...list].sort((a, b) => {
    const x = String(def.get(a) ?? '').toLowerCase();
    const y = String(def.get(b) ?? '').toLowerCase();
    return x < y ? -dir : x > y ? dir : 0;
  });
  perList.set(key, { len: list.length, stamp, sorted });
  return sorted;
}

const countCache = new WeakMap<readonly unknown[], Map<string, { len: number; stamp: number; n: number }>>();

/** $count for a query; cached per (list, query, change stamp) so paging stays linear. */
export function countMatches<T>(list: readonly T[], pred: (e: T) => boolean, key: string, stamp: number): number {
  let perList = countCache.get(list);
  if (!perList) {
    perList = new Map();
    countCache.set(list, perList);
  }
  const hit = perList.get(key);
  if (hit && hit.len === list.length && hit.stamp === stamp) return hit.n;
  let n = 0;
  for (const e of list) if (pred(e)) n++;
  if (perList.size > 200) perList.clear();
  perList.set(key, { len: list.length, stamp, n });
  return n;
}

export interface PageResult<T> {
  items: T[];
  nextLink: string | null;
}

/** Take one page from `list` starting at the token position; nextLink only if another match exists. */
export function takePage<T extends { id: string }>(
  req: GraphReq,
  kind: string,
  path: string,
  list: readonly T[],
  pred: (e: T) => boolean,
  opts: ListOptions,
  start: number,
  lastId: string | null,
): PageResult<T> {
  let i = Math.min(start, list.length);
  if (lastId !== null && list[i - 1]?.id !== lastId) {
    // the list shifted (insert/delete) since the last page: resume after the last item we returned
    const at = list.findIndex((e) => e.id === lastId);
    if (at >= 0) i = at + 1;
  }
  const items: T[] = [];
  while (i < list.length && items.length < opts.top) {
    const e = list[i++]!;
    if (pred(e)) items.push(e);
  }
  while (i < list.length && !pred(list[i]!)) i++;
  if (i >= list.length || items.length === 0) return { items, nextLink: null };
  const token: PageToken = { k: kind, o: opts, i, l: items[items.length - 1]!.id };
  return { items, nextLink: linkWith(req, path, { $skiptoken: encodeToken(token) }, ['$skiptoken']) };
}

export function contextUrl(
  entitySet: string,
  select: PropDef<unknown>[] | null | undefined,
  selectRaw?: string | null,
): string {
  if (!select || !selectRaw) return `${CONTEXT_BASE}#${entitySet}`;
  return `${CONTEXT_BASE}#${entitySet}(${selectRaw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',')})`;
}

/** Project an entity to the selected (or default) properties, in schema order like Graph. */
export function project<T>(e: T, select: PropDef<T>[] | null, defaults: PropDef<T>[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of select ?? defaults) out[d.name] = d.get(e);
  return out;
}
