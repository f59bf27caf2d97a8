// The files Outlook loads from Baitwise, under /addin/: the icons of the manifest, the add-in's
// pages (function file, task pane, support page) and its script (/addin/report.js, the bundle
// scripts/build-addin.ts makes of addin/src/report.ts with MSAL.js; classic Outlook on Windows runs
// it as the manifest's JavaScript override, with a preamble naming the add-in: bootPreamble). The pages load Office.js from BAITWISE_OFFICE_JS_URL
// (Microsoft's CDN; the emulator's in tests), written into them when Baitwise starts. Outlook on the
// web shows them in a frame, so they do not carry the console's `frame-ancestors 'none'` /
// X-Frame-Options DENY; they hold no session-bound action to hijack (the add-in authenticates
// reporters with their own Microsoft token, never a Baitwise cookie).
import { existsSync, readFileSync } from 'node:fs';
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

/** Scripts only from Baitwise and Office.js's origin; no plugins; framing allowed (Outlook). */
export function addinCsp(officeJsUrl: string): string {
  const office = new URL(officeJsUrl).origin;
  return [
    "default-src 'self'",
    `script-src 'self' ${office}`,
    "style-src 'self'",
    "img-src 'self' data:",
    // the report endpoint is Baitwise's; MSAL's nested app authentication talks to Outlook, not the network
    "connect-src 'self'",
    `frame-src ${office}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join('; ');
}

const PAGES = ['commands.html', 'taskpane.html', 'support.html'] as const;
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Served when the bundle was not built: the add-in says so instead of failing silently. */
const UNBUILT =
  "throw new Error('The Baitwise report add-in script is not built: run npm run build (scripts/build-addin.ts).');\n";

const ADDIN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Classic Outlook on Windows runs the manifest's JavaScript override (report.js?addin=<id>) in a
 * JavaScript-only runtime: no page, so no `location` to read the add-in id and Baitwise's address
 * from. The script itself carries them then — a preamble written from its own URL's add-in id (a
 * UUID, checked, so nothing else reaches the script) and Baitwise's public address.
 */
function bootPreamble(query: unknown, publicUrl: string): string {
  const addinId = (query as { addin?: unknown } | undefined)?.addin;
  if (typeof addinId !== 'string' || !ADDIN_ID.test(addinId)) return '';
  const boot = { addinId: addinId.toLowerCase(), origin: new URL(publicUrl).origin };
  return `globalThis.__BAITWISE__ = ${JSON.stringify(boot)};\n`;
}

export const addinPages =
  (officeJsUrl: string, publicUrl: string, root = addinDir()): FastifyPluginAsync =>
  async (app) => {
    const csp = addinCsp(officeJsUrl);
    const pages = new Map(
      PAGES.map((p) => [
        p,
        readFileSync(`${root}/${p}`, 'utf8').replaceAll('%OFFICE_JS_URL%', escapeAttr(officeJsUrl)),
      ]),
    );
    const bundle = `${root}/build/report.js`;
    app.addHook('onSend', async (_req, reply, payload) => {
      reply.removeHeader('x-frame-options');
      reply.header('content-security-policy', csp);
      reply.header('cache-control', 'no-cache');
      return payload;
    });
    for (const [name, html] of pages) {
      app.get(`/addin/${name}`, async (_req, reply) => reply.type('text/html; charset=utf-8').send(html));
    }
    app.get('/addin/report.js', async (req, reply) => {
      // read per request: a rebuilt bundle is served without a restart, and a missing one says so
      const code = existsSync(bundle) ? readFileSync(bundle, 'utf8') : UNBUILT;
      return reply.type('text/javascript; charset=utf-8').send(bootPreamble(req.query, publicUrl) + code);
    });
    app.get('/addin/page.css', async (_req, reply) =>
      reply.type('text/css; charset=utf-8').send(readFileSync(`${root}/page.css`)),
    );
    // wildcard: false registers each file at start-up, so a missing one falls to the root's
    // not-found handler with the console's headers, not to this route's framable add-in headers.
    await app.register(fastifyStatic, {
      root: `${root}/assets`,
      prefix: '/addin/assets/',
      decorateReply: false,
      index: false,
      wildcard: false,
    });
  };
