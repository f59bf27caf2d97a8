// Rendering and MIME writing on threads of their own. They were a third or more of the CPU the
// dispatcher spends per message (Liquid, CSS inlining, the text part, the MIME), all on the one
// thread that also claims, sends and records: on two cores the second sat idle while that thread
// was the limit. A pool of `threads` workers (render-worker.ts) takes that work; 0 renders on the
// calling thread as before.
//
// A template error comes back as the template's error (permanent for that message); a thread that
// died (a template that outgrew the thread's heap) fails only what it was rendering, with an
// error that is not the template's, and is replaced.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildMime, type OutgoingMessage } from './mime.js';
import { type MessageTemplates, renderMessage } from './render.js';

/** Everything of the message but what the templates give. */
export type Envelope = Omit<OutgoingMessage, 'subject' | 'html' | 'text'>;

export interface RenderRequest {
  id: number;
  templates: MessageTemplates;
  context: object;
  envelope: Envelope;
}

export type RenderResponse =
  | { id: number; subject: string; mime: Uint8Array }
  | { id: number; error: string }
  /** the thread's program is loaded (its first message) */
  | { ready: true };

export interface RenderedMime {
  subject: string;
  /** the message's bytes (mime.ts) */
  mime: Buffer;
}

/** A template that does not render: that message's fault, not the thread's. */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** One per core beyond the first, at most two: the event loop keeps a core. */
export const defaultRenderThreads = () => Math.min(2, availableParallelism() - 1);

/**
 * The thread's program: render-worker.js beside this file in dist/. Under tsx and Vitest this file
 * is TypeScript, and a worker thread does not inherit the loader that runs it: the thread first
 * registers tsx's (a development dependency, as those runners are), then loads render-worker.ts.
 */
function workerProgram(): { source: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { source: new URL('./render-worker.js', import.meta.url), eval: false };
  // tsx's ESM entry, found from this file as its import would be
  const tsx = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const worker = new URL('./render-worker.ts', import.meta.url).href;
  return {
    source: `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(worker)}); });`,
    eval: true,
  };
}

/** A template's heap on a thread is bounded: a runaway one ends that thread, not the process. */
const THREAD_HEAP_MB = 256;

interface Pending {
  resolve: (r: RenderedMime) => void;
  reject: (e: Error) => void;
}

class RenderThread {
  private readonly worker: Worker;
  readonly pending = new Map<number, Pending>();
  alive = true;
  /** resolved once the thread can render (or has ended: its renders say why) */
  readonly ready: Promise<void>;

  constructor(onExit: (t: RenderThread) => void) {
    const program = workerProgram();
    this.worker = new Worker(program.source, {
      eval: program.eval,
      resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
    });
    this.worker.unref();
    let loaded: () => void = () => undefined;
    this.ready = new Promise((resolve) => {
      loaded = resolve;
    });
    this.worker.on('message', (res: RenderResponse) => {
      if ('ready' in res) return loaded();
      const p = this.pending.get(res.id);
      if (!p) return;
      this.pending.delete(res.id);
      if ('error' in res) p.reject(new RenderError(res.error));
      else
        p.resolve({
          subject: res.subject,
          mime: Buffer.from(res.mime.buffer, res.mime.byteOffset, res.mime.byteLength),
        });
    });
    const end = (err: Error) => {
      loaded();
      if (!this.alive) return;
      this.alive = false;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onExit(this);
    };
    this.worker.on('error', (err) => end(new Error(`The render thread failed: ${err.message}`)));
    this.worker.on('exit', (code) => end(new Error(`The render thread stopped (exit code ${code})`)));
  }

  render(req: RenderRequest): Promise<RenderedMime> {
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      this.worker.postMessage(req);
    });
  }

  /** Ends the thread; what it was rendering fails (the exit handler says so). */
  close() {
    return this.worker.terminate();
  }
}

export class RenderPool {
  private readonly threads: RenderThread[] = [];
  private next = 0;
  private closed = false;

  constructor(private readonly size: number) {}

  /**
   * Starts the threads and waits until each has loaded (a few hundred ms, more under tsx). A
   * dispatcher waits for this before it takes its first slot: otherwise the messages of the first
   * slots wait for the thread, and once it is up go together, faster than the pace.
   */
  async ready(): Promise<void> {
    if (this.size <= 0 || this.closed) return;
    while (this.threads.length < this.size) this.start();
    await Promise.all(this.threads.map((t) => t.ready));
  }

  /** The message rendered and written; a RenderError when its templates do not render. */
  async render(templates: MessageTemplates, context: object, envelope: Envelope): Promise<RenderedMime> {
    if (this.size <= 0 || this.closed) return renderHere(templates, context, envelope);
    const thread = this.thread();
    return thread.render({ id: this.next++, templates, context, envelope });
  }

  /** The least busy thread, started when there are fewer than `size`. */
  private thread(): RenderThread {
    if (this.threads.length < this.size) return this.start();
    return this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  private start(): RenderThread {
    const t = new RenderThread((dead) => this.threads.splice(this.threads.indexOf(dead), 1));
    this.threads.push(t);
    return t;
  }

  async close() {
    this.closed = true;
    await Promise.all(this.threads.splice(0).map((t) => t.close()));
  }
}

/** The same work on the calling thread. */
async function renderHere(templates: MessageTemplates, context: object, envelope: Envelope): Promise<RenderedMime> {
  let rendered: Awaited<ReturnType<typeof renderMessage>>;
  try {
    rendered = await renderMessage(templates, context);
  } catch (err) {
    throw new RenderError(err instanceof Error ? err.message : String(err));
  }
  return { subject: rendered.subject, mime: buildMime({ ...envelope, ...rendered }) };
}
