// Reading and acting on messages: get (with $select, internetMessageHeaders only when selected),
// /$value (raw MIME), listing a folder, move (new REST id, 201), delete, createForward + send,
// forward, translateExchangeIds. `Prefer: IdType="ImmutableId"` switches ids to immutable ones.

import { createHash } from 'node:crypto';
import { deliver, graphTime, storeMessage } from '../mail/deliver.js';
import { folderIdOf, noteDeparture, resolveAnyFolder } from '../mail/folders.js';
import { ewsToRest, type IdKind, idKind, restToEws } from '../mail/ids.js';
import { composeMime, newMessageId } from '../mail/mime.js';
import { moveItem } from '../mail/move.js';
import { mailState, messageById } from '../mail/state.js';
import type { MailMessage, User } from '../model.js';
import { MAIL_READ, MAIL_SEND, MAIL_WRITE, requireMail } from './auth.js';
import { forgetDraft } from './drafts.js';
import { GraphError, idMalformed, itemNotFound } from './errors.js';
import { targetMailbox, userRef } from './mailbox.js';
import { checkQueryOptions, MESSAGES_OPTIONS } from './options.js';
import { compileFilter, type PropDef, parseFilter, schema } from './query.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json, linkWith, q } from './request.js';
import { checkRecipientCount, mailboxAddress, parseRecipients } from './send-mail.js';

const recipient = (a: { name: string; address: string }) => ({
  emailAddress: { name: a.name || a.address, address: a.address },
});
const stamp = (m: MailMessage) => createHash('sha1').update(m.restId).digest('base64').slice(0, 20);

function wantsImmutable(req: GraphReq): boolean {
  return /IdType\s*=\s*"?ImmutableId"?/i.test(String(req.headers.prefer ?? ''));
}

function preview(m: MailMessage): string {
  const text = m.body.contentType === 'html' ? m.body.content.replace(/<[^>]*>/g, ' ') : m.body.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

type Ctx = { immutable: boolean };
const MESSAGE_PROPS: PropDef<MailMessage & Ctx>[] = [
  { name: 'id', type: 'string', get: (m) => (m.immutable ? m.id : m.restId) },
  { name: 'createdDateTime', type: 'date', get: (m) => m.receivedDateTime },
  { name: 'lastModifiedDateTime', type: 'date', get: (m) => m.receivedDateTime },
  { name: 'changeKey', type: 'string', get: (m) => `CQAAABYAAAA${stamp(m)}` },
  { name: 'categories', type: 'strings', get: () => [] },
  { name: 'receivedDateTime', type: 'date', get: (m) => m.receivedDateTime },
  { name: 'sentDateTime', type: 'date', get: (m) => m.receivedDateTime },
  { name: 'hasAttachments', type: 'bool', get: (m) => /^Content-Disposition:\s*attachment/im.test(m.mime) },
  { name: 'internetMessageId', type: 'string', get: (m) => m.internetMessageId },
  { name: 'subject', type: 'string', get: (m) => m.subject },
  { name: 'bodyPreview', type: 'string', get: preview },
  { name: 'importance', type: 'string', get: () => 'normal' },
  { name: 'parentFolderId', type: 'string', get: (m) => folderIdOf(m.mailboxUserId, m.folder) },
  {
    name: 'conversationId',
    type: 'string',
    get: (m) =>
      `AAQk${createHash('sha1')
        .update(m.subject.replace(/^(re|fw|fwd):\s*/i, ''))
        .digest('base64url')
        .slice(0, 40)}=`,
  },
  { name: 'isDeliveryReceiptRequested', type: 'bool', get: () => false },
  { name: 'isReadReceiptRequested', type: 'bool', get: () => false },
  { name: 'isRead', type: 'bool', get: (m) => m.folder !== 'inbox' },
  { name: 'isDraft', type: 'bool', get: (m) => m.isDraft },
  {
    name: 'webLink',
    type: 'string',
    get: (m) =>
      `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.ewsId)}&exvsurl=1&viewmodel=ReadMessageItem`,
  },
  { name: 'inferenceClassification', type: 'string', get: () => 'focused' },
  { name: 'body', type: 'other', get: (m) => m.body },
  { name: 'sender', type: 'other', get: (m) => (m.from ? recipient(m.from) : null) },
  { name: 'from', type: 'other', get: (m) => (m.from ? recipient(m.from) : null) },
  { name: 'toRecipients', type: 'other', get: (m) => m.toRecipients.map(recipient) },
  { name: 'ccRecipients', type: 'other', get: (m) => m.ccRecipients.map(recipient) },
  { name: 'bccRecipients', type: 'other', get: (m) => m.bccRecipients.map(recipient) },
  { name: 'replyTo', type: 'other', get: () => [] },
  { name: 'flag', type: 'other', get: () => ({ flagStatus: 'notFlagged' }) },
  // only when selected (MICROSOFT.md §3.6)
  { name: 'internetMessageHeaders', type: 'other', get: (m) => m.internetMessageHeaders },
  { name: 'uniqueBody', type: 'other', get: (m) => m.body },
];
const MESSAGE_SCHEMA = schema(MESSAGE_PROPS);
const MESSAGE_DEFAULTS = MESSAGE_PROPS.slice(0, MESSAGE_PROPS.length - 2);

export function parseMessageSelect(raw: string | null): PropDef<MailMessage & Ctx>[] | null {
  if (!raw) return null;
  const out: PropDef<MailMessage & Ctx>[] = [MESSAGE_SCHEMA.get('id')!];
  for (const part of raw.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const def = MESSAGE_SCHEMA.get(name.toLowerCase());
    if (!def) {
      throw new GraphError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${name}' on type 'Microsoft.OutlookServices.Message'.`,
      );
    }
    if (!out.includes(def)) out.push(def);
  }
  return out;
}

export function renderMessage(
  req: GraphReq,
  m: MailMessage,
  select: PropDef<MailMessage & Ctx>[] | null,
): Record<string, unknown> {
  const view = Object.assign(Object.create(m) as MailMessage, { immutable: wantsImmutable(req) }) as MailMessage & Ctx;
  const out: Record<string, unknown> = { '@odata.etag': `W/"CQAAABYAAAA${stamp(m)}"` };
  for (const d of select ?? MESSAGE_DEFAULTS) out[d.name] = d.get(view);
  return out;
}

function idHeaders(req: GraphReq): Record<string, string> | undefined {
  return wantsImmutable(req) ? { 'Preference-Applied': 'IdType="ImmutableId"' } : undefined;
}

/** Look a message up by REST or immutable id within the mailbox (404 across mailboxes). */
export function findMessage(req: GraphReq, mailbox: User, id: string): MailMessage {
  const kind = idKind(id);
  if (!kind) throw idMalformed();
  const m = messageById(req.ctx.store, kind === 'ews' ? ewsToRest(id) : id);
  if (!m || m.mailboxUserId !== mailbox.id) throw itemNotFound();
  return m;
}

function entityContext(req: GraphReq, mailbox: User): string {
  return `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')/messages/$entity`;
}

export function getMessage(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  const m = findMessage(req, mailbox, req.params.mid!);
  const select = parseMessageSelect(q(req, '$select'));
  return json({ '@odata.context': entityContext(req, mailbox), ...renderMessage(req, m, select) }, 200, idHeaders(req));
}

export function getMessageValue(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  const m = findMessage(req, mailbox, req.params.mid!);
  return { status: 200, body: m.mime, contentType: 'text/plain' };
}

export function listMessages(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_READ);
  checkQueryOptions(req, MESSAGES_OPTIONS);
  const mailbox = targetMailbox(req, 'read');
  let folder: string | null = null;
  if (req.params.folder !== undefined) {
    folder = resolveAnyFolder(req.ctx.store, mailbox.id, req.params.folder);
    if (!folder) {
      if (!idKind(req.params.folder)) throw idMalformed();
      throw itemNotFound();
    }
  }
  const top = Number(q(req, '$top') ?? 10);
  const skip = Number(q(req, '$skip') ?? 0);
  if (!Number.isInteger(top) || top < 1 || top > 1000 || !Number.isInteger(skip) || skip < 0) {
    throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The value of $top or $skip is invalid.');
  }
  // $orderby on receivedDateTime (Graph's default for the list is newest first); other sort keys are not emulated
  const orderby = q(req, '$orderby');
  const m = orderby === null ? null : /^\s*receivedDateTime(?:\s+(asc|desc))?\s*$/i.exec(orderby);
  if (orderby !== null && !m) {
    throw new GraphError(501, 'NotImplemented', `The emulator does not implement '$orderby=${orderby}' on messages.`);
  }
  const direction = m ? (m[1]?.toLowerCase() ?? 'asc') : 'desc';
  const select = parseMessageSelect(q(req, '$select'));
  const filterRaw = q(req, '$filter');
  let pred: (m: MailMessage) => boolean = () => true;
  if (filterRaw) {
    const f = compileFilter(parseFilter(filterRaw), MESSAGE_SCHEMA, 'message');
    const immutable = wantsImmutable(req);
    pred = (m) => f(Object.assign(Object.create(m) as MailMessage, { immutable }) as MailMessage & Ctx);
  }
  const all: MailMessage[] = [];
  for (const m of req.ctx.store.messages.values()) {
    if (m.mailboxUserId === mailbox.id && (folder === null || m.folder === folder) && pred(m)) all.push(m);
  }
  // newest first, like Outlook's default view (ties: later insert first); or oldest first when asked
  all
    .reverse()
    .sort((a, b) => (a.receivedDateTime < b.receivedDateTime ? 1 : a.receivedDateTime > b.receivedDateTime ? -1 : 0));
  if (direction === 'asc') all.reverse();
  const page = all.slice(skip, skip + top);
  const path = req.segments.join('/');
  const body: Record<string, unknown> = {
    '@odata.context': `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')/${folder ? `mailFolders('${req.params.folder}')/` : ''}messages`,
    value: page.map((m) => renderMessage(req, m, select)),
  };
  if (skip + top < all.length)
    body['@odata.nextLink'] = linkWith(req, path, { $top: String(top), $skip: String(skip + top) }, ['$top', '$skip']);
  return json(body, 200, idHeaders(req));
}

/** Move within the mailbox: Exchange issues a new REST/EWS id; the immutable id stays. */
export function moveTo(req: GraphReq, m: MailMessage, folder: string): void {
  moveItem(req.ctx.store, m, folder);
}

export function moveMessage(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_WRITE);
  const mailbox = targetMailbox(req, 'write');
  const m = findMessage(req, mailbox, req.params.mid!);
  const dest = (req.body as { destinationId?: unknown } | null)?.destinationId;
  if (typeof dest !== 'string' || !dest) {
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'DestinationId' is empty.");
  }
  const folder = resolveAnyFolder(req.ctx.store, mailbox.id, dest);
  if (!folder) throw idKind(dest) ? itemNotFound() : idMalformed();
  moveTo(req, m, folder);
  return json({ '@odata.context': entityContext(req, mailbox), ...renderMessage(req, m, null) }, 201, idHeaders(req));
}

export function deleteMessage(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_WRITE);
  const mailbox = targetMailbox(req, 'write');
  const m = findMessage(req, mailbox, req.params.mid!);
  if (m.folder === 'deleteditems') {
    noteDeparture(req.ctx.store, m);
    req.ctx.store.messages.delete(m.id);
    mailState(req.ctx.store).byRestId.delete(m.restId);
  } else {
    moveTo(req, m, 'deleteditems');
  }
  return { status: 204 };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function buildForwardDraft(req: GraphReq, mailbox: User, orig: MailMessage): Promise<MailMessage> {
  const body = (req.body ?? {}) as { comment?: unknown; toRecipients?: unknown; message?: { toRecipients?: unknown } };
  const to = parseRecipients(body.toRecipients ?? body.message?.toRecipients, 'toRecipients');
  const comment = typeof body.comment === 'string' ? body.comment : '';
  const origHtml = orig.body.contentType === 'html' ? orig.body.content : `<pre>${escapeHtml(orig.body.content)}</pre>`;
  const fmt = (a: { name: string; address: string }) => escapeHtml(a.name ? `${a.name} <${a.address}>` : a.address);
  const html = `<html><body><div>${escapeHtml(comment)}</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> ${
    orig.from ? fmt(orig.from) : ''
  }<br><b>Sent:</b> ${orig.receivedDateTime}<br><b>To:</b> ${orig.toRecipients.map(fmt).join('; ')}<br><b>Subject:</b> ${escapeHtml(
    orig.subject,
  )}</div><div>${origHtml}</div></body></html>`;
  const mime = await composeMime({
    from: { name: mailbox.displayName, address: mailboxAddress(mailbox) },
    to,
    cc: [],
    bcc: [],
    replyTo: [],
    subject: `FW: ${orig.subject}`,
    body: { contentType: 'html', content: html },
    headers: [],
    attachments: [],
    date: new Date(req.ctx.store.clock.now()),
    messageId: newMessageId(),
  });
  return storeMessage(req.ctx.store, mailbox, 'drafts', mime, { isDraft: true });
}

export async function createForward(req: GraphReq): Promise<GraphRes> {
  requireMail(req.principal, MAIL_WRITE);
  const mailbox = targetMailbox(req, 'read');
  const orig = findMessage(req, mailbox, req.params.mid!);
  const draft = await buildForwardDraft(req, mailbox, orig);
  return json(
    { '@odata.context': entityContext(req, mailbox), ...renderMessage(req, draft, null) },
    201,
    idHeaders(req),
  );
}

async function sendDraft(req: GraphReq, mailbox: User, draft: MailMessage): Promise<void> {
  const recipients = [...draft.toRecipients, ...draft.ccRecipients, ...draft.bccRecipients].map((a) => a.address);
  checkRecipientCount(recipients.length);
  await deliver(req.ctx.store, {
    via: 'graph',
    sender: mailbox,
    envelopeFrom: mailboxAddress(mailbox),
    recipients,
    mime: draft.mime,
    saveToSentItems: false,
  });
  draft.isDraft = false;
  draft.receivedDateTime = graphTime(req.ctx.store.clock.now());
  moveTo(req, draft, 'sentitems');
}

export async function sendMessage(req: GraphReq): Promise<GraphRes> {
  requireMail(req.principal, MAIL_SEND);
  const mailbox = targetMailbox(req, 'send');
  const draft = findMessage(req, mailbox, req.params.mid!);
  if (!draft.isDraft) {
    throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent; the item is not a draft.');
  }
  await sendDraft(req, mailbox, draft);
  forgetDraft(req.ctx.store, draft.id);
  return { status: 202 };
}

export async function forwardMessage(req: GraphReq): Promise<GraphRes> {
  requireMail(req.principal, MAIL_SEND);
  const mailbox = targetMailbox(req, 'send');
  const orig = findMessage(req, mailbox, req.params.mid!);
  const draft = await buildForwardDraft(req, mailbox, orig);
  await sendDraft(req, mailbox, draft);
  forgetDraft(req.ctx.store, draft.id);
  return { status: 202 };
}

const ID_TYPES = new Set(['ewsid', 'restid', 'restimmutableentryid']);

export function translateExchangeIds(req: GraphReq): GraphRes {
  requireMail(req.principal, [...MAIL_READ, 'User.Read', 'User.ReadBasic.All', 'User.Read.All']);
  const mailbox = targetMailbox(req, 'read');
  const b = (req.body ?? {}) as { inputIds?: unknown; sourceIdType?: unknown; targetIdType?: unknown };
  const src = String(b.sourceIdType ?? '').toLowerCase();
  const dst = String(b.targetIdType ?? '').toLowerCase();
  if (!ID_TYPES.has(src) || !ID_TYPES.has(dst)) {
    throw new GraphError(
      400,
      'ErrorInvalidParameter',
      `Unsupported id type '${!ID_TYPES.has(src) ? b.sourceIdType : b.targetIdType}'. Supported: ewsId, restId, restImmutableEntryId.`,
    );
  }
  if (!Array.isArray(b.inputIds) || b.inputIds.length === 0 || b.inputIds.length > 1000) {
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'InputIds' is invalid.");
  }
  const value = b.inputIds.map((raw) => {
    const sourceId = String(raw);
    const asRest = src === 'ewsid' ? ewsToRest(sourceId) : sourceId;
    const kind: IdKind | null = idKind(asRest);
    if (!kind) throw idMalformed();
    const m = messageById(req.ctx.store, asRest);
    if (!m || m.mailboxUserId !== mailbox.id) {
      // ews ↔ rest is a pure alphabet change (works for folders and items alike)
      if (src !== 'restimmutableentryid' && dst !== 'restimmutableentryid') {
        return { sourceId, targetId: dst === 'ewsid' ? restToEws(asRest) : asRest };
      }
      throw itemNotFound();
    }
    const targetId = dst === 'ewsid' ? m.ewsId : dst === 'restid' ? m.restId : m.id;
    return { sourceId, targetId };
  });
  return json({ '@odata.context': `${CONTEXT_BASE}#Collection(microsoft.graph.convertIdResult)`, value });
}
