// A page of a search with many hits is read by walking the client in name order and testing each
// row directly (repository.ts, foldedMatch), not through the trigram index: it must find exactly
// the rows the index finds, case folded for every letter, before and after the index catches up.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { insertClient, recipientRow } from '../../../test/helpers/recipients.js';
import { foldName } from '../../db/search-fold.js';
import { countRecipients, insertRecipients, listRecipientsPage, type RecipientRow } from './repository.js';
import { SearchIndexer } from './search-index.js';

let tdb: TestDatabase;
const FIRST = ['Émile', 'ÉMILE', 'emile', 'Ada'];
// The only letters outside ASCII a search folds to an ASCII one: \u212A (the Kelvin sign) to "k",
// \u0130 (İ) to "i" (search-fold.ts).
const LAST = ['Müller', 'MÜLLER', 'Keller', '\u212Aeller', 'KELLER', 'Smith', 'SM\u0130TH'];
const N = 4200;

const person = (i: number): RecipientRow => {
  const first = FIRST[i % FIRST.length] as string;
  const last = LAST[(i * 5) % LAST.length] as string;
  return recipientRow({
    id: `r${String(i).padStart(5, '0')}`,
    email: i % 7 === 0 ? `kellogg.${i}@contoso.example` : `p${i}@contoso.example`,
    first_name: first,
    last_name: last,
    // some rows have no display name: they come after the named ones
    display_name: i % 11 === 0 ? null : `${first} ${last}`,
  });
};
const people = Array.from({ length: N }, (_, i) => person(i));

/** What a search must find: the term in any of the four columns, both folded. */
function expected(term: string): RecipientRow[] {
  const t = foldName(term);
  const hits = people.filter((r) =>
    [r.email_key, r.display_name, r.first_name, r.last_name].some((v) => v !== null && foldName(v).includes(t)),
  );
  const key = (r: RecipientRow) => Buffer.from(r.display_name ?? '', 'utf8');
  const named = hits
    .filter((r) => r.display_name !== null)
    .sort((a, b) => Buffer.compare(key(a), key(b)) || (a.id < b.id ? -1 : 1));
  const unnamed = hits.filter((r) => r.display_name === null).sort((a, b) => (a.id < b.id ? -1 : 1));
  return [...named, ...unnamed];
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  await insertClient(tdb.handle.db);
  await insertRecipients(tdb.handle.db, 'c1', people);
});
afterAll(async () => tdb?.drop());

/** Every page of the search, following the cursor as the API does. */
async function allPages(term: string): Promise<string[]> {
  const ids: string[] = [];
  let after: { name: string | null; id: string } | null = null;
  for (;;) {
    const page = await listRecipientsPage(tdb.handle.db, 'c1', { search: term }, after, 200);
    ids.push(...page.map((r) => r.id));
    const last = page.at(-1);
    if (page.length < 200 || !last) return ids;
    after = { name: last.display_name, id: last.id };
  }
}

// More than a thousand hits each (the dense plan): a non-ASCII term; ASCII terms whose hits include
// a non-ASCII letter folding to ASCII (and an address); an ASCII term without "i" or "k"; a term
// only accents tell apart; the Turkish capital dotted I typed either way.
const TERMS = ['üLLE', 'kell', 'elle', 'ÉMIL', 'smi', 'SM\u0130'];

it('finds every hit of a dense term, in page order, before and after the index catches up', async () => {
  for (const when of ['pending', 'indexed']) {
    if (when === 'indexed') await new SearchIndexer(tdb.handle).drain();
    for (const term of TERMS) {
      const want = expected(term);
      expect(want.length).toBeGreaterThan(1000);
      expect({ when, term, ids: await allPages(term) }).toEqual({ when, term, ids: want.map((r) => r.id) });
      expect({ when, term, total: await countRecipients(tdb.handle.db, 'c1', { search: term }) }).toEqual({
        when,
        term,
        total: want.length,
      });
    }
  }
});
