// The real server on a free port with a fresh database, for browser tests. Serves the console
// from web/dist (scripts/test.sh builds it first).
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import pino from 'pino';
import { type App, buildApp } from '../../src/app.js';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { generateMasterKey, masterKeyFromBase64, SecretBox } from '../../src/lib/crypto.js';
import { ADMIN, TEST_PASSWORDS } from './app.js';
import { createTestDatabase } from './db.js';

export interface TestServer {
  url: string;
  admin: typeof ADMIN;
  /** the database file (SQLite) or URL (PostgreSQL), for tests that inspect what is stored */
  database: ReturnType<typeof createTestDatabase> extends Promise<infer D> ? D : never;
  /** the app itself, for tests that run its background work (a job runner on its services) */
  app: App;
  close(): Promise<void>;
}

/** A free port chosen before start-up, so BAITWISE_PUBLIC_URL (OAuth redirect URI) can name it. */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const webDir = resolve('web/dist');
  if (!existsSync(resolve(webDir, 'index.html'))) {
    throw new Error('web/dist is missing: run `npm run build` first (scripts/test.sh does)');
  }
  const db = await createTestDatabase();
  const port = await freePort();
  const base = loadConfig({
    BAITWISE_DATA_DIR: db.dir,
    LOG_LEVEL: 'silent',
    BAITWISE_WEB_DIR: webDir,
    BAITWISE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    // Overload shedding off, as in test/helpers/app.ts: a busy CI machine must not turn a page's
    // request into a 503 (test/api/overload.test.ts turns it on).
    BAITWISE_OVERLOAD_MAX_LAG_MS: '0',
    // per-actor and per-client limits off too (test/api/fair-share.test.ts turns them on)
    BAITWISE_API_RATE_PER_ACTOR: '0',
    BAITWISE_API_RATE_PER_CLIENT: '0',
    ...env,
  });
  const config = { ...base, database: db.config };
  const secrets = new SecretBox(masterKeyFromBase64(generateMasterKey()));
  const container = compose(
    { config, db: db.handle, secrets, logger: pino({ level: 'silent' }) },
    { passwords: TEST_PASSWORDS },
  );
  const app = await buildApp(container);
  await app.services.operators.bootstrapAdmin(ADMIN);
  await app.listen({ host: '127.0.0.1', port });
  return {
    url: `http://127.0.0.1:${port}`,
    admin: ADMIN,
    database: db,
    app,
    async close() {
      await app.close();
      await container.close();
      await db.drop();
    },
  };
}
