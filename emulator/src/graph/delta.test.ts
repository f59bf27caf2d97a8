import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let admin: User;
let token: string;
let users: User[];

type Page = { '@odata.nextLink'?: string; '@odata.deltaLink'?: string; value: Record<string, unknown>[] };

async function round(start: string): Promise<{ items: Record<string, unknown>[]; deltaLink: string; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let link = start;
  let pages = 0;
  for (;;) {
    const r = await kit.get(link, token);
    expect(r.status).toBe(200);
    const p = (await r.json()) as Page;
    pages++;
    items.push(...p.value);
    if (p['@odata.deltaLink']) {
      expect(p['@odata.nextLink']).toBeUndefined();
      return { items, deltaLink: p['@odata.deltaLink'], pages };
    }
    expect(p['@odata.nextLink']).toBeTruthy();
    link = p['@odata.nextLink']!;
  }
}

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin');
  users = Array.from({ length: 230 }, (_, i) => kit.user(t, `u${i}`));
  token = await kit.token(admin);
});
afterAll(() => kit.close());

it('does a full round, then returns only changes, removals and restores', async () => {
  const first = await round(`${kit.graph}/users/delta?$select=displayName,mail`);
  expect(first.items).toHaveLength(231);
  expect(first.pages).toBe(3);
  expect(Object.keys(first.items[0]!).sort()).toEqual(['displayName', 'id', 'mail']);

  // nothing changed: a single page with an empty value and a fresh deltaLink
  const idle = await round(first.deltaLink);
  expect(idle.items).toEqual([]);

  const store = kit.emu.store;
  store.updateUser(users[3]!.id, { displayName: 'Changed' });
  store.deleteUser(users[4]!.id, 'changed');
  store.deleteUser(users[5]!.id, 'deleted');
  const added = kit.user(t, 'newcomer');
  const second = await round(idle.deltaLink);
  expect(second.items).toEqual([
    { displayName: 'Changed', mail: users[3]!.mail, id: users[3]!.id },
    { displayName: 'Newcomer', mail: added.mail, id: added.id },
    { id: users[4]!.id, '@removed': { reason: 'changed' } },
    { id: users[5]!.id, '@removed': { reason: 'deleted' } },
  ]);

  store.restoreUser(users[4]!.id);
  const third = await round(second.deltaLink);
  expect(third.items).toEqual([{ displayName: users[4]!.displayName, mail: users[4]!.mail, id: users[4]!.id }]);
});

it('pages large change sets with Prefer odata.maxpagesize', async () => {
  const start = await round(`${kit.graph}/users/delta?$deltatoken=latest`);
  expect(start.items).toEqual([]);
  for (const u of users.slice(10, 60)) kit.emu.store.updateUser(u.id, { jobTitle: 'Analyst' });
  const items: Record<string, unknown>[] = [];
  let link: string | undefined = start.deltaLink;
  let pages = 0;
  while (link) {
    const p = (await (await kit.get(link, token, { Prefer: 'odata.maxpagesize=20' })).json()) as Page;
    items.push(...p.value);
    pages++;
    link = p['@odata.nextLink'];
  }
  expect(items).toHaveLength(50);
  expect(pages).toBe(3);
});

it('answers 400 syncStateNotFound for invalidated and garbled delta tokens', async () => {
  const { deltaLink } = await round(`${kit.graph}/users/delta?$select=id`);
  const garbled = await kit.get(deltaLink.replace(/deltatoken=.{6}/, 'deltatoken=AAAAAA'), token);
  expect(garbled.status).toBe(400);
  expect(((await garbled.json()) as { error: { code: string } }).error.code).toBe('syncStateNotFound');

  const inv = await fetch(`${kit.emu.urls.control}/delta/invalidate`, { method: 'POST' });
  expect(inv.status).toBe(200);
  const stale = await kit.get(deltaLink, token);
  expect(stale.status).toBe(400);
  const body = (await stale.json()) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({ code: 'syncStateNotFound' });
  expect(body.error.message).toContain('synchronized again');
  // the documented recovery: start a full round again
  const again = await round(`${kit.graph}/users/delta?$select=id`);
  expect(again.items.length).toBeGreaterThan(200);
});
