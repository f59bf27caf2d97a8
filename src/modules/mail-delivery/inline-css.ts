// CSS inlining (juice) once per HTML template instead of once per message. Juice parses the whole
// document, matches every rule against it and writes it out again: about 0.7 ms of CPU for a
// 6 KB mail, more than rendering and sending it. A batch renders one template thousands of
// times, and what juice does to it depends only on the template's markup and CSS — unless the
// Liquid in it changes either. So a template qualifies only when the result provably cannot
// depend on the recipient:
//
// - the CSS has only selectors that look at an element and its ancestors (type, class, id, `*`,
//   descendant and child combinators): a `{% for %}` or `{% if %}` that adds or removes elements
//   changes no other element's match (no sibling, position, `:not` or attribute selectors);
// - every `{% %}` block (if, unless, case, for) opens and closes its branches at the same point
//   of the element tree (`<p>{% if x %}<b>{% endif %}` does not qualify), so a rendered element
//   has the same ancestors as in the template; tags that write markup of their own (tablerow,
//   cycle, echo, liquid, raw, capture, include…) do not qualify;
// - `{{ }}` outputs stand in text or in quoted attribute values, never in a tag or attribute
//   name, nor in class, id, style or the attributes juice writes (width, height, bgcolor…), nor
//   in <style> or <script>; `| raw` does not qualify (everything else is escaped, so a value can
//   never become markup);
// - juice's parser (htmlparser2, entities left as they are) keeps text and attribute values
//   byte for byte, so Liquid put back after inlining renders to what inlining the rendered HTML
//   writes. Each Liquid tag is replaced by a placeholder for juice and put back after; a
//   placeholder juice moved, dropped or doubled disqualifies the template.
//
// Anything else is inlined per message as before. As a last check, the first message rendered
// from each inlined template (per process) is also rendered the old way, and the template is
// dropped from the fast path if the two differ.
import juice from 'juice';
import { type Liquid, type TagToken, Tokenizer, type TopLevelToken, TypeGuards } from 'liquidjs';

/** Tags that write nothing themselves (assign) or only choose which of the template's parts go. */
const OPENERS = new Set(['if', 'unless', 'case', 'for']);
const BRANCHES = new Set(['elsif', 'else', 'when']);
const CLOSERS: Record<string, string> = { endif: 'if', endunless: 'unless', endcase: 'case', endfor: 'for' };
const LOOP_EXITS = new Set(['break', 'continue']);
/** Attributes juice reads or writes: a value there could change what it does. */
const JUICED_ATTRIBUTES = new Set([
  'class',
  'id',
  'style',
  'width',
  'height',
  'bgcolor',
  'background',
  'align',
  'valign',
  'border',
]);
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
/** Elements whose content is not markup (juice and htmlparser2 read it as raw text). */
const RAW_TEXT = new Set(['style', 'script', 'textarea', 'title', 'xmp', 'noscript', 'iframe', 'noembed', 'noframes']);
const SIMPLE_SELECTOR = /^[\s\w\-.#*>,]+$/;

const PLACEHOLDER = /bwlq(\d+)q/gi;
const HAS_PLACEHOLDER = /bwlq\d+q/i;
const placeholder = (i: number) => `bwlq${i}q`;

/** Rules' selectors outside @-blocks (@media rules stay in a <style> juice keeps; never inlined). */
function simpleCss(css: string): boolean {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  let depth = 0;
  let selector = '';
  let atRule = false;
  for (const ch of text) {
    if (ch === '{') {
      if (depth === 0) {
        atRule = selector.trim().startsWith('@');
        if (!atRule && !SIMPLE_SELECTOR.test(selector)) return false;
      }
      depth++;
      selector = '';
    } else if (ch === '}') {
      depth--;
      if (depth < 0) return false;
      selector = '';
    } else if (depth === 0) {
      selector += ch;
    } else if (depth > 1 && !atRule) {
      return false; // nested braces outside an @-rule: not CSS juice reads the way we do
    }
  }
  return depth === 0 && selector.trim() === '';
}

interface Site {
  /** the element stack where the Liquid tag stands (text), or null inside a tag */
  stack: string | null;
  /** inside a tag: the quoted attribute value's name, or null when elsewhere in the tag */
  attribute: string | null;
}

/**
 * Where each placeholder of `html` stands: in text (and the open elements there) or in a tag.
 * Returns null for markup this simple reader does not follow exactly as htmlparser2 does (an end
 * tag that does not close the innermost open element, `/>` on an element that is not void).
 */
function sites(html: string): { sites: Map<number, Site>; css: string[] } | null {
  const out = new Map<number, Site>();
  const css: string[] = [];
  const stack: string[] = [];
  const markText = (text: string) => {
    for (const m of text.matchAll(PLACEHOLDER)) out.set(Number(m[1]), { stack: stack.join('>'), attribute: null });
  };
  const token = /<!--[\s\S]*?-->|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g;
  let at = 0;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    markText(html.slice(at, m.index));
    at = token.lastIndex;
    const [whole, close, rawName, attrs = ''] = m;
    if (!rawName) {
      if (HAS_PLACEHOLDER.test(whole)) return null; // in a comment or doctype
      continue;
    }
    const name = rawName.toLowerCase();
    if (HAS_PLACEHOLDER.test(name)) return null;
    if (close) {
      if (stack.pop() !== name) return null;
      continue;
    }
    // Attributes: placeholders only in quoted values.
    const attr = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
    for (let a = attr.exec(attrs); a; a = attr.exec(attrs)) {
      const [, attrName = '', dq, sq, unquoted] = a;
      const value = dq ?? sq;
      if (HAS_PLACEHOLDER.test(attrName) || HAS_PLACEHOLDER.test(unquoted ?? '')) return null;
      for (const p of (value ?? '').matchAll(PLACEHOLDER))
        out.set(Number(p[1]), { stack: null, attribute: attrName.toLowerCase() });
    }
    const selfClosing = /\/\s*$/.test(attrs);
    if (VOID.has(name)) continue;
    if (selfClosing) return null;
    if (RAW_TEXT.has(name)) {
      const end = html.toLowerCase().indexOf(`</${name}`, at);
      if (end < 0) return null;
      const content = html.slice(at, end);
      if (name === 'style') css.push(content);
      // Liquid in CSS or a script decides what juice does, or is not text: not inlined ahead.
      if (HAS_PLACEHOLDER.test(content) && name !== 'title' && name !== 'textarea') return null;
      stack.push(name);
      markText(content);
      stack.pop();
      const closeTag = /^<\/[^>]*>/.exec(html.slice(end));
      at = end + (closeTag?.[0].length ?? 0);
      token.lastIndex = at;
      continue;
    }
    stack.push(name);
  }
  markText(html.slice(at));
  return { sites: out, css };
}

/** The template with its CSS inlined and its Liquid intact, or null when it does not qualify. */
export function inlineTemplate(source: string, engine: Liquid): string | null {
  if (/bwlq\d+q/i.test(source)) return null;
  let tokens: TopLevelToken[];
  try {
    tokens = new Tokenizer(source, engine.options.operators).readTopLevelTokens(engine.options);
  } catch {
    return null;
  }
  const liquid = tokens.filter((t) => !TypeGuards.isHTMLToken(t));
  let withPlaceholders = '';
  let at = 0;
  for (const [i, t] of liquid.entries()) {
    const text = source.slice(t.begin, t.end);
    // Whitespace control trims text next to the tag, which inlining may have changed.
    if (/^\{[{%]-|-[}%]\}$/.test(text)) return null;
    withPlaceholders += source.slice(at, t.begin) + placeholder(i);
    at = t.end;
  }
  withPlaceholders += source.slice(at);

  const found = sites(withPlaceholders);
  if (!found) return null;
  if (!found.css.every(simpleCss)) return null;
  const blocks: { name: string; stack: string }[] = [];
  for (const [i, t] of liquid.entries()) {
    const site = found.sites.get(i);
    if (!site) return null;
    if (TypeGuards.isOutputToken(t)) {
      if (/\|\s*raw\b/.test(t.content)) return null;
      if (site.stack === null && (site.attribute === null || JUICED_ATTRIBUTES.has(site.attribute))) return null;
      continue;
    }
    if (!TypeGuards.isTagToken(t) || site.stack === null) return null;
    const name = (t as TagToken).name;
    if (name === 'assign') continue;
    if (OPENERS.has(name)) blocks.push({ name, stack: site.stack });
    else if (BRANCHES.has(name)) {
      if (blocks.at(-1)?.stack !== site.stack) return null;
    } else if (name in CLOSERS) {
      const open = blocks.pop();
      if (!open || open.name !== CLOSERS[name] || open.stack !== site.stack) return null;
    } else if (LOOP_EXITS.has(name)) {
      const loop = blocks.findLast((b) => b.name === 'for');
      if (loop?.stack !== site.stack) return null;
    } else return null;
  }
  if (blocks.length) return null;

  const inlined = juice(withPlaceholders);
  const order = [...inlined.matchAll(PLACEHOLDER)].map((m) => Number(m[1]));
  if (order.length !== liquid.length || order.some((n, i) => n !== i)) return null;
  // htmlparser2 closes some elements by itself (a <p> at a <div>): where juice's tree and the
  // reading above disagree on where a Liquid tag stands, the branches may not be balanced in it.
  const after = sites(inlined);
  if (!after) return null;
  for (const [i, site] of found.sites) {
    const again = after.sites.get(i);
    if (again?.stack !== site.stack || again.attribute !== site.attribute) return null;
  }
  return inlined.replace(PLACEHOLDER, (_, n: string) => {
    const t = liquid[Number(n)];
    return t ? source.slice(t.begin, t.end) : '';
  });
}
