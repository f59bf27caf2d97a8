// Webhooks: created with a secret shown once, signed deliveries a receiver can verify with the
// documented algorithm, retries with backoff on 5xx/429/network errors (honouring Retry-After)
// and none on other 4xx, the delivery log, and where a webhook may point.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startWorker } from '../../src/jobs/worker.js';
import { newId } from '../../src/lib/ids.js';
import { MAX_ATTEMPTS } from '../../src/modules/webhooks/delivery.js';
import { checkWebhookUrl, isPrivateAddress } from '../../src/modules/webhooks/destination.js';
import { postWebhook } from '../../src/modules/webhooks/post.js';
import { verifySignature } from '../../src/modules/webhooks/signature.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { insertIncident } from '../helpers/incidents.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
let received: Received[] = [];
/** What the receiver answers next (then 200). */
let answers: { status: number; headers?: Record<string, string>; body?: string }[] = [];
let server: Server;
let hookUrl: string;

let t: TestApp;
let sys: Session;
let clientId: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answers.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/baitwise`;
  // A receiver on loopback over http: allowed here only because the installation says so.
  t = await createTestApp({ env: { BAITWISE_ALLOW_HTTP_WEBHOOKS: 'true', BAITWISE_ALLOW_PRIVATE_WEBHOOKS: 'true' } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Hooks Ltd' })).json().id;
}, 60_000);
afterAll(async () => {
  await t?.close();
  await new Promise((r) => server?.close(r));
});
beforeEach(async () => {
  received = [];
  answers = [];
  // Each test starts without webhooks: one that failed half-way leaves none behind for the next.
  await db().deleteFrom('webhook_deliveries').where('client_id', '=', clientId).execute();
  await db().deleteFrom('webhooks').where('client_id', '=', clientId).execute();
});

const db = () => t.db.handle.db;
const api = (method: string, path = '', body?: unknown) =>
  t.as(sys, method, `/api/v1/clients/${clientId}/webhooks${path}`, body);
const deliveries = () => t.app.services.webhooks.deliveries;

async function createHook(events = ['incident.created', 'incident.classified']) {
  const res = await api('POST', '', { name: 'SIEM', url: hookUrl, events });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string };
}

/** An incident created (its side effects in the creating transaction); the deliveries it queued. */
async function incidentCreated() {
  const incident = await insertIncident(db(), clientId);
  await db()
    .transaction()
    .execute((trx) => t.app.services.incidentSideEffects.incidentCreated(trx, incident));
  const rows = await db()
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('body', 'like', `%${incident.id}%`)
    .execute();
  return { incident, rows };
}

/** The documented check, written as a receiver would (README), independent of Baitwise's code. */
function receiverVerifies(secret: string, r: Received): boolean {
  const header = String(r.headers['baitwise-signature']);
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${r.body}`).digest('hex');
  return expected === m[2] && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
}

const secondsFromNow = (iso: string | null) => (Date.parse(iso ?? '') - Date.now()) / 1000;
const makeDue = (id: string) =>
  db()
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', id)
    .execute();

describe('a webhook', () => {
  it('shows its secret once, and never again (responses, audit, database)', async () => {
    const created = await createHook();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const rotated = await api('POST', `/${created.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    const newSecret = rotated.json().secret as string;
    expect(newSecret).not.toBe(created.secret);
    await api('PATCH', `/${created.id}`, { name: 'SIEM renamed' });
    await api('POST', `/${created.id}/test`);
    const reads = [
      await api('GET'),
      await api('GET', `/${created.id}`),
      await api('GET', `/${created.id}/deliveries`),
      await api('PATCH', `/${created.id}`, { enabled: true }),
      await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}&limit=500`),
    ];
    for (const r of reads) {
      expect(r.statusCode).toBe(200);
      expect(r.body).not.toContain(created.secret);
      expect(r.body).not.toContain(newSecret);
      expect(r.body).not.toContain('whsec_');
    }
    const audit = reads[4]?.json().items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['webhook.create', 'webhook.rotate_secret', 'webhook.update']));
    const row = await db()
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secret).not.toContain(newSecret);
    await api('DELETE', `/${created.id}`);
  });

  it('signs each delivery so the documented check passes, and fails with a wrong secret', async () => {
    const hook = await createHook();
    const { incident, rows } = await incidentCreated();
    expect(rows).toHaveLength(1);
    const after = await deliveries().attempt(clientId, rows[0]?.id ?? '');
    expect(after).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200, response_excerpt: 'ok' });
    expect(received).toHaveLength(1);
    const r = received[0] as Received;
    expect(r.headers['baitwise-event']).toBe('incident.created');
    expect(r.headers['baitwise-delivery']).toBe(rows[0]?.id);
    expect(r.headers['content-type']).toBe('application/json');
    expect(JSON.parse(r.body)).toMatchObject({
      type: 'incident.created',
      clientId,
      data: { incident: { id: incident.id, subject: incident.subject, fromDomain: 'phish.example' } },
    });
    expect(receiverVerifies(hook.secret, r)).toBe(true);
    expect(verifySignature(hook.secret, String(r.headers['baitwise-signature']), r.body)).toBe(true);
    expect(receiverVerifies(`${hook.secret}x`, r)).toBe(false);
    expect(verifySignature('whsec_wrong', String(r.headers['baitwise-signature']), r.body)).toBe(false);
    expect(verifySignature(hook.secret, String(r.headers['baitwise-signature']), `${r.body} `)).toBe(false);
    // A rotated secret signs from then on; the old one no longer verifies.
    const rotated = (await api('POST', `/${hook.id}/rotate-secret`)).json().secret as string;
    const ping = await api('POST', `/${hook.id}/test`);
    expect(ping.json()).toMatchObject({ event: 'ping', status: 'succeeded', lastStatusCode: 200 });
    const p = received[1] as Received;
    expect(p.headers['baitwise-event']).toBe('ping');
    expect(receiverVerifies(rotated, p)).toBe(true);
    expect(receiverVerifies(hook.secret, p)).toBe(false);
    await api('DELETE', `/${hook.id}`);
  });

  it('retries a 500 with backoff, then succeeds with the same body', async () => {
    const hook = await createHook(['incident.classified']);
    const incident = await insertIncident(db(), clientId);
    await db()
      .transaction()
      .execute((trx) =>
        t.app.services.incidentSideEffects.incidentClassified(trx, {
          incident,
          verdict: 'phishing',
          reporters: [{ address: 'a@hooks.example', reportId: newId() }],
          reply: false,
          actorId: null,
        }),
      );
    const [d] = await db().selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', hook.id).execute();
    answers = [{ status: 500, body: 'x'.repeat(5000) }];
    const first = await deliveries().attempt(clientId, d?.id ?? '');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_status_code: 500, last_error: 'HTTP 500' });
    expect(first?.response_excerpt).toHaveLength(1024); // bounded
    // The first wait is a minute (±10 %), and the next attempt is a job that waits as long.
    expect(secondsFromNow(first?.next_attempt_at ?? null)).toBeGreaterThan(50);
    expect(secondsFromNow(first?.next_attempt_at ?? null)).toBeLessThan(70);
    if (t.db.handle.kind === 'sqlite') {
      const jobs = await db()
        .selectFrom('jobs')
        .selectAll()
        .where('queue', '=', 'webhook-deliver')
        .where('payload', 'like', `%${d?.id}%`)
        .where('state', '=', 'queued')
        .execute();
      expect(jobs.some((j) => secondsFromNow(j.run_after) > 50)).toBe(true);
    }
    // Not due yet: a job that runs early sends nothing.
    await deliveries().attempt(clientId, d?.id ?? '');
    expect(received).toHaveLength(1);
    await makeDue(d?.id ?? '');
    const second = await deliveries().attempt(clientId, d?.id ?? '');
    expect(second).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200, last_error: null });
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toBe(received[0]?.body);
    expect(JSON.parse(received[0]?.body ?? '')).toMatchObject({
      type: 'incident.classified',
      data: { verdict: 'phishing', reporters: ['a@hooks.example'] },
    });
    await api('DELETE', `/${hook.id}`);
  });

  it('does not retry a 400, and gives up after the last attempt', async () => {
    const hook = await createHook(['incident.created']);
    const { rows } = await incidentCreated();
    answers = [{ status: 400, body: 'bad' }];
    const r = await deliveries().attempt(clientId, rows[0]?.id ?? '');
    expect(r).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 400, next_attempt_at: null });
    expect(await deliveries().attempt(clientId, rows[0]?.id ?? '')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(received).toHaveLength(1);

    const { rows: more } = await incidentCreated();
    const id = more[0]?.id ?? '';
    answers = Array(MAX_ATTEMPTS).fill({ status: 503 });
    for (let i = 1; i <= MAX_ATTEMPTS; i++) {
      await makeDue(id);
      const row = await deliveries().attempt(clientId, id);
      expect(row?.status).toBe(i < MAX_ATTEMPTS ? 'pending' : 'failed');
    }
    expect(MAX_ATTEMPTS).toBe(8);
    await api('DELETE', `/${hook.id}`);
  });

  it('honours Retry-After on a 429', async () => {
    const hook = await createHook(['incident.created']);
    const { rows } = await incidentCreated();
    answers = [{ status: 429, headers: { 'retry-after': '7200' } }];
    const r = await deliveries().attempt(clientId, rows[0]?.id ?? '');
    expect(r).toMatchObject({ status: 'pending', last_status_code: 429 });
    expect(secondsFromNow(r?.next_attempt_at ?? null)).toBeGreaterThan(7190);
    expect(secondsFromNow(r?.next_attempt_at ?? null)).toBeLessThan(7210);
    await api('DELETE', `/${hook.id}`);
  });

  it('retries when the endpoint cannot be reached', async () => {
    const hook = await createHook(['incident.created']);
    // A port that was just free: nothing listens on it.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await api('PATCH', `/${hook.id}`, { url: `http://127.0.0.1:${port}/nothing-listens` });
    const { rows } = await incidentCreated();
    const r = await deliveries().attempt(clientId, rows[0]?.id ?? '');
    expect(r).toMatchObject({ status: 'pending', attempts: 1, last_status_code: null });
    expect(r?.last_error).toMatch(/ECONNREFUSED/);
    await api('DELETE', `/${hook.id}`);
  });

  it('queues nothing when disabled, nor for a change that rolled back', async () => {
    const hook = await createHook(['incident.created']);
    const { rows: queued } = await incidentCreated();
    expect(queued).toHaveLength(1);
    expect((await api('PATCH', `/${hook.id}`, { enabled: false })).json().enabled).toBe(false);
    // What waited is cancelled, and new events are not queued.
    expect(await deliveries().attempt(clientId, queued[0]?.id ?? '')).toMatchObject({ status: 'cancelled' });
    expect((await incidentCreated()).rows).toHaveLength(0);
    const test = await api('POST', `/${hook.id}/test`);
    expect(test.statusCode).toBe(409);
    expect(test.json().error.code).toBe('webhook_disabled');
    expect(received).toHaveLength(0);

    await api('PATCH', `/${hook.id}`, { enabled: true });
    const incident = await insertIncident(db(), clientId);
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await t.app.services.incidentSideEffects.incidentCreated(trx, incident);
          throw new Error('rolled back');
        }),
    ).rejects.toThrow('rolled back');
    const none = await db()
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('body', 'like', `%${incident.id}%`)
      .execute();
    expect(none).toHaveLength(0);
    await api('DELETE', `/${hook.id}`);
  });

  it('is delivered by the worker from the job the event enqueued', async () => {
    const hook = await createHook(['incident.created']);
    const { incident, rows } = await incidentCreated();
    const worker = await startWorker(t.container);
    try {
      await vi.waitFor(
        async () => {
          const row = await db()
            .selectFrom('webhook_deliveries')
            .selectAll()
            .where('id', '=', rows[0]?.id ?? '')
            .executeTakeFirst();
          if (row?.status !== 'succeeded') throw new Error(`delivery ${row?.status}`);
        },
        { timeout: 20_000, interval: 100 },
      );
    } finally {
      await worker.stop();
    }
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.body ?? '')).toMatchObject({ data: { incident: { id: incident.id } } });
    expect(receiverVerifies(hook.secret, received[0] as Received)).toBe(true);
  });

  it('pages its delivery log, newest first', async () => {
    const hook = await createHook(['incident.created']);
    for (let i = 0; i < 3; i++) await api('POST', `/${hook.id}/test`);
    const first = (await api('GET', `/${hook.id}/deliveries?limit=2`)).json();
    expect(first.items).toHaveLength(2);
    const second = (await api('GET', `/${hook.id}/deliveries?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((d: { id: string }) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(3);
    expect(first.items[0]).toMatchObject({ event: 'ping', status: 'succeeded', attempts: 1, lastStatusCode: 200 });
    await api('DELETE', `/${hook.id}`);
  });

  it('refuses bad input with the field named', async () => {
    const bad = await api('POST', '', { name: 'x', url: 'not a url', events: ['incident.created'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('url');
    const noEvents = await api('POST', '', { name: 'x', url: hookUrl, events: [] });
    expect(noEvents.statusCode).toBe(400);
    const creds = await api('POST', '', {
      name: 'x',
      url: 'https://u:p@siem.example.com/',
      events: ['incident.created'],
    });
    expect(creds.json().error.details.field).toBe('url');
    expect((await api('GET', `/${newId()}`)).statusCode).toBe(404);
  });
});

describe('where a webhook may point (the default policy)', () => {
  const strict = { allowHttp: false, allowPrivate: false };
  it('takes https to a public host only', () => {
    expect(checkWebhookUrl('https://siem.example.com/in#frag', strict)).toBe('https://siem.example.com/in');
    for (const url of [
      'http://siem.example.com/in',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/x',
      'https://[fd00::1]/x',
      'https://localhost/x',
      'ftp://siem.example.com/',
    ])
      expect(() => checkWebhookUrl(url, strict), url).toThrow(/https|public address/);
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('::ffff:192.168.1.1')).toBe(true);
    expect(isPrivateAddress('2001:4860:4860::8888')).toBe(false);
  });

  it('refuses at connection time a name that resolves to a private address', async () => {
    const port = (server.address() as AddressInfo).port;
    const r = await postWebhook(`http://localhost:${port}/x`, {}, '{}', { allowHttp: true, allowPrivate: false });
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(received).toHaveLength(0);
  });
});
