// The full parse of a reported message (mailparser), once, when its report arrives: what an analyst
// reads in the incident (headers, the Received chain, authentication verdicts, URLs with their real
// targets, attachment hashes) and the content key that groups a wave into one incident. A message
// mailparser cannot make sense of is still summarised from what could be read, with parseErrors
// saying what went wrong; nothing here throws on bad input.
import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { Address, AuthVerdict, MessageAnalysis, UrlEntry } from './analysis.js';
import { structureProblems } from './mime-check.js';
import { extractUrls } from './urls.js';

const MAX_HEADERS = 300;
const MAX_VALUE = 4000;
const VERDICTS = new Set(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']);

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const unfold = (s: string) => s.replace(/\r?\n[ \t]+/g, ' ').trim();

function addresses(a: AddressObject | AddressObject[] | undefined): Address[] {
  const list = a === undefined ? [] : Array.isArray(a) ? a : [a];
  return list
    .flatMap((o) => o.value)
    .flatMap((v) => (v.group ? v.group : [v]))
    .slice(0, 500)
    .map((v) => ({ address: v.address?.toLowerCase() || null, name: v.name || null }));
}

function headerBlock(p: ParsedMail): { name: string; value: string }[] {
  return p.headerLines.slice(0, MAX_HEADERS).map((h) => {
    const colon = h.line.indexOf(':');
    const name = colon > 0 ? h.line.slice(0, colon) : h.key;
    return { name, value: unfold(colon > 0 ? h.line.slice(colon + 1) : h.line).slice(0, MAX_VALUE) };
  });
}

/** "from X by Y with Z id …; date", topmost (the last hop) first, as the headers are. */
function receivedChain(headers: { name: string; value: string }[]) {
  return headers
    .filter((h) => h.name.toLowerCase() === 'received')
    .map((h) => {
      const semi = h.value.lastIndexOf(';');
      const route = semi >= 0 ? h.value.slice(0, semi) : h.value;
      const word = (k: string) => new RegExp(`(?:^|\\s)${k}\\s+(\\S+)`, 'i').exec(route)?.[1] ?? null;
      return {
        from: word('from'),
        by: word('by'),
        with: word('with'),
        date: semi >= 0 ? h.value.slice(semi + 1).trim() : null,
      };
    });
}

/** The verdicts of the first (topmost: the receiving server's own) Authentication-Results. */
function authentication(headers: { name: string; value: string }[]) {
  const ar = headers.find((h) => h.name.toLowerCase() === 'authentication-results');
  const verdict = (method: string): AuthVerdict => {
    const v = ar
      ? new RegExp(`(?:^|[\\s;])${method}\\s*=\\s*([a-z]+)`, 'i').exec(ar.value)?.[1]?.toLowerCase()
      : undefined;
    return v && VERDICTS.has(v) ? (v as AuthVerdict) : null;
  };
  return { spf: verdict('spf'), dkim: verdict('dkim'), dmarc: verdict('dmarc'), raw: ar?.value ?? null };
}

/** Re:, Fwd:, AW:, WG: and spacing do not make another message. */
export const normaliseSubject = (s: string | null) =>
  (s ?? '')
    .toLowerCase()
    .replace(/^\s*((re|fw|fwd|aw|wg|sv|vs)\s*:\s*)+/i, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The URL set without query or fragment: a wave sent with a tracking parameter per recipient is
 * still one message.
 */
export function contentKey(sender: string | null, subject: string | null, urls: UrlEntry[]): string {
  const set = [
    ...new Set(
      urls.map((u) => {
        try {
          const url = new URL(u.href);
          return `${url.protocol}//${url.host.toLowerCase()}${url.pathname}`;
        } catch {
          return u.href;
        }
      }),
    ),
  ].sort();
  return sha256(`${(sender ?? '').toLowerCase()}|${normaliseSubject(subject)}|${set.join(' ')}`);
}

export async function analyseEml(eml: Buffer): Promise<MessageAnalysis> {
  const parseErrors = structureProblems(eml);
  let p: ParsedMail | null = null;
  try {
    p = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    parseErrors.push(`The message could not be parsed: ${(err as Error).message}`);
  }
  const headers = p ? headerBlock(p) : [];
  const from = addresses(p?.from)[0] ?? null;
  const urls = p ? extractUrls(typeof p.html === 'string' ? p.html : null, p.text ?? null) : [];
  const subject = p?.subject ?? null;
  return {
    version: 1,
    headers,
    from,
    to: addresses(p?.to),
    cc: addresses(p?.cc),
    replyTo: addresses(p?.replyTo)[0] ?? null,
    subject,
    date: p?.date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    messageId: p?.messageId ?? null,
    receivedChain: receivedChain(headers),
    authentication: authentication(headers),
    urls,
    attachments: (p?.attachments ?? []).slice(0, 200).map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.content.length,
      sha256: sha256(a.content),
    })),
    parseErrors,
    contentKey: contentKey(from?.address ?? null, subject, urls),
  };
}
