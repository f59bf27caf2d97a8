// Microsoft's own Graph SDK against the emulator: PageIterator over a generated tenant, a delta
// round, sendMail, and reading/moving the delivered message.
import { Client, type PageCollection, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedTenant, generateTenant } from '../generate.js';
import type { User } from '../model.js';
import { emulatorGraphClient } from './sdk-client.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let gen: GeneratedTenant;
let admin: User;
let client: Client;

beforeAll(async () => {
  kit = await startKit();
  gen = generateTenant(kit.emu.store, { name: 'Northwind', users: 1200, groups: 10, seed: 'sdk' });
  admin = kit.emu.store.users.get(gen.admin.id)!;
  client = emulatorGraphClient(kit.emu.urls.graph, () => kit.token(admin));
});
afterAll(() => kit.close());

async function iterateAll(first: PageCollection): Promise<{ items: Record<string, unknown>[]; it: PageIterator }> {
  const items: Record<string, unknown>[] = [];
  const it = new PageIterator(client, first, (x) => {
    items.push(x as Record<string, unknown>);
    return true;
  });
  await it.iterate();
  return { items, it };
}

describe('Graph SDK', () => {
  it('a plain Client.init with an http baseUrl sends no token (why sdk-client.ts rewrites instead)', async () => {
    const naive = Client.init({
      baseUrl: `${kit.emu.urls.graph}/`,
      authProvider: async (done) => done(null, await kit.token(admin)),
    });
    await expect(naive.api('/me').get()).rejects.toMatchObject({ statusCode: 401, code: 'InvalidAuthenticationToken' });
  });

  it("the SDK's RetryHandler recovers from injected 429s by honouring Retry-After", async () => {
    const store = kit.emu.store;
    Object.assign(store.faults, { graphThrottleEvery: 2, graphRetryAfterSeconds: 0 });
    try {
      const retrying = emulatorGraphClient(kit.emu.urls.graph, () => kit.token(admin), 3);
      for (let i = 0; i < 3; i++) expect((await retrying.api('/me').get()).id).toBe(admin.id);
      await expect(
        client
          .api('/me')
          .select('id')
          .get()
          .then(() => client.api('/me').get()),
      ).rejects.toMatchObject({
        statusCode: 429,
        code: 'TooManyRequests',
      });
    } finally {
      Object.assign(store.faults, { graphThrottleEvery: 0, graphRetryAfterSeconds: 1 });
    }
  });

  it('PageIterator walks every user of a generated tenant', async () => {
    const first = (await client.api('/users').select(['id', 'userPrincipalName']).top(999).get()) as PageCollection;
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/users\?/);
    const { items } = await iterateAll(first);
    expect(items).toHaveLength(1200);
    expect(new Set(items.map((u) => u.id)).size).toBe(1200);
  });

  it('runs a delta round: full sync, then only changes and removals', async () => {
    const first = (await client.api('/users/delta').select('id,displayName').get()) as PageCollection;
    const { items, it } = await iterateAll(first);
    expect(items).toHaveLength(1200);
    const deltaLink = it.getDeltaLink();
    expect(deltaLink).toMatch(/\$deltatoken=/);

    const store = kit.emu.store;
    const [a, b, c] = (store.usersByTenant.get(gen.tenant.id) ?? []).slice(5, 8);
    store.updateUser(a!.id, { displayName: 'Renamed Person' });
    store.deleteUser(b!.id, 'changed');
    store.deleteUser(c!.id, 'deleted');

    const changes = (await client.api(deltaLink!).get()) as PageCollection;
    const byId = new Map(changes.value.map((x) => [x.id as string, x]));
    expect(changes.value).toHaveLength(3);
    expect(byId.get(a!.id)).toMatchObject({ displayName: 'Renamed Person' });
    expect(byId.get(b!.id)).toEqual({ id: b!.id, '@removed': { reason: 'changed' } });
    expect(byId.get(c!.id)).toEqual({ id: c!.id, '@removed': { reason: 'deleted' } });
    expect(changes['@odata.deltaLink']).toBeTruthy();

    store.restoreUser(b!.id);
    const again = (await client.api(changes['@odata.deltaLink']!).get()) as PageCollection;
    expect(again.value).toEqual([{ id: b!.id, displayName: b!.displayName }]);
  });

  it('sends mail and reads, moves the delivered message with immutable ids', async () => {
    const store = kit.emu.store;
    const recipient = store.users.get(gen.user.id)!;
    await client.api('/me/sendMail').post({
      message: {
        subject: 'Quarterly bonus',
        body: { contentType: 'HTML', content: '<p>Click <a href="https://example.test/x">here</a></p>' },
        toRecipients: [{ emailAddress: { address: recipient.userPrincipalName } }],
        internetMessageHeaders: [{ name: 'x-baitwise-campaign', value: 'c-42' }],
      },
    });
    const rc = emulatorGraphClient(kit.emu.urls.graph, () => kit.token(recipient));
    const inbox = (await rc
      .api('/me/mailFolders/inbox/messages')
      .header('Prefer', 'IdType="ImmutableId"')
      .select('id,subject')
      .get()) as PageCollection;
    expect(inbox.value).toHaveLength(1);
    const id = inbox.value[0].id as string;
    const msg = await rc.api(`/me/messages/${id}`).select('subject,internetMessageHeaders,body').get();
    expect(msg.subject).toBe('Quarterly bonus');
    expect(msg.body.contentType).toBe('html');
    expect(msg.internetMessageHeaders).toContainEqual({ name: 'x-baitwise-campaign', value: 'c-42' });

    const moved = await rc
      .api(`/me/messages/${id}/move`)
      .header('Prefer', 'IdType="ImmutableId"')
      .post({ destinationId: 'deleteditems' });
    expect(moved.id).toBe(id); // immutable id survives the move
    const restBefore = store.messages.get(id)!.restId;
    const movedAgain = await rc.api(`/me/messages/${id}/move`).post({ destinationId: 'inbox' });
    expect(movedAgain.id).not.toBe(restBefore); // REST ids change on every move
    expect(movedAgain.id).toBe(store.messages.get(id)!.restId);

    const sent = [...store.messages.values()].filter((m) => m.mailboxUserId === admin.id && m.folder === 'sentitems');
    expect(sent).toHaveLength(1);
  });
});
