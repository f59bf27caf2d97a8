// A large CSV import must not hold the server: on SQLite every statement runs on the main thread,
// and an import's transaction (thousands of rows in chunks of 500) awaited only promises between
// chunks, so nothing else — not even /healthz — was read until it committed (bench:api's seeding:
// up to 1.5 s at a time). Over real HTTP, as in overload.test.ts: app.inject would not wait for the
// event loop the way a socket does.
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import * as repo from '../../src/modules/recipients/repository.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let s: Session;
let base: string;
let clientId: string;

beforeAll(async () => {
  t = await createTestApp();
  s = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(s, 'POST', '/api/v1/clients', { name: 'Import Loop Ltd' })).json().id;
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${addr.port}`;
});
afterAll(async () => t?.close());

it('answers /healthz while a 10,000-row import (the most one takes) is writing', async () => {
  const csv = ['email,first_name,last_name'];
  for (let i = 0; i < 10_000; i++) csv.push(`person${i}@loop.example,Person,${i}`);
  // the connection is open before the import starts
  expect((await fetch(`${base}/healthz`)).status).toBe(200);
  const original = repo.insertRecipients;
  let inserting: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    inserting = resolve;
  });
  let insertedAt = 0;
  const spy = vi.spyOn(repo, 'insertRecipients').mockImplementation(async (...args) => {
    inserting();
    await original(...args);
    insertedAt = performance.now();
  });
  try {
    const importing = fetch(`${base}/api/v1/clients/${clientId}/recipients/import`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ csv: csv.join('\n') }),
    });
    // An import answered before it wrote anything (refused) would leave `started` waiting for ever.
    const answeredFirst = importing.then(async (r) => {
      throw new Error(`the import answered ${r.status} before writing: ${await r.clone().text()}`);
    });
    await Promise.race([started, answeredFirst]);
    const health = await fetch(`${base}/healthz`);
    const healthAt = performance.now();
    expect(health.status).toBe(200);
    const imported = await importing;
    expect(imported.status).toBe(200);
    expect((await imported.json()).created).toBe(10_000);
    // answered while the rows were still being written, not after
    expect(insertedAt).toBeGreaterThan(0);
    expect(healthAt).toBeLessThan(insertedAt);
  } finally {
    spy.mockRestore();
  }
}, 60_000);
