// POST /me/sendMail and /users/{id|upn}/sendMail — JSON and MIME (base64 text/plain) forms,
// validated the way Exchange validates them (MICROSOFT.md §3.5), then handed to mail/deliver.ts.
import { deliver } from '../mail/deliver.js';
import { type Addr, composeMime, newMessageId, parseMime, prependHeaders } from '../mail/mime.js';
import type { User } from '../model.js';
import { MAIL_SEND, requireMail } from './auth.js';
import { tooLarge } from './drafts.js';
import { GraphError } from './errors.js';
import { sendAsDenied, targetMailbox } from './mailbox.js';
import type { GraphReq, GraphRes } from './request.js';

const MAX_RECIPIENTS = 500;

const invalidRecipient = (addr: string) =>
  new GraphError(
    400,
    'ErrorInvalidRecipients',
    `At least one recipient is not valid., Recipient '${addr}' is not resolved. All recipients must be resolved before a message can be submitted.`,
  );

const bodyRead = (message: string) => new GraphError(400, 'RequestBodyRead', message);

export function parseRecipients(v: unknown, field: string): Addr[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bodyRead(`Cannot read the value of '${field}': an array of recipients is expected.`);
  return v.map((r) => {
    const ea = (r as { emailAddress?: { address?: unknown; name?: unknown } })?.emailAddress;
    const address = typeof ea?.address === 'string' ? ea.address.trim() : '';
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw invalidRecipient(address);
    return { name: typeof ea?.name === 'string' ? ea.name : '', address };
  });
}

export function checkRecipientCount(n: number): void {
  if (n === 0)
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is required, but none were found.');
  if (n > MAX_RECIPIENTS) {
    throw new GraphError(
      400,
      'ErrorExceededMaxRecipientLimit',
      `The recipient count exceeds the maximum allowed limit of ${MAX_RECIPIENTS}.`,
    );
  }
}

export function parseHeaders(v: unknown): { name: string; value: string }[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw bodyRead("Cannot read the value of 'internetMessageHeaders': an array is expected.");
  const out = v.map((h) => ({
    name: String((h as { name?: unknown })?.name ?? ''),
    value: String((h as { value?: unknown })?.value ?? ''),
  }));
  for (const h of out) {
    if (!/^x-/i.test(h.name)) {
      throw new GraphError(
        400,
        'InvalidInternetMessageHeader',
        `The internet message header name '${h.name}' should start with 'x-' or 'X-'.`,
      );
    }
  }
  if (out.length > 5) {
    throw new GraphError(
      400,
      'InvalidInternetMessageHeaderCollection',
      'Maximum number of headers in one message should be less than or equal to 5.',
    );
  }
  return out;
}

export function parseBody(v: unknown): { contentType: 'text' | 'html'; content: string } {
  if (v === undefined || v === null) return { contentType: 'text', content: '' };
  if (typeof v !== 'object') throw bodyRead("Cannot read the value of 'body': an itemBody object is expected.");
  const b = v as { contentType?: unknown; content?: unknown };
  const ct = b.contentType === undefined ? 'text' : String(b.contentType).toLowerCase();
  if (ct !== 'text' && ct !== 'html') throw bodyRead(`Requested value '${String(b.contentType)}' was not found.`);
  if (b.content !== undefined && b.content !== null && typeof b.content !== 'string') {
    throw bodyRead("Cannot convert the literal to the expected type 'Edm.String' for 'content'.");
  }
  return { contentType: ct, content: (b.content as string | undefined) ?? '' };
}

export const mailboxAddress = (u: User) => u.mail ?? u.userPrincipalName;
const isOwnAddress = (u: User, a: string) =>
  a.toLowerCase() === u.userPrincipalName.toLowerCase() || a.toLowerCase() === u.mail?.toLowerCase();

function parseAttachments(
  v: unknown,
): { filename: string; contentType: string; content: Buffer; contentDisposition: 'attachment' | 'inline' }[] {
  if (!Array.isArray(v)) return [];
  return v.map((a) => {
    const x = a as { name?: unknown; contentType?: unknown; contentBytes?: unknown; isInline?: unknown };
    return {
      filename: String(x.name ?? 'attachment'),
      contentType: String(x.contentType ?? 'application/octet-stream'),
      content: Buffer.from(String(x.contentBytes ?? ''), 'base64'),
      // fileAttachment.isInline defaults to false: an attachment, also for message/rfc822 (an .eml)
      contentDisposition: x.isInline === true ? 'inline' : 'attachment',
    };
  });
}

/** Build MIME for a Graph message resource (sendMail, drafts) sent from `mailbox`. */
export async function mimeFromMessage(
  req: GraphReq,
  mailbox: User,
  m: Record<string, unknown>,
): Promise<{ mime: string; to: Addr[]; cc: Addr[]; bcc: Addr[] }> {
  if (m.subject !== undefined && m.subject !== null && typeof m.subject !== 'string') {
    throw bodyRead("Cannot convert the literal to the expected type 'Edm.String' for 'subject'.");
  }
  const to = parseRecipients(m.toRecipients, 'toRecipients');
  const cc = parseRecipients(m.ccRecipients, 'ccRecipients');
  const bcc = parseRecipients(m.bccRecipients, 'bccRecipients');
  const replyTo = parseRecipients(m.replyTo, 'replyTo');
  const headers = parseHeaders(m.internetMessageHeaders);
  const from = parseRecipients(m.from ? [m.from] : [], 'from')[0];
  if (from && !isOwnAddress(mailbox, from.address)) throw sendAsDenied();
  const mime = await composeMime({
    from: { name: mailbox.displayName, address: mailboxAddress(mailbox) },
    to,
    cc,
    bcc,
    replyTo,
    subject: (m.subject as string | undefined) ?? '',
    body: parseBody(m.body),
    headers,
    attachments: parseAttachments(m.attachments),
    date: new Date(req.ctx.store.clock.now()),
    messageId: newMessageId(),
  });
  return { mime, to, cc, bcc };
}

function decodeMimeBase64(raw: string): string {
  const compact = raw.replace(/\s+/g, '');
  if (!compact || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new GraphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  return Buffer.from(compact, 'base64').toString('utf8');
}

export async function sendMail(req: GraphReq): Promise<GraphRes> {
  const big = tooLarge(req);
  if (big) return big;
  requireMail(req.principal, MAIL_SEND);
  const mailbox = targetMailbox(req, 'send');
  const store = req.ctx.store;
  if (req.rawBody !== null) {
    // MIME form: Content-Type text/plain, body = base64 of the RFC 822 message
    let mime = decodeMimeBase64(req.rawBody);
    const p = await parseMime(mime);
    if (p.from && !isOwnAddress(mailbox, p.from.address)) throw sendAsDenied();
    const recipients = [...p.to, ...p.cc, ...p.bcc].map((a) => a.address);
    checkRecipientCount(recipients.length);
    if (!p.from) mime = prependHeaders(mime, [`From: ${mailbox.displayName} <${mailboxAddress(mailbox)}>`]);
    await deliver(store, {
      via: 'graph',
      sender: mailbox,
      envelopeFrom: mailboxAddress(mailbox),
      recipients,
      mime,
      saveToSentItems: true,
      bcc: p.bcc,
    });
    return { status: 202 };
  }
  const body = req.body as Record<string, unknown> | null;
  if (!body || typeof body !== 'object')
    throw new GraphError(400, 'BadRequest', 'Empty Payload. JSON content expected.');
  const m = body.message as Record<string, unknown> | undefined;
  if (!m || typeof m !== 'object')
    throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  const save = body.saveToSentItems;
  const saveToSentItems =
    save === undefined || save === null ? true : save === true || String(save).toLowerCase() === 'true';
  const built = await mimeFromMessage(req, mailbox, m);
  const recipients = [...built.to, ...built.cc, ...built.bcc].map((a) => a.address);
  checkRecipientCount(recipients.length);
  await deliver(store, {
    via: 'graph',
    sender: mailbox,
    envelopeFrom: mailboxAddress(mailbox),
    recipients,
    mime: built.mime,
    saveToSentItems,
    bcc: built.bcc,
  });
  return { status: 202 };
}
