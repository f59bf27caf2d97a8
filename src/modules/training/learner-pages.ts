// The learner portal's pages, outside /api (Module.pages): the link page /learn/:token (the
// learner web app's shell, web/dist/learn.html), and a SCORM package's files under
// /learn-content/<token hash>/… with the run-time injected into its HTML.
//
// A GET of the link records only clicked_at: mail scanners and link previews fetch links too
// (GoPhish #973, #2115); the start is the page script's POST. A link that does not open gets one
// small page, the same for every reason (expired excepted: it says so, and whom to ask).
import { existsSync } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { LearnerService } from './learner.js';
import type { LearnerLimits } from './learner-limits.js';
import { LearnerLinkError } from './learner-link.js';
import { refusalPage } from './learner-refusal.js';
import { scormAgainSource, scormBridge } from './scorm-runtime.js';

/** The learner app: its own script and styles, its API, SCORM content in a frame from /learn-content. */
export const LEARNER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * A package's files: whatever scripts and styles it brings (packages inline and eval freely), but
 * no network beyond its own files (connect-src 'none': no API call, no beacon), framed only by the
 * learner page, and sandboxed even when opened directly (the CSP sandbox directive: an opaque
 * origin, so no Baitwise cookie or storage).
 */
export const CONTENT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self' data:",
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  'sandbox allow-scripts allow-forms',
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.vtt': 'text/vtt',
  '.txt': 'text/plain; charset=utf-8',
};
const RUNTIME = '__baitwise/runtime.js';

function languageOf(req: FastifyRequest): string {
  const accept = String(req.headers['accept-language'] ?? '').toLowerCase();
  return accept.startsWith('de') ? 'de' : 'en';
}

/**
 * Every learner answer: never cached, never leaking the path (the token) as a referrer. Set in
 * this plugin's onSend, which runs after the root's (which sets the console's defaults).
 */
function privateHeaders(req: FastifyRequest, reply: FastifyReply): void {
  const content = req.url.startsWith('/learn-content/');
  reply.header('cache-control', 'no-store');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('content-security-policy', content ? CONTENT_CSP : LEARNER_CSP);
  // A package is framed by the learner page (frame-ancestors 'self'); the learner page by nobody.
  if (content) reply.removeHeader('x-frame-options');
}

function refuse(req: FastifyRequest, reply: FastifyReply, err: unknown) {
  if (err instanceof LearnerLinkError) {
    const r = err.refusal;
    const lang = r.kind === 'expired' ? r.language : languageOf(req);
    return reply.status(err.status).type('text/html; charset=utf-8').send(refusalPage(r, lang));
  }
  if (err instanceof AppError && err.status === 429) {
    reply.header('retry-after', String(err.details?.retryAfterSeconds ?? 60));
    return reply
      .status(429)
      .type('text/html; charset=utf-8')
      .send(refusalPage({ kind: 'busy' }, languageOf(req)));
  }
  throw err;
}

/**
 * The run-time's script first in the document, before the package's own scripts look for the
 * API: after `<head>`, else after `<html>`, else after the doctype (which must stay first, or the
 * page falls into quirks mode), else at the very start.
 */
export function injectRuntime(html: string, tag: string): string {
  for (const re of [/<head(\s[^>]*)?>/i, /<html(\s[^>]*)?>/i, /<!doctype[^>]*>/i]) {
    const m = re.exec(html);
    if (m) return html.slice(0, m.index + m[0].length) + tag + html.slice(m.index + m[0].length);
  }
  return tag + html;
}

export const learnerPages =
  (learner: LearnerService, limits: LearnerLimits, webDir: string): FastifyPluginAsync =>
  async (app) => {
    const shell = join(webDir, 'learn.html');
    app.addHook('onSend', async (req, reply, payload) => {
      privateHeaders(req, reply);
      return payload;
    });

    app.get<{ Params: { token: string } }>('/learn/:token', async (req, reply) => {
      try {
        limits.check(req, req.params.token);
        const link = await learner.open(req.params.token);
        await learner.recordClick(link);
      } catch (err) {
        return refuse(req, reply, err);
      }
      if (!existsSync(shell))
        return reply.status(503).type('text/plain').send('The learner portal has not been built. Run `npm run build`.');
      return reply.type('text/html; charset=utf-8').send(await readFile(shell, 'utf8'));
    });

    app.get<{ Params: { hash: string; '*': string } }>('/learn-content/:hash/*', async (req, reply) => {
      let opened: Awaited<ReturnType<LearnerService['openPackage']>>;
      try {
        limits.checkAddress(req);
        opened = await learner.openPackage(req.params.hash);
      } catch (err) {
        return refuse(req, reply, err);
      }
      const rel = req.params['*'];
      if (rel === RUNTIME) {
        const state = await learner.scormResume(opened.link);
        return reply
          .type('text/javascript; charset=utf-8')
          .send(`${scormAgainSource()}\n${scormBridge(opened.pkg.version, state)}`);
      }
      // Only files inside the package's own folder; no symbolic links (an upload cannot make one,
      // but the folder is on disk and this check costs nothing).
      const root = resolve(opened.pkg.dir);
      const file = resolve(root, rel);
      const type = TYPES[extname(file).toLowerCase()];
      const stat = file.startsWith(root + sep) ? await lstat(file).catch(() => null) : null;
      if (!stat?.isFile()) return reply.status(404).type('text/plain').send('Not found.');
      if (!type) return reply.type('application/octet-stream').send(await readFile(file));
      if (!type.startsWith('text/html')) return reply.type(type).send(await readFile(file));
      const html = await readFile(file, 'utf8');
      const tag = `<script src="/learn-content/${req.params.hash}/${RUNTIME}"></script>`;
      return reply.type(type).send(injectRuntime(html, tag));
    });
  };
