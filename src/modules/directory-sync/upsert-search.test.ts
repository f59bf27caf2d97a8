// A sync writes recipients with an upsert (INSERT … ON CONFLICT DO UPDATE). On SQLite that
// statement's conflict policy overrides the one of the statements its triggers run, so the search
// index's "note this row as changed" trigger must not rely on INSERT OR IGNORE: a second change to
// a recipient whose first change the indexer had not taken yet (a delta sync soon after an import)
// failed the whole run with "UNIQUE constraint failed: recipients_search_pending.recipient_rowid".
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { insertClient } from '../../../test/helpers/recipients.js';
import { listRecipientsPage } from '../recipients/repository.js';
import { SearchIndexer } from '../recipients/search-index.js';
import { RECIPIENT_COLUMNS, RECIPIENT_UPSERT } from './apply.js';
import { bulkInsert, engineOf } from './bulk.js';

let tdb: TestDatabase;
const at = '2026-12-01T00:00:00.000Z';
beforeAll(async () => {
  tdb = await createTestDatabase();
  await insertClient(tdb.handle.db);
});
afterAll(async () => tdb?.drop());

const write = (firstName: string) =>
  tdb.handle.db.transaction().execute((trx) =>
    bulkInsert(
      trx,
      engineOf(tdb.handle),
      'recipients',
      RECIPIENT_COLUMNS,
      [
        {
          id: 'r1',
          client_id: 'c1',
          email: 'ann@contoso.example',
          email_key: 'ann@contoso.example',
          first_name: firstName,
          last_name: 'Lee',
          display_name: `${firstName} Lee`,
          department: null,
          job_title: null,
          office_location: null,
          entra_object_id: 'e1',
          user_type: 'Member',
          enabled: 1,
          source: 'entra',
          created_at: at,
          updated_at: at,
        },
      ],
      RECIPIENT_UPSERT,
    ),
  );

const found = async (term: string) =>
  (await listRecipientsPage(tdb.handle.db, 'c1', { search: term }, null, 50)).map((r) => r.id);

it('changes a recipient twice before the search index catches up, and search finds the latest', async () => {
  await write('Annabel');
  await write('Annika'); // the first change is still waiting for the indexer
  await write('Annette');
  expect(await found('nnett')).toEqual(['r1']);
  expect(await found('nnabe')).toEqual([]);
  await new SearchIndexer(tdb.handle).drain();
  expect(await found('nnett')).toEqual(['r1']);
  await write('Anneliese'); // and again once it has
  await write('Annemarie');
  expect(await found('emari')).toEqual(['r1']);
});
