import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let admin: User;
let alice: User;
let token: string;

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin');
  alice = kit.user(t, 'alice');
  token = await kit.token(admin);
});
afterAll(() => kit.close());

type Batch = { responses: { id: string; status: number; headers: Record<string, string>; body?: unknown }[] };

it('runs sub-requests independently and returns one response each', async () => {
  const send = (id: string) => ({
    id,
    method: 'POST',
    url: '/me/sendMail',
    headers: { 'Content-Type': 'application/json' },
    body: {
      message: { subject: `batch ${id}`, toRecipients: [{ emailAddress: { address: alice.userPrincipalName } }] },
    },
  });
  const r = await kit.send('POST', '$batch', token, {
    requests: [
      { id: '1', method: 'GET', url: '/me?$select=id' },
      send('2'),
      send('3'),
      { id: '4', method: 'GET', url: '/users/nobody@contoso.onmicrosoft.com' },
      { id: '5', method: 'GET', url: '/me', dependsOn: ['4'] },
      { id: '6', method: 'GET', url: '/users/$count', headers: { ConsistencyLevel: 'eventual' } },
    ],
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as Batch;
  const byId = new Map(body.responses.map((x) => [x.id, x]));
  expect(byId.get('1')).toMatchObject({ status: 200, body: { id: admin.id } });
  expect(byId.get('2')!.status).toBe(202);
  expect(byId.get('3')!.status).toBe(202);
  expect(byId.get('4')).toMatchObject({ status: 404, body: { error: { code: 'Request_ResourceNotFound' } } });
  expect(byId.get('5')!.status).toBe(424);
  expect(Buffer.from(byId.get('6')!.body as string, 'base64').toString()).toBe('2');
  const inbox = [...kit.emu.store.messages.values()].filter((m) => m.mailboxUserId === alice.id);
  expect(inbox.map((m) => m.subject).sort()).toEqual(['batch 2', 'batch 3']);
});

it('throttles sub-requests individually', async () => {
  kit.emu.store.faults.graphThrottleEvery = 2;
  const r = (await (
    await kit.send('POST', '$batch', token, {
      requests: [1, 2, 3, 4].map((i) => ({ id: String(i), method: 'GET', url: 'me' })),
    })
  ).json()) as Batch;
  kit.emu.store.faults.graphThrottleEvery = 0;
  // every 2nd Graph call overall: two of the four, alternating
  const statuses = r.responses.map((x) => x.status);
  expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  expect(statuses[0]).not.toBe(statuses[1]);
  const throttled = r.responses.find((x) => x.status === 429)!;
  expect(throttled.headers['Retry-After']).toBe('1');
  expect(throttled.body).toMatchObject({ error: { code: 'TooManyRequests' } });
});

it('rejects more than 20 requests', async () => {
  const r = await kit.send('POST', '$batch', token, {
    requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: 'me' })),
  });
  expect(r.status).toBe(400);
  expect((await kit.send('POST', '$batch', 'bad', { requests: [] })).status).toBe(401);
});
