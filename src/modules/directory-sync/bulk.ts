// Writes and key lookups sized for a Graph page, the hot path of an import.
//
// SQLite: single-row prepared statements on the raw better-sqlite3 connection, cached per
// connection. They run on the very connection whose transaction Kysely holds (Kysely's SQLite
// driver has exactly one, behind a mutex), so they commit or roll back with the page. Compiling a
// 999-row VALUES list through Kysely and SQLite cost more than the rows' own index work:
// bench:import spent 4.3 s of 10.4 s in recipients inserts; stepping one prepared statement per
// row does the same work in about 1.3 s.
//
// PostgreSQL: every row of a chunk goes as one array per column through unnest(), one statement
// a chunk — a round trip per row would cost more than the insert, and parsing and planning a
// VALUES list of 16,000 parameters does too.
import type SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Db, DbHandle } from '../../db/connection.js';
import { breathe } from '../../lib/breathe.js';

/** How bulk statements reach the database. */
export type Engine = { kind: 'postgres' } | { kind: 'sqlite'; raw: SQLite.Database };

export function engineOf(handle: DbHandle): Engine {
  if (handle.kind === 'postgres') return { kind: 'postgres' };
  if (!handle.sqlite) throw new Error('SQLite handle without its connection');
  return { kind: 'sqlite', raw: handle.sqlite };
}

export interface Column {
  name: string;
  /** PostgreSQL array element type for unnest */
  pg: 'text' | 'int4';
}

// Rows per PostgreSQL statement (and per SQLite lookup batch): one Graph page.
const CHUNK = 999;
export const chunks = <T>(xs: T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
};

const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();
function prepared(raw: SQLite.Database, text: string): SQLite.Statement {
  let cache = statements.get(raw);
  if (!cache) {
    cache = new Map();
    statements.set(raw, cache);
  }
  let st = cache.get(text);
  if (!st) {
    st = raw.prepare(text);
    cache.set(text, st);
  }
  return st;
}

const ident = (name: string) => `"${name}"`;

// SQLite's statements run synchronously on the one JavaScript thread. Every few hundred rows the
// event loop gets a turn, so the Graph responses of the pages fetched ahead are taken in while a
// batch is written (otherwise fetching stalls for the whole batch), and the HTTP server answers
// requests that need no database.
const YIELD_EVERY = 250;

/**
 * INSERT rows into `table`, with `conflict` (raw SQL after ON CONFLICT, written for both engines,
 * e.g. `(id) do update set email = excluded.email`). Identifiers are ours, never user input.
 */
export async function bulkInsert(
  db: Db,
  engine: Engine,
  table: string,
  columns: Column[],
  rows: Record<string, unknown>[],
  conflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => ident(c.name)).join(', ');
  if (engine.kind === 'sqlite') {
    const st = prepared(
      engine.raw,
      `insert into ${ident(table)} (${names}) values (${columns.map(() => '?').join(', ')}) on conflict ${conflict}`,
    );
    const values = new Array<unknown>(columns.length);
    for (let n = 0; n < rows.length; n++) {
      const r = rows[n] as Record<string, unknown>;
      for (let i = 0; i < columns.length; i++) values[i] = r[(columns[i] as Column).name] ?? null;
      st.run(values);
      if (n % YIELD_EVERY === YIELD_EVERY - 1) await breathe();
    }
    return;
  }
  for (const part of chunks(rows)) {
    const arrays = columns.map((c) => sql`${part.map((r) => r[c.name] ?? null)}::${sql.raw(c.pg)}[]`);
    await sql`insert into ${sql.table(table)} (${sql.raw(names)}) select * from unnest(${sql.join(arrays)}) on conflict ${sql.raw(conflict)}`.execute(
      db,
    );
  }
}

/** SQLite: the one-key statement of rowsByKey (arguments: the `where` values in order, then the key). */
export function sqliteKeyLookup(table: string, select: string[] | '*', where: Record<string, string>, key: string) {
  const cols = select === '*' ? '*' : select.map(ident).join(', ');
  const conditions = [...Object.keys(where), key].map((c) => `${ident(c)} = ?`).join(' and ');
  return `select ${cols} from ${ident(table)} where ${conditions}`;
}

/**
 * PostgreSQL: the statement of rowsByKey for one chunk of keys, one index seek per key. The
 * obvious `key = any($keys)` reads the whole client instead: the planner prices 999 seeks above one
 * pass over the client's rows (a sequential or bitmap scan on client_id) at any size, so each
 * page's lookups cost more as the import grows — bench:import (100,000 users) spent 9 s of its
 * commits in them. The lateral subquery is evaluated per key, and OFFSET 0 keeps the planner from
 * flattening it back into a join it may hash.
 */
export function pgKeyLookup(
  table: string,
  select: string[] | '*',
  where: Record<string, string>,
  key: string,
  keys: string[],
) {
  const cols = select === '*' ? '*' : select.map(ident).join(', ');
  const filters = Object.keys(where).map((c) => sql`${sql.ref(c)} = ${where[c]}`);
  return sql`select found.* from unnest(${keys}::text[]) as wanted(key) cross join lateral (select ${sql.raw(cols)} from ${sql.table(table)} where ${sql.join(
    [...filters, sql`${sql.ref(key)} = wanted.key`],
    sql` and `,
  )} offset 0) as found`;
}

/**
 * The rows of `table` matching `where` (column = value, all of them) whose `key` is one of
 * `keys`: one indexed seek per key on SQLite, one statement per chunk on PostgreSQL.
 */
export async function rowsByKey<T>(
  db: Db,
  engine: Engine,
  table: string,
  select: string[] | '*',
  where: Record<string, string>,
  key: string,
  keys: string[],
): Promise<T[]> {
  // each row once, as `key in (…)` would: a page may name an address twice
  keys = [...new Set(keys)];
  if (keys.length === 0) return [];
  if (engine.kind === 'sqlite') {
    const st = prepared(engine.raw, sqliteKeyLookup(table, select, where, key));
    const fixed = Object.keys(where);
    const args: unknown[] = fixed.map((c) => where[c]);
    const out: T[] = [];
    for (let n = 0; n < keys.length; n++) {
      args[fixed.length] = keys[n];
      for (const row of st.all(args)) out.push(row as T);
      if (n % YIELD_EVERY === YIELD_EVERY - 1) await breathe();
    }
    return out;
  }
  const out: T[] = [];
  for (const part of chunks(keys)) {
    const r = await pgKeyLookup(table, select, where, key, part).execute(db);
    out.push(...(r.rows as T[]));
  }
  return out;
}
