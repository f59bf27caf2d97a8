// URLs of a reported message: every link of the HTML body (its text and its real href — a phish's
// text says one thing and its href another) and every URL written in the text body, each with a
// defanged form an analyst can copy without it turning into a link again.
import { Parser } from 'htmlparser2';
import type { UrlEntry } from './analysis.js';

const MAX_URLS = 500;
const TEXT_URL = /\bhttps?:\/\/[^\s<>"'`)\]]+/gi;

export function defang(href: string): string {
  return href
    .replace(/^http/i, (m) => (m[0] === 'H' ? 'HXXP' : 'hxxp'))
    .replace(/^([a-z]+:\/\/[^/?#]*)/i, (host) => host.replace(/\./g, '[.]'));
}

export function domainOf(href: string): string | null {
  try {
    return new URL(href).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

const isWebUrl = (href: string) => /^https?:\/\//i.test(href);

function entry(text: string, href: string): UrlEntry {
  return {
    text: text.replace(/\s+/g, ' ').trim().slice(0, 500),
    href: href.slice(0, 4000),
    defanged: defang(href).slice(0, 4000),
    domain: domainOf(href),
  };
}

/** Links of the HTML (anchors and areas) and URLs of the text, each (text, href) once. */
export function extractUrls(html: string | null, text: string | null): UrlEntry[] {
  const out: UrlEntry[] = [];
  const seen = new Set<string>();
  const add = (e: UrlEntry) => {
    const key = `${e.href}\n${e.text}`;
    if (out.length >= MAX_URLS || seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  if (html) {
    let open: { href: string; text: string } | null = null;
    const parser = new Parser(
      {
        onopentag(name, attrs) {
          const href = attrs.href?.trim();
          if ((name === 'a' || name === 'area') && href && isWebUrl(href)) {
            if (name === 'area') add(entry(attrs.alt ?? '', href));
            else open = { href, text: '' };
          }
        },
        ontext(t) {
          if (open) open.text += t;
          else for (const m of t.match(TEXT_URL) ?? []) add(entry(m, m));
        },
        onclosetag(name) {
          if (name === 'a' && open) {
            add(entry(open.text, open.href));
            open = null;
          }
        },
      },
      { decodeEntities: true },
    );
    parser.write(html);
    parser.end();
  }
  for (const m of text?.match(TEXT_URL) ?? []) add(entry(m, m));
  return out;
}
