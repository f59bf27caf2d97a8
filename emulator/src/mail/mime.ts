// RFC 822 in and out. Every message the emulator stores keeps real MIME (so /$value, the
// control API and Baitwise's report parser see what Exchange would hand out); the JSON fields
// of a MailMessage are derived from that MIME with mailparser.
import { randomBytes } from 'node:crypto';
import { type AddressObject, simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface Addr {
  name: string;
  address: string;
}

export interface ComposeInput {
  from: Addr;
  to: Addr[];
  cc: Addr[];
  bcc: Addr[];
  replyTo: Addr[];
  subject: string;
  body: { contentType: 'text' | 'html'; content: string };
  headers: { name: string; value: string }[];
  /** contentDisposition: Exchange marks a fileAttachment `attachment` unless isInline (nodemailer would make message/* inline) */
  attachments: {
    filename: string;
    contentType: string;
    content: Buffer;
    contentDisposition?: 'attachment' | 'inline';
  }[];
  date: Date;
  messageId: string;
}

/** Exchange Online's Message-ID shape: <random@server.namprdNN.prod.outlook.com> */
export function newMessageId(): string {
  const host = `${randomBytes(4).toString('hex').toUpperCase()}.namprd00.prod.outlook.com`;
  return `<${randomBytes(12).toString('hex').toUpperCase()}@${host}>`;
}

export async function composeMime(i: ComposeInput): Promise<string> {
  const composer = new MailComposer({
    from: i.from,
    to: i.to,
    cc: i.cc,
    bcc: i.bcc,
    replyTo: i.replyTo.length ? i.replyTo : undefined,
    subject: i.subject,
    ...(i.body.contentType === 'html' ? { html: i.body.content } : { text: i.body.content }),
    headers: i.headers.map((h) => ({ key: h.name, value: h.value })),
    attachments: i.attachments,
    date: i.date,
    messageId: i.messageId,
  });
  const buf = await new Promise<Buffer>((resolve, reject) =>
    composer.compile().build((err, out) => (err ? reject(err) : resolve(out))),
  );
  // MailComposer title-cases header names; Exchange keeps the caller's spelling (x-baitwise-…)
  let [head, rest] = splitHead(buf.toString('utf8'));
  for (const h of i.headers) {
    const esc = h.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    head = head.replace(new RegExp(`^${esc}:`, 'im'), `${h.name}:`);
  }
  return head + rest;
}

export interface ParsedMime {
  subject: string;
  from: Addr | null;
  to: Addr[];
  cc: Addr[];
  bcc: Addr[];
  replyTo: Addr[];
  headers: { name: string; value: string }[];
  body: { contentType: 'text' | 'html'; content: string };
  messageId: string | null;
  hasAttachments: boolean;
}

function addrs(a: AddressObject | AddressObject[] | undefined): Addr[] {
  if (!a) return [];
  const list = Array.isArray(a) ? a : [a];
  return list.flatMap((o) =>
    o.value.filter((v) => v.address).map((v) => ({ name: v.name || '', address: v.address! })),
  );
}

export async function parseMime(mime: string): Promise<ParsedMime> {
  const p = await simpleParser(mime, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const headers = p.headerLines.map((h) => {
    const idx = h.line.indexOf(':');
    return {
      name: h.line.slice(0, idx),
      value: h.line
        .slice(idx + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    };
  });
  const from = addrs(p.from)[0] ?? null;
  return {
    subject: p.subject ?? '',
    from,
    to: addrs(p.to),
    cc: addrs(p.cc),
    bcc: addrs(p.bcc),
    replyTo: addrs(p.replyTo),
    headers,
    body:
      typeof p.html === 'string'
        ? { contentType: 'html', content: p.html }
        : { contentType: 'text', content: p.text ?? '' },
    messageId: p.messageId ?? null,
    hasAttachments: p.attachments.length > 0,
  };
}

function splitHead(mime: string): [string, string] {
  const m = /\r?\n\r?\n/.exec(mime);
  if (!m) return [mime, ''];
  return [mime.slice(0, m.index), mime.slice(m.index)];
}

/** Remove a header (with its folded continuation lines) from the header block. */
export function dropHeader(mime: string, name: string): string {
  const [head, rest] = splitHead(mime);
  const lines = head.split(/\r?\n/);
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && skipping) continue;
    skipping = line.toLowerCase().startsWith(`${name.toLowerCase()}:`);
    if (!skipping) out.push(line);
  }
  return out.join('\r\n') + rest;
}

export function hasHeader(mime: string, name: string): boolean {
  const [head] = splitHead(mime);
  return new RegExp(`^${name}:`, 'im').test(head);
}

export function prependHeaders(mime: string, lines: string[]): string {
  return lines.length ? `${lines.join('\r\n')}\r\n${mime}` : mime;
}

/** Date header value in RFC 5322 form, as Exchange writes it. */
export function rfc5322Date(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}
