// Graph always answers with request-id, and echoes the caller's client-request-id (header and
// innerError), also when it cannot read the request body.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let token: string;

beforeAll(async () => {
  kit = await startKit();
  const t = kit.tenant('Headers');
  token = await kit.token(kit.user(t, 'admin'));
});
afterAll(() => kit.close());

it('a request and an unreadable JSON body both carry request-id and the echoed client-request-id', async () => {
  const id = randomUUID();
  const ok = await kit.get('me', token, { 'client-request-id': id });
  expect(ok.headers.get('client-request-id')).toBe(id);
  expect(ok.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);

  const res = await fetch(`${kit.graph}/me/sendMail`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'client-request-id': id },
    body: '{"message": ',
  });
  expect(res.status).toBe(400);
  expect(res.headers.get('client-request-id')).toBe(id);
  expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
  expect(res.headers.get('x-ms-ags-diagnostic')).toBeTruthy();
  const body = (await res.json()) as { error: { innerError: Record<string, string> } };
  expect(body.error.innerError['client-request-id']).toBe(id);
  expect(body.error.innerError['request-id']).toBe(res.headers.get('request-id'));
});
