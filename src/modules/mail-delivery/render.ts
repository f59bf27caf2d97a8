// Rendering a message from its content's Liquid templates. Templates are written by client
// administrators, so the engine is sandboxed: only own properties of the context are visible,
// no file system (include/render/layout of any file fail), and parse, render-time and memory
// limits bound what one template can cost. HTML gets its CSS inlined for mail clients, and a text
// part is always produced.
import { convert } from 'html-to-text';
import juice from 'juice';
import { Liquid, type LiquidError } from 'liquidjs';
import { ValidationError } from '../../lib/errors.js';

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

async function renderPart(part: string, source: string, eng: Liquid, context: object): Promise<string> {
  try {
    return await eng.parseAndRender(source, context);
  } catch (err) {
    throw new TemplateError(part, err);
  }
}

export async function renderMessage(t: MessageTemplates, context: object): Promise<RenderedMessage> {
  const subject = (await renderPart('subject', t.subject, engine, context)).replace(/[\r\n]+/g, ' ').trim();
  const html = t.html === null ? null : juice(await renderPart('html', t.html, htmlEngine, context));
  const text =
    t.text !== null
      ? await renderPart('text', t.text, engine, context)
      : convert(html ?? '', {
          wordwrap: 78,
          selectors: [{ selector: 'a', options: { hideLinkHrefIfSameAsText: true } }],
        });
  return { subject, html, text };
}
