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

it('redacts credentials in the query of every logged URL, keeping the harmless parameters', async () => {
  lines.length = 0;
  const secrets = {
    code: 'oauth-code-value-123',
    state: 'oauth-state-value-456',
    session_state: 'session-state-value-789',
    token: 'setup-token-value-abc',
    client_secret: 'client-secret-value-def',
    password: 'query-password-value',
    refresh_token: 'refresh-token-value',
    access_token: 'access-token-value',
    id_token: 'id-token-value',
    Code: 'mixed-case-code-value',
  };
  const query = new URLSearchParams({ ...secrets, admin_consent: 'True', tenant: 'contoso-tenant' }).toString();
  await app.inject({ method: 'GET', url: `/api/v1/azure-apps/callback?${query}` });
  await app.inject({ method: 'GET', url: `/setup?token=${secrets.token}` });
  // The same parameter percent-encoded in its name must not slip through either.
  await app.inject({ method: 'GET', url: '/setup?%74oken=encoded-name-token-value' });

  const log = lines.join('');
  for (const s of [...Object.values(secrets), 'encoded-name-token-value']) expect(log).not.toContain(s);
  const urls = lines.map((l) => JSON.parse(l) as { req?: { url?: string } }).flatMap((l) => l.req?.url ?? []);
  const callback = urls.find((u) => u.startsWith('/api/v1/azure-apps/callback'));
  expect(callback).toBeDefined();
  // Still useful for debugging: which parameters came, and the non-secret values.
  expect(callback).toContain('admin_consent=True');
  expect(callback).toContain('tenant=contoso-tenant');
  expect(callback).toContain('code=[redacted]');
  expect(urls).toContain('/setup?token=[redacted]');
});
