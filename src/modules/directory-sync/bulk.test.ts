// The page lookups of an import (bulk.ts) on the engine under test (SQLite, or PostgreSQL when
// BAITWISE_TEST_DATABASE_URL is set): the right rows, only the client's, and found by seeking the
// key's index — a plan that reads the client's whole table makes every page of a 100,000-user
// import cost more than the one before.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/db.js';
import { newOrderedId, nowIso } from '../../lib/ids.js';
import { bulkInsert, type Column, type Engine, engineOf, pgKeyLookup, rowsByKey, sqliteKeyLookup } from './bulk.js';

const COLUMNS: Column[] = [
  'id',
  'client_id',
  'email',
  'email_key',
  'entra_object_id',
  'source',
  'created_at',
  'updated_at',
].map((name) => ({ name, pg: 'text' }));
const ROWS = 3000;

describe('bulk key lookups', () => {
  let tdb: TestDatabase;
  let engine: Engine;
  const clients = [newOrderedId(), newOrderedId()];
  const entraId = (n: number) => `entra-${String(n).padStart(5, '0')}`;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    engine = engineOf(tdb.handle);
    const db = tdb.handle.db;
    const now = nowIso();
    for (const [i, id] of clients.entries()) {
      await db
        .insertInto('clients')
        .values({
          id,
          name: `Client ${i}`,
          name_key: `client ${i}`,
          archived_at: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    // Both clients hold the same Entra ids and addresses (two tenants may share a guest).
    await db.transaction().execute(async (trx) => {
      for (const clientId of clients) {
        const rows = Array.from({ length: ROWS }, (_, n) => ({
          id: newOrderedId(),
          client_id: clientId,
          email: `user${n}@contoso.test`,
          email_key: `user${n}@contoso.test`,
          entra_object_id: entraId(n),
          source: 'entra',
          created_at: now,
          updated_at: now,
        }));
        await bulkInsert(trx, engine, 'recipients', COLUMNS, rows, '(id) do nothing');
      }
    });
  });
  afterAll(() => tdb?.drop());

  it("return each matching row of the client once, and none of another client's", async () => {
    const keys = [entraId(1), entraId(2), entraId(2), 'not-there', entraId(ROWS - 1)];
    const rows = await tdb.handle.db
      .transaction()
      .execute((trx) =>
        rowsByKey<{ client_id: string; entra_object_id: string; email: string }>(
          trx,
          engine,
          'recipients',
          ['client_id', 'entra_object_id', 'email'],
          { client_id: clients[0] as string },
          'entra_object_id',
          keys,
        ),
      );
    expect(rows.map((r) => r.entra_object_id).sort()).toEqual([entraId(1), entraId(2), entraId(ROWS - 1)]);
    expect(new Set(rows.map((r) => r.client_id))).toEqual(new Set([clients[0]]));
    expect(rows.find((r) => r.entra_object_id === entraId(1))?.email).toBe('user1@contoso.test');
  });

  it('seek the key index for a whole page of keys instead of reading every row of the client', async () => {
    const keys = Array.from({ length: 999 }, (_, n) => entraId(n * 3));
    const where = { client_id: clients[0] as string };
    let plan: string;
    if (engine.kind === 'postgres') {
      const r = await sql<{
        'QUERY PLAN': string;
      }>`explain ${pgKeyLookup('recipients', '*', where, 'email_key', keys)}`.execute(tdb.handle.db);
      plan = r.rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toMatch(/Index Scan using recipients_email_uq on recipients/);
    } else {
      const text = sqliteKeyLookup('recipients', '*', where, 'email_key');
      const rows = engine.raw.prepare(`explain query plan ${text}`).all(clients[0], keys[0]) as { detail: string }[];
      plan = rows.map((row) => row.detail).join('\n');
      expect(plan).toMatch(/SEARCH recipients USING INDEX recipients_email_uq/);
    }
    expect(plan).not.toMatch(/Seq Scan on recipients|SCAN recipients/);
  });
});
