// PostgreSQL only (scripts/test.sh runs it in that pass): a bulk write of recipients vacuums and
// analyses the tables it wrote to at once (db/statistics.ts), so the next search is planned for
// the rows that are there rather than for the empty table autovacuum last saw, and its index-only
// scans need not read the table.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BULK_ROWS } from '../src/db/statistics.js';
import { ADMIN, createTestApp, type Session, type TestApp } from './helpers/app.js';
import { testDatabaseKind } from './helpers/db.js';

describe.skipIf(testDatabaseKind() !== 'postgres')('table statistics after a bulk write on PostgreSQL', () => {
  let t: TestApp;
  let sys: Session;
  beforeAll(async () => {
    t = await createTestApp();
    sys = await t.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await t?.close();
  });

  const lastAnalysed = async () =>
    (
      await sql<{ last_analyze: Date | null }>`select last_analyze from pg_stat_user_tables
        where relname = 'recipients' and schemaname = current_schema()`.execute(t.db.handle.db)
    ).rows[0]?.last_analyze ?? null;
  /** The pages of recipients, and how many of them the visibility map marks all-visible. */
  const visibility = async () => {
    const { rows } = await sql<{ relpages: number; relallvisible: number }>`select relpages, relallvisible
      from pg_class where oid = 'recipients'::regclass`.execute(t.db.handle.db);
    return rows[0];
  };
  const importRows = async (clientId: string, n: number, prefix: string) => {
    const rows = Array.from({ length: n }, (_, i) => `${prefix}${i}@contoso.example,${prefix} ${i}`);
    const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/recipients/import`, {
      csv: `email,display_name\n${rows.join('\n')}\n`,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().created).toBe(n);
  };

  it('vacuums and analyses recipients after an import of many rows, not after a small one', async () => {
    const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Contoso' })).json().id as string;
    await importRows(clientId, 20, 'few');
    expect(await lastAnalysed()).toBeNull();
    await importRows(clientId, BULK_ROWS, 'many');
    expect(await lastAnalysed()).toBeInstanceOf(Date);
    // what the planner now knows: the rows, not an empty table
    const { rows } = await sql<{ reltuples: number }>`select reltuples from pg_class
      where oid = 'recipients'::regclass`.execute(t.db.handle.db);
    expect(Number(rows[0]?.reltuples)).toBeGreaterThanOrEqual(BULK_ROWS);
    // and vacuumed: every page is all-visible, so an index-only scan (a search's walk of the
    // name index) reads no row from the table
    const v = await visibility();
    expect(v?.relpages).toBeGreaterThan(0);
    expect(v?.relallvisible).toBe(v?.relpages);
  });
});
