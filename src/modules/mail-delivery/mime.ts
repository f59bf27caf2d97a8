// The RFC 5322 message every profile kind sends: built here in one pass instead of by nodemailer's
// MailComposer, which streams each part through a chain of transforms and cost more CPU per
// message (0.6 ms for a 6 KB mail) than rendering the template. What goes out:
//
// - From, To, Subject, Message-ID, Date, MIME-Version, then the profile's and the message's own
//   headers; non-ASCII header text as RFC 2047 encoded-words (base64, whole characters per word),
//   ASCII header lines folded at spaces to 78 characters;
// - addresses with their domain as its A-label (any server takes it), unless the local part is not
//   ASCII: that address needs SMTPUTF8 (RFC 6531) anyway, which carries UTF-8 headers as they are;
// - the text part, and the HTML part when there is one, as multipart/alternative, each UTF-8 in
//   quoted-printable or, for mostly non-Latin text, base64 (nodemailer's choice, the same count):
//   the message is 7-bit apart from such SMTPUTF8 addresses, and no line is longer than 78.
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';

/** A message to write: its parts rendered, its envelope's people, its Message-ID and headers. */
export interface OutgoingMessage {
  from: { address: string; name: string | null };
  to: { address: string; name: string | null };
  subject: string;
  html: string | null;
  text: string;
  /** without angle brackets */
  messageId: string;
  headers: { name: string; value: string }[];
}

type Encoding = 'quoted-printable' | 'base64';

const NOT_PLAIN = /[^\t\n\r\x20-\x7f]/;
const LATIN_LETTER = /[A-Za-z]/;

/** nodemailer's count (mime-node's _getTextEncoding): base64 when fewer Latin letters than other characters. */
export function bodyEncoding(value: string): Encoding {
  // Plain ASCII text, most mail: nothing counts as other characters (a regular expression scans it
  // several times faster than the loop below).
  if (!NOT_PLAIN.test(value)) return LATIN_LETTER.test(value) ? 'quoted-printable' : 'base64';
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || c >= 0x80) nonLatin++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  return nonLatin < latin ? 'quoted-printable' : 'base64';
}

const HEX = Buffer.from('0123456789ABCDEF', 'ascii');
const EQ = 0x3d;
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** Per byte: 1 written as itself (printable ASCII but `=`), 2 space or tab (itself unless at a line's end), 0 encoded. */
const QP_KIND = new Uint8Array(256);
for (let b = 33; b <= 126; b++) QP_KIND[b] = 1;
QP_KIND[EQ] = 0;
QP_KIND[0x20] = 2;
QP_KIND[0x09] = 2;

/**
 * Quoted-printable (RFC 2045 §6.7) of the UTF-8 of `text`, its line breaks (LF, CRLF or CR) as
 * CRLF: lines at most 76 characters with soft breaks, spaces and tabs before a break or at the
 * end encoded, and a `.` that would start a line encoded too (safe through any relay). One pass
 * over the bytes with a table, no calls per byte: it runs for every part of every message.
 */
export function quotedPrintable(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  // each byte at most 3 out, plus a soft break (3) per 72 out
  const out = Buffer.allocUnsafe(src.length * 4 + 16);
  let o = 0;
  // characters on the current line; a soft break (`=`) goes at 75 at the latest
  let line = 0;
  for (let i = 0; i < src.length; i++) {
    const b = src[i] as number;
    if (b === CR || b === LF) {
      if (b === CR && src[i + 1] === LF) i++;
      out[o++] = CR;
      out[o++] = LF;
      line = 0;
      continue;
    }
    let kind = QP_KIND[b] as number;
    if (kind === 2) {
      const next = src[i + 1];
      kind = next === undefined || next === CR || next === LF ? 0 : 1;
    } else if (b === DOT && (line === 0 || line > 74)) {
      // (a dot where a line would start: at the start, or where a soft break would come first)
      kind = 0;
    }
    if (line + (kind === 1 ? 1 : 3) > 75) {
      out[o++] = EQ;
      out[o++] = CR;
      out[o++] = LF;
      line = 0;
    }
    if (kind === 1) {
      out[o++] = b;
      line++;
    } else {
      out[o++] = EQ;
      out[o++] = HEX[b >> 4] as number;
      out[o++] = HEX[b & 15] as number;
      line += 3;
    }
  }
  return out.subarray(0, o);
}

/** Base64 in lines of 76 characters. */
export function base64Lines(text: string): Buffer {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return Buffer.from(lines.join('\r\n'), 'ascii');
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/**
 * Header text as RFC 2047 encoded-words, one to a line, never splitting a character: each line
 * within 78 characters, the first after `used` characters of its header (`Subject: `). ASCII text
 * is returned as it is.
 */
export function encodeWords(value: string, used = 0): string {
  if (PRINTABLE.test(value)) return value;
  // base64 holds 3 bytes in 4 characters; a word is wrapped in 12 (`=?UTF-8?B?` and `?=`)
  const room = (width: number) => Math.max(4, Math.floor((78 - width - 12) / 4) * 3);
  const words: string[] = [];
  let limit = room(used);
  let chunk = '';
  let bytes = 0;
  for (const ch of value) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > limit && chunk) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
      limit = room(1);
    }
    chunk += ch;
    bytes += n;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** `Name: value`, an ASCII value folded at spaces so lines stay within 78 characters where it can. */
export function headerLine(name: string, value: string): string {
  const clean = value.replace(/[\r\n]+/g, ' ');
  const encoded = encodeWords(clean, name.length + 2);
  if (encoded !== clean) return `${name}: ${encoded}`;
  let out = `${name}:`;
  let line = out.length;
  for (const word of clean.split(' ')) {
    if (word && line + 1 + word.length > 78 && line > name.length + 1) {
      out += '\r\n';
      line = 0;
    }
    out += ` ${word}`;
    line += 1 + word.length;
  }
  return out;
}

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]+)*$/;

/**
 * An address as a header and an envelope carry it: the domain as its A-label, unless the local
 * part is not ASCII (then the address needs SMTPUTF8, which takes the domain in UTF-8 as well).
 */
export function wireAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const quotedLocal = DOT_ATOM.test(local) ? local : `"${local.replace(/(["\\])/g, '\\$1')}"`;
  if (/[^\x20-\x7e]/.test(local) || PRINTABLE.test(domain)) return `${quotedLocal}@${domain}`;
  return `${quotedLocal}@${domainToASCII(domain) || domain}`;
}

/** `"Name" <address>` (an encoded-word for a name that is not ASCII), or the bare address. */
export function mailbox(a: { address: string; name: string | null }, used = 0): string {
  const addr = `<${wireAddress(a.address)}>`;
  const name = a.name?.replace(/[\r\n]+/g, ' ').trim();
  if (!name) return addr;
  if (!PRINTABLE.test(name)) return `${encodeWords(name, used)} ${addr}`;
  return `"${name.replace(/(["\\])/g, '\\$1')}" ${addr}`;
}

/** RFC 5322 date-time in UTC: `Wed, 02 Dec 2026 10:14:10 +0000`. */
const dateHeader = (d: Date) => d.toUTCString().replace(/GMT$/, '+0000');

function part(type: string, content: string): Buffer[] {
  const encoding = bodyEncoding(content);
  const head = `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: ${encoding}\r\n\r\n`;
  return [Buffer.from(head, 'ascii'), encoding === 'base64' ? base64Lines(content) : quotedPrintable(content)];
}

/**
 * Boundaries: `=_` can occur in neither quoted-printable nor base64, so a boundary holding it only
 * needs to differ from the ones around it, not to be unpredictable: a random prefix per process
 * and a count, not random bytes from the system per message.
 */
const BOUNDARY_PREFIX = randomBytes(9).toString('hex');
let boundaries = 0;

/**
 * The message's bytes, CRLF line ends, with no trailing line break (SMTP's end of data adds it).
 * `date` and `boundary` are for tests; a boundary holding `=_` can occur in neither encoding.
 */
export function buildMime(m: OutgoingMessage, opts: { date?: Date; boundary?: string } = {}): Buffer {
  // From and To are whole lines as mailbox() writes them (a name not ASCII: its encoded-words).
  const head = [
    `From: ${mailbox(m.from, 6)}`,
    `To: ${mailbox(m.to, 4)}`,
    headerLine('Subject', m.subject),
    `Message-ID: <${m.messageId}>`,
    `Date: ${dateHeader(opts.date ?? new Date())}`,
    'MIME-Version: 1.0',
    ...m.headers.map((h) => headerLine(h.name, h.value)),
  ];
  const chunks: Buffer[] = [];
  if (m.html === null) {
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n`, 'utf8'), ...part('text/plain', m.text));
    return Buffer.concat(chunks);
  }
  const boundary = opts.boundary ?? `=_bw_${BOUNDARY_PREFIX}_${(++boundaries).toString(36)}`;
  head.push(`Content-Type: multipart/alternative;\r\n boundary="${boundary}"`);
  chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'utf8'));
  chunks.push(Buffer.from(`--${boundary}\r\n`, 'ascii'), ...part('text/plain', m.text));
  chunks.push(Buffer.from(`\r\n--${boundary}\r\n`, 'ascii'), ...part('text/html', m.html));
  chunks.push(Buffer.from(`\r\n--${boundary}--`, 'ascii'));
  return Buffer.concat(chunks);
}
