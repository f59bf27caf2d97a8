import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { defaultFaults, type Tenant, type User } from '../model.js';
import { APP_ID, type Kit, startKit } from './testkit.js';
import { chargeDirectory, enterMailbox } from './throttle.js';

let kit: Kit;
let t: Tenant;
let admin: User;
let token: string;

const code = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin');
  for (let i = 0; i < 20; i++) kit.user(t, `u${i}`);
  token = await kit.token(admin);
});
afterEach(() => {
  kit.emu.store.faults = defaultFaults();
});
afterAll(() => kit.close());

it('answers every n-th call with 429 + Retry-After (TooManyRequests / ApplicationThrottled)', async () => {
  // set through the control API like a Baitwise test would
  const put = await fetch(`${kit.emu.urls.control}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ graphThrottleEvery: 3, graphRetryAfterSeconds: 7 }),
  });
  expect(put.status).toBe(200);
  expect((await kit.get('users', token)).status).toBe(200);
  expect((await kit.get('users', token)).status).toBe(200);
  const third = await kit.get('users', token);
  expect(third.status).toBe(429);
  expect(third.headers.get('retry-after')).toBe('7');
  expect((await code(third)).code).toBe('TooManyRequests');
  await kit.get('me/messages', token);
  await kit.get('me/messages', token);
  const mail = await kit.get('me/messages', token);
  expect(mail.status).toBe(429);
  expect(await code(mail)).toEqual(
    expect.objectContaining({
      code: 'ApplicationThrottled',
      message: 'Application is over its MailboxConcurrency limit.',
    }),
  );
});

it('answers every n-th call with 503 + Retry-After', async () => {
  kit.emu.store.faults.graph503Every = 2;
  kit.emu.store.faults.graphRetryAfterSeconds = 2;
  const results = [];
  for (let i = 0; i < 4; i++) results.push((await kit.get('me', token)).status);
  expect(results.filter((s) => s === 503)).toHaveLength(2);
});

it('spends the directory resource-unit budget and recovers as the bucket refills', async () => {
  kit.emu.store.faults.directoryBudget = true;
  const first = await kit.get(`groups/none/transitiveMembers`, token);
  expect(first.headers.get('x-ms-resource-unit')).toBe('5');
  expect((await kit.get('users?$select=id', token)).headers.get('x-ms-resource-unit')).toBe('1');
  expect((await kit.get('users', token)).headers.get('x-ms-resource-unit')).toBe('2');
  // small tenant: 3,500 RU per 10 s. Spend most of it directly (fast), the rest over HTTP.
  const store = kit.emu.store;
  for (let spent = 8; spent < 3500 - 600; spent += 5) chargeDirectory(store, APP_ID, t.id, 5);
  let r: Response | undefined;
  let sawPercentage = false;
  for (let i = 0; i < 200; i++) {
    r = await kit.get('groups/none/transitiveMembers', token);
    if (r.headers.get('x-ms-throttle-limit-percentage')) sawPercentage = true;
    if (r.status === 429) break;
    await r.arrayBuffer();
  }
  expect(sawPercentage).toBe(true);
  expect(r!.status).toBe(429);
  expect(r!.headers.get('retry-after')).toBe('1');
  expect(r!.headers.get('x-ms-throttle-information')).toBe('ResourceUnitLimitExceeded');
  expect((await code(r!)).code).toBe('TooManyRequests');
  kit.clock.advance(10_000);
  expect((await kit.get('users', await kit.token(admin))).status).toBe(200);
});

it('limits an app to 4 concurrent requests per mailbox', async () => {
  kit.emu.store.faults.outlookLimits = true;
  kit.emu.store.faults.latencyMs = 300; // keeps the requests in flight together
  const statuses = await Promise.all(
    Array.from({ length: 6 }, () => kit.get('me/messages', token).then((r) => r.status)),
  );
  expect(statuses.filter((s) => s === 200)).toHaveLength(4);
  expect(statuses.filter((s) => s === 429)).toHaveLength(2);
});

it('limits an app to 10,000 requests per mailbox in 10 minutes', () => {
  const store = kit.emu.store;
  store.faults.outlookLimits = true;
  for (let i = 0; i < 10_000; i++) enterMailbox(store, 'app', admin.id)();
  expect(() => enterMailbox(store, 'app', admin.id)).toThrow(/MailboxRequests/);
  expect(() => enterMailbox(store, 'other-app', admin.id)()).not.toThrow();
  kit.clock.advance(600_001);
  expect(() => enterMailbox(store, 'app', admin.id)()).not.toThrow();
});

it('scales the Outlook mailbox limits through PUT /faults mailboxLimits, keeping their shape', async () => {
  const put = await fetch(`${kit.emu.urls.control}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outlookLimits: true, mailboxLimits: { graphRequests: 3, graphWindowSeconds: 10 } }),
  });
  expect(put.status).toBe(200);
  // only the named limits change; the others keep Microsoft's values
  expect((await put.json()).mailboxLimits).toMatchObject({
    graphRequests: 3,
    graphWindowSeconds: 10,
    graphConcurrent: 4,
  });
  const store = kit.emu.store;
  for (let i = 0; i < 3; i++) enterMailbox(store, 'scaled-app', admin.id)();
  let err: unknown;
  try {
    enterMailbox(store, 'scaled-app', admin.id);
  } catch (e) {
    err = e;
  }
  expect(String((err as Error).message)).toMatch(/MailboxRequests/);
  expect((err as { headers: Record<string, string> }).headers['Retry-After']).toBe('10');
  kit.clock.advance(10_001);
  expect(() => enterMailbox(store, 'scaled-app', admin.id)()).not.toThrow();
});

it('refuses mailboxLimits that are not positive integers, naming the field', async () => {
  const put = await fetch(`${kit.emu.urls.control}/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mailboxLimits: { graphConcurrent: 0 } }),
  });
  expect(put.status).toBe(400);
  expect((await put.json()).error).toMatch(/mailboxLimits\.graphConcurrent/);
  expect(kit.emu.store.faults.mailboxLimits.graphConcurrent).toBe(4);
});
