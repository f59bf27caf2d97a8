// An app on a fresh database for API tests (app.inject), with helpers to sign in and call the
// API the way the console does (session cookie + CSRF header).
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { type App, buildApp } from '../../src/app.js';
import { type Container, compose } from '../../src/composition.js';
import { type Config, loadConfig } from '../../src/config.js';
import { generateMasterKey, masterKeyFromBase64, SecretBox } from '../../src/lib/crypto.js';
import { PasswordHasher } from '../../src/lib/password.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export const ADMIN = { email: 'root@baitwise.test', password: 'correct horse battery staple' };

/**
 * scrypt at N=2^10 (about 1 MB, a few milliseconds) instead of production's N=2^17 (128 MB, a
 * few hundred milliseconds of a core): test apps sign in hundreds of times, and those checks were
 * a large share of the suite's CPU. Hashes still go through the same code and store their cost;
 * tests about timing or concurrent password checks ask for `productionPasswords`.
 */
export const TEST_PASSWORDS = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

export interface Session {
  cookie: string;
  csrf: string;
  operatorId: string;
}

export interface TestApp {
  app: App;
  /** the composed services the app was built from (jobs, schedules, the queue) */
  container: Container;
  db: TestDatabase;
  config: Readonly<Config>;
  secrets: SecretBox;
  close(): Promise<void>;
  login(email: string, password: string): Promise<Session>;
  /** inject as a signed-in operator; adds the CSRF header to writes */
  as(
    s: Session | { token: string },
    method: string,
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse & { body: string }>;
}

export async function createTestApp(
  opts: { withAdmin?: boolean; env?: Record<string, string>; productionPasswords?: boolean } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = {
    // Overload shedding off unless a test turns it on: a long synchronous step of one test (a
    // 10,000-row import) must not make the next request of the file a 503.
    ...loadConfig({
      BAITWISE_DATA_DIR: db.dir,
      LOG_LEVEL: 'silent',
      BAITWISE_OVERLOAD_MAX_LAG_MS: '0',
      // off unless a test is about them: suites and benches drive one token far past a person's pace
      BAITWISE_API_RATE_PER_ACTOR: '0',
      BAITWISE_API_RATE_PER_CLIENT: '0',
      ...opts.env,
    }),
    database: db.config,
  };
  // BAITWISE_MASTER_KEY in opts.env: a child `baitwise` process given the same key reads the secrets.
  const secrets = new SecretBox(masterKeyFromBase64(config.masterKey ?? generateMasterKey()));
  const container = compose(
    { config, db: db.handle, secrets, logger: pino({ level: 'silent' }) },
    { passwords: opts.productionPasswords ? new PasswordHasher() : TEST_PASSWORDS },
  );
  const app = await buildApp(container);
  if (opts.withAdmin !== false) await app.services.operators.bootstrapAdmin(ADMIN);

  const login = async (email: string, password: string): Promise<Session> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const cookie = res.cookies.find((c) => c.name === 'bw_session');
    if (!cookie) throw new Error('no session cookie');
    const body = res.json() as { csrfToken: string; operator: { id: string } };
    return { cookie: `bw_session=${cookie.value}`, csrf: body.csrfToken, operatorId: body.operator.id };
  };

  const as: TestApp['as'] = async (s, method, url, body) => {
    const headers: Record<string, string> =
      'token' in s ? { authorization: `Bearer ${s.token}` } : { cookie: s.cookie, 'x-csrf-token': s.csrf };
    return app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(body === undefined ? {} : { payload: body as object }),
    });
  };

  return {
    app,
    container,
    db,
    config,
    secrets,
    login,
    as,
    async close() {
      await app.close();
      await container.close();
      await db.drop();
    },
  };
}
