// What a rejected request says is read by people (the console shows it as it comes): no JSON
// Schema phrasing ("must match format \"uuid\"", "must NOT have more than 200 characters"), the
// field named in words, and an id that cannot exist in a path is a 404 for that thing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Messages Ltd' })).json().id;
});
afterAll(async () => t?.close());

const AJV_WORDING =
  /must (match|NOT|be (string|integer|number|boolean|array|object|equal|>=|<=))|format "|pattern "|allowed values|\b(body|params|querystring)\//;

describe('a malformed id in the path', () => {
  it('is a 404 naming the thing, as for an id that does not exist', async () => {
    const cases: [string, string][] = [
      ['/api/v1/clients/not-a-uuid', 'This client does not exist.'],
      [`/api/v1/clients/${clientId}/recipients/42`, 'This recipient does not exist.'],
      [`/api/v1/clients/${clientId}/sending-profiles/x`, 'This sending profile does not exist.'],
      [`/api/v1/clients/${clientId}/azure-apps/x`, 'This Azure application does not exist.'],
    ];
    for (const [url, message] of cases) {
      const r = await t.as(sys, 'GET', url);
      expect({ url, status: r.statusCode, error: r.json().error }).toMatchObject({
        url,
        status: 404,
        error: { code: 'not_found', message },
      });
    }
  });
});

describe('a rejected body or query', () => {
  it('says what is wrong in words, and still names the field for the form', async () => {
    const recipients = `/api/v1/clients/${clientId}/recipients`;
    const cases: [string, string, unknown, string, string][] = [
      ['POST', recipients, {}, 'email', 'Email is required.'],
      ['POST', recipients, { email: 'nope' }, 'email', 'Email is not a valid email address.'],
      [
        'POST',
        recipients,
        { email: 'a@b.example', firstName: 'x'.repeat(201) },
        'firstName',
        'First name is longer than 200 characters.',
      ],
      ['POST', recipients, { email: 'a@b.example', enabled: 'yes' }, 'enabled', 'Enabled must be true or false.'],
      [
        'POST',
        recipients,
        { email: 'a@b.example', shoeSize: 42 },
        'shoeSize',
        'Shoe size is not a field this request takes.',
      ],
      [
        'POST',
        recipients,
        { email: 'a@b.example', groupIds: ['x'] },
        'groupIds.0',
        'This recipient group does not exist.',
      ],
      ['POST', recipients, { email: 'a@b.example', firstName: 42 }, 'firstName', 'First name must be text or null.'],
      ['GET', `${recipients}?limit=0`, undefined, 'limit', 'Limit must be at least 1.'],
      ['GET', `${recipients}?limit=1000`, undefined, 'limit', 'Limit must be at most 200.'],
      ['GET', `${recipients}?source=ldap`, undefined, 'source', 'Source must be one of: manual, csv, entra.'],
      ['POST', '/api/v1/clients', { name: '   ' }, 'name', 'Name must not be blank.'],
      ['POST', '/api/v1/clients', { name: '' }, 'name', 'Name must not be empty.'],
    ];
    for (const [method, url, body, field, message] of cases) {
      const r = await t.as(sys, method, url, body);
      const error = r.json().error;
      expect({ url, body, status: r.statusCode, field: error.details?.field, message: error.message }).toEqual({
        url,
        body,
        status: 400,
        field,
        message,
      });
      expect(error.message).not.toMatch(AJV_WORDING);
    }
  });

  it('explains an Azure application (client) ID that is not a GUID without calling it missing', async () => {
    const r = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
      name: 'Contoso',
      azureClientId: 'my-app',
      clientSecret: 'secret-value-123',
      tenant: 'contoso.onmicrosoft.com',
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ details: { field: 'azureClientId' } });
    expect(r.json().error.message).toMatch(/^Azure client ID must be a GUID/);
  });
});
