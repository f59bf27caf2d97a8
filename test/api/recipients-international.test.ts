// Addresses beyond ASCII (RFC 6531 local parts, IDN domains) through the API and CSV import,
// and CSV files as European spreadsheets save them (semicolons) or as copied tables (tabs).
// One recipient per address whatever its Unicode form (NFC/NFD), letter case, or domain
// spelling (U-label or xn-- A-label): see src/lib/email.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;
const base = () => `/api/v1/clients/${clientId}`;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Müller & Söhne GmbH' })).json().id;
});
afterAll(async () => t?.close());

const add = (email: string) => t.as(sys, 'POST', `${base()}/recipients`, { email });
const imp = (csv: string, dryRun = false) => t.as(sys, 'POST', `${base()}/recipients/import`, { csv, dryRun });

describe('non-ASCII addresses', () => {
  it('accepts a Unicode local part and an IDN domain by hand, and keeps the address as written', async () => {
    const r = await add('Jürgen.Müller@Müller-Söhne.de');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().email).toBe('Jürgen.Müller@Müller-Söhne.de');
    const z = await add('zoë@example.com');
    expect(z.statusCode, z.body).toBe(201);
    const found = (await t.as(sys, 'GET', `${base()}/recipients?search=${encodeURIComponent('müller')}`)).json();
    expect(found.items.map((i: { email: string }) => i.email)).toEqual(['Jürgen.Müller@Müller-Söhne.de']);
  });

  it('treats NFD, other letter case and the xn-- spelling of the domain as the same address', async () => {
    for (const same of [
      'jürgen.müller@xn--mller-shne-kcb9d.de', // the domain's A-label
      'JÜRGEN.MÜLLER@MÜLLER-SÖHNE.DE',
      'zoe\u0308@example.com', // "ë" as e + combining diaeresis (what macOS file names and some pastes give)
    ]) {
      const r = await add(same);
      expect({ same, status: r.statusCode, field: r.json().error?.details?.field }).toEqual({
        same,
        status: 409,
        field: 'email',
      });
    }
  });

  it('stores the NFC form, so the same address reads the same everywhere', async () => {
    const r = await add('Zoë.NFD@example.com'.normalize('NFD'));
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().email).toBe('Zoë.NFD@example.com'.normalize('NFC'));
  });

  it('refuses what the standards do not allow, naming the field, in the API and in CSV rows alike', async () => {
    const bad = [
      'jürgen@müller', // no top-level domain
      'jü rgen@example.com', // a space
      `${'ü'.repeat(33)}@example.com`, // 66 octets: a local part has at most 64 (RFC 5321)
      'ann@xn--zz.example', // an A-label that decodes to nothing
      'evil\u202Egnp.exe@example.com', // a bidi override, which makes an address read as another
      'zero\u200Bwidth@example.com', // an invisible character
      'ann@exa_mple.com', // not a host name
    ];
    for (const email of bad) {
      const r = await add(email);
      expect({ email, status: r.statusCode, field: r.json().error?.details?.field }).toEqual({
        email,
        status: 400,
        field: 'email',
      });
    }
    const report = (await imp(['email', ...bad].join('\n'), true)).json();
    expect(report.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual(
      bad.map((_, i) => [i + 2, 'email']),
    );
  });
});

describe('CSV delimiters', () => {
  it('reads a semicolon file (Excel in much of Europe), with commas inside its cells', async () => {
    const csv = [
      'E-Mail;First name;Last name;Display name;Department',
      'anna.groß@beispiel.de;Anna;Groß;"Groß; Anna";Vertrieb, Innendienst',
      'øystein@bokmål.no;Øystein;;;IT',
    ].join('\r\n');
    const r = await imp(csv);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 2, skipped: 0, errors: [], ignoredColumns: [] });
    const anna = (await t.as(sys, 'GET', `${base()}/recipients?search=${encodeURIComponent('anna.groß')}`)).json()
      .items[0];
    expect(anna).toMatchObject({
      email: 'anna.groß@beispiel.de',
      displayName: 'Groß; Anna',
      department: 'Vertrieb, Innendienst',
    });
  });

  it('reads a tab-separated file (a table pasted from a spreadsheet)', async () => {
    const r = await imp('email\tfirst name\tdepartment\nli.wei@例子.中国\tWei\tFinance, Tax\n', true);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 1, skipped: 0, errors: [] });
  });

  it('still reads a comma file whose cells hold semicolons', async () => {
    const r = await imp('email,display name\n"x@example.com","A; B; C"\n', true);
    expect(r.json()).toMatchObject({ created: 1, skipped: 0, ignoredColumns: [] });
  });
});

describe('the sample file', () => {
  it('downloads as CSV and imports cleanly as it is', async () => {
    clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Sample Ltd' })).json().id;
    const r = await t.as(sys, 'GET', `${base()}/recipients/import/sample`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.headers['content-disposition']).toBe('attachment; filename="recipients-sample.csv"');
    const lines = r.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r\n/);
    expect(lines[0]).toBe('email,first_name,last_name,display_name,department,job_title,office_location,time_zone');
    expect(lines.every((l) => l.split(',').length >= 8)).toBe(true);
    const report = (await imp(r.body, true)).json();
    expect(report).toMatchObject({ created: lines.length - 1, skipped: 0, errors: [], ignoredColumns: [] });
  });
});

describe('operators', () => {
  it('signs in with any spelling of an internationalised address, and refuses a second account for it', async () => {
    const password = 'a long enough password 1';
    const r = await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'Zoë.Admin@Müller.de',
      name: 'Zoë',
      role: 'system_admin',
      password,
    });
    expect(r.statusCode, r.body).toBe(201);
    const s = await t.login('zoe\u0308.admin@xn--mller-kva.de', password);
    expect(s.operatorId).toBe(r.json().id);
    const again = await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'ZOË.ADMIN@MÜLLER.DE',
      name: 'Zoë 2',
      role: 'system_admin',
      password,
    });
    expect(again.statusCode).toBe(409);
  });
});

describe('sign-in lockout', () => {
  it('counts every spelling of one address as one account, so respelling it does not reset the count', async () => {
    const password = 'a long enough password 2';
    const r = await t.as(sys, 'POST', '/api/v1/operators', {
      email: 'jürgen.lock@müller.de',
      name: 'Jürgen',
      role: 'system_admin',
      password,
    });
    expect(r.statusCode, r.body).toBe(201);
    const attempt = (email: string, pw: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: pw },
        remoteAddress: '203.0.113.77',
      });
    const spellings = [
      'jürgen.lock@müller.de',
      'JÜRGEN.LOCK@MÜLLER.DE',
      'ju\u0308rgen.lock@mu\u0308ller.de',
      'jürgen.lock@xn--mller-kva.de',
      'Jürgen.Lock@XN--MLLER-KVA.DE',
    ];
    const codes: number[] = [];
    for (const e of spellings) codes.push((await attempt(e, 'wrong password!')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 429]);
    // locked for this source whichever way the address is written, the right password included
    expect((await attempt('jürgen.lock@müller.de', password)).statusCode).toBe(429);
  });
});

describe('rows keyed before this rule (migration 0022)', () => {
  it('are keyed again, so the same address typed now finds them', async () => {
    const { up } = await import('../../src/db/migrations/0022_email_keys.js');
    const db = t.db.handle.db;
    const own = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Old Keys Ltd' })).json().id as string;
    const r = await t.as(sys, 'POST', `/api/v1/clients/${own}/recipients`, { email: 'Old@xn--mller-kva.de' });
    expect(r.statusCode, r.body).toBe(201);
    // as an Entra sync wrote it before: lower-cased only
    await db
      .updateTable('recipients')
      .set({ email_key: 'old@xn--mller-kva.de' })
      .where('id', '=', r.json().id)
      .execute();
    expect((await t.as(sys, 'POST', `/api/v1/clients/${own}/recipients`, { email: 'old@müller.de' })).statusCode).toBe(
      201,
    ); // the duplicate the old key let through…
    await db.deleteFrom('recipients').where('client_id', '=', own).where('email', '=', 'old@müller.de').execute();
    await up(db, t.db.config.kind === 'sqlite' ? 'sqlite' : 'postgres');
    // …is refused once the row is keyed again
    const again = await t.as(sys, 'POST', `/api/v1/clients/${own}/recipients`, { email: 'old@müller.de' });
    expect(again.statusCode).toBe(409);
  });
});
