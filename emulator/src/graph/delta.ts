// GET /users/delta: a full listing (pages with $skiptoken, then a page with $deltatoken), later
// only what changed since the token's Store.seq, deletions as `@removed` (MICROSOFT.md §3.3).
// Expired/garbled tokens answer 400 syncStateNotFound — the documented behaviour for identity
// resources (Graph devblog "Duration of change tracking tokens", 2020: BadRequest/syncStateNotFound).
import type { User } from '../model.js';
import { requireDirectory, USER_READ_ALL } from './auth.js';
import { contextUrl } from './collection.js';
import { GraphError } from './errors.js';
import { checkQueryOptions, DELTA_OPTIONS } from './options.js';
import { decodeToken, encodeToken, type PropDef, parseSelect } from './query.js';
import { type GraphReq, type GraphRes, json, linkWith, q } from './request.js';
import { USER_DEFAULTS, USER_SCHEMA } from './users.js';

interface DeltaState {
  k: 'delta';
  t: string; // tenant
  sel: string | null;
  since: number; // changes with changeSeq > since (0 with full = initial listing)
  until: number; // Store.seq when this round started
  full: boolean;
  i: number;
}

const syncStateNotFound = () =>
  new GraphError(
    400,
    'syncStateNotFound',
    'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
  );

function pageSize(req: GraphReq): number {
  const m = /odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''));
  const n = m ? Number(m[1]) : 100;
  return Math.max(1, Math.min(n, 999));
}

/** Returns Prefer: return=minimal was asked for (Graph then sends changed properties only). */
function wantsMinimal(req: GraphReq): boolean {
  return /(^|[\s,;])return=minimal\b/i.test(String(req.headers.prefer ?? ''));
}

/** The model field a Graph property is derived from (its change stamp is that field's). */
const SOURCE_FIELD: Record<string, keyof User> = {
  mailNickname: 'userPrincipalName',
  proxyAddresses: 'mail',
  imAddresses: 'mail',
  lastPasswordChangeDateTime: 'password',
};

/**
 * A user as delta sends it (Graph's user-delta rules): in the initial round and for users that
 * (re)appeared in this round, the selected properties that have a value — never-set (null) ones
 * are left out, not sent as null. For updated users, by default every selected property that has
 * a value plus those changed to null in this round; with return=minimal only the properties
 * changed in this round (null included).
 */
function renderDelta(req: GraphReq, u: User, select: PropDef<User>[], st: DeltaState, minimal: boolean) {
  const seqs = req.ctx.store.userFieldSeq.get(u.id);
  const appeared = st.full || (seqs?.get('') ?? 0) > st.since;
  const changed = (d: PropDef<User>) => {
    const field = SOURCE_FIELD[d.name] ?? (d.name in u ? (d.name as keyof User) : null);
    return field !== null && (seqs?.get(field) ?? 0) > st.since;
  };
  const out: Record<string, unknown> = {};
  for (const d of select) {
    const v = d.get(u);
    if (d.name === 'id') out.id = v;
    else if (appeared ? v !== null : minimal ? changed(d) : v !== null || changed(d)) out[d.name] = v;
  }
  return out;
}

type Entry = { user: User } | { removed: { id: string; reason: 'changed' | 'deleted' } };

function entries(req: GraphReq, st: DeltaState): Entry[] | readonly User[] {
  const users = req.ctx.store.usersByTenant.get(st.t) ?? [];
  // Initial round: the current state, nothing about deletions (Graph omits deleted objects).
  if (st.full) return users;
  const out: Entry[] = [];
  for (const u of users) if (u.changeSeq > st.since && u.changeSeq <= st.until) out.push({ user: u });
  for (const t of req.ctx.store.tombstones.values()) {
    if (t.tenantId === st.t && t.changeSeq > st.since && t.changeSeq <= st.until) {
      out.push({ removed: { id: t.id, reason: t.reason } });
    }
  }
  return out;
}

export function usersDelta(req: GraphReq): GraphRes {
  requireDirectory(req.principal, USER_READ_ALL);
  checkQueryOptions(req, DELTA_OPTIONS);
  const store = req.ctx.store;
  const skip = q(req, '$skiptoken');
  const delta = q(req, '$deltatoken');
  let st: DeltaState;
  if (skip !== null || delta !== null) {
    const raw = (skip ?? delta)!;
    if (delta !== null && delta.toLowerCase() === 'latest') {
      // "sync from now": no data, just a deltaLink for the current state
      const sel = q(req, '$select');
      parseSelect(sel, USER_SCHEMA, 'user');
      const tok: DeltaState = {
        k: 'delta',
        t: req.principal.tenantId,
        sel,
        since: store.seq,
        until: store.seq,
        full: false,
        i: 0,
      };
      return json({
        '@odata.context': contextUrl('users', parseSelect(sel, USER_SCHEMA, 'user'), sel),
        '@odata.deltaLink': linkWith(req, 'users/delta', { $deltatoken: encodeToken(tok) }, ['$deltatoken', '$select']),
        value: [],
      });
    }
    const t = decodeToken<DeltaState>(raw);
    if (t?.k !== 'delta' || t.t !== req.principal.tenantId) throw syncStateNotFound();
    if (t.until < store.deltaTokensValidFromSeq) throw syncStateNotFound();
    st = delta !== null ? { ...t, since: t.until, until: store.seq, full: false, i: 0 } : t;
  } else {
    if (q(req, '$filter') !== null) {
      throw new GraphError(
        400,
        'Request_UnsupportedQuery',
        "Unsupported query: users/delta only supports $filter on 'id'.",
      );
    }
    const sel = q(req, '$select');
    parseSelect(sel, USER_SCHEMA, 'user');
    st = { k: 'delta', t: req.principal.tenantId, sel, since: 0, until: store.seq, full: true, i: 0 };
  }

  let select: PropDef<User>[] | null = parseSelect(st.sel, USER_SCHEMA, 'user');
  if (select && !select.some((d) => d.name === 'id')) select = [...select, USER_SCHEMA.get('id')!];
  const shown = select ?? USER_DEFAULTS;
  const minimal = wantsMinimal(req);
  const list = entries(req, st);
  const size = pageSize(req);
  const end = Math.min(st.i + size, list.length);
  const value: Record<string, unknown>[] = [];
  for (let i = st.i; i < end; i++) {
    const e = list[i]!;
    if ('removed' in e) value.push({ id: e.removed.id, '@removed': { reason: e.removed.reason } });
    else value.push(renderDelta(req, 'user' in e ? e.user : e, shown, st, minimal));
  }
  const body: Record<string, unknown> = { '@odata.context': contextUrl('users', select, st.sel) };
  if (end < list.length) {
    body['@odata.nextLink'] = linkWith(req, 'users/delta', { $skiptoken: encodeToken({ ...st, i: end }) }, [
      '$skiptoken',
      '$deltatoken',
      '$select',
    ]);
  } else {
    const next: DeltaState = { ...st, full: false, i: 0 };
    body['@odata.deltaLink'] = linkWith(req, 'users/delta', { $deltatoken: encodeToken(next) }, [
      '$skiptoken',
      '$deltatoken',
      '$select',
    ]);
  }
  body.value = value;
  return json(body, 200, minimal ? { 'Preference-Applied': 'return=minimal' } : undefined);
}
