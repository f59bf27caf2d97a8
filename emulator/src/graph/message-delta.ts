// GET …/mailFolders/{id}/messages/delta: a full round (pages with $skiptoken, then a page with
// $deltatoken), later only what changed in the folder since the token — messages that arrived
// (delivered, moved in) and `@removed` entries for those that left (moved out, deleted), as the
// Outlook sync state reports them. Pages follow arrival order with a cursor, not an offset, so a
// client that moves messages out while it pages (what an intake does) never skips one.
//
// Page size: `Prefer: odata.maxpagesize=n` (echoed in Preference-Applied), 10 by default.
// An expired (see POST /_emulator/delta/invalidate) or garbled token answers 410 Gone with
// SyncStateNotFound: Outlook resources report a lost sync state with a 410 (MICROSOFT.md §3.3:
// clients treat 410 or syncStateNotFound/resyncRequired as "start a full round").
import { arrivalSeq, folderState, resolveAnyFolder } from '../mail/folders.js';
import { idKind } from '../mail/ids.js';
import type { MailMessage } from '../model.js';
import { MAIL_READ, requireMail } from './auth.js';
import { GraphError, idMalformed, itemNotFound } from './errors.js';
import { targetMailbox } from './mailbox.js';
import { parseMessageSelect, renderMessage } from './messages.js';
import { checkQueryOptions, type OptionRules } from './options.js';
import { decodeToken, encodeToken } from './query.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json, linkWith, q } from './request.js';

const MESSAGE_DELTA_OPTIONS: OptionRules = {
  allowed: ['$select', '$deltatoken', '$skiptoken'],
  notImplemented: ['$filter', '$orderby', '$expand', '$top'],
  resource: 'messages/delta',
  workload: 'mail',
};

interface State {
  k: 'mdelta';
  mb: string; // mailbox user id
  f: string; // folder key
  sel: string | null;
  since: number;
  until: number;
  full: boolean;
  /** cursor: the last entry sent in this round */
  at: [number, string] | null;
}

const syncStateNotFound = () =>
  new GraphError(
    410,
    'SyncStateNotFound',
    'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
  );

type Entry = { seq: number; key: string; message: MailMessage } | { seq: number; key: string; removed: string };

function entries(req: GraphReq, st: State, immutable: boolean): Entry[] {
  const store = req.ctx.store;
  const out: Entry[] = [];
  for (const m of store.messages.values()) {
    if (m.mailboxUserId !== st.mb || m.folder !== st.f || m.isDraft) continue;
    const seq = arrivalSeq(store, m);
    if (seq <= st.until && (st.full || seq > st.since)) out.push({ seq, key: m.id, message: m });
  }
  if (!st.full) {
    for (const t of folderState(store).tombstones) {
      if (t.mailboxUserId === st.mb && t.folder === st.f && t.seq > st.since && t.seq <= st.until) {
        out.push({ seq: t.seq, key: t.immutableId, removed: immutable ? t.immutableId : t.restId });
      }
    }
  }
  return out.sort((a, b) => a.seq - b.seq || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function pageSize(req: GraphReq): number | null {
  const m = /odata\.maxpagesize=(\d+)/i.exec(String(req.headers.prefer ?? ''));
  return m ? Math.max(1, Math.min(Number(m[1]), 1000)) : null;
}

export function messagesDelta(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  checkQueryOptions(req, MESSAGE_DELTA_OPTIONS);
  const store = req.ctx.store;
  const mailbox = targetMailbox(req, 'read');
  const folder = resolveAnyFolder(store, mailbox.id, req.params.folder!);
  if (!folder) throw idKind(req.params.folder!) ? itemNotFound() : idMalformed();
  const skip = q(req, '$skiptoken');
  const delta = q(req, '$deltatoken');
  let st: State;
  if (skip !== null || delta !== null) {
    const t = decodeToken<State>((skip ?? delta)!);
    if (t?.k !== 'mdelta' || t.mb !== mailbox.id || t.f !== folder) throw syncStateNotFound();
    if (t.until < store.deltaTokensValidFromSeq) throw syncStateNotFound();
    st = delta !== null ? { ...t, since: t.until, until: store.seq, full: false, at: null } : t;
  } else {
    const sel = q(req, '$select');
    parseMessageSelect(sel);
    st = { k: 'mdelta', mb: mailbox.id, f: folder, sel, since: 0, until: store.seq, full: true, at: null };
  }
  const immutable = /IdType\s*=\s*"?ImmutableId"?/i.test(String(req.headers.prefer ?? ''));
  const select = parseMessageSelect(st.sel);
  const all = entries(req, st, immutable);
  const from = st.at ? all.findIndex((e) => e.seq > st.at![0] || (e.seq === st.at![0] && e.key > st.at![1])) : 0;
  const rest = from < 0 ? [] : all.slice(from);
  const asked = pageSize(req);
  const size = asked ?? 10;
  const page = rest.slice(0, size);
  const value = page.map((e) =>
    'removed' in e ? { id: e.removed, '@removed': { reason: 'deleted' } } : renderMessage(req, e.message, select),
  );
  const path = req.segments.join('/');
  const drop = ['$skiptoken', '$deltatoken', '$select'];
  const body: Record<string, unknown> = {
    '@odata.context': `${CONTEXT_BASE}#Collection(message)`,
  };
  if (rest.length > size) {
    const last = page[page.length - 1]!;
    body['@odata.nextLink'] = linkWith(
      req,
      path,
      { $skiptoken: encodeToken({ ...st, at: [last.seq, last.key] }) },
      drop,
    );
  } else {
    const next: State = { ...st, full: false, at: null };
    body['@odata.deltaLink'] = linkWith(req, path, { $deltatoken: encodeToken(next) }, drop);
  }
  body.value = value;
  const headers: Record<string, string> = {};
  if (asked !== null) headers['Preference-Applied'] = `odata.maxpagesize=${asked}`;
  if (immutable)
    headers['Preference-Applied'] = [headers['Preference-Applied'], 'IdType="ImmutableId"'].filter(Boolean).join(', ');
  return json(body, 200, headers);
}
