// The files Outlook loads from Baitwise, under /addin/: the icons of the manifest, the add-in's
// pages (function file, task pane, support page) and the script classic Outlook on Windows runs.
// They live in the repository's addin/ folder (served as they are, for both `npm run dev` and the
// built dist/). Outlook on the web shows the pages in a frame, so they do not carry the console's
// `frame-ancestors 'none'` / X-Frame-Options DENY; they hold no session-bound action to hijack
// (the add-in will authenticate reporters with their own Microsoft token, never a Baitwise cookie).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** addin/ at the repository root: three folders above src/modules/report-addin/, four above dist/src/modules/report-addin/. */
export function addinDir(): string {
  for (const up of ['../../../addin', '../../../../addin']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(`${dir}/commands.html`)) return dir;
  }
  throw new Error('The report add-in files (addin/ in the Baitwise folder) are missing.');
}

/** Scripts only from Baitwise and Microsoft's Office.js CDN; no plugins; framing allowed (Outlook). */
export const ADDIN_CSP = [
  "default-src 'self'",
  "script-src 'self' https://appsforoffice.microsoft.com",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const addinPages =
  (root = addinDir()): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onSend', async (_req, reply, payload) => {
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', ADDIN_CSP);
      reply.header('cache-control', 'no-cache');
      return payload;
    });
    // wildcard: false registers each file at start-up, so a missing one falls to the root's
    // not-found handler with the console's headers, not to this route's framable add-in headers.
    await app.register(fastifyStatic, { root, prefix: '/addin/', decorateReply: false, index: false, wildcard: false });
  };
