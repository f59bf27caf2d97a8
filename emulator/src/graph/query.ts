// OData query options as Graph's directory understands them: $select, $top, $filter, $search,
// $count, and the opaque $skiptoken. The filter language is the subset Entra supports, with the
// "advanced query" split (ne, not, endsWith, null checks need ConsistencyLevel + $count=true).
import { createHmac, randomBytes } from 'node:crypto';
import { advancedQueryRequired, badRequest, GraphError, unknownProperty, unsupportedQuery } from './errors.js';

export type PropType = 'string' | 'bool' | 'strings' | 'date' | 'other';
export interface PropDef<T> {
  name: string; // canonical casing
  type: PropType;
  get(e: T): unknown;
  /** not returned on collections (Graph answers 501 when selected there) */
  singleOnly?: boolean;
}
export type Schema<T> = Map<string, PropDef<T>>; // keyed by lower-case name

export function schema<T>(defs: PropDef<T>[]): Schema<T> {
  return new Map(defs.map((d) => [d.name.toLowerCase(), d]));
}

export interface QueryOptions {
  select?: string[]; // canonical names in request order
  selectRaw?: string;
  filter?: string;
  search?: string;
  orderby?: string;
  top: number;
  count: boolean;
}

export function parseSelect<T>(raw: string | null, sch: Schema<T>, type: string): PropDef<T>[] | null {
  if (raw === null || raw.trim() === '') return null;
  const out: PropDef<T>[] = [];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const def = sch.get(name.toLowerCase());
    if (!def) throw unknownProperty(name, type);
    if (!out.includes(def)) out.push(def);
  }
  return out;
}

export function parseTop(raw: string | null, def = 100, max = 999): number {
  if (raw === null) return def;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || n < 1 || n > max) {
    throw new GraphError(
      400,
      'Request_BadRequest',
      `Invalid page size specified: '${raw}'. Must be between 1 and ${max} inclusive.`,
    );
  }
  return n;
}

export function isEventual(headers: Record<string, unknown>): boolean {
  return String(headers.consistencylevel ?? '').toLowerCase() === 'eventual';
}

// ---------- $filter ----------

type Tok = { t: 'id' | 'str' | 'num' | 'punc'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= s.length) throw badRequest(`Invalid filter clause: unterminated string literal.`);
        if (s[i] === "'") {
          if (s[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += s[i++];
      }
      out.push({ t: 'str', v });
    } else if ('(),:'.includes(c)) {
      out.push({ t: 'punc', v: c });
      i++;
    } else if (c === '-' ? /\d/.test(s[i + 1] ?? '') : /\d/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(s.slice(i));
      if (!m) throw badRequest(`Invalid filter clause: syntax error at position ${i}.`);
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else {
      const m = /^[A-Za-z_$][\w./$-]*/.exec(s.slice(i));
      if (!m) throw badRequest(`Invalid filter clause: syntax error at position ${i} in '${s}'.`);
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

export type Literal = string | number | boolean | null;
export type FilterNode =
  | { k: 'and' | 'or'; a: FilterNode; b: FilterNode }
  | { k: 'not'; e: FilterNode }
  | { k: 'cmp'; op: string; prop: string; value: Literal }
  | { k: 'fn'; fn: 'startswith' | 'endswith'; prop: string; value: string }
  | { k: 'in'; prop: string; values: Literal[] }
  | { k: 'any'; prop: string; inner: FilterNode; v: string };

const CMP_OPS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(src: string): FilterNode {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isKw = (kw: string) => peek()?.t === 'id' && peek()!.v.toLowerCase() === kw;
  const expect = (v: string) => {
    const t = toks[p++];
    if (t?.t !== 'punc' || t.v !== v) throw badRequest(`Invalid filter clause: '${v}' expected in '${src}'.`);
  };
  const literal = (): Literal => {
    const t = toks[p++];
    if (!t) throw badRequest(`Invalid filter clause: literal expected in '${src}'.`);
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t === 'id') {
      const l = t.v.toLowerCase();
      if (l === 'true') return true;
      if (l === 'false') return false;
      if (l === 'null') return null;
      if (/^[0-9a-f-]{36}$/i.test(t.v)) return t.v;
    }
    throw badRequest(`Invalid filter clause: unexpected '${t.v}' in '${src}'.`);
  };
  const primary = (lambdaVar?: string): FilterNode => {
    const t = peek();
    if (!t) throw badRequest(`Invalid filter clause: unexpected end of '${src}'.`);
    if (t.t === 'punc' && t.v === '(') {
      p++;
      const e = orExpr(lambdaVar);
      expect(')');
      return e;
    }
    if (t.t !== 'id') throw badRequest(`Invalid filter clause: unexpected '${t.v}' in '${src}'.`);
    const name = t.v;
    const lower = name.toLowerCase();
    p++;
    if ((lower === 'startswith' || lower === 'endswith') && peek()?.v === '(') {
      p++;
      const propTok = toks[p++];
      if (propTok?.t !== 'id') throw badRequest(`Invalid filter clause: property expected in '${src}'.`);
      expect(',');
      const value = literal();
      expect(')');
      if (typeof value !== 'string') throw badRequest(`Invalid filter clause: string literal expected in '${src}'.`);
      return { k: 'fn', fn: lower, prop: propTok.v, value };
    }
    const slash = name.indexOf('/');
    if (slash > 0 && /\/any$/i.test(name)) {
      // groupTypes/any(c:c eq 'Unified'), proxyAddresses/any(x:startswith(x,'smtp:'))
      const prop = name.slice(0, slash);
      expect('(');
      const v = toks[p++];
      if (v?.t !== 'id') throw badRequest(`Invalid filter clause: lambda variable expected in '${src}'.`);
      expect(':');
      const inner = orExpr(v.v);
      expect(')');
      return { k: 'any', prop, inner, v: v.v };
    }
    if (isKw('in')) {
      p++;
      expect('(');
      const values: Literal[] = [literal()];
      while (peek()?.v === ',') {
        p++;
        values.push(literal());
      }
      expect(')');
      return { k: 'in', prop: name, values };
    }
    const opTok = toks[p++];
    const op = opTok?.v.toLowerCase() ?? '';
    if (opTok?.t !== 'id' || !CMP_OPS.has(op))
      throw badRequest(`Invalid filter clause: operator expected after '${name}' in '${src}'.`);
    return { k: 'cmp', op, prop: name, value: literal() };
  };
  const unary = (lv?: string): FilterNode => {
    if (isKw('not')) {
      p++;
      return { k: 'not', e: unary(lv) };
    }
    return primary(lv);
  };
  const andExpr = (lv?: string): FilterNode => {
    let a = unary(lv);
    while (isKw('and')) {
      p++;
      a = { k: 'and', a, b: unary(lv) };
    }
    return a;
  };
  const orExpr = (lv?: string): FilterNode => {
    let a = andExpr(lv);
    while (isKw('or')) {
      p++;
      a = { k: 'or', a, b: andExpr(lv) };
    }
    return a;
  };
  const root = orExpr();
  if (p !== toks.length) throw badRequest(`Invalid filter clause: unexpected '${toks[p]?.v}' in '${src}'.`);
  return root;
}

/** Whether the filter uses constructs Entra only evaluates as an advanced query. */
export function filterNeedsAdvanced(n: FilterNode): boolean {
  switch (n.k) {
    case 'and':
    case 'or':
      return filterNeedsAdvanced(n.a) || filterNeedsAdvanced(n.b);
    case 'not':
      return true;
    case 'fn':
      return n.fn === 'endswith';
    case 'cmp':
      return n.op === 'ne' || n.value === null;
    case 'in':
      return false;
    case 'any':
      return filterNeedsAdvanced(n.inner);
  }
}

const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);

function compare(op: string, left: unknown, right: Literal): boolean {
  const l = norm(left);
  const r = norm(right);
  if (op === 'eq') return (l ?? null) === r;
  if (op === 'ne') return (l ?? null) !== r;
  if (l === null || l === undefined || r === null) return false;
  const a = l as string | number;
  const b = r as string | number;
  if (op === 'gt') return a > b;
  if (op === 'ge') return a >= b;
  if (op === 'lt') return a < b;
  return a <= b;
}

/** Compile a filter to a predicate, resolving property names against the entity schema. */
export function compileFilter<T>(
  n: FilterNode,
  sch: Schema<T>,
  type: string,
  lambdaVar?: string,
): (e: T, lv?: unknown) => boolean {
  const prop = (name: string): ((e: T, lv?: unknown) => unknown) => {
    if (lambdaVar && name === lambdaVar) return (_e, lv) => lv;
    const def = sch.get(name.toLowerCase());
    if (!def) throw unknownProperty(name, type);
    return (e) => def.get(e);
  };
  switch (n.k) {
    case 'and': {
      const a = compileFilter(n.a, sch, type, lambdaVar);
      const b = compileFilter(n.b, sch, type, lambdaVar);
      return (e, lv) => a(e, lv) && b(e, lv);
    }
    case 'or': {
      const a = compileFilter(n.a, sch, type, lambdaVar);
      const b = compileFilter(n.b, sch, type, lambdaVar);
      return (e, lv) => a(e, lv) || b(e, lv);
    }
    case 'not': {
      const a = compileFilter(n.e, sch, type, lambdaVar);
      return (e, lv) => !a(e, lv);
    }
    case 'cmp': {
      const g = prop(n.prop);
      return (e, lv) => compare(n.op, g(e, lv), n.value);
    }
    case 'in': {
      const g = prop(n.prop);
      const set = new Set(n.values.map(norm));
      return (e, lv) => set.has(norm(g(e, lv)) as Literal);
    }
    case 'fn': {
      const g = prop(n.prop);
      const v = n.value.toLowerCase();
      return (e, lv) => {
        const x = g(e, lv);
        if (typeof x !== 'string') return false;
        return n.fn === 'startswith' ? x.toLowerCase().startsWith(v) : x.toLowerCase().endsWith(v);
      };
    }
    case 'any': {
      const def = sch.get(n.prop.toLowerCase());
      if (!def) throw unknownProperty(n.prop, type);
      if (def.type !== 'strings') throw unsupportedQuery(`Unsupported query: '${n.prop}' is not a collection.`);
      const inner = compileFilter(n.inner, sch, type, n.v);
      return (e) => {
        const arr = def.get(e);
        return Array.isArray(arr) && arr.some((x) => inner(e, x));
      };
    }
  }
}

// ---------- $search ----------

/** `"displayName:foo" OR "mail:bar"` → predicate; terms match a word prefix (Entra tokenises on word breaks). */
export function compileSearch<T>(raw: string, sch: Schema<T>, type: string): (e: T) => boolean {
  const parts = raw.match(/"[^"]*"|\bAND\b|\bOR\b/gi) ?? [];
  if (parts.length === 0 || !raw.trim().startsWith('"')) {
    throw badRequest(`Syntax error: the $search value ${raw} must be enclosed in double quotes.`, 'Request_BadRequest');
  }
  type Clause = (e: T) => boolean;
  const clauses: Clause[] = [];
  const ops: string[] = [];
  for (const part of parts) {
    if (!part.startsWith('"')) {
      ops.push(part.toUpperCase());
      continue;
    }
    const body = part.slice(1, -1);
    const colon = body.indexOf(':');
    if (colon < 0) throw badRequest(`Invalid $search clause ${part}: use "property:value".`, 'Request_BadRequest');
    const def = sch.get(body.slice(0, colon).trim().toLowerCase());
    if (!def) throw unknownProperty(body.slice(0, colon).trim(), type);
    const term = body
      .slice(colon + 1)
      .trim()
      .toLowerCase();
    clauses.push((e) => {
      const v = def.get(e);
      if (typeof v !== 'string') return false;
      const lv = v.toLowerCase();
      return lv.startsWith(term) || lv.split(/[\s\-_.@,()]+/).some((w) => w.startsWith(term));
    });
  }
  return (e) => {
    let acc = clauses[0]!(e);
    for (let i = 1; i < clauses.length; i++) {
      const op = ops[i - 1] ?? 'AND';
      acc = op === 'OR' ? acc || clauses[i]!(e) : acc && clauses[i]!(e);
    }
    return acc;
  };
}

// ---------- $skiptoken / $deltatoken ----------

const TOKEN_KEY = randomBytes(32);

/** Opaque, tamper-evident page state: base64url(mac16 ‖ json). Clients must not build these. */
export function encodeToken(state: object): string {
  const json = Buffer.from(JSON.stringify(state));
  const mac = createHmac('sha256', TOKEN_KEY).update(json).digest().subarray(0, 16);
  return Buffer.concat([mac, json]).toString('base64url');
}

export function decodeToken<S>(token: string): S | null {
  try {
    const buf = Buffer.from(token, 'base64url');
    if (buf.length < 17) return null;
    const mac = buf.subarray(0, 16);
    const json = buf.subarray(16);
    const want = createHmac('sha256', TOKEN_KEY).update(json).digest().subarray(0, 16);
    if (!mac.equals(want)) return null;
    return JSON.parse(json.toString()) as S;
  } catch {
    return null;
  }
}

export const expiredPageToken = () =>
  new GraphError(
    400,
    'Directory_ExpiredPageToken',
    'The specified page token value has expired and can no longer be included in your request.',
  );

export { advancedQueryRequired };
