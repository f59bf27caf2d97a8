// A small strict XML parser for add-in manifests: Outlook refuses a manifest that is not
// well-formed, so this one refuses what XML 1.0 calls fatal errors (mismatched or unclosed tags,
// duplicate attributes, unknown entities, text or a second element after the root, unbound
// namespace prefixes) with the line they are on. DOCTYPEs are refused outright (Office does not
// process DTDs in manifests). It keeps only what the manifest checks need: elements with their
// namespace, attributes and text.

export interface XmlAttr {
  name: string; // qualified name as written
  local: string;
  ns: string | null;
  value: string;
}

export interface XmlElement {
  name: string;
  local: string;
  ns: string | null;
  attrs: XmlAttr[];
  children: XmlElement[];
  text: string; // concatenated character data directly inside the element
  line: number;
}

export class XmlError extends Error {}

const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const XSI_NS = XSI;

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;

export function parseXml(src: string): XmlElement {
  let i = 0;
  const text = src.charCodeAt(0) === 0xfeff ? src.slice(1) : src;
  const lineAt = (pos: number) => text.slice(0, pos).split('\n').length;
  const fail = (msg: string, pos = i): never => {
    throw new XmlError(`${msg} (line ${lineAt(pos)})`);
  };

  const decode = (s: string, pos: number): string =>
    s.replace(/&([^;&\s]*);?/g, (m, ent: string) => {
      if (!m.endsWith(';')) fail("'&' must start an entity reference such as &amp;", pos);
      if (ent === 'lt') return '<';
      if (ent === 'gt') return '>';
      if (ent === 'amp') return '&';
      if (ent === 'quot') return '"';
      if (ent === 'apos') return "'";
      const num = /^#x([0-9a-fA-F]+)$/.exec(ent) ?? /^#([0-9]+)$/.exec(ent);
      if (num) {
        const cp = Number.parseInt(num[1]!, ent.startsWith('#x') ? 16 : 10);
        if (cp > 0x10ffff || cp === 0) fail(`invalid character reference &${ent};`, pos);
        return String.fromCodePoint(cp);
      }
      return fail(`unknown entity &${ent};`, pos);
    });

  const skipMisc = (allowDecl: boolean) => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text.startsWith('<?xml', i) && /[\s?]/.test(text[i + 5] ?? '')) {
        if (!allowDecl || i !== 0) fail('the XML declaration must come first');
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated XML declaration');
        i = end + 2;
        allowDecl = false;
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (text.startsWith('<!--', i)) comment();
      else if (text.startsWith('<!DOCTYPE', i)) fail('DOCTYPE declarations are not allowed in a manifest');
      else return;
      allowDecl = false;
    }
  };

  const comment = () => {
    const end = text.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    if (text.slice(i + 4, end).includes('--')) fail("'--' is not allowed inside a comment");
    i = end + 3;
  };

  type Raw = { name: string; attrs: { name: string; value: string }[]; line: number };

  const element = (scope: Map<string, string>): XmlElement => {
    const start = i;
    i++; // '<'
    const nameMatch = /^[^\s/>]+/.exec(text.slice(i, i + 200));
    if (!nameMatch || !NAME.test(nameMatch[0])) fail('invalid element name');
    const raw: Raw = { name: nameMatch![0], attrs: [], line: lineAt(start) };
    i += raw.name.length;
    let selfClosing = false;
    for (;;) {
      const ws = /^\s*/.exec(text.slice(i))![0].length;
      i += ws;
      if (text.startsWith('/>', i)) {
        i += 2;
        selfClosing = true;
        break;
      }
      if (text[i] === '>') {
        i++;
        break;
      }
      if (i >= text.length) fail(`unclosed start tag <${raw.name}>`, start);
      if (ws === 0) fail(`whitespace is required between attributes of <${raw.name}>`);
      const m = /^([^\s=/>]+)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(text.slice(i));
      if (!m || !NAME.test(m[1]!)) fail(`malformed attribute in <${raw.name}>`);
      if (raw.attrs.some((a) => a.name === m![1])) fail(`duplicate attribute '${m![1]}' in <${raw.name}>`);
      raw.attrs.push({ name: m![1]!, value: decode(m![3] ?? m![4] ?? '', i) });
      i += m![0].length;
    }
    const ns = new Map(scope);
    for (const a of raw.attrs) {
      if (a.name === 'xmlns') ns.set('', a.value);
      else if (a.name.startsWith('xmlns:')) ns.set(a.name.slice(6), a.value);
    }
    const resolve = (qname: string, isAttr: boolean): { local: string; ns: string | null } => {
      const c = qname.indexOf(':');
      if (c < 0) return { local: qname, ns: isAttr ? null : (ns.get('') ?? null) || null };
      const prefix = qname.slice(0, c);
      if (prefix === 'xml') return { local: qname.slice(c + 1), ns: 'http://www.w3.org/XML/1998/namespace' };
      const uri = ns.get(prefix);
      if (!uri) return fail(`namespace prefix '${prefix}' is not declared`, start);
      return { local: qname.slice(c + 1), ns: uri };
    };
    const el: XmlElement = {
      name: raw.name,
      ...resolve(raw.name, false),
      attrs: raw.attrs
        .filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
        .map((a) => ({ name: a.name, value: a.value, ...resolve(a.name, true) })),
      children: [],
      text: '',
      line: raw.line,
    };
    if (selfClosing) return el;
    for (;;) {
      if (i >= text.length) fail(`<${raw.name}> is never closed`, start);
      if (text.startsWith('</', i)) {
        const m = /^<\/([^\s>]+)\s*>/.exec(text.slice(i));
        if (!m) fail('malformed end tag');
        if (m![1] !== raw.name) fail(`end tag </${m![1]}> does not match <${raw.name}>`);
        i += m![0].length;
        return el;
      }
      if (text.startsWith('<!--', i)) comment();
      else if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        el.text += text.slice(i + 9, end);
        i = end + 3;
      } else if (text.startsWith('<?', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (text[i] === '<') el.children.push(element(ns));
      else {
        const next = text.indexOf('<', i);
        const chunk = text.slice(i, next < 0 ? text.length : next);
        if (chunk.includes(']]>')) fail("']]>' is not allowed in text");
        el.text += decode(chunk, i);
        i += chunk.length;
      }
    }
  };

  skipMisc(true);
  if (text[i] !== '<') fail(i >= text.length ? 'the document is empty' : 'text before the root element');
  const root = element(new Map());
  skipMisc(false);
  if (i < text.length) fail('content after the root element');
  return root;
}

export const attr = (el: XmlElement, local: string, ns: string | null = null): string | undefined =>
  el.attrs.find((a) => a.local === local && a.ns === ns)?.value;

/** xsi:type without its prefix (VersionOverridesV1_1, MailApp, …). */
export const xsiType = (el: XmlElement): string | undefined => {
  const v = attr(el, 'type', XSI);
  return v?.includes(':') ? v.slice(v.indexOf(':') + 1) : v;
};

export const child = (el: XmlElement | undefined, local: string): XmlElement | undefined =>
  el?.children.find((c) => c.local === local);

export const childrenOf = (el: XmlElement | undefined, local: string): XmlElement[] =>
  el?.children.filter((c) => c.local === local) ?? [];

/** Depth-first walk over an element and its descendants. */
export function* walk(el: XmlElement): Generator<XmlElement> {
  yield el;
  for (const c of el.children) yield* walk(c);
}
