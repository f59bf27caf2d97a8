// Drafts and their attachments: POST /me/messages (a draft in Drafts), POST …/attachments (a
// fileAttachment under 3 MB, in the JSON), POST …/attachments/createUploadSession (3–150 MB,
// uploaded in ranges to the session's URL: upload-sessions.ts). The draft keeps its Graph parts
// so each change recomposes its MIME; sending it is messages.ts's …/send.
//
// Limits (MICROSOFT.md §3.5; docs "Attach large files to Outlook messages"): a JSON request of
// at most 4 MB (larger: 413 with no body, as seen from Graph in public reports), an upload session
// only for 3 MB–150 MB ("3 MB" read as 3,000,000 bytes: the docs do not say which).
import { randomBytes } from 'node:crypto';
import { storeMessage } from '../mail/deliver.js';
import { type Addr, composeMime, newMessageId } from '../mail/mime.js';
import type { MailMessage, Store, User } from '../model.js';
import { MAIL_WRITE, requireMail } from './auth.js';
import { GraphError } from './errors.js';
import { targetMailbox, userRef } from './mailbox.js';
import { findMessage, renderMessage } from './messages.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json } from './request.js';
import { mailboxAddress, parseBody, parseHeaders, parseRecipients } from './send-mail.js';

export const MAX_JSON_REQUEST_BYTES = 4 * 1024 * 1024;
export const UPLOAD_SESSION_MIN_BYTES = 3_000_000;
export const UPLOAD_SESSION_MAX_BYTES = 150 * 1024 * 1024;
/** How long an upload URL's embedded token lives (not documented; Microsoft's samples show hours). */
export const UPLOAD_SESSION_TTL_MS = 6 * 3600 * 1000;

export interface DraftAttachment {
  id: string;
  name: string;
  contentType: string;
  isInline: boolean;
  content: Buffer;
  lastModifiedDateTime: string;
}

interface DraftParts {
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  to: Addr[];
  cc: Addr[];
  bcc: Addr[];
  replyTo: Addr[];
  headers: { name: string; value: string }[];
  attachments: DraftAttachment[];
}

const drafts = new WeakMap<Store, Map<string, DraftParts>>();
function draftParts(store: Store): Map<string, DraftParts> {
  let m = drafts.get(store);
  if (!m) {
    m = new Map();
    drafts.set(store, m);
  }
  return m;
}

/** Graph refuses a JSON request over 4 MB before reading it: 413, no error body. */
export function tooLarge(req: GraphReq): GraphRes | null {
  const declared = Number(req.headers['content-length'] ?? 0);
  const size = Math.max(declared, req.rawBody?.length ?? 0);
  return size > MAX_JSON_REQUEST_BYTES ? { status: 413 } : null;
}

const bodyRead = (message: string) => new GraphError(400, 'RequestBodyRead', message);

function attachmentId(): string {
  return `AAMkAD${randomBytes(30).toString('base64').replace(/\//g, '-')}=`;
}

function parseFileAttachment(req: GraphReq, a: unknown): DraftAttachment {
  const x = (a ?? {}) as Record<string, unknown>;
  const type = x['@odata.type'];
  if (type !== undefined && String(type).toLowerCase() !== '#microsoft.graph.fileattachment') {
    throw new GraphError(501, 'NotImplemented', `The emulator only implements fileAttachment, not '${String(type)}'.`);
  }
  if (typeof x.name !== 'string' || !x.name) throw bodyRead("The attachment's 'name' is required.");
  if (typeof x.contentBytes !== 'string') throw bodyRead("The attachment's 'contentBytes' is required.");
  const compact = x.contentBytes.replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact))
    throw bodyRead("Cannot convert the literal to the expected type 'Edm.Binary' for 'contentBytes'.");
  return {
    id: attachmentId(),
    name: x.name,
    contentType: typeof x.contentType === 'string' ? x.contentType : 'application/octet-stream',
    isInline: x.isInline === true,
    content: Buffer.from(compact, 'base64'),
    lastModifiedDateTime: `${new Date(req.ctx.store.clock.now()).toISOString().slice(0, 19)}Z`,
  };
}

/** Recompose the draft's MIME (and the fields derived from it) from its parts. */
async function recompose(store: Store, mailbox: User, m: MailMessage, p: DraftParts): Promise<void> {
  m.mime = await composeMime({
    from: { name: mailbox.displayName, address: mailboxAddress(mailbox) },
    to: p.to,
    cc: p.cc,
    bcc: p.bcc,
    replyTo: p.replyTo,
    subject: p.subject,
    body: p.body,
    headers: p.headers,
    attachments: p.attachments.map((a) => ({
      filename: a.name,
      contentType: a.contentType,
      content: a.content,
      contentDisposition: a.isInline ? 'inline' : 'attachment',
    })),
    date: new Date(store.clock.now()),
    messageId: m.internetMessageId,
  });
  m.subject = p.subject;
  m.toRecipients = [...p.to];
  m.ccRecipients = [...p.cc];
  m.bccRecipients = [...p.bcc];
  m.body = { ...p.body };
}

function entity(req: GraphReq, mailbox: User, m: MailMessage): Record<string, unknown> {
  return {
    '@odata.context': `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')/messages/$entity`,
    ...renderMessage(req, m, null),
  };
}

/** POST /me/messages: a new draft in Drafts (201 with the message). */
export async function createDraft(req: GraphReq): Promise<GraphRes> {
  const big = tooLarge(req);
  if (big) return big;
  requireMail(req.principal, MAIL_WRITE);
  const mailbox = targetMailbox(req, 'read');
  const m = (req.body ?? {}) as Record<string, unknown>;
  if (typeof m !== 'object' || Array.isArray(m)) throw bodyRead('A message object is expected.');
  if (m.subject !== undefined && m.subject !== null && typeof m.subject !== 'string')
    throw bodyRead("Cannot convert the literal to the expected type 'Edm.String' for 'subject'.");
  const parts: DraftParts = {
    subject: (m.subject as string | undefined) ?? '',
    body: parseBody(m.body),
    to: parseRecipients(m.toRecipients, 'toRecipients'),
    cc: parseRecipients(m.ccRecipients, 'ccRecipients'),
    bcc: parseRecipients(m.bccRecipients, 'bccRecipients'),
    replyTo: parseRecipients(m.replyTo, 'replyTo'),
    headers: parseHeaders(m.internetMessageHeaders),
    attachments: Array.isArray(m.attachments) ? m.attachments.map((a) => parseFileAttachment(req, a)) : [],
  };
  const draft = await storeMessage(req.ctx.store, mailbox, 'drafts', 'X-Draft: 1\r\n\r\n', { isDraft: true });
  draft.internetMessageId = newMessageId();
  draft.internetMessageHeaders = parts.headers;
  await recompose(req.ctx.store, mailbox, draft, parts);
  draftParts(req.ctx.store).set(draft.id, parts);
  return json(entity(req, mailbox, draft), 201);
}

/** The draft behind …/messages/{id}/attachments…, with its parts (emulated for drafts made by POST /messages). */
function draftFor(req: GraphReq): { mailbox: User; draft: MailMessage; parts: DraftParts } {
  const mailbox = targetMailbox(req, 'read');
  const draft = findMessage(req, mailbox, req.params.mid!);
  const parts = draftParts(req.ctx.store).get(draft.id);
  if (!draft.isDraft || !parts) {
    throw new GraphError(
      501,
      'NotImplemented',
      'The emulator adds attachments only to drafts created with POST /messages.',
    );
  }
  return { mailbox, draft, parts };
}

export function renderAttachment(req: GraphReq, mailbox: User, draft: MailMessage, a: DraftAttachment) {
  return {
    '@odata.context': `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')/messages('${encodeURIComponent(
      draft.restId,
    )}')/attachments/$entity`,
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': a.contentType,
    id: a.id,
    lastModifiedDateTime: a.lastModifiedDateTime,
    name: a.name,
    contentType: a.contentType,
    size: a.content.length,
    isInline: a.isInline,
    contentId: null,
    contentLocation: null,
    contentBytes: a.content.toString('base64'),
  };
}

/** POST /me/messages/{id}/attachments: a fileAttachment carried in the JSON (201). */
export async function addAttachment(req: GraphReq): Promise<GraphRes> {
  const big = tooLarge(req);
  if (big) return big;
  requireMail(req.principal, MAIL_WRITE);
  const { mailbox, draft, parts } = draftFor(req);
  const a = parseFileAttachment(req, req.body);
  parts.attachments.push(a);
  await recompose(req.ctx.store, mailbox, draft, parts);
  return json(renderAttachment(req, mailbox, draft, a), 201);
}

export interface UploadSession {
  id: string;
  token: string;
  store: Store;
  mailboxUserId: string;
  draftId: string;
  name: string;
  contentType: string;
  isInline: boolean;
  size: number;
  chunks: Buffer[];
  next: number;
  expiresAt: number;
}

const sessions = new WeakMap<Store, Map<string, UploadSession>>();
export function uploadSessions(store: Store): Map<string, UploadSession> {
  let m = sessions.get(store);
  if (!m) {
    m = new Map();
    sessions.set(store, m);
  }
  return m;
}

/** POST …/attachments/createUploadSession {AttachmentItem}: 201 with the upload URL. */
export function createUploadSession(req: GraphReq): GraphRes {
  requireMail(req.principal, MAIL_WRITE);
  const { mailbox, draft } = draftFor(req);
  const item = (req.body as { AttachmentItem?: Record<string, unknown> } | null)?.AttachmentItem;
  if (!item || typeof item !== 'object')
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'AttachmentItem' is empty.");
  if (String(item.attachmentType ?? '').toLowerCase() !== 'file')
    throw new GraphError(400, 'ErrorInvalidParameter', "An upload session takes only attachmentType 'file'.");
  if (typeof item.name !== 'string' || !item.name)
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'AttachmentItem.Name' is empty.");
  const size = item.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'AttachmentItem.Size' is invalid.");
  if (size < UPLOAD_SESSION_MIN_BYTES)
    throw new GraphError(
      400,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
      'Attachment size must be greater than the minimum size.',
    );
  if (size > UPLOAD_SESSION_MAX_BYTES)
    throw new GraphError(413, 'ErrorAttachmentSizeTooLarge', 'The attachment size exceeds the maximum of 150 MB.');
  const store = req.ctx.store;
  const session: UploadSession = {
    id: `AAMkAD${randomBytes(18).toString('base64url')}=`,
    token: randomBytes(32).toString('base64url'),
    store,
    mailboxUserId: mailbox.id,
    draftId: draft.id,
    name: item.name,
    contentType: typeof item.contentType === 'string' ? item.contentType : 'application/octet-stream',
    isInline: item.isInline === true,
    size,
    chunks: [],
    next: 0,
    expiresAt: store.clock.now() + UPLOAD_SESSION_TTL_MS,
  };
  uploadSessions(store).set(session.id, session);
  const origin = new URL(req.linkBase).origin;
  const uploadUrl = `${origin}/outlook/api/v2.0/Users('${mailbox.id}@${mailbox.tenantId}')/Messages('${draft.restId}')/AttachmentSessions('${session.id}')?authtoken=${session.token}`;
  return json(
    {
      '@odata.context': `${CONTEXT_BASE}#microsoft.graph.uploadSession`,
      uploadUrl,
      expirationDateTime: new Date(session.expiresAt).toISOString(),
      nextExpectedRanges: ['0-'],
    },
    201,
  );
}

/** The last range arrived: the file becomes an attachment of the draft. */
export async function completeUpload(s: UploadSession): Promise<DraftAttachment | null> {
  const draft = s.store.messages.get(s.draftId);
  const mailbox = s.store.users.get(s.mailboxUserId);
  const parts = draftParts(s.store).get(s.draftId);
  if (!draft?.isDraft || !mailbox || !parts) return null;
  const a: DraftAttachment = {
    id: attachmentId(),
    name: s.name,
    contentType: s.contentType,
    isInline: s.isInline,
    content: Buffer.concat(s.chunks),
    lastModifiedDateTime: `${new Date(s.store.clock.now()).toISOString().slice(0, 19)}Z`,
  };
  parts.attachments.push(a);
  await recompose(s.store, mailbox, draft, parts);
  return a;
}

/** A sent draft keeps no parts (it is no longer editable). */
export function forgetDraft(store: Store, id: string): void {
  draftParts(store).delete(id);
}
