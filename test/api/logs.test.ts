// Passwords, tokens, cookies and CSRF tokens never reach the log, even at debug level.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { generateMasterKey, masterKeyFromBase64, SecretBox } from '../../src/lib/crypto.js';
import { loggerOptions } from '../../src/lib/logger.js';
import { ADMIN } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});
const db = await createTestDatabase();
const logger = pino(loggerOptions('trace'), sink);
const config = { ...loadConfig({ BAITWISE_DATA_DIR: db.dir }), database: db.config };
const container = compose({
  config,
  db: db.handle,
  secrets: new SecretBox(masterKeyFromBase64(generateMasterKey())),
  logger,
});
const app = await buildApp(container);
await app.services.operators.bootstrapAdmin(ADMIN);
afterAll(async () => {
  await app.close();
  await container.close();
  await db.drop();
});

it('logs requests with a request id and without any secret', async () => {
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
  const cookie = login.cookies.find((c) => c.name === 'bw_session')?.value ?? '';
  const csrf = login.json().csrfToken as string;
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/api-tokens',
    headers: { cookie: `bw_session=${cookie}`, 'x-csrf-token': csrf },
    payload: { name: 'logged' },
  });
  const secret = created.json().secret as string;
  await app.inject({ method: 'GET', url: '/api/v1/clients', headers: { authorization: `Bearer ${secret}` } });
  // A module logging an object that carries secrets is censored too.
  app.log.info(
    { password: ADMIN.password, body: { clientSecret: 'abc-secret-value', refresh_token: 'rt-value' } },
    'probe',
  );

  const log = lines.join('');
  expect(lines.length).toBeGreaterThan(4);
  expect(log).toContain(login.headers['x-request-id']);
  for (const s of [ADMIN.password, cookie, csrf, secret, 'abc-secret-value', 'rt-value']) expect(log).not.toContain(s);
  expect(log).toContain('[redacted]');
});
