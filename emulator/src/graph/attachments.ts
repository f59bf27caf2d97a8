// Reading a message's attachments: GET …/messages/{id}/attachments, …/attachments/{id} and
// …/attachments/{id}/$value. Parts are read from the stored MIME: an attached message
// (message/rfc822) is an itemAttachment whose $value is that message's MIME, anything else a
// fileAttachment carrying contentBytes (base64) and whose $value is its bytes.
import { createHash } from 'node:crypto';
import { type Attachment, simpleParser } from 'mailparser';
import { ewsToRest } from '../mail/ids.js';
import type { MailMessage, User } from '../model.js';
import { MAIL_READ, requireMail } from './auth.js';
import { itemNotFound } from './errors.js';
import { targetMailbox, userRef } from './mailbox.js';
import { findMessage } from './messages.js';
import { CONTEXT_BASE, type GraphReq, type GraphRes, json } from './request.js';

interface Part {
  id: string;
  item: boolean;
  att: Attachment;
}

/** Attachment ids: stable per message and part, shaped like Exchange's (base64 in the REST alphabet). */
function attachmentId(m: MailMessage, index: number): string {
  const h = createHash('sha256').update(`${m.id}/${index}`).digest();
  const bytes = Buffer.concat([
    Buffer.from([0x00, 0x03, 0x24, 0x00]),
    Buffer.from(m.mailboxUserId.toLowerCase().padEnd(36, '0').slice(0, 36), 'ascii'),
    Buffer.from([0x00, 0x46, 0x00, 0x00, 0x00, 0x00, 0x01, 0x12, 0x00, 0x10, 0x00]),
    h,
  ]);
  return ewsToRest(bytes.toString('base64'));
}

async function parts(m: MailMessage): Promise<Part[]> {
  const p = await simpleParser(m.mime, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  return p.attachments.map((att, i) => ({
    id: attachmentId(m, i),
    item: att.contentType.toLowerCase() === 'message/rfc822',
    att,
  }));
}

function subjectOf(mime: Buffer): string | null {
  const head = mime.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
  const m = /^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

function render(m: MailMessage, p: Part): Record<string, unknown> {
  const common = {
    id: p.id,
    lastModifiedDateTime: m.receivedDateTime,
    size: p.att.size,
    isInline: p.att.contentDisposition === 'inline',
  };
  if (p.item) {
    // Exchange names an item attachment after the attached item's subject
    return {
      '@odata.type': '#microsoft.graph.itemAttachment',
      ...common,
      name: subjectOf(p.att.content) ?? p.att.filename?.replace(/\.eml$/i, '') ?? 'Untitled',
      contentType: null,
    };
  }
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    ...common,
    name: p.att.filename ?? 'attachment',
    contentType: p.att.contentType,
    contentId: p.att.contentId ?? null,
    contentLocation: null,
    contentBytes: p.att.content.toString('base64'),
  };
}

async function locate(req: GraphReq): Promise<{ mailbox: User; m: MailMessage; list: Part[] }> {
  requireMail(req.principal, MAIL_READ);
  const mailbox = targetMailbox(req, 'read');
  const m = findMessage(req, mailbox, req.params.mid!);
  return { mailbox, m, list: await parts(m) };
}

const base = (req: GraphReq, mailbox: User, mid: string) =>
  `${CONTEXT_BASE}#users('${encodeURIComponent(userRef(req, mailbox))}')/messages('${mid}')/attachments`;

export async function listAttachments(req: GraphReq): Promise<GraphRes> {
  const { mailbox, m, list } = await locate(req);
  return json({ '@odata.context': base(req, mailbox, req.params.mid!), value: list.map((p) => render(m, p)) });
}

export async function getAttachment(req: GraphReq): Promise<GraphRes> {
  const { mailbox, m, list } = await locate(req);
  const p = list.find((x) => x.id === req.params.aid);
  if (!p) throw itemNotFound();
  return json({ '@odata.context': `${base(req, mailbox, req.params.mid!)}/$entity`, ...render(m, p) });
}

export async function getAttachmentValue(req: GraphReq): Promise<GraphRes> {
  const { list } = await locate(req);
  const p = list.find((x) => x.id === req.params.aid);
  if (!p) throw itemNotFound();
  // an item attachment's raw value is the attached message's MIME, a file's its bytes
  return p.item
    ? { status: 200, body: p.att.content.toString('utf8'), contentType: 'text/plain' }
    : { status: 200, body: p.att.content, contentType: p.att.contentType || 'application/octet-stream' };
}
