// The render thread's program (render-pool.ts): renders a message's templates and writes its RFC
// 5322 bytes, off the event loop that claims, sends and records. Answers each request with the
// bytes (transferred, not copied) or the template's error as render.ts words it.
import { parentPort } from 'node:worker_threads';
import { buildMime } from './mime.js';
import { renderMessage } from './render.js';
import type { RenderRequest, RenderResponse } from './render-pool.js';

const port = parentPort;
if (!port) throw new Error('render-worker.ts runs as a worker thread');
port.postMessage({ ready: true } satisfies RenderResponse);
port.on('message', (req: RenderRequest) => {
  renderMessage(req.templates, req.context).then(
    (rendered) => {
      const mime = buildMime({ ...req.envelope, ...rendered });
      // a Buffer may sit in Node's shared pool: copy into an ArrayBuffer of its own to transfer it
      const bytes = new Uint8Array(mime.length);
      bytes.set(mime);
      const res: RenderResponse = { id: req.id, subject: rendered.subject, mime: bytes };
      port.postMessage(res, [bytes.buffer]);
    },
    (err: unknown) => {
      const res: RenderResponse = { id: req.id, error: err instanceof Error ? err.message : String(err) };
      port.postMessage(res);
    },
  );
});
