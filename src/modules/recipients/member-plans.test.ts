// SQLite keeps no statistics for Baitwise's tables, so which index a statement uses follows from
// the schema alone, and an index added for one statement can be picked for another. The group
// page's index (migration 0029) first made every row of every page scan its client's memberships
// for the row's groups (a first page 27 ms instead of 1 at 100,000 recipients), then won over the
// primary key for "which of these are members". These are the plans of the statements a list and
// a membership write actually send, on a SQLite file of its own whatever the run's database is.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AT as at, insertClient, insertGroup, recipientRow } from '../../../test/helpers/recipients.js';
import { type DbHandle, openDatabase } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrations/index.js';
import { addMembers } from './groups-repository.js';
import { insertRecipients, listRecipientsPage } from './repository.js';

const dir = mkdtempSync(join(tmpdir(), 'baitwise-member-plans-'));
let handle: DbHandle;

beforeAll(async () => {
  handle = openDatabase({ kind: 'sqlite', file: join(dir, 'baitwise.db'), readers: 0 });
  await migrateToLatest(handle.db, 'sqlite');
  await insertClient(handle.db);
  await insertGroup(handle.db, 'g1');
  await insertRecipients(
    handle.db,
    'c1',
    Array.from({ length: 20 }, (_, i) =>
      recipientRow({
        id: `r${i}`,
        email: `p${i}@c1.example`,
        first_name: null,
        last_name: null,
        display_name: `P${i}`,
      }),
    ),
  );
});
afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The statements `run` sends, each with SQLite's plan for it (one line per step). */
async function plans(run: () => Promise<unknown>): Promise<{ sql: string; plan: string }[]> {
  // Every statement, built or compiled, goes through the one executor of the Kysely instance.
  const executor = handle.db.getExecutor() as { executeQuery: (q: CompiledQuery, id: unknown) => Promise<unknown> };
  const original = executor.executeQuery;
  const sent: CompiledQuery[] = [];
  executor.executeQuery = (q, id) => {
    sent.push(q);
    return original.call(executor, q, id);
  };
  try {
    await run();
  } finally {
    executor.executeQuery = original;
  }
  return sent.map((q) => {
    const rows = handle.sqlite?.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as {
      detail: string;
    }[];
    return { sql: q.sql, plan: rows.map((r) => r.detail).join('\n') };
  });
}

it("reads each row's groups by the recipient, and a group's page from the group's name index", async () => {
  const [first] = await plans(() => listRecipientsPage(handle.db, 'c1', {}, null, 51));
  expect(first?.plan).toMatch(
    /SEARCH m USING INDEX recipient_group_members_recipient_idx \(client_id=\? AND recipient_id=\?\)/,
  );
  expect(first?.plan).not.toMatch(/recipient_group_members_page_idx|SCAN m/);

  const [group] = await plans(() => listRecipientsPage(handle.db, 'c1', { groupId: 'g1' }, null, 51));
  expect(group?.plan).toMatch(
    /SEARCH m USING INDEX recipient_group_members_page_idx \(group_id=\? AND display_name>\?\)/,
  );
  expect(group?.plan).not.toMatch(/TEMP B-TREE FOR ORDER BY/);
});

it('finds which recipients are already members by the primary key', async () => {
  const sent = await plans(() => addMembers(handle.db, 'c1', 'g1', ['r1', 'r2', 'r3'], at));
  const check = sent.find((s) => s.sql.startsWith('select'));
  expect(check?.plan).toMatch(
    /USING (COVERING )?INDEX sqlite_autoindex_recipient_group_members_1 \(group_id=\? AND recipient_id=\?\)/,
  );
});
