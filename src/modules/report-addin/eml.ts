// What Baitwise reads from a reported message: the headers the incidents inbox lists, and the
// per-message tokens (`bwm_…`, mail-delivery/message-token.ts) that mark a message Baitwise sent.
// A token sits wherever the template put `{{ message.token }}` — a link, the text, a header — and
// the body may be quoted-printable (a soft line break can split it) or base64, so the decoded
// parts are searched as well as the raw bytes.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';

const TOKEN = /bwm_[A-Za-z0-9_-]{32}/g;
/** More candidates than any real message carries; a message stuffed with tokens gains nothing. */
const MAX_TOKENS = 20;

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
  const tokens = new Set<string>(eml.toString('latin1').match(TOKEN) ?? []);
  const p = await simpleParser(eml, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  for (const text of [p.text, typeof p.html === 'string' ? p.html : '']) {
    for (const t of text?.match(TOKEN) ?? []) tokens.add(t);
  }
  for (const [, value] of p.headerLines.map((h) => [h.key, h.line] as const)) {
    for (const t of value.match(TOKEN) ?? []) tokens.add(t);
  }
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
