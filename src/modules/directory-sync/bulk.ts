// Multi-row writes sized for a Graph page. SQLite takes a multi-row VALUES list (bound once per
// statement); on PostgreSQL the same rows go as one array per column through unnest(), because
// parsing and planning a VALUES list of 16,000 parameters costs more than the insert itself.
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';

export interface Column {
  name: string;
  /** PostgreSQL array element type for unnest */
  pg: 'text' | 'int4';
}

/**
 * INSERT rows into `table`, with `conflict` (raw SQL after ON CONFLICT, written for both engines,
 * e.g. `(id) do update set email = excluded.email`). Identifiers are ours, never user input.
 */
export async function bulkInsert(
  db: Db,
  postgres: boolean,
  table: string,
  columns: Column[],
  rows: Record<string, unknown>[],
  conflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = sql.raw(columns.map((c) => `"${c.name}"`).join(', '));
  if (postgres) {
    const arrays = columns.map((c) => sql`${rows.map((r) => r[c.name] ?? null)}::${sql.raw(c.pg)}[]`);
    await sql`insert into ${sql.table(table)} (${names}) select * from unnest(${sql.join(arrays)}) on conflict ${sql.raw(conflict)}`.execute(
      db,
    );
    return;
  }
  const values = rows.map((r) => sql`(${sql.join(columns.map((c) => r[c.name] ?? null))})`);
  await sql`insert into ${sql.table(table)} (${names}) values ${sql.join(values)} on conflict ${sql.raw(conflict)}`.execute(
    db,
  );
}

/** `column in (…)` for SQLite, `column = any($1)` on PostgreSQL (one parameter, one plan). */
export const inList = (postgres: boolean, column: string, values: string[]) =>
  postgres
    ? sql<boolean>`${sql.ref(column)} = any(${values}::text[])`
    : sql<boolean>`${sql.ref(column)} in (${sql.join(values)})`;
