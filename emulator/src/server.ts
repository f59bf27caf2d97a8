// Starts the emulator: one HTTP server (identity platform, Graph, control API) and one SMTP
// server, sharing one Store. Used by the CLI (npm run emulator) and in-process by tests.
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { EmulatorContext, EmulatorUrls } from './context.js';
import { registerControl } from './control/routes.js';
import { seedDemo } from './generate.js';
import { registerGraph } from './graph/routes.js';
import { registerIdentity } from './identity/routes.js';
import { type Clock, Store, systemClock } from './model.js';
import { registerOutlook } from './outlook/routes.js';
import { type SmtpHandle, startSmtp } from './smtp/server.js';
import { TokenSigner } from './tokens.js';

export interface EmulatorOptions {
  port?: number; // 0 = any free port
  smtpPort?: number;
  host?: string;
  /** seed name for deterministic demo data ('demo' creates two tenants); omitted = empty cloud */
  seed?: string;
  clock?: Clock;
  /**
   * Emulated Outlook: accept add-in manifests whose URLs are http on loopback (127.0.0.1,
   * localhost, [::1]). Outlook only takes https; tests run the add-in's server on loopback http.
   */
  outlookAllowHttpLoopback?: boolean;
}

export interface Emulator {
  urls: EmulatorUrls;
  store: Store;
  ctx: EmulatorContext;
  http: FastifyInstance;
  close(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  const store = new Store(opts.clock ?? systemClock);
  const signer = await TokenSigner.create();
  const http = Fastify({ logger: false, bodyLimit: 35 * 1024 * 1024 });
  await http.register(formbody);

  // URLs are filled in once the sockets are bound; modules read ctx.urls lazily.
  const urls: EmulatorUrls = { authority: '', graph: '', control: '', smtp: { host, port: 0 }, caPem: '' };
  const ctx: EmulatorContext = {
    store,
    signer,
    urls,
    issuer: (tid) => `${urls.authority}/${tid}/v2.0`,
    outlook: { allowHttpLoopback: opts.outlookAllowHttpLoopback ?? false },
  };

  const smtp: SmtpHandle = await startSmtp(ctx, { host, port: opts.smtpPort ?? 0 });
  urls.smtp = { host, port: smtp.port };
  urls.caPem = smtp.caPem;

  await registerControl(http, ctx);
  await registerGraph(http, ctx);
  await registerIdentity(http, ctx);
  await registerOutlook(http, ctx);

  await http.listen({ host, port: opts.port ?? 0 });
  const { port } = http.server.address() as AddressInfo;
  const base = `http://${host}:${port}`;
  urls.authority = base;
  urls.graph = `${base}/graph`;
  urls.control = `${base}/_emulator`;

  if (opts.seed) seedDemo(store, opts.seed);

  return {
    urls,
    store,
    ctx,
    http,
    async close() {
      await Promise.all([http.close(), smtp.close()]);
    },
  };
}
