// Rendering a message from its content's Liquid templates. Templates are written by client
// administrators, so the engine is sandboxed: only own properties of the context are visible,
// no file system (include/render/layout of any file fail), and parse, render-time and memory
// limits bound what one template can cost. HTML gets its CSS inlined for mail clients, and a text
// part is always produced.
import { compile } from 'html-to-text';
import juice from 'juice';
import { Liquid, type LiquidError, type Template } from 'liquidjs';
import { ValidationError } from '../../lib/errors.js';
import { inlineTemplate } from './inline-css.js';

const NO_FILES = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot include files');
  },
  readFileSync: () => {
    throw new Error('templates cannot include files');
  },
  resolve: (_root: string, file: string) => file,
};

const engine = new Liquid({
  ownPropertyOnly: true,
  strictFilters: true,
  fs: NO_FILES,
  root: [],
  partials: [],
  layouts: [],
  dynamicPartials: false,
  relativeReference: false,
  outputEscape: undefined,
  parseLimit: 200_000,
  renderLimit: 1_000,
  memoryLimit: 20_000_000,
  cache: 200,
});
const htmlEngine = new Liquid({ ...engine.options, outputEscape: 'escape', cache: 200 });

export interface MessageTemplates {
  subject: string;
  html: string | null;
  text: string | null;
}

export interface RenderedMessage {
  subject: string;
  html: string | null;
  text: string;
}

/** A template that does not parse or render: names the part and the line. */
export class TemplateError extends ValidationError {
  constructor(part: string, err: unknown) {
    const e = err as Partial<LiquidError> & { message?: string };
    const where = e.token ? ` (line ${e.token.getPosition()[0]})` : '';
    super(part, `The ${part} template has an error${where}: ${firstLine(e.message ?? String(err))}`);
  }
}

const firstLine = (s: string) => s.split('\n')[0]?.replace(/, line:\d+, col:\d+$/, '') ?? s;

/** Parses every part once, so a broken template is refused when it is saved, not when it is sent. */
export function checkTemplates(t: MessageTemplates): void {
  for (const [part, source, eng] of [
    ['subject', t.subject, engine],
    ['html', t.html, htmlEngine],
    ['text', t.text, engine],
  ] as const) {
    if (source === null) continue;
    try {
      eng.parse(source);
    } catch (err) {
      throw new TemplateError(part, err);
    }
  }
}

/**
 * Parsed templates by engine and source: a batch renders one content thousands of times, and
 * parsing a few KB of HTML costs several times what rendering the parsed form does. Bounded, oldest
 * out first; a parsed template holds no per-message state, so sharing it is safe.
 */
const PARSED_MAX = 200;
const parsed = new Map<string, Template[]>();
function parseCached(eng: Liquid, source: string): Template[] {
  const key = `${eng === htmlEngine ? 'h' : 't'}:${source}`;
  let t = parsed.get(key);
  if (!t) {
    t = eng.parse(source);
    if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, t);
  }
  return t;
}

// Rendered synchronously: nothing in a template can wait for anything (no files, no custom
// filters), and LiquidJS's promise-per-node rendering cost 35–45% more for the same output
// (a 3 KB awareness mail: 54–71 µs against 84–126). The render and memory limits hold either way.
async function renderPart(part: string, source: string, eng: Liquid, context: object): Promise<string> {
  try {
    return eng.renderSync(parseCached(eng, source), context);
  } catch (err) {
    throw new TemplateError(part, err);
  }
}

/** html-to-text compiles its options into a converter; once, not per message. */
const htmlToText = compile({
  wordwrap: 78,
  selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }],
});

/**
 * The largest rendered HTML part: CSS inlining and text conversion are synchronous and grow with
 * it, so one template (a loop under the render limit can write megabytes) must not stall a worker.
 */
export const MAX_RENDERED_HTML = 512 * 1024;

function tooLarge(raw: string): ValidationError {
  return new ValidationError(
    'html',
    `The html template renders ${Math.round(raw.length / 1024)} KB; at most 512 KB is sent.`,
  );
}

/** Rendered, then CSS inlined: what a template not inlined ahead gets, and the fast path's reference. */
export async function renderThenInline(source: string, context: object): Promise<string> {
  const raw = await renderPart('html', source, htmlEngine, context);
  if (raw.length > MAX_RENDERED_HTML) throw tooLarge(raw);
  return juice(raw);
}

/**
 * HTML templates with their CSS inlined ahead (inline-css.ts), by source; null: inlined per
 * message. `checked`: this process compared one message against renderThenInline already.
 */
const inlined = new Map<string, { template: string | null; checked: boolean }>();
function inlinedFor(source: string) {
  let entry = inlined.get(source);
  if (!entry) {
    entry = { template: inlineTemplate(source, htmlEngine), checked: false };
    if (inlined.size >= PARSED_MAX) inlined.delete(inlined.keys().next().value as string);
    inlined.set(source, entry);
  }
  return entry;
}

/** Whether this HTML template has its CSS inlined once (true) or per message (false). */
export const inlinedAhead = (source: string): boolean => inlinedFor(source).template !== null;

async function renderHtml(source: string, context: object): Promise<string> {
  const entry = inlinedFor(source);
  if (entry.template === null) return renderThenInline(source, context);
  let html: string;
  try {
    html = await engineRender(entry.template, context);
  } catch {
    // The error as the administrator's template has it (lines and all).
    return renderThenInline(source, context);
  }
  // Near the limit the inlined size is not the rendered size the limit is about: the old way.
  if (html.length > MAX_RENDERED_HTML) return renderThenInline(source, context);
  if (!entry.checked) {
    entry.checked = true;
    const reference = await renderThenInline(source, context);
    if (reference !== html) {
      entry.template = null;
      return reference;
    }
  }
  return html;
}

const engineRender = async (source: string, context: object) =>
  htmlEngine.renderSync(parseCached(htmlEngine, source), context);

export async function renderMessage(t: MessageTemplates, context: object): Promise<RenderedMessage> {
  const subject = (await renderPart('subject', t.subject, engine, context)).replace(/[\r\n]+/g, ' ').trim();
  const html = t.html === null ? null : await renderHtml(t.html, context);
  const text = t.text !== null ? await renderPart('text', t.text, engine, context) : htmlToText(html ?? '');
  return { subject, html, text };
}
