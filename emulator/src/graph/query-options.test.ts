// Query options a Graph resource does not support are refused, never silently ignored (and never
// copied into a nextLink); sorting follows Entra's advanced-query rule; options Graph has but the
// emulator does not implement answer 501.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group, Tenant, User } from '../model.js';
import { emulatorGraphClient } from './sdk-client.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let admin: User;
let token: string;
let group: Group;
const EVENTUAL = { consistencylevel: 'eventual' };

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Options');
  admin = kit.user(t, 'admin', { department: 'IT' });
  const others = ['zoe', 'bob', 'mia'].map((n, i) =>
    kit.user(t, n, { department: ['Sales', 'HR', 'Ops'][i] as string }),
  );
  group = kit.emu.store.addGroup({
    id: crypto.randomUUID(),
    tenantId: t.id,
    displayName: 'Team',
    description: null,
    mail: null,
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: [],
    memberUserIds: others.map((u) => u.id),
    memberGroupIds: [],
  });
  token = await kit.token(admin);
});
afterAll(() => kit.close());

async function error(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

describe('directory collections', () => {
  it('$skip on /users and /groups → 400 Request_BadRequest, as Graph answers', async () => {
    for (const path of ['users?$skip=2', 'groups?$skip=1', 'users?$top=2&$SKIP=2']) {
      expect(await error(await kit.get(path, token))).toMatchObject({
        status: 400,
        code: 'Request_BadRequest',
        message: expect.stringMatching(/^'\$skip' is not supported by the service\.$/),
      });
    }
  });

  it('the Graph SDK sees the refusal of .skip() as a GraphError', async () => {
    const client = emulatorGraphClient(kit.emu.urls.graph, async () => token);
    await expect(client.api('/users').skip(1).get()).rejects.toMatchObject({
      statusCode: 400,
      code: 'Request_BadRequest',
    });
  });

  it('/users/delta takes $select, $filter and its tokens only ($top → 400)', async () => {
    expect(await error(await kit.get('users/delta?$top=5', token))).toMatchObject({
      status: 400,
      code: 'Request_BadRequest',
    });
  });

  it('$orderby: displayName/userPrincipalName plainly; other properties, or with $filter, need an advanced query', async () => {
    const plain = await kit.get('users?$orderby=displayName&$select=displayName', token);
    expect(((await plain.json()) as { value: { displayName: string }[] }).value.map((u) => u.displayName)).toEqual([
      'Admin',
      'Bob',
      'Mia',
      'Zoe',
    ]);
    for (const path of ['users?$orderby=department', "users?$orderby=displayName&$filter=department eq 'HR'"]) {
      expect(await error(await kit.get(path, token))).toMatchObject({
        status: 400,
        code: 'Request_UnsupportedQuery',
        message: 'Sorting not supported for current query.',
      });
    }
    const adv = await kit.get('users?$orderby=department desc&$count=true&$select=department', token, EVENTUAL);
    expect(((await adv.json()) as { value: { department: string }[] }).value.map((u) => u.department)).toEqual([
      'Sales',
      'Ops',
      'IT',
      'HR',
    ]);
  });

  it('members: $orderby was ignored; now it sorts (advanced query) or is refused', async () => {
    expect((await kit.get(`groups/${group.id}/members?$orderby=displayName`, token)).status).toBe(400);
    const res = await kit.get(`groups/${group.id}/members?$orderby=displayName&$count=true`, token, EVENTUAL);
    expect(((await res.json()) as { value: { displayName: string }[] }).value.map((m) => m.displayName)).toEqual([
      'Bob',
      'Mia',
      'Zoe',
    ]);
  });

  it('$expand (supported by Graph, not emulated) → 501 rather than ignored', async () => {
    expect(await error(await kit.get('users?$expand=manager', token))).toMatchObject({
      status: 501,
      code: 'NotImplemented',
    });
  });
});

describe('messages', () => {
  it('$orderby=receivedDateTime asc gives oldest first; other sort keys and $search → 501; $skiptoken → 400', async () => {
    for (const [i, subject] of ['first', 'second', 'third'].entries()) {
      kit.clock.advance(60_000 * (i + 1));
      const r = await kit.send('POST', 'me/sendMail', token, {
        message: {
          subject,
          body: { contentType: 'Text', content: 'x' },
          toRecipients: [{ emailAddress: { address: admin.mail } }],
        },
      });
      expect(r.status).toBe(202);
    }
    const asc = await kit.get('me/mailFolders/inbox/messages?$orderby=receivedDateTime asc&$select=subject', token);
    expect(((await asc.json()) as { value: { subject: string }[] }).value.map((m) => m.subject)).toEqual([
      'first',
      'second',
      'third',
    ]);
    expect((await kit.get('me/messages?$orderby=subject', token)).status).toBe(501);
    expect((await kit.get('me/messages?$search="first"', token)).status).toBe(501);
    expect((await kit.get('me/messages?$skiptoken=abc', token)).status).toBe(400);
  });
});
