// PostgreSQL parses and plans every unnamed statement it is sent, and for the small indexed
// queries that serve most requests that costs several times the execution: the learner link's
// four-table lookup planned in 0.34 ms and ran in 0.03 ms. A named (prepared) statement is parsed
// once per connection, and after a few runs PostgreSQL keeps a generic plan for it.
//
// Kysely sends every query unnamed, so the pool's clients name the ones worth naming themselves:
// a query text seen HOT_AFTER times gets a name derived from its text. What is named stays bounded:
// at most MAX_NAMED texts in a process (each connection prepares only those it runs), so query
// texts that vary with their values (an IN list's length) cannot grow the server's memory without
// limit; once the cap is reached, further texts simply stay unnamed. Only queries that carry
// parameters are named: those already use the extended protocol, which takes one statement, so a
// parameterless text (BEGIN, a migration's DDL, SET) is never turned into a prepared one.
//
// Nor is a text with a LIKE: after five runs PostgreSQL may keep a generic plan, made without the
// values, and a pattern's selectivity is all a search's plan depends on. The recipients'
// contains-search got the plan for "every row matches" (walk the client, test each row: 147 ms
// for 100,000 recipients) in place of the trigram index's (2.5 ms for a rare term): bench:api
// measured 29–42 searches a second in the runs where that happened, 307 where it did not.
import { createHash } from 'node:crypto';
import pg from 'pg';

export const HOT_AFTER = 3;
export const MAX_NAMED = 400;
/** query texts counted but not yet named; the count starts over when it is full */
const MAX_COUNTED = 5_000;
/** Texts whose plan must be made for their values (see above): planned anew on every run. */
const PLANNED_PER_VALUE = /\b(i?like)\b/i;

export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();

  /** The name to prepare `text` under, or undefined to send it unnamed. */
  nameFor(text: string): string | undefined {
    const name = this.names.get(text);
    if (name) return name;
    if (this.names.size >= MAX_NAMED || PLANNED_PER_VALUE.test(text)) return undefined;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count < HOT_AFTER) {
      if (this.seen.size >= MAX_COUNTED) this.seen.clear();
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    const fresh = `bw_${createHash('sha1').update(text).digest('base64url')}`;
    this.names.set(text, fresh);
    return fresh;
  }

  get size() {
    return this.names.size;
  }
}

const NAMING = Symbol('baitwise.namedStatements');

/** A pool whose clients prepare the texts `names` names (see above). */
export function namingPool(config: pg.PoolConfig, names = new StatementNames()): pg.Pool {
  const pool = new pg.Pool(config);
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  (pool as { connect: unknown }).connect = async () => {
    const client = await connect();
    const c = client as pg.PoolClient & { [NAMING]?: true };
    if (!c[NAMING]) {
      const plain = client.query.bind(client) as (...args: unknown[]) => unknown;
      (c as { query: unknown }).query = (...args: unknown[]) => {
        const [text, values] = args;
        if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && args.length === 2) {
          const name = names.nameFor(text);
          if (name) return plain({ name, text, values });
        }
        return plain(...args);
      };
      c[NAMING] = true;
    }
    return client;
  };
  return pool;
}
