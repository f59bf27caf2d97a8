// A reported message's body, made safe to look at. The message may be a live phish: nothing in it
// may run, submit, navigate or call home. Three layers, so one mistake is not enough:
// - sanitize-html keeps formatting only: no script, no event handler (no attribute outside the
//   list), no form or input, no iframe/object/embed, no <base> or <meta>, no style element;
// - links become inert text (a span), the real target in its title, defanged: nothing to click;
// - remote images become a placeholder unless the analyst asks for them (remote=1: they tell the
//   sender the message was opened); inline cid: images are embedded as data: URIs;
// and the response's Content-Security-Policy sandboxes the document (no scripts, no forms, a
// unique origin) and allows no fetch but data: images (https: ones with remote=1).
import { convert } from 'html-to-text';
import { type Attachment, simpleParser } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { defang } from './urls.js';

const MAX_INLINE_IMAGE = 2 * 1024 * 1024;

/** Style properties a message keeps: how text and boxes look, never where they sit or what they load. */
const STYLE_PROPERTIES = [
  'color',
  'background-color',
  'font',
  'font-family',
  'font-size',
  'font-style',
  'font-weight',
  'text-align',
  'text-decoration',
  'text-transform',
  'line-height',
  'letter-spacing',
  'white-space',
  'vertical-align',
  'width',
  'height',
  'max-width',
  'min-width',
  'display',
  'padding',
  'padding-top',
  'padding-right',
  'padding-bottom',
  'padding-left',
  'margin',
  'margin-top',
  'margin-right',
  'margin-bottom',
  'margin-left',
  'border',
  'border-top',
  'border-right',
  'border-bottom',
  'border-left',
  'border-color',
  'border-style',
  'border-width',
  'border-radius',
  'border-collapse',
];
const INERT_STYLE_VALUE = /^(?!.*(?:url\s*\(|image-set|expression\s*\(|@import|javascript:)).*$/i;

export interface SafeBody {
  contentType: string;
  content: string;
  csp: string;
}

export const bodyCsp = (remote: boolean) =>
  `sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:${remote ? ' https:' : ''}; frame-ancestors 'self'`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function inlineImages(attachments: Attachment[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const a of attachments) {
    if (a.cid && a.contentType.startsWith('image/') && a.content.length <= MAX_INLINE_IMAGE) {
      map.set(
        a.cid.replace(/^<|>$/g, '').toLowerCase(),
        `data:${a.contentType};base64,${a.content.toString('base64')}`,
      );
    }
  }
  return map;
}

export function sanitiseBody(html: string, opts: { remote: boolean; inline?: Map<string, string> }): string {
  const inline = opts.inline ?? new Map<string, string>();
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags.filter((t) => t !== 'a'), 'img', 'span', 'font', 'center', 'hr'],
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      '*': ['style', 'title', 'align', 'valign', 'width', 'height', 'bgcolor', 'color', 'dir', 'lang', 'class'],
      img: ['src', 'alt', 'width', 'height', 'border'],
      td: ['colspan', 'rowspan'],
      th: ['colspan', 'rowspan'],
      font: ['face', 'size', 'color'],
    },
    // Inline styles: formatting properties only, and no value that loads anything (url(),
    // image-set) or runs (expression): a remote background is a tracking beacon like a remote
    // image, and `position` would let a message cover the page. The CSP blocks such loads as well;
    // this keeps one mistake from being enough.
    allowedStyles: { '*': Object.fromEntries(STYLE_PROPERTIES.map((p) => [p, [INERT_STYLE_VALUE]])) },
    allowedSchemes: ['data', 'https'],
    allowedSchemesByTag: { img: opts.remote ? ['data', 'https'] : ['data'] },
    allowProtocolRelative: false,
    // Inline-only: no <style> element (it could @import), no external resources.
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head'],
    transformTags: {
      a: (_tag, attribs) => ({
        tagName: 'span',
        attribs: {
          class: 'bw-link',
          title: linkTitle(attribs.href),
          style: 'text-decoration: underline; color: #1c5fb0',
        },
      }),
      img: (_tag, attribs) => {
        const src = (attribs.src ?? '').trim();
        if (/^cid:/i.test(src)) {
          const data = inline.get(src.slice(4).replace(/^<|>$/g, '').toLowerCase());
          return data ? { tagName: 'img', attribs: { ...attribs, src: data } } : placeholder('inline image not found');
        }
        if (/^data:image\//i.test(src)) return { tagName: 'img', attribs };
        if (opts.remote && /^https:\/\//i.test(src)) return { tagName: 'img', attribs };
        return placeholder(`remote image blocked: ${defang(src)}`);
      },
    },
  });
}

/** The target of a web or mail link, defanged; of anything else (javascript:, data:…) only its scheme. */
function linkTitle(href: string | undefined): string {
  const h = (href ?? '').trim();
  if (!h) return '';
  if (/^(https?|mailto):/i.test(h)) return `Link (not followed): ${defang(h)}`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(h)?.[1];
  return `Link (not followed): ${scheme ? `a ${scheme.toLowerCase()} link` : 'a relative link'}`;
}

const placeholder = (title: string) => ({
  tagName: 'span',
  attribs: {
    class: 'bw-blocked-image',
    title,
    style: 'display:inline-block;border:1px dashed #999;padding:2px 6px;color:#666',
  },
  text: '[image]',
});

/** The body of a stored message as a safe HTML document, or as plain text. */
export async function safeBody(eml: Buffer, view: 'html' | 'text', remote: boolean): Promise<SafeBody> {
  const p = await simpleParser(eml, { skipTextToHtml: true, skipImageLinks: true }).catch(() => null);
  const html = typeof p?.html === 'string' ? p.html : null;
  const text = p?.text ?? (html ? convert(html, { wordwrap: false }) : '');
  if (view === 'text') {
    return { contentType: 'text/plain; charset=utf-8', content: text ?? '', csp: bodyCsp(false) };
  }
  const clean = html
    ? sanitiseBody(html, { remote, inline: inlineImages(p?.attachments ?? []) })
    : `<pre style="white-space:pre-wrap">${escapeHtml(text ?? '')}</pre>`;
  return {
    contentType: 'text/html; charset=utf-8',
    content: `<!doctype html><html><head><meta charset="utf-8"></head><body>${clean}</body></html>`,
    csp: bodyCsp(remote),
  };
}
