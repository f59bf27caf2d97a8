// A query on a hot path, built and compiled once per shape and then run with new values. Kysely
// builds an operation tree and compiles it to SQL on every call: for the outbox's claim that was
// 0.14 ms, nearly what SQLite takes to run it, and the dispatcher runs a claim, a finish and a
// pace update per message. Built once with a marker object standing for each value that changes,
// compiled, and from then on only the parameters are put in place.
//
// The compiled query skips Kysely's plugins' transformQuery: write-watch.ts is not told. Use it
// for reads, or for writes to tables no cache watches (the outbox's and the sending profiles'),
// never for writes to ACTOR_TABLES.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

const compiled = new Map<string, { query: CompiledQuery; names: (string | null)[] }>();
/**
 * Shapes kept at most: a key may carry a number a caller chose (a recipients page's size, 1–201,
 * is a literal in its SQL), so the keys are many but finite; past this the oldest is dropped.
 */
const MAX_SHAPES = 2_000;

/**
 * `build` is called with a marker per name of `values` (use each marker where its value goes, as
 * a value, never to choose between shapes: a shape is `key`'s to name) — once per key and dialect.
 */
export function reusedQuery<R, V extends Record<string, unknown>>(
  db: Kysely<unknown> | { getExecutor: Kysely<unknown>['getExecutor'] },
  key: string,
  values: V,
  build: (marks: { [K in keyof V]: V[K] }) => Compilable<R>,
): CompiledQuery<R> {
  const cacheKey = `${db.getExecutor().adapter.constructor.name}:${key}`;
  let entry = compiled.get(cacheKey);
  if (!entry) {
    const marks = Object.fromEntries(Object.keys(values).map((k) => [k, { mark: k }])) as Record<string, unknown>;
    const byMark = new Map(Object.entries(marks).map(([k, m]) => [m, k]));
    const query = build(marks as { [K in keyof V]: V[K] }).compile();
    entry = { query, names: query.parameters.map((p) => byMark.get(p) ?? null) };
    if (!entry.names.some((n) => n !== null)) throw new Error(`reusedQuery ${key}: no marker reached the SQL`);
    if (compiled.size >= MAX_SHAPES) compiled.delete(compiled.keys().next().value as string);
    compiled.set(cacheKey, entry);
  }
  const { query, names } = entry;
  return {
    ...query,
    parameters: query.parameters.map((p, i) => {
      const name = names[i];
      return name == null ? p : values[name];
    }),
  } as CompiledQuery<R>;
}
