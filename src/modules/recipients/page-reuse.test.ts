// A page without a search runs a statement compiled once per shape and then given new values
// (repository.ts, reusedQuery): every filter's values, the client, the cursor and the page size
// must be the request's own, never the ones the statement was first built with, and a search
// (whose SQL depends on its term) must never run another shape's statement. Each page is checked
// against the rows filtered and sorted here, in an order that reuses every shape with new values.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { AT as at, insertClient, insertGroup, recipientRow } from '../../../test/helpers/recipients.js';
import { addMembers } from './groups-repository.js';
import { insertRecipients, listRecipientsPage, type RecipientFilter, type RecipientRow } from './repository.js';

let tdb: TestDatabase;
const CLIENTS = ['c1', 'c2'];
const DEPARTMENTS = ['Sales', 'Ops', null];
const TITLES = ['Pilot', 'Clerk'];

const person = (client: string, i: number): RecipientRow =>
  recipientRow({
    id: `${client}-r${String(i).padStart(3, '0')}`,
    client_id: client,
    email: `p${i}@${client}.example`,
    first_name: i % 5 === 0 ? 'Alexa' : 'Bo',
    last_name: null,
    // every ninth has no display name: those come after the named ones, by id
    display_name: i % 9 === 0 ? null : `${['Kim', 'Lee', 'Ng'][i % 3]} ${String(200 - i).padStart(3, '0')}`,
    department: DEPARTMENTS[i % 3] ?? null,
    job_title: TITLES[i % 2] ?? null,
    enabled: i % 4 === 0 ? 0 : 1,
    user_type: i % 6 === 0 ? 'Guest' : 'Member',
    source: i % 7 === 0 ? 'manual' : 'csv',
  });
const people = CLIENTS.flatMap((c, k) => Array.from({ length: 60 + 20 * k }, (_, i) => person(c, i)));
/** The members of each client's group: every third recipient. */
const members = (client: string) => people.filter((r, i) => r.client_id === client && i % 3 === 1);

beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = tdb.handle.db;
  for (const c of CLIENTS) {
    await insertClient(db, c, `Client ${c}`);
    await insertRecipients(
      db,
      c,
      people.filter((r) => r.client_id === c),
    );
    await insertGroup(db, `g-${c}`, c);
    await addMembers(
      db,
      c,
      `g-${c}`,
      members(c).map((r) => r.id),
      at,
    );
  }
});
afterAll(async () => tdb?.drop());

function expected(client: string, f: RecipientFilter): string[] {
  const inGroup = new Set(members(client).map((r) => r.id));
  const hits = people.filter(
    (r) =>
      r.client_id === client &&
      (f.department === undefined || r.department === f.department) &&
      (f.jobTitle === undefined || r.job_title === f.jobTitle) &&
      (f.enabled === undefined || r.enabled === (f.enabled ? 1 : 0)) &&
      (f.source === undefined || r.source === f.source) &&
      (f.userType === undefined || r.user_type === f.userType) &&
      (f.groupId === undefined || (f.groupId === `g-${client}` && inGroup.has(r.id))) &&
      (f.search === undefined ||
        [r.email_key, r.display_name, r.first_name].some((v) => v?.toLowerCase().includes(f.search as string))),
  );
  const byId = (a: RecipientRow, b: RecipientRow) => (a.id < b.id ? -1 : 1);
  const named = hits
    .filter((r) => r.display_name !== null)
    .sort((a, b) =>
      (a.display_name as string) < (b.display_name as string) ? -1 : a.display_name === b.display_name ? byId(a, b) : 1,
    );
  return [...named, ...hits.filter((r) => r.display_name === null).sort(byId)].map((r) => r.id);
}

/** Every page, following the cursor as the API does, at a page size that splits named and unnamed rows. */
async function allPages(client: string, f: RecipientFilter, size: number): Promise<string[]> {
  const ids: string[] = [];
  let after: { name: string | null; id: string } | null = null;
  for (;;) {
    const page = await listRecipientsPage(tdb.handle.db, client, f, after, size);
    ids.push(...page.map((r) => r.id));
    const last = page.at(-1);
    if (page.length < size || !last) return ids;
    after = { name: last.display_name, id: last.id };
  }
}

const FILTERS: RecipientFilter[] = [
  {},
  { department: 'Sales' },
  { department: 'Ops' },
  { enabled: true },
  { enabled: false },
  { department: 'Ops', enabled: false },
  { department: 'Sales', enabled: true, jobTitle: 'Clerk' },
  { jobTitle: 'Pilot' },
  { userType: 'Guest' },
  { source: 'manual' },
  { groupId: 'g-c1' },
  { groupId: 'g-c2' },
  { groupId: 'g-c1', enabled: false },
  // the same filters with a search: never another shape's statement
  { search: 'alexa' },
  { search: 'lexa', department: 'Ops' },
  { search: 'p1', enabled: false },
];

it('gives each request its own values on a statement compiled for another', async () => {
  for (const size of [7, 200, 3]) {
    for (const client of CLIENTS) {
      for (const f of FILTERS) {
        const want = expected(client, f);
        expect({ size, client, f, ids: await allPages(client, f, size) }).toEqual({ size, client, f, ids: want });
      }
    }
  }
  // The checks are not empty: every filter finds rows in some client, and some find none.
  for (const f of FILTERS) expect(CLIENTS.some((c) => expected(c, f).length > 0)).toBe(true);
  expect(expected('c1', { groupId: 'g-c2' })).toEqual([]);
});
