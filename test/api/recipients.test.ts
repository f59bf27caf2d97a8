// Recipients and recipient groups through the API: CRUD, strict input (the field is named and
// nothing is written), duplicate emails, keyset pages that neither skip nor repeat rows with
// equal display names, filters, CSV import with a per-row report, group membership, and
// another client's ids answering 404.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';

let t: TestApp;
let sys: Session;
let clientId: string;
let otherClientId: string;
const base = () => `/api/v1/clients/${clientId}`;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Recipients Ltd' })).json().id;
  otherClientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Other Ltd' })).json().id;
});
afterAll(async () => t?.close());

const count = async (table: 'recipients' | 'recipient_groups' | 'recipient_group_members', client = clientId) =>
  Number(
    (
      await t.db.handle.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('client_id', '=', client)
        .executeTakeFirstOrThrow()
    ).n,
  );

async function addRecipient(body: Record<string, unknown>, client = clientId) {
  const r = await t.as(sys, 'POST', `/api/v1/clients/${client}/recipients`, body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function addGroup(name: string, client = clientId) {
  const r = await t.as(sys, 'POST', `/api/v1/clients/${client}/recipient-groups`, { name });
  expect(r.statusCode, r.body).toBe(201);
  return r.json() as { id: string; name: string; memberCount: number };
}

describe('manual recipients', () => {
  it('adds, reads, edits and deletes a recipient, with audit entries', async () => {
    const group = await addGroup('Finance');
    const created = await addRecipient({
      email: 'Ada.Lovelace@Example.com',
      firstName: 'Ada',
      lastName: 'Lovelace',
      department: 'Finance',
      jobTitle: 'Analyst',
      groupIds: [group.id],
    });
    expect(created).toMatchObject({
      email: 'Ada.Lovelace@Example.com',
      displayName: 'Ada Lovelace',
      enabled: true,
      source: 'manual',
      entraObjectId: null,
      groups: [{ id: group.id, name: 'Finance' }],
    });
    const got = await t.as(sys, 'GET', `${base()}/recipients/${created.id}`);
    expect(got.json()).toEqual(created);

    const patched = await t.as(sys, 'PATCH', `${base()}/recipients/${created.id}`, {
      jobTitle: 'Controller',
      enabled: false,
      groupIds: [],
      department: null,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ jobTitle: 'Controller', enabled: false, groups: [], department: null });

    // Clearing the display name derives it again (the list sorts by it).
    const cleared = await t.as(sys, 'PATCH', `${base()}/recipients/${created.id}`, { displayName: '' });
    expect(cleared.json().displayName).toBe('Ada Lovelace');

    expect((await t.as(sys, 'DELETE', `${base()}/recipients/${created.id}`)).statusCode).toBe(204);
    expect((await t.as(sys, 'GET', `${base()}/recipients/${created.id}`)).statusCode).toBe(404);
    expect((await t.as(sys, 'DELETE', `${base()}/recipients/${created.id}`)).statusCode).toBe(404);

    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}&action=recipient.`)).json();
    const actions = audit.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['recipient.delete', 'recipient.update', 'recipient.update', 'recipient.create']);
    // Details hold names and counts, never whole rows.
    expect(audit.items[3].details).toEqual({ email: 'Ada.Lovelace@Example.com', groups: 1 });
  });

  it('uses the email address as display name when there is no name', async () => {
    const r = await addRecipient({ email: 'nobody@example.com' });
    expect(r.displayName).toBe('nobody@example.com');
  });

  it('rejects bad input, names the field and writes nothing', async () => {
    const before = await count('recipients');
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'email'],
      [{ email: 'not-an-email' }, 'email'],
      [{ email: 'x@example.com', firstName: 'x'.repeat(201) }, 'firstName'],
      [{ email: 'x@example.com', enabled: 'yes' }, 'enabled'],
      [{ email: 'x@example.com', source: 'entra' }, 'source'],
      [{ email: 'x@example.com', groupIds: ['nope'] }, 'groupIds.0'],
      [{ email: 'x@example.com', groupIds: ['00000000-0000-4000-8000-000000000000'] }, 'groupIds.0'],
    ];
    for (const [body, field] of cases) {
      const r = await t.as(sys, 'POST', `${base()}/recipients`, body);
      expect({ body, status: r.statusCode, field: r.json().error.details?.field }).toEqual({
        body,
        status: 400,
        field,
      });
    }
    expect(await count('recipients')).toBe(before);
  });

  it('answers 409 on a duplicate email, whatever its case', async () => {
    const a = await addRecipient({ email: 'dup@example.com' });
    const b = await addRecipient({ email: 'dup2@example.com' });
    const r = await t.as(sys, 'POST', `${base()}/recipients`, { email: 'DUP@example.com' });
    expect(r.statusCode).toBe(409);
    expect(r.json().error).toMatchObject({ code: 'conflict', details: { field: 'email' } });
    const p = await t.as(sys, 'PATCH', `${base()}/recipients/${b.id}`, { email: 'Dup@Example.com' });
    expect(p.statusCode).toBe(409);
    expect(p.json().error.details.field).toBe('email');
    // The same address may exist in another client.
    await addRecipient({ email: 'dup@example.com' }, otherClientId);
    expect((await t.as(sys, 'PATCH', `${base()}/recipients/${a.id}`, { email: 'DUP@example.com' })).statusCode).toBe(
      200,
    );
  });
});

describe('the list', () => {
  let pagingClient: string;
  const list = async (query: string, client = pagingClient) => {
    const r = await t.as(sys, 'GET', `/api/v1/clients/${client}/recipients?total=true&${query}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as {
      items: { id: string; email: string; displayName: string; groups: { id: string; name: string }[] }[];
      nextCursor: string | null;
      total: number;
    };
  };

  beforeAll(async () => {
    pagingClient = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Paging Ltd' })).json().id;
    // 23 recipients, many sharing a display name, so the id tie-breaker is what keeps the order.
    const csv = ['email,display_name,department,job_title'];
    for (let i = 0; i < 23; i++) {
      csv.push(
        `p${i}@paging.test,${['Sam Same', 'Alex Able', 'Zoe Zed'][i % 3]},${i % 2 ? 'Sales' : 'IT'},${i < 5 ? 'Boss' : ''}`,
      );
    }
    const r = await t.as(sys, 'POST', `/api/v1/clients/${pagingClient}/recipients/import`, { csv: csv.join('\n') });
    expect(r.json()).toMatchObject({ created: 23, errors: [] });
    // Rows without a display name (as a directory sync may write) come last, also paged by id.
    const now = new Date().toISOString();
    await t.db.handle.db
      .insertInto('recipients')
      .values(
        [1, 2, 3].map((i) => ({
          id: `00000000-0000-4000-8000-00000000000${i}`,
          client_id: pagingClient,
          email: `unnamed${i}@paging.test`,
          email_key: `unnamed${i}@paging.test`,
          first_name: null,
          last_name: null,
          display_name: null,
          department: null,
          job_title: null,
          office_location: null,
          entra_object_id: `entra-${i}`,
          user_type: 'Member',
          enabled: 1,
          source: 'entra' as const,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  });

  it('pages through every recipient once, in name order, with the total', async () => {
    const seen: string[] = [];
    const names: (string | null)[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await list(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.total).toBe(26);
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((i) => i.id));
      names.push(...page.items.map((i) => i.displayName));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(7);
    expect(new Set(seen).size).toBe(26);
    expect(names.slice(0, 8).every((n) => n === 'Alex Able')).toBe(true);
    expect(names.slice(23)).toEqual([null, null, null]);
    expect(seen.slice(23)).toEqual([1, 2, 3].map((i) => `00000000-0000-4000-8000-00000000000${i}`));
    const all = await list('limit=200');
    expect(all.items.map((i) => i.id)).toEqual(seen);
    expect(all.nextCursor).toBeNull();
  });

  it('counts the total only when asked: a page alone is a bounded read', async () => {
    const r = await t.as(sys, 'GET', `/api/v1/clients/${pagingClient}/recipients?limit=4`);
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toHaveLength(4);
    expect(r.json()).not.toHaveProperty('total');
    const counted = await t.as(sys, 'GET', `/api/v1/clients/${pagingClient}/recipients?limit=4&total=true`);
    expect(counted.json().total).toBe(26);
  });

  it('filters by search, department, job title, source, enabled and group', async () => {
    expect((await list('search=ZOE')).total).toBe(7);
    expect((await list('search=p1')).total).toBe(11); // p1, p10–p19
    expect((await list('search=%25')).total).toBe(0); // a literal %, not a wildcard
    expect((await list('department=Sales')).total).toBe(11);
    expect((await list('jobTitle=Boss&department=IT')).total).toBe(3);
    expect((await list('source=entra')).total).toBe(3);
    expect((await list('userType=Member')).total).toBe(3);
    expect((await list('source=csv&enabled=false')).total).toBe(0);
    const g = await addGroup('Bosses', pagingClient);
    const bosses = (await list('jobTitle=Boss')).items;
    for (const b of bosses.slice(0, 2)) {
      const r = await t.as(sys, 'PUT', `/api/v1/clients/${pagingClient}/recipient-groups/${g.id}/members/${b.id}`);
      expect(r.statusCode).toBe(204);
    }
    const inGroup = await list(`groupId=${g.id}`);
    expect(inGroup.total).toBe(2);
    expect(inGroup.items[0]).toMatchObject({ groups: [{ id: g.id, name: 'Bosses' }] });
    // Every row of a page lists its groups, by name; a row in none lists none.
    const admins = await addGroup('Administrators', pagingClient);
    expect(
      (await t.as(sys, 'PUT', `/api/v1/clients/${pagingClient}/recipient-groups/${admins.id}/members/${bosses[1]?.id}`))
        .statusCode,
    ).toBe(204);
    const page = (await list('jobTitle=Boss')).items;
    const groupsOf = (id?: string) => page.find((i) => i.id === id)?.groups;
    expect(groupsOf(bosses[0]?.id)).toEqual([{ id: g.id, name: 'Bosses' }]);
    expect(groupsOf(bosses[1]?.id)).toEqual([
      { id: admins.id, name: 'Administrators' },
      { id: g.id, name: 'Bosses' },
    ]);
    expect(groupsOf(bosses[2]?.id)).toEqual([]);
    // Filters page too: a filtered listing walked by cursor returns the filtered set exactly once.
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`department=Sales&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(ids).size).toBe(11);
  });

  it('lists facets for the filter selects', async () => {
    const f = (await t.as(sys, 'GET', `/api/v1/clients/${pagingClient}/recipients/facets`)).json();
    expect(f).toEqual({ departments: ['IT', 'Sales'], jobTitles: ['Boss'] });
  });

  it('rejects bad query parameters', async () => {
    for (const [q, field] of [
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['source=ldap', 'source'],
      ['groupId=x', 'groupId'],
      ['cursor=bm90LWpzb24', 'cursor'],
      ['unknown=1', 'unknown'],
    ]) {
      const r = await t.as(sys, 'GET', `/api/v1/clients/${pagingClient}/recipients?${q}`);
      expect({ q, status: r.statusCode, field: r.json().error?.details?.field }).toEqual({ q, status: 400, field });
    }
  });
});

describe('search', () => {
  let searchClient: string;
  const found = async (term: string) =>
    (
      (await t.as(sys, 'GET', `/api/v1/clients/${searchClient}/recipients?search=${encodeURIComponent(term)}`)).json()
        .items as { email: string }[]
    ).map((i) => i.email);

  beforeAll(async () => {
    searchClient = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Search Ltd' })).json().id;
    const csv = [
      'email,first_name,last_name,display_name',
      'juergen.mueller@beispiel.test,Jürgen,Müller,Jürgen Müller',
      'zoe.okafor@search.test,Zoë,Okafor,Zoë Okafor',
      'ana@search.test,Ana,Ng,',
    ].join('\n');
    expect((await t.as(sys, 'POST', `/api/v1/clients/${searchClient}/recipients/import`, { csv })).statusCode).toBe(
      200,
    );
  });

  it('finds substrings of email and names, any letter case, right after a CSV import', async () => {
    expect(await found('MÜLL')).toEqual(['juergen.mueller@beispiel.test']); // a non-ASCII capital
    expect(await found('GEN.MUE')).toEqual(['juergen.mueller@beispiel.test']); // inside the email
    expect(await found('ZOË OKA')).toEqual(['zoe.okafor@search.test']); // across first and last name
    expect(await found('kafo')).toEqual(['zoe.okafor@search.test']);
    expect(await found('search.test')).toEqual(['ana@search.test', 'zoe.okafor@search.test']);
    expect(await found('Ng')).toEqual(['ana@search.test']); // shorter than a trigram still works
    expect(await found('"ok')).toEqual([]); // quotes are text, not FTS syntax
    expect(await found('zzz')).toEqual([]);
  });

  it('follows a manual edit and a deletion at once, before and after the index catches up', async () => {
    const indexer = t.container.services.searchIndex;
    const pending = async () =>
      t.db.handle.kind === 'sqlite'
        ? Number(
            (await sql<{ n: number }>`select count(*) as n from recipients_search_pending`.execute(t.db.handle.db))
              .rows[0]?.n,
          )
        : 0;
    // Index what the import wrote, so the edit below leaves a stale entry for the old name.
    await indexer.drain();
    expect(await pending()).toBe(0);
    expect(await found('kafo')).toEqual(['zoe.okafor@search.test']);
    const list = (
      await t.as(sys, 'GET', `/api/v1/clients/${searchClient}/recipients?search=${encodeURIComponent('okafor')}`)
    ).json().items as { id: string }[];
    const id = list[0]?.id;
    const r = await t.as(sys, 'PATCH', `/api/v1/clients/${searchClient}/recipients/${id}`, {
      displayName: 'Zoë Østergaard',
      lastName: 'Østergaard',
    });
    expect(r.statusCode, r.body).toBe(200);
    for (const when of ['pending', 'indexed']) {
      if (when === 'indexed') {
        await indexer.drain();
        expect(await pending()).toBe(0);
      }
      expect({ when, hits: await found('østerg') }).toEqual({ when, hits: ['zoe.okafor@search.test'] });
      expect({ when, hits: await found('ØSTERG') }).toEqual({ when, hits: ['zoe.okafor@search.test'] });
      expect({ when, hits: await found('Okafor') }).toEqual({ when, hits: ['zoe.okafor@search.test'] }); // the email
      expect({ when, hits: await found('Zoë Okafor') }).toEqual({ when, hits: [] }); // the old display name
    }
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${searchClient}/recipients/${id}`)).statusCode).toBe(204);
    expect(await found('østerg')).toEqual([]);
    await indexer.drain();
    expect(await found('østerg')).toEqual([]);
    expect(await found('MÜLL')).toEqual(['juergen.mueller@beispiel.test']);
  });

  it('finds the Turkish capital dotted İ by a plain i and by itself, before and after the index catches up', async () => {
    const added = await addRecipient(
      { email: 'ibo@turkiye.test', firstName: 'İbrahim', lastName: 'Yılmaz', displayName: 'İbrahim Yılmaz' },
      searchClient,
    );
    for (const when of ['pending', 'indexed']) {
      if (when === 'indexed') await t.container.services.searchIndex.drain();
      for (const term of ['ibrahim', 'İBRAHİM', 'İbrahim Y', 'yılm'])
        expect({ when, term, hits: await found(term) }).toEqual({ when, term, hits: ['ibo@turkiye.test'] });
      // the dotless ı is another letter
      expect({ when, hits: await found('yilm') }).toEqual({ when, hits: [] });
    }
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${searchClient}/recipients/${added.id}`)).statusCode).toBe(204);
  });

  it('finds at once a recipient that took the rowid of one just deleted in another client', async () => {
    const gone = await addRecipient({ email: 'gone@search.test', displayName: 'Gone Away' }, searchClient);
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${searchClient}/recipients/${gone.id}`)).statusCode).toBe(204);
    const added = await addRecipient({ email: 'quirinus@other.test', displayName: 'Quirinus Zapf' }, otherClientId);
    if (t.db.handle.kind === 'sqlite') {
      // SQLite hands the deleted row's rowid out again: the case this is about
      const rowids = await sql<{
        id: string;
      }>`select id from recipients where rowid = (select max(rowid) from recipients)`.execute(t.db.handle.db);
      expect(rowids.rows[0]?.id).toBe(added.id);
    }
    const r = await t.as(sys, 'GET', `/api/v1/clients/${otherClientId}/recipients?search=quirinus`);
    expect(r.json().items.map((i: { email: string }) => i.email)).toEqual(['quirinus@other.test']);
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${otherClientId}/recipients/${added.id}`)).statusCode).toBe(204);
  });

  it("never finds another client's recipients", async () => {
    await addRecipient({ email: 'juergen.mueller@beispiel.test', displayName: 'Jürgen Müller' }, otherClientId);
    expect(await found('müller')).toEqual(['juergen.mueller@beispiel.test']);
    const other = (
      await t.as(sys, 'GET', `/api/v1/clients/${otherClientId}/recipients?search=m%C3%BCller&total=true`)
    ).json();
    expect(other.items).toHaveLength(1);
    expect(other.total).toBe(1);
  });
});

describe('CSV import', () => {
  let importClient: string;
  beforeAll(async () => {
    importClient = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Import Ltd' })).json().id;
  });
  const imp = (body: Record<string, unknown>) =>
    t.as(sys, 'POST', `/api/v1/clients/${importClient}/recipients/import`, body);

  const CSV = [
    '\uFEFF"E-mail","First Name","Last Name",Department,"Job Title",Office,Shoe size',
    'ann@import.test,Ann,Archer,Sales,"Rep, senior",Berlin,40',
    'not-an-email,Bob,,,,,',
    ',Carl,,,,,',
    '"dora@import.test","Dora ""DJ""","Quote",IT,"Line one',
    'line two",,',
    'ANN@import.test,Ann,Again,,,,',
    '',
    'eve@import.test,Eve,,IT,,,',
  ].join('\r\n');

  it('reports every bad row on a dry run and writes nothing', async () => {
    const r = await imp({ csv: CSV, dryRun: true });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      skipped: 3,
      dryRun: true,
      ignoredColumns: ['Shoe size'],
      errors: [
        { row: 3, field: 'email', message: '"not-an-email" is not a valid email address.' },
        { row: 4, field: 'email', message: 'The email address is missing.' },
        { row: 6, field: 'email', message: 'The same email address is on row 2.' },
      ],
    });
    expect(await count('recipients', importClient)).toBe(0);
  });

  it('imports the valid rows in one go, quoting included, and updates by email on a second run', async () => {
    const group = await addGroup('Imported', importClient);
    const r = await imp({ csv: CSV, groupId: group.id });
    expect(r.json()).toMatchObject({ created: 3, updated: 0, skipped: 3, dryRun: false });
    const items = (await t.as(sys, 'GET', `/api/v1/clients/${importClient}/recipients`)).json().items;
    const dora = items.find((i: { email: string }) => i.email === 'dora@import.test');
    expect(dora).toMatchObject({
      firstName: 'Dora "DJ"',
      displayName: 'Dora "DJ" Quote',
      jobTitle: 'Line one\r\nline two', // kept as written: RFC 4180 keeps line breaks in quoted fields
      source: 'csv',
      groups: [{ id: group.id, name: 'Imported' }],
    });
    expect(items.find((i: { email: string }) => i.email === 'ann@import.test')).toMatchObject({
      jobTitle: 'Rep, senior',
      officeLocation: 'Berlin',
    });

    const again = await imp({
      csv: 'email,department\nANN@import.test,Marketing\neve@import.test,IT\nnew@import.test,',
    });
    expect(again.json()).toMatchObject({ created: 1, updated: 1, unchanged: 1, skipped: 0 });
    const ann = (await t.as(sys, 'GET', `/api/v1/clients/${importClient}/recipients?search=ann@`)).json().items[0];
    // Updated by email (case-insensitive); an empty cell or a missing column keeps the stored value.
    expect(ann).toMatchObject({ email: 'ann@import.test', department: 'Marketing', firstName: 'Ann' });
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${importClient}&action=recipient.import`)).json();
    expect(audit.items.map((e: { details: unknown }) => e.details)).toEqual([
      { created: 1, updated: 1, unchanged: 1, skipped: 0 },
      { created: 3, updated: 0, unchanged: 0, skipped: 3, group: 'Imported' },
    ]);
  });

  it('refuses files it cannot read, naming the csv field, and writes nothing', async () => {
    const before = await count('recipients', importClient);
    const cases: [Record<string, unknown>, string][] = [
      [{ csv: 'name,department\nAnn,IT' }, 'csv'], // no email column
      [{ csv: 'email,Mail\na@b.test,c@d.test' }, 'csv'], // two email columns
      [{ csv: 'email\n"unterminated@x.test' }, 'csv'],
      [{ csv: `email\n${Array.from({ length: 10_001 }, (_, i) => `u${i}@x.test`).join('\n')}` }, 'csv'],
      [{ csv: 'email\na@x.test', groupId: '00000000-0000-4000-8000-000000000000' }, 'groupId'],
      [{ csv: 'email\na@x.test', extra: true }, 'extra'],
      [{ csv: '' }, 'csv'],
      [{ csv: `email\n${'x'.repeat(5 * 1024 * 1024)}` }, 'csv'], // over 5 MB
    ];
    for (const [body, field] of cases) {
      const r = await imp(body);
      expect({ status: r.statusCode, field: r.json().error?.details?.field }).toEqual({ status: 400, field });
    }
    expect(await count('recipients', importClient)).toBe(before);
  });

  it('takes 10,000 rows, and updates 10,000 on a second run', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => `bulk${i}@bulk.test,Bulk ${i},Dept ${i % 7}`);
    const r = await imp({ csv: `email,name,department\n${rows.join('\n')}` });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ created: 10_000, skipped: 0 });
    // Updates go out in batches; every row gets its own values, names stay where the cell is empty.
    const again = Array.from({ length: 10_000 }, (_, i) => `bulk${i}@bulk.test,,Team ${i}`);
    const u = await imp({ csv: `email,name,department\n${again.join('\n')}` });
    expect(u.json()).toMatchObject({ created: 0, updated: 10_000, skipped: 0 });
    const get = (q: string) => t.as(sys, 'GET', `/api/v1/clients/${importClient}/recipients?${q}`);
    for (const i of [0, 499, 500, 9_999]) {
      const hit = (await get(`search=bulk${i}@`)).json().items[0];
      expect(hit).toMatchObject({ displayName: `Bulk ${i}`, department: `Team ${i}` });
    }
  });
});

describe('recipient groups', () => {
  it('creates, renames, counts members and deletes a group without deleting recipients', async () => {
    const g = await addGroup('Sales team');
    expect(g.memberCount).toBe(0);
    expect((await t.as(sys, 'POST', `${base()}/recipient-groups`, { name: 'SALES TEAM ' })).statusCode).toBe(409);
    expect((await t.as(sys, 'POST', `${base()}/recipient-groups`, { name: '' })).json().error.details.field).toBe(
      'name',
    );
    const r1 = await addRecipient({ email: 'm1@groups.test' });
    const r2 = await addRecipient({ email: 'm2@groups.test', groupIds: [g.id] });
    const put = () => t.as(sys, 'PUT', `${base()}/recipient-groups/${g.id}/members/${r1.id}`);
    expect((await put()).statusCode).toBe(204);
    expect((await put()).statusCode).toBe(204); // idempotent
    const got = (await t.as(sys, 'GET', `${base()}/recipient-groups/${g.id}`)).json();
    expect(got.memberCount).toBe(2);
    const listed = (await t.as(sys, 'GET', `${base()}/recipient-groups`)).json().items;
    expect(listed.find((x: { id: string }) => x.id === g.id).memberCount).toBe(2);

    const renamed = await t.as(sys, 'PATCH', `${base()}/recipient-groups/${g.id}`, {
      name: 'Sales EMEA',
      description: 'Everyone selling in EMEA',
    });
    expect(renamed.json()).toMatchObject({ name: 'Sales EMEA', description: 'Everyone selling in EMEA' });
    expect((await t.as(sys, 'GET', `${base()}/recipients/${r2.id}`)).json().groups).toEqual([
      { id: g.id, name: 'Sales EMEA' },
    ]);

    const del = () => t.as(sys, 'DELETE', `${base()}/recipient-groups/${g.id}/members/${r1.id}`);
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(404);

    expect((await t.as(sys, 'DELETE', `${base()}/recipient-groups/${g.id}`)).statusCode).toBe(204);
    expect((await t.as(sys, 'GET', `${base()}/recipient-groups/${g.id}`)).statusCode).toBe(404);
    expect((await t.as(sys, 'GET', `${base()}/recipients/${r2.id}`)).json().groups).toEqual([]);
    const audit = (await t.as(sys, 'GET', `/api/v1/audit?clientId=${clientId}&action=recipient_group`)).json();
    expect(audit.items[0]).toMatchObject({
      action: 'recipient_group.delete',
      details: { name: 'Sales EMEA', members: 1 },
    });
  });
});

describe('a group filled by a directory import', () => {
  it('cannot be deleted while the import exists (its sync would silently go with it)', async () => {
    const g = await addGroup('Synced from Entra');
    const app = await t.as(sys, 'POST', `${base()}/azure-apps`, {
      name: 'Tenant',
      azureClientId: '11111111-2222-4333-8444-555555555555',
      clientSecret: 'secret-value',
      tenant: '99999999-8888-4777-8666-555555555555',
    });
    expect(app.statusCode, app.body).toBe(201);
    const now = new Date().toISOString();
    await t.db.handle.db
      .insertInto('directory_imports')
      .values({
        id: '00000000-0000-4000-8000-0000000000aa',
        client_id: clientId,
        name: 'All staff',
        azure_app_id: app.json().id,
        target_group_id: g.id,
        source: 'all_users',
        entra_groups: '[]',
        filters: '{}',
        sync_enabled: 0,
        sync_interval_minutes: 60,
        new_user_policy: 'add',
        removed_user_policy: 'keep',
        deletion_threshold_unit: 'percent',
        deletion_threshold: 10,
        delta_link: null,
        status: 'active',
        status_reason: null,
        initialized_at: null,
        next_sync_at: null,
        lock_owner: null,
        lock_until: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const r = await t.as(sys, 'DELETE', `${base()}/recipient-groups/${g.id}`);
    expect(r.statusCode).toBe(409);
    expect(r.json().error.message).toContain('"All staff"');
    expect((await t.as(sys, 'GET', `${base()}/recipient-groups/${g.id}`)).statusCode).toBe(200);
  });
});

describe('another client', () => {
  it("answers 404 for the other client's recipients and groups, even through this client's path", async () => {
    const theirs = await addRecipient({ email: 'theirs@other.test' }, otherClientId);
    const theirGroup = await addGroup('Theirs', otherClientId);
    const mine = await addRecipient({ email: 'mine@mine.test' });
    const myGroup = await addGroup('Mine');
    const checks: [string, string, unknown?][] = [
      ['GET', `${base()}/recipients/${theirs.id}`],
      ['PATCH', `${base()}/recipients/${theirs.id}`, { enabled: false }],
      ['DELETE', `${base()}/recipients/${theirs.id}`],
      ['GET', `${base()}/recipient-groups/${theirGroup.id}`],
      ['PATCH', `${base()}/recipient-groups/${theirGroup.id}`, { name: 'Hijacked' }],
      ['DELETE', `${base()}/recipient-groups/${theirGroup.id}`],
      ['PUT', `${base()}/recipient-groups/${myGroup.id}/members/${theirs.id}`],
      ['PUT', `${base()}/recipient-groups/${theirGroup.id}/members/${mine.id}`],
    ];
    for (const [method, url, body] of checks) {
      const r = await t.as(sys, method, url, body);
      expect({ method, url, status: r.statusCode }).toEqual({ method, url, status: 404 });
    }
    // Their group id in our body is a missing group, not a way in.
    const r = await t.as(sys, 'PATCH', `${base()}/recipients/${mine.id}`, { groupIds: [theirGroup.id] });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.field).toBe('groupIds.0');
    expect((await t.as(sys, 'GET', `/api/v1/clients/${otherClientId}/recipients/${theirs.id}`)).json()).toMatchObject({
      enabled: true,
      groups: [],
    });
    expect(await count('recipient_group_members', otherClientId)).toBe(0);
  });
});

describe('a large group', () => {
  it('pages through exactly its members in name order (the probe plan above 1,000 members)', async () => {
    const client = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Large group Ltd' })).json().id as string;
    const group = (
      await t.as(sys, 'POST', `/api/v1/clients/${client}/recipient-groups`, { name: 'Everyone else' })
    ).json();
    // letters and digits of one width only: every collation (SQLite's, PostgreSQL's locale) orders them alike
    const pad = (n: number) => String(n).padStart(4, '0');
    const row = (i: number) => `big.${i}@large.example,N${pad((i * 7919) % 1300)}x${pad(i)}`;
    const members = Array.from({ length: 1100 }, (_, i) => row(i));
    const others = Array.from({ length: 200 }, (_, i) => row(1100 + i));
    const imported = async (lines: string[], groupId?: string) =>
      (
        await t.as(sys, 'POST', `/api/v1/clients/${client}/recipients/import`, {
          csv: ['email,display_name', ...lines].join('\n'),
          ...(groupId ? { groupId } : {}),
        })
      ).json();
    expect((await imported(members, group.id)).created).toBe(1100);
    expect((await imported(others)).created).toBe(200);
    const seen: { email: string; displayName: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { email: string; displayName: string }[]; nextCursor: string | null } = (
        await t.as(
          sys,
          'GET',
          `/api/v1/clients/${client}/recipients?groupId=${group.id}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        )
      ).json();
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const expected = members
      .map((l) => ({ email: l.split(',')[0]!, displayName: l.split(',')[1]! }))
      .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
    expect(seen.map((r) => r.email)).toEqual(expected.map((r) => r.email));
  });
});
