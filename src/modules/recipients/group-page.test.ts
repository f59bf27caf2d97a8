// A group's page is read from its members in page order, by the display name each membership keeps
// a copy of (migration 0029, kept by triggers). Every writer of names or memberships must leave the
// copy right, or a renamed recipient sits on the wrong page: the console's edit, the CSV import's
// update, directory sync's upsert, and the three ways memberships are written. Each page is checked
// against the order computed here from the recipients' own names.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { AT as at, insertClient, insertGroup, recipientRow } from '../../../test/helpers/recipients.js';
import { RECIPIENT_COLUMNS, RECIPIENT_UPSERT } from '../directory-sync/apply.js';
import { bulkInsert, engineOf } from '../directory-sync/bulk.js';
import { addMembers, setRecipientGroups } from './groups-repository.js';
import {
  insertRecipients,
  listRecipientsPage,
  type RecipientFilter,
  updateProfiles,
  updateRecipient,
} from './repository.js';

let tdb: TestDatabase;
const db = () => tdb.handle.db;
const GROUP = 'g1';

beforeAll(async () => {
  tdb = await createTestDatabase();
  for (const c of ['c1', 'c2']) {
    await insertClient(db(), c, `Client ${c}`);
    await insertRecipients(
      db(),
      c,
      Array.from({ length: 30 }, (_, i) =>
        recipientRow({
          id: `${c}-r${String(i).padStart(2, '0')}`,
          client_id: c,
          email: `p${i}@${c}.example`,
          first_name: null,
          last_name: null,
          display_name: i % 7 === 0 ? null : `Name ${String(90 - 3 * i).padStart(2, '0')}`,
          department: i % 2 === 0 ? 'Sales' : 'Ops',
        }),
      ),
    );
    await insertGroup(db(), c === 'c1' ? GROUP : 'g2', c);
  }
  // Memberships of c1's group written three ways: the console's add, a recipient's group list, sync.
  await addMembers(db(), 'c1', GROUP, ['c1-r00', 'c1-r01', 'c1-r02', 'c1-r03', 'c1-r05', 'c1-r07', 'c1-r08'], at);
  await setRecipientGroups(db(), 'c1', 'c1-r10', [GROUP], at);
  await setRecipientGroups(db(), 'c1', 'c1-r14', [GROUP], at);
  await syncMembers(['c1-r12', 'c1-r13', 'c1-r20', 'c1-r21']);
  // The other client's group holds its recipients of the same names: never on c1's pages.
  await addMembers(db(), 'c2', 'g2', ['c2-r00', 'c2-r01', 'c2-r02', 'c2-r12'], at);
});
afterAll(async () => tdb?.drop());

/** Memberships as directory sync writes them (apply.ts): with the name it wrote to each recipient. */
async function syncMembers(ids: string[]) {
  const names = await db()
    .selectFrom('recipients')
    .select(['id', 'display_name'])
    .where('client_id', '=', 'c1')
    .where('id', 'in', ids)
    .execute();
  await bulkInsert(
    db(),
    engineOf(tdb.handle),
    'recipient_group_members',
    ['client_id', 'group_id', 'recipient_id', 'created_at', 'display_name'].map((name) => ({ name, pg: 'text' })),
    names.map((r) => ({
      client_id: 'c1',
      group_id: GROUP,
      recipient_id: r.id,
      created_at: at,
      display_name: r.display_name,
    })),
    '(group_id, recipient_id) do nothing',
  );
}

/** The group's members in page order, from the recipients' names (not the memberships' copies). */
async function expected(f: RecipientFilter): Promise<string[]> {
  const rows = await db()
    .selectFrom('recipients')
    .innerJoin('recipient_group_members as m', 'm.recipient_id', 'recipients.id')
    .select(['recipients.id', 'recipients.display_name', 'recipients.department'])
    .where('m.group_id', '=', GROUP)
    .where('recipients.client_id', '=', 'c1')
    .execute();
  const hits = rows.filter((r) => f.department === undefined || r.department === f.department);
  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
  const named = hits
    .filter((r) => r.display_name !== null)
    .sort((a, b) =>
      (a.display_name as string) < (b.display_name as string) ? -1 : a.display_name === b.display_name ? byId(a, b) : 1,
    );
  return [...named, ...hits.filter((r) => r.display_name === null).sort(byId)].map((r) => r.id);
}

/** Every page of c1's group, three at a time, following the cursor as the API does. */
async function pages(f: RecipientFilter): Promise<string[]> {
  const ids: string[] = [];
  let after: { name: string | null; id: string } | null = null;
  for (;;) {
    const page = await listRecipientsPage(db(), 'c1', { ...f, groupId: GROUP }, after, 3);
    ids.push(...page.map((r) => r.id));
    const last = page.at(-1);
    if (page.length < 3 || !last) return ids;
    after = { name: last.display_name, id: last.id };
  }
}

async function expectPagesInOrder() {
  for (const f of [{}, { department: 'Sales' }, { department: 'Ops' }]) {
    const want = await expected(f);
    expect({ f, ids: await pages(f) }).toEqual({ f, ids: want });
  }
}

it('lists a group in name order whichever way its memberships were written', async () => {
  expect((await expected({})).length).toBe(13);
  await expectPagesInOrder();
});

it('moves a renamed member to its new place, whoever renamed it', async () => {
  // The console's edit: a name late in the order becomes the first.
  await updateRecipient(db(), 'c1', 'c1-r02', { display_name: 'Aaron' });
  expect((await pages({}))[0]).toBe('c1-r02');
  // A CSV re-import: a name removed (to the unnamed rows at the end), and one given.
  const profile = { first_name: null, last_name: null, department: 'Sales', job_title: null };
  await updateProfiles(
    db(),
    'c1',
    [
      { id: 'c1-r10', ...profile, display_name: null, office_location: null, time_zone: null },
      { id: 'c1-r14', ...profile, display_name: 'Name 00', office_location: null, time_zone: null },
    ],
    at,
  );
  // Directory sync's upsert of a whole row.
  const synced = recipientRow({
    id: 'c1-r20',
    email: 'p20@c1.example',
    first_name: null,
    last_name: null,
    display_name: 'Zora',
    department: 'Sales',
  });
  await bulkInsert(db(), engineOf(tdb.handle), 'recipients', RECIPIENT_COLUMNS, [{ ...synced }], RECIPIENT_UPSERT);
  const ids = await pages({});
  expect(ids.slice(0, 2)).toEqual(['c1-r02', 'c1-r14']);
  // the last named, before the unnamed by id (r10's name was removed)
  expect(ids.indexOf('c1-r20')).toBe(ids.length - 5);
  expect(ids.slice(-4)).toEqual(['c1-r00', 'c1-r07', 'c1-r10', 'c1-r21']);
  await expectPagesInOrder();
});

it('gives a membership added after a rename the name as it is now', async () => {
  await updateRecipient(db(), 'c1', 'c1-r25', { display_name: 'Aardvark' });
  await addMembers(db(), 'c1', GROUP, ['c1-r25'], at);
  expect((await pages({}))[0]).toBe('c1-r25');
  await expectPagesInOrder();
});
