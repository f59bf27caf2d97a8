// Passwords, tokens, cookies and CSRF tokens never reach the log, even at debug level.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { generateMasterKey, masterKeyFromBase64, SecretBox } from '../../src/lib/crypto.js';
import { loggerOptions } from '../../src/lib/logger.js';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { ADMIN, TEST_PASSWORDS } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/db.js';
import { startSmtpSink } from '../helpers/smtp-sink.js';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, cb) {
    lines.push(String(chunk));
    cb();
  },
});
const db = await createTestDatabase();
const logger = pino(loggerOptions('trace'), sink);
const config = { ...loadConfig({ BAITWISE_DATA_DIR: db.dir, BAITWISE_OVERLOAD_MAX_LAG_MS: '0' }), database: db.config };
const container = compose(
  {
    config,
    db: db.handle,
    secrets: new SecretBox(masterKeyFromBase64(generateMasterKey())),
    logger,
  },
  { passwords: TEST_PASSWORDS },
);
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

it('redacts the credentials learners carry in their link paths', async () => {
  lines.length = 0;
  // A learner's link is the invitation's message token; the SCORM content path is its hash.
  const token = 'bwm_AbCdEfGhIjKlMnOpQrStUvWxYz012345';
  const hash = 'a'.repeat(64);
  await app.inject({ method: 'GET', url: `/learn/${token}` });
  await app.inject({ method: 'GET', url: `/api/v1/learn/${token}/course?x=1` });
  await app.inject({ method: 'GET', url: `/learn-content/${hash}/index.html` });
  const log = lines.join('');
  for (const s of [token, hash]) expect(log).not.toContain(s);
  const urls = lines.map((l) => JSON.parse(l) as { req?: { url?: string } }).flatMap((l) => l.req?.url ?? []);
  expect(urls).toContain('/learn/[redacted]');
  expect(urls).toContain('/api/v1/learn/[redacted]/course?x=1');
  expect(urls).toContain('/learn-content/[redacted]/index.html');
});

it('keeps a sending profile’s SMTP password and DKIM key out of the log, the responses and the data files', async () => {
  const smtp = await startSmtpSink({ user: 'relay-user', pass: 'relay-pass-in-log-probe' });
  try {
    lines.length = 0;
    const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: ADMIN });
    const headers = {
      cookie: `bw_session=${login.cookies.find((c) => c.name === 'bw_session')?.value ?? ''}`,
      'x-csrf-token': login.json().csrfToken as string,
    };
    const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    const clientId = (await call('POST', '/api/v1/clients', { name: 'Logged Mail Ltd' })).json().id as string;
    const dkimKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const keyBody = dkimKey.split('\n')[1] ?? ''; // a line of the key's base64
    const wrongPassword = 'wrong-relay-pass-in-log-probe';
    const base = `/api/v1/clients/${clientId}/sending-profiles`;
    const responses: string[] = [];
    const created = await call('POST', base, {
      name: 'Logged relay',
      kind: 'smtp',
      fromAddress: 'security@mail.example',
      smtp: {
        host: smtp.host,
        port: smtp.port,
        security: 'starttls',
        tlsVerify: false,
        username: 'relay-user',
        password: 'relay-pass-in-log-probe',
      },
      dkim: { domain: 'mail.example', selector: 'bw1', privateKey: dkimKey },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    responses.push(created.body);
    responses.push((await call('POST', `${base}/${id}/test`, { to: 'ok@client.example' })).body);
    // A refused login: the server's reply is logged and shown, the password is not.
    responses.push(
      (
        await call('PATCH', `${base}/${id}`, {
          smtp: {
            host: smtp.host,
            port: smtp.port,
            security: 'starttls',
            tlsVerify: false,
            username: 'relay-user',
            password: wrongPassword,
          },
        })
      ).body,
    );
    responses.push((await call('POST', `${base}/${id}/test`, { to: 'no@client.example' })).body);
    await db.handle.db.transaction().execute((trx) =>
      app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId: id,
        purpose: 'test.logs',
        content: { subject: 'x', html: null, text: 'x' },
        messages: [{ to: { address: 'queued@client.example' } }],
      }),
    );
    const outcome = await new ProfileDispatch(app.services.mail.dispatch, clientId, id).run(
      AbortSignal.timeout(10_000),
    );
    expect(outcome.paused).toBe(true);
    for (const path of ['', `/${id}`, `/${id}/outbox`, `/${id}/outbox/messages`])
      responses.push((await call('GET', `${base}${path}`)).body);
    const audit = await call('GET', `/api/v1/audit?clientId=${clientId}`);
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.body).toContain('sending_profile.test');
    responses.push(audit.body);
    expect(smtp.received).toHaveLength(1);

    const log = lines.join('');
    expect(log).toContain('sending profile paused');
    const files =
      db.config.kind === 'sqlite'
        ? [db.config.file, `${db.config.file}-wal`]
            .filter((f) => existsSync(f))
            .map((f) => readFileSync(f).toString('latin1'))
            .join('')
        : '';
    for (const secret of ['relay-pass-in-log-probe', wrongPassword, keyBody, 'PRIVATE KEY']) {
      expect(log).not.toContain(secret);
      for (const r of responses) expect(r).not.toContain(secret);
      expect(files).not.toContain(secret);
    }
  } finally {
    await smtp.close();
  }
});
