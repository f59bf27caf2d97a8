// A page's plan (a search term's density, a group's size) is remembered for a few seconds
// (repository.ts); a choice made before many rows were written must still give the right page,
// only the way it is read may be the slower one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { AT as at, insertClient, insertGroup, recipientRow } from '../../../test/helpers/recipients.js';
import { addMembers } from './groups-repository.js';
import { insertRecipients, listRecipientsPage, type RecipientRow } from './repository.js';
import { SearchIndexer } from './search-index.js';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
  const db = tdb.handle.db;
  await insertClient(db);
  await insertGroup(db, 'g1');
});
afterAll(async () => tdb?.drop());

const person = (i: number, name: string): RecipientRow =>
  recipientRow({
    id: `r${String(i).padStart(5, '0')}`,
    email: `p${i}@contoso.example`,
    first_name: name,
    last_name: null,
    display_name: `${name} ${String(i).padStart(5, '0')}`,
  });

const page = async (f: { search?: string; groupId?: string }) =>
  (await listRecipientsPage(tdb.handle.db, 'c1', f, null, 50)).map((r) => r.display_name);

it('gives the right page after many rows were written since the plan was chosen', async () => {
  const db = tdb.handle.db;
  // Few hits and a small group: the choice is made, and remembered.
  const few = [1, 2, 3].map((i) => person(i, 'Zebulon'));
  await insertRecipients(db, 'c1', few);
  await addMembers(db, 'c1', 'g1', ['r00001'], at);
  await new SearchIndexer(tdb.handle).drain();
  expect(await page({ search: 'bulo' })).toEqual(few.map((r) => r.display_name));
  expect(await page({ groupId: 'g1' })).toEqual(['Zebulon 00001']);

  // Now 1,500 more hits, and 1,500 more members, all sorting before the first ones.
  const many = Array.from({ length: 1500 }, (_, i) => person(1000 + i, 'Abulonia'));
  await insertRecipients(db, 'c1', many);
  await addMembers(
    db,
    'c1',
    'g1',
    many.map((r) => r.id),
    at,
  );
  const first50 = many.slice(0, 50).map((r) => r.display_name);
  // before the indexer has caught up, and after
  expect(await page({ search: 'bulo' })).toEqual(first50);
  await new SearchIndexer(tdb.handle).drain();
  expect(await page({ search: 'ebulo' })).toEqual(few.map((r) => r.display_name));
  expect(await page({ search: 'bulo' })).toEqual(first50);
  expect(await page({ groupId: 'g1' })).toEqual(first50);
});
