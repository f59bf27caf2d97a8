// What Baitwise reads from a reported message: the headers the incidents inbox lists, and the
// per-message tokens (`bwm_…`, mail-delivery/message-token.ts) that mark a message Baitwise sent.
// A token sits wherever the template put `{{ message.token }}` — a link, the text, a header — and
// the body may be quoted-printable (a soft line break can split it) or base64, so the decoded
// text parts are searched as well as the raw bytes.
//
// Why not parse the whole message with mailparser: it decodes every part, converts charsets and
// builds the text and HTML of a 100 KB message in tens of milliseconds, for five header fields and
// a token search. So mailparser reads the header block alone (RFC 2047 words, addresses and dates
// decoded exactly as before), and the body is walked here: multipart boundaries are followed and
// only text/* leaves in quoted-printable or base64 are decoded, to bytes searched as latin1. A
// token is ASCII, so it reads the same in any ASCII-compatible charset (UTF-8, ISO-8859-x,
// Windows-125x); a text part in UTF-16 is not searched — no mail client sends one.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';

const TOKEN = /bwm_[A-Za-z0-9_-]{32}/g;
/** More candidates than any real message carries; a message stuffed with tokens gains nothing. */
const MAX_TOKENS = 20;
/** Deeper multipart nesting than mail clients produce is not searched further (the raw scan still is). */
const MAX_DEPTH = 16;

export interface ParsedReport {
  internetMessageId: string;
  subject: string | null;
  fromAddress: string | null;
  fromName: string | null;
  date: string | null;
  tokens: string[];
  sha256: string;
}

const clip = (s: string | null | undefined, n: number) => (s ? s.slice(0, n) : null);

export async function parseEml(eml: Buffer): Promise<ParsedReport> {
  const sha256 = createHash('sha256').update(eml).digest('hex');
  // latin1: one character per byte, so offsets in the string are offsets in the message.
  const raw = eml.toString('latin1');
  const tokens = new Set<string>(raw.match(TOKEN) ?? []);
  const top = splitPart(raw);
  searchBody(top.headers, top.body, tokens, 0);
  const p = await simpleParser(Buffer.from(`${top.headers}\r\n\r\n`, 'latin1'), {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
  });
  const from = p.from?.value[0];
  return {
    // A message without a Message-ID is still one message: its content identifies it.
    internetMessageId: clip(p.messageId, 998) ?? `sha256:${sha256}`,
    subject: clip(p.subject, 998),
    fromAddress: clip(from?.address?.toLowerCase(), 320),
    fromName: clip(from?.name, 320),
    date: p.date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    tokens: [...tokens].slice(0, MAX_TOKENS),
    sha256,
  };
}

/** A part's header block and body, split at the first empty line (none: all headers). */
function splitPart(part: string): { headers: string; body: string } {
  if (part.startsWith('\r\n')) return { headers: '', body: part.slice(2) };
  if (part.startsWith('\n')) return { headers: '', body: part.slice(1) };
  const m = /\r?\n\r?\n/.exec(part);
  if (!m) return { headers: part, body: '' };
  return { headers: part.slice(0, m.index), body: part.slice(m.index + m[0].length) };
}

/** The value of a header field in a header block (folded lines joined), or ''. */
function header(headers: string, name: string): string {
  const unfolded = headers.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}[ \\t]*:(.*)$`, 'im').exec(unfolded)?.[1]?.trim() ?? '';
}

function searchBody(headers: string, body: string, tokens: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || tokens.size >= MAX_TOKENS) return;
  const type = header(headers, 'content-type').toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(header(headers, 'content-type'));
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) return;
    for (const part of multipartParts(body, b)) {
      const p = splitPart(part);
      searchBody(p.headers, p.body, tokens, depth + 1);
    }
    return;
  }
  // No Content-Type is text/plain (RFC 2045); other leaves are not text the template wrote.
  if (type !== '' && !type.startsWith('text/')) return;
  const encoding = header(headers, 'content-transfer-encoding').toLowerCase();
  const decoded =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('latin1')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : null; // 7bit, 8bit, binary: the raw scan has seen it as it is
  for (const t of decoded?.match(TOKEN) ?? []) tokens.add(t);
}

/** The parts between `--boundary` lines, up to the closing `--boundary--`. */
function* multipartParts(body: string, boundary: string): Generator<string> {
  const delimiter = `--${boundary}`;
  let start = -1;
  for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + delimiter.length)) {
    if (at > 0 && body[at - 1] !== '\n') continue;
    if (start >= 0) yield body.slice(start, body[at - 2] === '\r' ? at - 2 : at - 1);
    if (body.startsWith('--', at + delimiter.length)) return;
    const eol = body.indexOf('\n', at);
    if (eol < 0) return;
    start = eol + 1;
  }
}

function decodeQuotedPrintable(s: string): string {
  return s
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}
