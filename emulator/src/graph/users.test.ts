import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

const CL = { ConsistencyLevel: 'eventual' };
let kit: Kit;
let t: Tenant;
let admin: User;
let token: string;

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin', { department: 'IT', jobTitle: 'Admin' });
  for (let i = 0; i < 250; i++) {
    kit.user(t, `user${String(i).padStart(3, '0')}`, {
      department: i % 2 ? 'Sales' : 'Finance',
      accountEnabled: i % 10 !== 0,
      userType: i % 25 === 0 ? 'Guest' : 'Member',
      displayName: `${i % 3 === 0 ? 'Anna' : 'Bert'} ${i}`,
    });
  }
  token = await kit.token(admin);
});
afterAll(() => kit.close());

describe('auth and envelope', () => {
  it('answers 401 InvalidAuthenticationToken with WWW-Authenticate for missing, foreign-audience and expired tokens', async () => {
    const none = await fetch(`${kit.graph}/users`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('client_id="00000003-0000-0000-c000-000000000000"');
    const body = (await none.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe('InvalidAuthenticationToken');
    expect(body.error.innerError['request-id']).toBe(none.headers.get('request-id'));
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);

    const outlook = await kit.token(admin, 'SMTP.Send', 'https://outlook.office.com');
    expect((await kit.get('me', outlook)).status).toBe(401);

    const old = await kit.token(admin);
    kit.clock.advance(2 * 3600 * 1000);
    const expired = await kit.get('me', old);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
    token = await kit.token(admin);
  });

  it('echoes client-request-id and sends x-ms-ags-diagnostic', async () => {
    const r = await kit.get('me', token, { 'client-request-id': 'abc-123' });
    expect(r.headers.get('client-request-id')).toBe('abc-123');
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(r.headers.get('x-ms-ags-diagnostic')!)).toHaveProperty('ServerInfo');
  });

  it('answers unknown segments, wrong methods and bad JSON in Graph form', async () => {
    const seg = await kit.get('userz', token);
    expect(seg.status).toBe(400);
    expect(((await seg.json()) as { error: { message: string } }).error.message).toBe(
      "Resource not found for the segment 'userz'.",
    );
    expect((await kit.send('DELETE', 'users', token)).status).toBe(405);
    const bad = await kit.send('POST', 'me/sendMail', token, '{"message":', { 'content-type': 'application/json' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
    expect((await kit.get('USERS?$TOP=1', token)).status).toBe(200); // paths and options are case-insensitive
  });

  it('checks scopes: /users needs a directory read permission, /me needs User.Read', async () => {
    const basic = await kit.token(admin, 'User.Read Mail.Send');
    const r = await kit.get('users', basic);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');
    expect((await kit.get('me', basic)).status).toBe(200);
    expect((await kit.get(`users/${admin.id}`, basic)).status).toBe(200); // own object is fine
    expect((await kit.get('me', await kit.token(admin, 'Mail.Send'))).status).toBe(403);
    expect((await kit.get('users', await kit.token(admin, 'User.ReadBasic.All'))).status).toBe(200);
  });

  it('keeps tenants apart', async () => {
    const other = kit.tenant('Fabrikam');
    const stranger = kit.user(other, 'eve');
    const r = await kit.get(`users/${stranger.id}`, token);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('Request_ResourceNotFound');
    const theirs = (await (await kit.get('users?$top=999', await kit.token(stranger))).json()) as { value: unknown[] };
    expect(theirs.value).toHaveLength(1);
  });
});

describe('/me and /users/{id|upn}', () => {
  it('returns the default property set, or $select with a matching @odata.context', async () => {
    const me = (await (await kit.get('me', token)).json()) as Record<string, unknown>;
    expect(Object.keys(me)).toEqual([
      '@odata.context',
      'businessPhones',
      'displayName',
      'givenName',
      'jobTitle',
      'mail',
      'mobilePhone',
      'officeLocation',
      'preferredLanguage',
      'surname',
      'userPrincipalName',
      'id',
    ]);
    expect(me['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#users/$entity');
    const byUpn = (await (
      await kit.get(`users/${admin.userPrincipalName}?$select=id,accountEnabled,department`, token)
    ).json()) as Record<string, unknown>;
    expect(byUpn).toEqual({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id,accountEnabled,department)/$entity',
      id: admin.id,
      accountEnabled: true,
      department: 'IT',
    });
  });

  it('rejects unknown $select properties with 400', async () => {
    const r = await kit.get('users?$select=id,shoeSize', token);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { message: string } }).error.message).toContain("'shoeSize'");
  });
});

describe('/users listing', () => {
  it('pages 100 by default with an opaque $skiptoken nextLink that keeps the query options', async () => {
    const first = (await (await kit.get('users?$select=id,displayName', token)).json()) as {
      '@odata.context': string;
      '@odata.nextLink': string;
      value: { id: string }[];
    };
    expect(first['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#users(id,displayName)');
    expect(first.value).toHaveLength(100);
    const next = new URL(first['@odata.nextLink']);
    expect(next.searchParams.get('$select')).toBe('id,displayName');
    expect(next.searchParams.get('$skiptoken')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const ids = new Set(first.value.map((u) => u.id));
    let link: string | undefined = first['@odata.nextLink'];
    while (link) {
      const page = (await (await kit.get(link, token)).json()) as {
        '@odata.nextLink'?: string;
        value: { id: string }[];
      };
      for (const u of page.value) ids.add(u.id);
      link = page['@odata.nextLink'];
    }
    expect(ids.size).toBe(251);
  });

  it('validates $top (1–999) with Graph message', async () => {
    for (const top of ['0', '1000']) {
      const r = await kit.get(`users?$top=${top}`, token);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toBe(
        `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
      );
    }
  });

  it('rejects a tampered $skiptoken', async () => {
    const r = await kit.get('users?$skiptoken=RFNwdAIAAQAAACJ0ZXN0', token);
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('Directory_ExpiredPageToken');
  });

  it('filters with eq, startswith, and/or', async () => {
    const list = async (f: string) => {
      const r = await kit.get(`users?$top=999&$filter=${encodeURIComponent(f)}`, token);
      expect(r.status).toBe(200);
      return ((await r.json()) as { value: { id: string; displayName: string }[] }).value;
    };
    expect(await list('accountEnabled eq false')).toHaveLength(25);
    expect(await list("userType eq 'Guest'")).toHaveLength(10);
    expect(await list("department eq 'sales'")).toHaveLength(125); // case-insensitive like Entra
    expect(await list("startswith(displayName,'anna')")).toHaveLength(84);
    expect(await list("startswith(userPrincipalName,'user00')")).toHaveLength(10);
    expect(await list("department eq 'Finance' and accountEnabled eq true")).toHaveLength(125 - 25);
    expect(await list("jobTitle eq 'Admin' or userType eq 'Guest'")).toHaveLength(11);
  });

  it('needs ConsistencyLevel + $count for advanced filters, $search and $count', async () => {
    for (const q of ["$filter=endswith(mail,'.com')", "$filter=department ne 'Sales'"]) {
      const r = await kit.get(`users?${q}`, token);
      expect(r.status, q).toBe(400);
    }
    // $count=true without the header is silently ignored, like Graph
    const quiet = (await (await kit.get('users?$count=true&$top=1', token)).json()) as Record<string, unknown>;
    expect(quiet).not.toHaveProperty('@odata.count');
    const ne = await kit.get(`users?$filter=${encodeURIComponent("department ne 'Sales'")}`, token);
    expect(((await ne.json()) as { error: { code: string } }).error.code).toBe('Request_UnsupportedQuery');
    const ok = await kit.get(
      `users?$count=true&$top=5&$filter=${encodeURIComponent("not(department eq 'Sales')")}`,
      token,
      CL,
    );
    const body = (await ok.json()) as { '@odata.count': number; value: unknown[] };
    expect(body['@odata.count']).toBe(126);
    expect(body.value).toHaveLength(5);

    const noCl = await kit.get('users?$search="displayName:anna"', token);
    expect(noCl.status).toBe(400);
    const search = (await (await kit.get('users?$search="displayName:anna"&$count=true', token, CL)).json()) as {
      '@odata.count': number;
    };
    expect(search['@odata.count']).toBe(84);
  });

  it('requires ConsistencyLevel on follow-up pages of an advanced query', async () => {
    const first = (await (await kit.get('users?$search="displayName:bert"&$count=true&$top=50', token, CL)).json()) as {
      '@odata.count': number;
      '@odata.nextLink': string;
    };
    expect(first['@odata.count']).toBe(166);
    const again = await kit.get(first['@odata.nextLink'], token);
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('Request_UnsupportedQuery');
    const second = (await (await kit.get(first['@odata.nextLink'], token, CL)).json()) as { '@odata.count': number };
    expect(second['@odata.count']).toBe(166);
  });

  it('serves /users/$count as text/plain only with ConsistencyLevel', async () => {
    const bad = await kit.get('users/$count', token);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('Request_UnsupportedQuery');
    const r = await kit.get(`users/$count?$filter=${encodeURIComponent('accountEnabled eq true')}`, token, CL);
    expect(r.headers.get('content-type')).toContain('text/plain');
    expect(await r.text()).toBe('226');
  });

  it('orders by displayName', async () => {
    const r = (await (await kit.get('users?$orderby=displayName&$top=3&$select=displayName', token)).json()) as {
      value: { displayName: string }[];
    };
    expect(r.value.map((u) => u.displayName)).toEqual(['Admin', 'Anna 0', 'Anna 102']);
  });
});
