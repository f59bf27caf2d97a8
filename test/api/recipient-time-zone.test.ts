// A recipient's own time zone (issue #11: a training campaign can spread its invitations in each
// recipient's zone): set and cleared through the API, imported from a CSV column, stored in Intl's
// spelling, and refused with a 400 naming the field when Intl does not know it — nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;
const base = () => `/api/v1/clients/${clientId}/recipients`;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Zones Ltd' })).json().id;
});
afterAll(async () => t?.close());

const storedZone = async (email: string) =>
  (
    await t.db.handle.db
      .selectFrom('recipients')
      .select('time_zone')
      .where('client_id', '=', clientId)
      .where('email_key', '=', email.toLowerCase())
      .executeTakeFirst()
  )?.time_zone;

describe('a recipient’s time zone through the API', () => {
  it('is set on create in Intl’s spelling, changed, cleared, and unknown by default', async () => {
    const plain = await t.as(sys, 'POST', base(), { email: 'plain@zones.test' });
    expect(plain.statusCode, plain.body).toBe(201);
    expect(plain.json().timeZone).toBeNull();

    const r = await t.as(sys, 'POST', base(), { email: 'tokyo@zones.test', timeZone: 'asia/tokyo' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().timeZone).toBe('Asia/Tokyo');
    expect(await storedZone('tokyo@zones.test')).toBe('Asia/Tokyo');

    const moved = await t.as(sys, 'PATCH', `${base()}/${r.json().id}`, { timeZone: 'America/New_York' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().timeZone).toBe('America/New_York');

    const cleared = await t.as(sys, 'PATCH', `${base()}/${r.json().id}`, { timeZone: null });
    expect(cleared.json().timeZone).toBeNull();
    expect(await storedZone('tokyo@zones.test')).toBeNull();
  });

  it('refuses a zone Intl does not know with 400 naming timeZone, and writes nothing', async () => {
    const bad = await t.as(sys, 'POST', base(), { email: 'mars@zones.test', timeZone: 'Mars/Olympus_Mons' });
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().error.details.field).toBe('timeZone');
    expect(await storedZone('mars@zones.test')).toBeUndefined();

    const r = await t.as(sys, 'POST', base(), { email: 'berlin@zones.test', timeZone: 'Europe/Berlin' });
    const patch = await t.as(sys, 'PATCH', `${base()}/${r.json().id}`, { timeZone: 'Nowhere', department: 'IT' });
    expect(patch.statusCode, patch.body).toBe(400);
    expect(patch.json().error.details.field).toBe('timeZone');
    const after = (await t.as(sys, 'GET', `${base()}/${r.json().id}`)).json();
    expect(after).toMatchObject({ timeZone: 'Europe/Berlin', department: null });
  });
});

describe('a recipient’s time zone in the CSV import', () => {
  it('imports a timeZone column, reports a bad zone on its row, and an empty cell keeps the stored zone', async () => {
    const csv = [
      'email,name,timeZone',
      'ana@csv-zones.test,Ana,Europe/Lisbon',
      'raj@csv-zones.test,Raj,Asia/Kolkata',
      'zed@csv-zones.test,Zed,Atlantis/Central',
      'noa@csv-zones.test,Noa,',
    ].join('\n');
    const r = await t.as(sys, 'POST', `${base()}/import`, { csv });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      created: 3,
      skipped: 1,
      ignoredColumns: [],
      errors: [{ row: 4, field: 'time_zone', message: expect.stringContaining('Atlantis/Central') }],
    });
    expect(await storedZone('ana@csv-zones.test')).toBe('Europe/Lisbon');
    // as typed: ICU would rename it Asia/Calcutta
    expect(await storedZone('raj@csv-zones.test')).toBe('Asia/Kolkata');
    expect(await storedZone('noa@csv-zones.test')).toBeNull();
    expect(await storedZone('zed@csv-zones.test')).toBeUndefined();

    const again = await t.as(sys, 'POST', `${base()}/import`, {
      csv: 'email,Time Zone\nana@csv-zones.test,\nnoa@csv-zones.test,Pacific/Auckland',
    });
    expect(again.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1, skipped: 0 });
    expect(await storedZone('ana@csv-zones.test')).toBe('Europe/Lisbon');
    expect(await storedZone('noa@csv-zones.test')).toBe('Pacific/Auckland');
  });
});
