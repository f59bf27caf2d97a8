// Recipients. Every function takes the client id and puts it in the where clause: there is no
// lookup of a recipient by id alone. The list is keyset-paged on (display_name, id), which the
// index recipients_search_idx (client_id, display_name, id, …) serves on both engines.
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { type Engine, engineOf } from '../../db/engine.js';
import { reusedQuery } from '../../db/reused-query.js';
import { foldName } from '../../db/search-fold.js';
import type { Database, RecipientsTable } from '../../db/types.js';
import { breathe } from '../../lib/breathe.js';
import type { ListCursor } from './cursor.js';

export type RecipientRow = RecipientsTable;

/** What a bulk write of recipients (CSV import, directory sync) changes: analysed after it (db/statistics.ts). */
export const RECIPIENT_TABLES = ['recipients', 'recipient_group_members'] as const;
export type RecipientSource = RecipientsTable['source'];

export interface RecipientFilter {
  search?: string;
  department?: string;
  jobTitle?: string;
  groupId?: string;
  enabled?: boolean;
  source?: RecipientSource;
  userType?: string;
}

type Eb = ExpressionBuilder<Database, 'recipients'>;

/** LIKE pattern for "contains", with the wildcards of the term itself escaped. */
const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Trigrams: a term of fewer characters has none, so no index can find it. */
const INDEXED_TERM_MIN = 3;

/** At most this many index hits, a search reads its rows by rowid and sorts them itself. */
const SPARSE_HITS = 1000;

/**
 * How a search runs on SQLite, decided per request from the index itself: `sparse` when the
 * term has few hits (the rows are looked up by rowid and sorted: 0.1 ms for 10 hits at 100,000
 * recipients, where walking the client's index in name order and testing each row took 30–80 ms),
 * `dense` otherwise, `scan` for a term too short for trigrams. A dense page is read by `walk`:
 * the client's covering index in name order, each row tested directly (foldedMatch), which finds a
 * page of hits within a few hundred rows; a dense count matches the index once instead (every row
 * of the client would be tested otherwise).
 */
type SearchPlan = 'sparse' | 'dense' | 'walk' | 'scan';

/**
 * The index's query for "contains": the names are indexed folded (search-fold.ts), email keys as
 * stored (lower case), so the term is folded the same way for each; one phrase over every column
 * unless the term holds a letter they fold apart (U+0130).
 */
function ftsPhrase(term: string): string {
  const quoted = (t: string) => `"${t.replace(/"/g, '""')}"`;
  const names = foldName(term);
  const email = term.toLowerCase();
  return names === email
    ? `{email_key display_name first_name last_name} : ${quoted(names)}`
    : `{display_name first_name last_name} : ${quoted(names)} OR email_key : ${quoted(email)}`;
}

/**
 * Plan choices (a term's density, a group's size), remembered for a few seconds by what they were
 * made for: paging through a search or a group makes the same choice on every page, and asking
 * costs a round trip before the page's own. A choice decides only how a page is read, never which
 * rows it holds (both ways test the same conditions), so one a little stale is at worst slower.
 */
const PLAN_TTL_MS = 10_000;
const PLAN_HINTS_MAX = 1000;
const planHints = new Map<string, { value: SearchPlan | boolean; until: number }>();
async function remembered<T extends SearchPlan | boolean>(key: string, decide: () => Promise<T>): Promise<T> {
  const now = performance.now();
  const hint = planHints.get(key);
  if (hint && hint.until > now) return hint.value as T;
  const value = await decide();
  planHints.delete(key);
  if (planHints.size >= PLAN_HINTS_MAX) planHints.delete(planHints.keys().next().value as string);
  planHints.set(key, { value, until: now + PLAN_TTL_MS });
  return value;
}

// Both questions are query-builder selects (selectNoFrom), not raw `sql`, so that on SQLite they
// run on a reader thread (db/sqlite-readers.ts routes SELECT nodes only).
async function planSearch(db: Db, clientId: string, f: RecipientFilter): Promise<SearchPlan | null> {
  const term = f.search;
  if (!term || engineOf(db) !== 'sqlite') return null;
  if ([...term].length < INDEXED_TERM_MIN) return 'scan';
  return remembered(`search|${clientId}|${term}`, async () => {
    const r = await db
      .selectNoFrom([
        sql<number>`(select count(*) from (select rowid from recipients_fts where recipients_fts match ${ftsPhrase(term)} limit ${SPARSE_HITS + 1}))`.as(
          'hits',
        ),
        sql<number>`(select count(*) from (select 1 from recipients_search_pending where client_id = ${clientId} limit ${SPARSE_HITS + 1}))`.as(
          'pending',
        ),
      ])
      .executeTakeFirstOrThrow();
    return Number(r.hits) <= SPARSE_HITS && Number(r.pending) <= SPARSE_HITS ? 'sparse' : 'dense';
  });
}

/** Members above which a page of a group is found by walking the client in page order (SQLite). */
const LARGE_GROUP = 1000;

/** Whether the page's group filter should probe members row by row (see conditions). */
async function isLargeGroup(db: Db, clientId: string, f: RecipientFilter): Promise<boolean> {
  const groupId = f.groupId;
  if (groupId === undefined || engineOf(db) !== 'sqlite') return false;
  return remembered(`group|${clientId}|${groupId}`, async () => {
    const r = await db
      .selectNoFrom(
        sql<number>`(select count(*) from (select 1 from recipient_group_members
          where group_id = ${groupId} and client_id = ${clientId} limit ${LARGE_GROUP + 1}))`.as('n'),
      )
      .executeTakeFirstOrThrow();
    return Number(r.n) > LARGE_GROUP;
  });
}

/** email_key is stored lower-cased (toLowerCase), so a lower-cased pattern matches it as folded. */
const emailContains = (term: string) =>
  sql<boolean>`${sql.ref('recipients.email_key')} like ${containsPattern(term).toLowerCase()} escape '\\'`;

/** "contains" with SQLite's own LIKE, which folds ASCII letters only (a term too short for trigrams). */
function plainMatch(term: string): Expression<SqlBool> {
  const p = containsPattern(term);
  const names = (['display_name', 'first_name', 'last_name'] as const).map(
    (col) => sql<boolean>`${sql.ref(`recipients.${col}`)} like ${p} escape '\\'`,
  );
  return sql<boolean>`(${sql.join([emailContains(term), ...names], sql` or `)})`;
}

/**
 * "contains" on the names, folding case for every letter (bw_lower is foldName, search-fold.ts),
 * as the trigram index holds them: a row tested directly is found by the same terms as one the
 * index holds.
 * bw_lower is a call into JavaScript per column and row (three per row a walk rejects: 22 ms to
 * walk 16,000 rows), so it runs only where SQLite's own LIKE, which folds ASCII letters only,
 * could answer differently (all said of the folded term):
 * - a term of ASCII without "i" or "k": never. Of all letters outside ASCII, only U+0130 (İ → i)
 *   and U+212A (the Kelvin sign → k) fold to an ASCII letter, so such a term matches the folded
 *   column where it matches the column;
 * - another ASCII term: for a column with other characters than ASCII (its length in characters
 *   differs from its length in bytes);
 * - a term with other letters: for such a column only (a column of ASCII cannot contain it).
 * The same rows match either way (search-walk.test.ts). bench:api's dense terms at 100,000
 * recipients: 1–7 ms a page, where reading the index's hits first took 12–27 ms.
 */
function foldedMatch(term: string): Expression<SqlBool> {
  const folded = foldName(term);
  const p = foldName(containsPattern(term));
  const ascii = /^\p{ASCII}*$/u.test(folded);
  const asciiOnly = ascii && !/[ik]/.test(folded);
  const names = (['display_name', 'first_name', 'last_name'] as const).map((name) => {
    const col = sql.ref(`recipients.${name}`);
    const plain = sql<boolean>`${col} like ${p} escape '\\'`;
    const other = sql<boolean>`(length(${col}) <> octet_length(${col}) and bw_lower(${col}) like ${p} escape '\\')`;
    return asciiOnly ? plain : ascii ? sql<boolean>`(${plain} or ${other})` : other;
  });
  return sql<boolean>`(${sql.join([emailContains(term), ...names], sql` or `)})`;
}

/**
 * Case-insensitive "contains" on email and names, through the search index of migration
 * 0011_recipient_search: on PostgreSQL pg_trgm's GIN index on the stored, lower-cased text of
 * migration 0030 (a column of PostgreSQL's table only, outside RecipientRow); on SQLite the FTS5
 * trigram index for rows it holds, and a direct test of the rows still pending (search-index.ts),
 * so a row written a moment ago is found by what it holds now, never by what it held. Both fold
 * case for every letter. A term shorter than three characters has no trigram: on SQLite it scans the client's
 * rows with LIKE (which folds ASCII only; email_key is stored lower-cased), on PostgreSQL the same
 * LIKE runs without the index.
 */
function searchCondition(
  clientId: string,
  term: string,
  engine: Engine,
  plan: SearchPlan | null,
  /** SQLite: the index's hits for the term, already read (instead of matching the index again) */
  hits?: readonly number[],
): Expression<SqlBool> {
  if (engine === 'postgres')
    return sql<boolean>`${sql.ref('recipients.search_text')} like lower(${containsPattern(term)}) escape '\\'`;
  if (plan === 'scan' || plan === null) return plainMatch(term);
  if (plan === 'walk') return foldedMatch(term);
  const rowid = sql.ref('recipients.rowid');
  const pending = sql`select recipient_rowid from recipients_search_pending where client_id = ${clientId}`;
  const stillPending = sql<boolean>`(${rowid} in (${pending}) and ${foldedMatch(term)})`;
  // No hits: only pending rows can match (a constant false in the OR would cost SQLite its
  // index-by-index OR plan, and it would scan the client).
  if (hits?.length === 0) return stillPending;
  const indexed = hits
    ? sql`${rowid} in (${sql.join(hits)})`
    : sql`${rowid} in (select rowid from recipients_fts where recipients_fts match ${ftsPhrase(term)})`;
  return sql<boolean>`((${indexed} and ${rowid} not in (${pending}))
    or ${stillPending})`;
}

/** A filter as its SQL binds it: `enabled` as both engines store it (0/1). */
type BoundFilter = Omit<RecipientFilter, 'enabled'> & { enabled?: number };
const bound = (f: RecipientFilter): BoundFilter => ({
  ...f,
  enabled: f.enabled === undefined ? undefined : f.enabled ? 1 : 0,
});

function conditions(
  eb: Eb,
  clientId: string,
  f: BoundFilter,
  engine: Engine,
  plan: SearchPlan | null,
  groupProbe = false,
) {
  const and: Expression<SqlBool>[] = [
    // `+` keeps SQLite from walking the client's index for a sparse search: it looks the hits up by
    // rowid instead (see planSearch).
    plan === 'sparse'
      ? sql<boolean>`+${sql.ref('recipients.client_id')} = ${clientId}`
      : eb('recipients.client_id', '=', clientId),
  ];
  if (f.search) and.push(searchCondition(clientId, f.search, engine, plan));
  if (f.department !== undefined) and.push(eb('recipients.department', '=', f.department));
  if (f.jobTitle !== undefined) and.push(eb('recipients.job_title', '=', f.jobTitle));
  if (f.enabled !== undefined) and.push(eb('recipients.enabled', '=', f.enabled));
  if (f.source !== undefined) and.push(eb('recipients.source', '=', f.source));
  if (f.userType !== undefined) and.push(eb('recipients.user_type', '=', f.userType));
  if (f.groupId !== undefined && groupProbe) {
    // A searched page of a large group (SQLite): walk the client's name index in page order and probe the
    // members' primary key per row, stopping at the page's last row — instead of reading every
    // member and sorting them all for 50 rows. A scalar subquery, not EXISTS: SQLite turns EXISTS
    // into a join and first builds a Bloom filter of every member, on every page; `+` keeps it on
    // the primary key (group_id, recipient_id). 100,000 recipients, a group of 10,000: a page's
    // query 7.5 → 0.35 ms.
    and.push(
      sql<boolean>`(select 1 from recipient_group_members as m where m.group_id = ${f.groupId}
        and m.recipient_id = ${sql.ref('recipients.id')} and +m.client_id = ${clientId}) is not null`,
    );
  } else if (f.groupId !== undefined) {
    // IN rather than a correlated EXISTS: SQLite then reads the group's members once and seeks
    // each recipient, instead of probing the members table once per row of the client
    // (measured: about half the time for the count at 100,000 recipients, and for a page of a
    // small group, whose few members are found at once rather than by walking the whole client).
    and.push(
      eb(
        'recipients.id',
        'in',
        eb
          .selectFrom('recipient_group_members as m')
          .select('m.recipient_id')
          .where('m.client_id', '=', clientId)
          .where('m.group_id', '=', f.groupId),
      ),
    );
  }
  return and;
}

/** A group a recipient is in, as lists show it. */
export interface GroupRef {
  id: string;
  name: string;
}

export type RecipientWithGroups = RecipientRow & { groups: GroupRef[] };

/**
 * The recipient's groups, by name, as JSON computed on a query on `recipients` (SQLite's aggregate
 * ORDER BY needs 3.44, which better-sqlite3 bundles), so a page and its groups are one statement
 * rather than two.
 */
function groupsOf(engine: Engine, clientId: string) {
  const agg =
    engine === 'postgres'
      ? sql`coalesce(json_agg(json_build_object('id', g.id, 'name', g.name) order by g.name), '[]'::json)`
      : sql`json_group_array(json_object('id', g.id, 'name', g.name) order by g.name)`;
  return sql<string | GroupRef[]>`(select ${agg} from recipient_group_members as m
    join recipient_groups as g on g.id = m.group_id and g.client_id = ${clientId}
    where m.client_id = ${clientId} and m.recipient_id = ${sql.ref('recipients.id')})`;
}

/** The groups as a column of a query on `recipients` (JSON text on SQLite, parsed JSON on PostgreSQL). */
const groupsColumn = (db: Db, clientId: string) => groupsOf(engineOf(db), clientId).as('groups');

/** Every column of `recipients` (the compiler checks the list is all of them and nothing else). */
const RECIPIENT_COLUMNS = Object.keys({
  id: 1,
  client_id: 1,
  email: 1,
  email_key: 1,
  first_name: 1,
  last_name: 1,
  display_name: 1,
  department: 1,
  job_title: 1,
  office_location: 1,
  entra_object_id: 1,
  user_type: 1,
  enabled: 1,
  source: 1,
  time_zone: 1,
  created_at: 1,
  updated_at: 1,
} satisfies Record<keyof RecipientRow, 1>);

/**
 * What a read of a recipient selects: RecipientRow's columns by name, never `*`, because
 * PostgreSQL's table has one more (search_text, migration 0030), there for its indexes alone.
 */
const RECIPIENT_SELECTION = RECIPIENT_COLUMNS.map((c) => `recipients.${c}` as `recipients.${keyof RecipientRow}`);

/** A page's size as it goes into the SQL text: a whole number, never anything a caller wrote. */
function pageSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`page size ${n} is not a positive integer`);
  return n;
}

/** A page as the database returns it: JSON text (SQLite), parsed JSON or NULL over no rows (PostgreSQL). */
type PageJson = string | RecipientWithGroups[] | null;

/** PostgreSQL's page: each row with its group ids (NULL for none), beside the page's groups in name order. */
type PgPageRow = RecipientRow & { group_ids: string[] | null; groups: GroupRef[] | null };
interface PgPage {
  page: PgPageRow[] | null;
  groups: [id: string, name: string][] | null;
}

/**
 * PostgreSQL: each row's groups from its ids and the page's groups, which come in name order (the
 * database's collation, as a per-row ORDER BY g.name gave them). A membership whose group the
 * client does not have is left out, as the join left it out.
 */
function pgPageRows({ page, groups }: PgPage): RecipientWithGroups[] {
  const rows = page ?? [];
  if (rows.length === 0) return [];
  const rank = new Map((groups ?? []).map(([id], i) => [id, i]));
  const refs = (groups ?? []).map(([id, name]) => ({ id, name }));
  // Each row's `groups` is set in place: copying 51 rows of 19 fields (spread, rest) cost the event
  // loop more than the database saved, and left objects slower to read for the view.
  for (const row of rows) {
    row.groups = (row.group_ids ?? [])
      .flatMap((id) => rank.get(id) ?? [])
      .sort((a, b) => a - b)
      .map((i) => refs[i] as GroupRef);
  }
  return rows as RecipientWithGroups[];
}

/**
 * SQLite: a page's rows with their groups as one JSON array, in the keys' order, built in C:
 * better-sqlite3 making 51 row objects and the reader thread copying them to the event loop cost
 * three times as much (0.59 against 0.21 ms a page), and the event loop parses one string instead
 * of receiving 51 objects. Every column is text or an integer, so the JSON holds exactly the row.
 */
function pageJson(clientId: string) {
  const fields = sql.join(
    RECIPIENT_COLUMNS.map((c) => sql`${sql.lit(c)}, ${sql.ref(`recipients.${c}`)}`),
    sql`, `,
  );
  return sql<PageJson>`json_group_array(json_object(${fields}, 'groups', json(${groupsOf('sqlite', clientId)}))
    order by ${sql.ref('k.display_name')}, ${sql.ref('k.id')})`;
}

const parseGroups = (v: string | GroupRef[]): GroupRef[] => (typeof v === 'string' ? JSON.parse(v) : v);

/**
 * One page in the order (display_name, id), rows without a display name last. The engines
 * disagree on where NULL sorts, so named and unnamed rows are read by two plain range scans
 * rather than one ORDER BY: the order is then the same on SQLite and PostgreSQL (the second only
 * when the named rows do not fill the page). Only the keys are read in order (from an index that
 * covers the searched columns, so a search that matches few rows does not fetch every row it
 * rejects); the page's rows and their groups are joined to them in the same statement: a page is
 * one round trip to the database. Without a search, a page's statement is built and compiled once
 * per shape (which filters, which part, after a cursor or not) and then only given its values:
 * building it with the query builder cost the event loop about 0.1 ms a page, a sixth of its work
 * on a list request.
 */
export async function listRecipientsPage(
  db: Db,
  clientId: string,
  f: RecipientFilter,
  after: ListCursor | null,
  limit: number,
): Promise<RecipientWithGroups[]> {
  // Without a search a group's page reads its members in page order (pageQuery); with one, the
  // search's hits are walked and a large group probed row by row (conditions).
  const [plan, groupProbe] = await Promise.all([
    planSearch(db, clientId, f),
    f.search ? isLargeGroup(db, clientId, f) : false,
  ]);
  const pagePlan = plan === 'dense' ? 'walk' : plan;
  const filter = bound(f);
  const afterId = after?.name === null ? after.id : null;
  // Both parts read up to `limit` rows, written into the SQL as a literal (see pageQuery); the
  // second part, rarely reached, is cut to what the page still lacks.
  const part = async (named: boolean): Promise<RecipientWithGroups[]> => {
    const shape: PageShape = { named, after: named ? after : afterId === null ? null : { name: null, id: afterId } };
    const values = { clientId, ...filter, afterName: shape.after?.name, afterId: shape.after?.id };
    // A search's SQL depends on its term (the plan, the index's hits): it is built every time.
    const q =
      filter.search === undefined
        ? reusedQuery(db, pageShapeKey(filter, groupProbe, shape, limit), values, (v) =>
            pageQuery(db, v.clientId, markedFilter(filter, v), pagePlan, groupProbe, markedShape(shape, v), limit),
          )
        : pageQuery(db, clientId, filter, pagePlan, groupProbe, shape, limit).compile();
    const row = (await db.executeQuery(q)).rows[0] as { page: PageJson } | PgPage | undefined;
    if (row === undefined) return [];
    return typeof row.page === 'string' ? JSON.parse(row.page) : pgPageRows(row as PgPage);
  };
  const page = after === null || after.name !== null ? await part(true) : [];
  if (page.length < limit) page.push(...(await part(false)).slice(0, limit - page.length));
  return page;
}

/** Which rows a part of a page reads: those with a display name or those without, after a key. */
interface PageShape {
  named: boolean;
  after: { name: string | null; id: string } | null;
}

const FILTER_KEYS = ['department', 'jobTitle', 'enabled', 'source', 'userType', 'groupId'] as const;

/** What a page's SQL depends on besides its values (a search's is never reused). */
const pageShapeKey = (f: BoundFilter, groupProbe: boolean, shape: PageShape, limit: number) =>
  `recipients.page.${shape.named}.${shape.after !== null}.${groupProbe}.${FILTER_KEYS.map((k) => Number(f[k] !== undefined)).join('')}.${limit}`;

/** The filter with reusedQuery's markers for the values it holds. */
const markedFilter = (f: BoundFilter, v: BoundFilter): BoundFilter =>
  Object.fromEntries(FILTER_KEYS.map((k) => [k, f[k] === undefined ? undefined : v[k]]));

const markedShape = (shape: PageShape, v: { afterName?: string | null; afterId?: string }): PageShape => ({
  named: shape.named,
  after: shape.after && { name: v.afterName ?? null, id: v.afterId ?? '' },
});

/** Which rows of the page order a part reads: named rows after the cursor's (name, id), or unnamed ones after its id. */
function pageRange(shape: PageShape, name: string, id: string): Expression<SqlBool>[] {
  const [n, i, after] = [sql.ref(name), sql.ref(id), shape.after];
  return shape.named
    ? [sql<boolean>`${n} is not null`, ...(after ? [sql<boolean>`(${n}, ${i}) > (${after.name}, ${after.id})`] : [])]
    : [sql<boolean>`${n} is null`, ...(after ? [sql<boolean>`${i} > ${after.id}`] : [])];
}

/**
 * One part of a page as a statement: the keys in page order, read from the client's index (or,
 * for a group without a search, from the group's members in page order), then the rows and their
 * groups joined to them as one JSON array (pageJson).
 */
function pageQuery(
  db: Db,
  clientId: string,
  f: BoundFilter,
  plan: SearchPlan | null,
  groupProbe: boolean,
  shape: PageShape,
  n: number,
) {
  const engine = engineOf(db);
  // A literal, not a parameter: PostgreSQL cannot cost a generic plan for `limit $n`, so it
  // planned every page anew (0.3–0.5 ms of its backend a page, about as long as running it);
  // with the number in the text it keeps one plan per statement after five runs.
  const limit = sql.lit(pageSize(n));
  const { groupId } = f;
  const keys =
    groupId !== undefined && f.search === undefined
      ? // A group's page walks its members' name index (migration 0029), a bounded range scan.
        // Another filter is tested on the recipient row of each (CROSS JOIN: members outer);
        // without one the keys need no recipient row (the rows' join below is the client's own).
        db
          .selectFrom('recipient_group_members as m')
          .select(['m.recipient_id as id', 'm.display_name'])
          .where('m.client_id', '=', clientId)
          .where('m.group_id', '=', groupId)
          .where((eb) => eb.and(pageRange(shape, 'm.display_name', 'm.recipient_id')))
          .$if(
            FILTER_KEYS.some((k) => k !== 'groupId' && f[k] !== undefined),
            (q) =>
              q
                .crossJoin('recipients')
                .whereRef('recipients.id', '=', 'm.recipient_id')
                .where((eb) => eb.and(conditions(eb, clientId, { ...f, groupId: undefined }, engine, plan))),
          )
          .$if(shape.named, (q) => q.orderBy('m.display_name'))
          .orderBy('m.recipient_id')
          .limit(limit)
      : db
          .selectFrom('recipients')
          .select(['recipients.id', 'recipients.display_name'])
          .where((eb) =>
            eb.and([
              ...conditions(eb, clientId, f, engine, plan, groupProbe),
              ...pageRange(shape, 'recipients.display_name', 'recipients.id'),
            ]),
          )
          .$if(shape.named, (q) => q.orderBy('recipients.display_name'))
          .orderBy('recipients.id')
          .limit(limit);
  const rows = db
    .selectFrom(keys.as('k'))
    // CROSS JOIN: SQLite then keeps the page's keys as the outer loop (a plain join let it walk
    // the client's rows and probe the keys: a sparse search's page took 19 ms instead of 2).
    .crossJoin('recipients')
    .whereRef('recipients.id', '=', 'k.id')
    .where('recipients.client_id', '=', clientId);
  if (engine === 'sqlite') return rows.select(pageJson(clientId).as('page'));
  // PostgreSQL: each row's own JSON (its columns and its group ids). Building the object pair by
  // pair (json_build_object) cost its backend 0.17 ms more a page than this. The groups' names are
  // read once for the page, not once a row (pgPageRows puts them together): joined per row, a
  // client with few groups was planned as a scan of its groups for every row, 0.4 ms of a group's
  // page, where every row has a group (pgbench: 0.76–0.83 ms a page against 0.62).
  return db
    .with('r', () =>
      rows
        .select(RECIPIENT_SELECTION)
        .select(groupIdsOf(clientId).as('group_ids'))
        // a place for pgPageRows to fill: a property added to each parsed row cost more than setting one
        .select(sql<null>`null`.as('groups')),
    )
    .selectNoFrom([
      sql<PgPage['page']>`(select json_agg(r order by r.display_name, r.id) from r)`.as('page'),
      sql<PgPage['groups']>`(select json_agg(json_build_array(g.id, g.name) order by g.name)
        from recipient_groups as g
        where g.client_id = ${clientId} and g.id in (select unnest(r.group_ids) from r))`.as('groups'),
    ]);
}

/** A recipient's group ids (PostgreSQL, a column of a query on `recipients`): NULL when it has none. */
const groupIdsOf = (clientId: string) =>
  sql<string[] | null>`(select array_agg(m.group_id) from recipient_group_members as m
    where m.client_id = ${clientId} and m.recipient_id = ${sql.ref('recipients.id')})`;

export async function countRecipients(db: Db, clientId: string, f: RecipientFilter): Promise<number> {
  const plan = await planSearch(db, clientId, f);
  const r = await db
    .selectFrom('recipients')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.and(conditions(eb, clientId, bound(f), engineOf(db), plan)))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export const findRecipient = (db: Db, clientId: string, id: string): Promise<RecipientRow | undefined> =>
  db
    .selectFrom('recipients')
    .select(RECIPIENT_SELECTION)
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();

/** A recipient with its groups by name (groupsColumn), in one statement. */
export async function findRecipientWithGroups(
  db: Db,
  clientId: string,
  id: string,
): Promise<RecipientWithGroups | undefined> {
  const r = await db
    .selectFrom('recipients')
    .select(RECIPIENT_SELECTION)
    .select(groupsColumn(db, clientId))
    .where('recipients.client_id', '=', clientId)
    .where('recipients.id', '=', id)
    .executeTakeFirst();
  return r && { ...r, groups: parseGroups(r.groups) };
}

export const findRecipientByEmailKey = (db: Db, clientId: string, emailKey: string) =>
  db
    .selectFrom('recipients')
    .select(RECIPIENT_SELECTION)
    .where('client_id', '=', clientId)
    .where('email_key', '=', emailKey)
    .executeTakeFirst();

/** Existing recipients for a set of email keys (CSV import), read in chunks of bound parameters. */
export async function findRecipientsByEmailKeys(db: Db, clientId: string, keys: string[]): Promise<RecipientRow[]> {
  const out: RecipientRow[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    if (i > 0) await breathe();
    const chunk = keys.slice(i, i + 500);
    out.push(
      ...(await db
        .selectFrom('recipients')
        .select(RECIPIENT_SELECTION)
        .where('client_id', '=', clientId)
        .where('email_key', 'in', chunk)
        .execute()),
    );
  }
  return out;
}

/** Rows must all belong to `clientId`; batched so 10,000 rows are a few statements. */
export async function insertRecipients(db: Db, clientId: string, rows: RecipientRow[]): Promise<void> {
  if (rows.some((r) => r.client_id !== clientId)) throw new Error('insertRecipients: row of another client');
  for (let i = 0; i < rows.length; i += 500) {
    if (i > 0) await breathe();
    await db
      .insertInto('recipients')
      .values(rows.slice(i, i + 500))
      .execute();
  }
}

export async function updateRecipient(
  db: Db,
  clientId: string,
  id: string,
  patch: Partial<Omit<RecipientRow, 'id' | 'client_id' | 'created_at'>>,
): Promise<number> {
  const r = await db
    .updateTable('recipients')
    .set(patch)
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export const PROFILE_COLUMNS = [
  'first_name',
  'last_name',
  'display_name',
  'department',
  'job_title',
  'office_location',
  'time_zone',
] as const;
export type Profile = { id: string } & Pick<RecipientRow, (typeof PROFILE_COLUMNS)[number]>;

/**
 * Sets the profile columns of many recipients of one client, 500 rows per statement (UPDATE …
 * FROM a VALUES list, which both engines accept): a 10,000-row CSV re-import is 20 statements
 * rather than 10,000 round trips (2.5 s on PostgreSQL, measured).
 */
export async function updateProfiles(db: Db, clientId: string, rows: Profile[], now: string): Promise<void> {
  const cols = sql.join(PROFILE_COLUMNS.map((c) => sql.ref(c)));
  const set = sql.join(PROFILE_COLUMNS.map((c) => sql`${sql.ref(c)} = ${sql.ref(`v.${c}`)}`));
  for (let i = 0; i < rows.length; i += 500) {
    if (i > 0) await breathe();
    const values = sql.join(
      rows.slice(i, i + 500).map((r) => sql`(${sql.join([r.id, ...PROFILE_COLUMNS.map((c) => r[c])])})`),
    );
    await sql`with v (id, ${cols}) as (values ${values})
      update recipients set ${set}, updated_at = ${now}
      from v where recipients.client_id = ${clientId} and recipients.id = v.id`.execute(db);
  }
}

export async function deleteRecipient(db: Db, clientId: string, id: string): Promise<boolean> {
  await db
    .deleteFrom('recipient_group_members')
    .where('client_id', '=', clientId)
    .where('recipient_id', '=', id)
    .execute();
  const r = await db.deleteFrom('recipients').where('client_id', '=', clientId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Groups of each recipient on a page, by name. */
/** Distinct non-empty values of a column, for the list's filter selects (capped). */
export async function distinctValues(
  db: Db,
  clientId: string,
  column: 'department' | 'job_title',
  cap: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('recipients')
    .select(column)
    .distinct()
    .where('client_id', '=', clientId)
    .where(column, 'is not', null)
    .where(column, '<>', '')
    .orderBy(column)
    .limit(cap)
    .execute();
  return rows.map((r) => r[column] as string);
}

/**
 * For other modules' searches over recipients (the training learners table): the ids of this
 * client's recipients that `term` matches, found through the search index as the list's search
 * finds them (same folding, pending rows included), when there are at most `max`; `undefined`
 * when there are more, and the caller filters by searchRecipientsQuery instead.
 */
export async function searchRecipientIds(
  db: Db,
  clientId: string,
  term: string,
  max: number,
): Promise<string[] | undefined> {
  const engine = engineOf(db);
  let where: (eb: Eb) => Expression<SqlBool> = (eb) =>
    eb.and(conditions(eb, clientId, { search: term }, engine, engine === 'sqlite' ? 'scan' : null));
  if (engine === 'sqlite' && [...term].length >= INDEXED_TERM_MIN) {
    // The index is matched once, here (a term such as "learner.4242" shares most trigrams with
    // every address, so a match costs tens of ms at 100,000 rows): more hits than `max`, in any
    // client, and the caller takes the subquery; else its rowids stand in for the match.
    const { rows } = await sql<{ rowid: number }>`select rowid from recipients_fts
      where recipients_fts match ${ftsPhrase(term)} limit ${max + 1}`.execute(db);
    if (rows.length > max) return undefined;
    const hits = rows.map((r) => Number(r.rowid));
    where = (eb) =>
      eb.and([
        sql<boolean>`+${sql.ref('recipients.client_id')} = ${clientId}`,
        searchCondition(clientId, term, engine, 'sparse', hits),
      ]);
  }
  const found = await db
    .selectFrom('recipients')
    .select('recipients.id')
    .where((eb) => where(eb))
    .limit(max + 1)
    .execute();
  return found.length > max ? undefined : found.map((r) => r.id);
}

/** The ids of this client's recipients that `term` matches, as a subquery (for a term with many hits). */
export function searchRecipientsQuery(db: Db, clientId: string, term: string) {
  const f = { search: term };
  const engine = engineOf(db);
  // Many hits: the index's hit set is read once and probed per row (the list's "dense" plan).
  const plan: SearchPlan | null = engine === 'sqlite' ? ([...term].length < INDEXED_TERM_MIN ? 'scan' : 'dense') : null;
  return db
    .selectFrom('recipients')
    .select('recipients.id')
    .where((eb) => eb.and(conditions(eb, clientId, f, engine, plan)));
}
