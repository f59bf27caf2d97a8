import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group, Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

const CL = { ConsistencyLevel: 'eventual' };
let kit: Kit;
let t: Tenant;
let admin: User;
let token: string;
let users: User[];
let outer: Group;
let inner: Group;

function group(name: string, memberUserIds: string[], memberGroupIds: string[] = [], over: Partial<Group> = {}): Group {
  return kit.emu.store.addGroup({
    id: randomUUID(),
    tenantId: t.id,
    displayName: name,
    description: null,
    mail: null,
    mailEnabled: false,
    securityEnabled: true,
    groupTypes: [],
    memberUserIds,
    memberGroupIds,
    ...over,
  });
}

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin');
  users = Array.from({ length: 150 }, (_, i) => kit.user(t, `u${i}`));
  inner = group(
    'Finance Team',
    users.slice(0, 120).map((u) => u.id),
  );
  const innermost = group('Auditors', [users[0]!.id, users[149]!.id]);
  inner.memberGroupIds.push(innermost.id);
  innermost.memberGroupIds.push(inner.id); // a cycle must not loop forever
  outer = group('All Staff', [users[0]!.id, users[130]!.id], [inner.id]);
  group('Marketing 365', [], [], {
    groupTypes: ['Unified'],
    securityEnabled: false,
    mailEnabled: true,
    mail: 'mkt@contoso.com',
  });
  token = await kit.token(admin);
});
afterAll(() => kit.close());

describe('/groups', () => {
  it('lists groups with $select and $filter', async () => {
    const all = (await (await kit.get('groups?$select=id,displayName', token)).json()) as {
      value: { displayName: string }[];
    };
    expect(all.value.map((g) => g.displayName)).toEqual(['Finance Team', 'Auditors', 'All Staff', 'Marketing 365']);
    const sec = (await (await kit.get('groups?$filter=securityEnabled eq true', token)).json()) as { value: unknown[] };
    expect(sec.value).toHaveLength(3);
    const f = (await (
      await kit.get(`groups?$filter=${encodeURIComponent("startswith(displayName,'a')")}`, token)
    ).json()) as {
      value: { displayName: string }[];
    };
    expect(f.value.map((g) => g.displayName)).toEqual(['Auditors', 'All Staff']);
    const unified = (await (
      await kit.get(`groups?$filter=${encodeURIComponent("groupTypes/any(c:c eq 'Unified')")}`, token)
    ).json()) as {
      value: { displayName: string }[];
    };
    expect(unified.value.map((g) => g.displayName)).toEqual(['Marketing 365']);
    const sorted = (await (await kit.get('groups?$orderby=displayName desc&$select=displayName', token)).json()) as {
      value: { displayName: string }[];
    };
    expect(sorted.value.map((g) => g.displayName)).toEqual(['Marketing 365', 'Finance Team', 'Auditors', 'All Staff']);
    const s = (await (await kit.get('groups?$search="displayName:team"&$count=true', token, CL)).json()) as {
      '@odata.count': number;
    };
    expect(s['@odata.count']).toBe(1);
  });

  it('gets one group and 404s for unknown ids', async () => {
    const g = (await (await kit.get(`groups/${outer.id}`, token)).json()) as Record<string, unknown>;
    expect(g).toMatchObject({
      id: outer.id,
      displayName: 'All Staff',
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups/$entity',
    });
    expect((await kit.get(`groups/${randomUUID()}`, token)).status).toBe(404);
    // Not a GUID: Graph refuses the identifier itself, before any lookup.
    const malformed = await kit.get('groups/not-a-guid/transitiveMembers', token);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'Request_BadRequest',
      message: "Invalid object identifier 'not-a-guid'.",
    });
  });
});

describe('members', () => {
  it('pages direct members as directoryObjects with @odata.type', async () => {
    const first = (await (await kit.get(`groups/${inner.id}/members?$top=100`, token)).json()) as {
      '@odata.context': string;
      '@odata.nextLink': string;
      value: Record<string, unknown>[];
    };
    expect(first['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#directoryObjects');
    expect(first.value).toHaveLength(100);
    expect(first.value[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.user',
      id: users[0]!.id,
      userPrincipalName: users[0]!.userPrincipalName,
    });
    const second = (await (await kit.get(first['@odata.nextLink'], token)).json()) as {
      value: Record<string, unknown>[];
      '@odata.nextLink'?: string;
    };
    expect(second.value).toHaveLength(21);
    expect(second.value[20]).toMatchObject({ '@odata.type': '#microsoft.graph.group', displayName: 'Auditors' });
    expect(second['@odata.nextLink']).toBeUndefined();
  });

  it('flattens transitive members without duplicates, cycles included', async () => {
    const r = (await (await kit.get(`groups/${outer.id}/transitiveMembers?$top=999&$select=id`, token)).json()) as {
      value: { id: string; '@odata.type': string }[];
    };
    const ids = r.value.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    const userIds = r.value.filter((m) => m['@odata.type'] === '#microsoft.graph.user').map((m) => m.id);
    expect(userIds.sort()).toEqual([...users.slice(0, 120), users[130]!, users[149]!].map((u) => u.id).sort());
    expect(r.value.filter((m) => m['@odata.type'] === '#microsoft.graph.group')).toHaveLength(2);
  });

  it('casts to users only with ConsistencyLevel + $count', async () => {
    const bad = await kit.get(`groups/${outer.id}/transitiveMembers/microsoft.graph.user?$select=id,mail`, token);
    expect(bad.status).toBe(400);
    const r = (await (
      await kit.get(
        `groups/${outer.id}/transitiveMembers/microsoft.graph.user?$count=true&$top=999&$select=id,mail,userPrincipalName`,
        token,
        CL,
      )
    ).json()) as { '@odata.context': string; '@odata.count': number; value: Record<string, unknown>[] };
    expect(r['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)');
    expect(r['@odata.count']).toBe(122);
    expect(r.value[0]).toEqual({
      id: users[0]!.id,
      mail: users[0]!.mail,
      userPrincipalName: users[0]!.userPrincipalName,
    });
  });

  it('returns only id and @odata.type for users when the token has GroupMember.Read.All alone', async () => {
    const limited = await kit.token(admin, 'GroupMember.Read.All');
    const r = (await (await kit.get(`groups/${outer.id}/members`, limited)).json()) as {
      value: Record<string, unknown>[];
    };
    expect(r.value[0]).toEqual({ '@odata.type': '#microsoft.graph.user', id: users[0]!.id });
    expect((await kit.get(`groups/${outer.id}/members`, await kit.token(admin, 'User.Read.All'))).status).toBe(403);
  });
});
