// Starts the emulator for identity/control tests. Uses startEmulator(); while the Graph/SMTP
// modules are still being written it falls back to an HTTP server with identity + control only.
import type { AddressInfo } from 'node:net';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import type { EmulatorContext, EmulatorUrls } from '../context.js';
import { registerControl } from '../control/routes.js';
import { type Clock, Store, systemClock } from '../model.js';
import { TokenSigner } from '../tokens.js';
import { registerIdentity } from './routes.js';

export interface Harness {
  urls: EmulatorUrls;
  store: Store;
  ctx: EmulatorContext;
  close(): Promise<void>;
}

export async function startHarness(clock?: Clock): Promise<Harness> {
  try {
    const mod = (await import('../server.js')) as typeof import('../server.js');
    return await mod.startEmulator(clock ? { clock } : {});
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    if (!/Cannot find module|Failed to load|does not provide|Failed to resolve/i.test(msg)) throw e;
  }
  const store = new Store(clock ?? systemClock);
  const signer = await TokenSigner.create();
  const http = Fastify({ logger: false });
  await http.register(formbody);
  const urls: EmulatorUrls = { authority: '', graph: '', control: '', smtp: { host: '127.0.0.1', port: 0 }, caPem: '' };
  const ctx: EmulatorContext = { store, signer, urls, issuer: (tid) => `${urls.authority}/${tid}/v2.0` };
  await registerControl(http, ctx);
  await registerIdentity(http, ctx);
  await http.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  urls.authority = base;
  urls.graph = `${base}/graph`;
  urls.control = `${base}/_emulator`;
  return { urls, store, ctx, close: () => http.close() };
}
