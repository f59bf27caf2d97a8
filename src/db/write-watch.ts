// Tells listeners when a table is written. A Kysely plugin on the one database handle of a
// process, so every write made through the query builder — in a transaction or not, by any module
// — is seen, without each repository remembering to say so. Used by caches whose entries are
// copies of rows (the actor cache: operators, tokens, sessions, client administrators): a write
// to one of their tables drops them.
//
// What it cannot see: writes in raw `sql` (a watched table must be written through the builder:
// test/architecture.test.ts checks the actor cache's tables) and writes by other processes.
// A listener is told before the statement runs and again after it returned, so a read that
// started in between is not kept; a read that starts after that and before the writing
// transaction commits still sees the old rows — which is why such caches also expire.
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

type Listener = () => void;

function tableName(node: OperationNode | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === 'TableNode')
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  return undefined;
}

/** The tables a statement writes (insert into, update, delete from); none for anything else. */
export function writtenTables(node: RootOperationNode): string[] {
  switch (node.kind) {
    case 'InsertQueryNode':
      return [tableName(node.into)].filter((t): t is string => t !== undefined);
    case 'UpdateQueryNode':
      return [tableName(node.table)].filter((t): t is string => t !== undefined);
    case 'DeleteQueryNode':
      return node.from.froms.map(tableName).filter((t): t is string => t !== undefined);
    default:
      return [];
  }
}

export class WriteWatch implements KyselyPlugin {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly pending = new WeakMap<object, Listener[]>();

  /** Calls `fn` whenever one of `tables` is written; returns the function that stops it. */
  on(tables: readonly string[], fn: Listener): () => void {
    for (const t of tables) {
      const set = this.listeners.get(t) ?? new Set<Listener>();
      set.add(fn);
      this.listeners.set(t, set);
    }
    return () => {
      for (const t of tables) this.listeners.get(t)?.delete(fn);
    };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.listeners.size === 0) return args.node;
    const told = new Set<Listener>();
    for (const t of writtenTables(args.node)) for (const fn of this.listeners.get(t) ?? []) told.add(fn);
    if (told.size) {
      for (const fn of told) fn();
      this.pending.set(args.queryId, [...told]);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const told = this.pending.get(args.queryId);
    if (told) {
      this.pending.delete(args.queryId);
      for (const fn of told) fn();
    }
    return args.result;
  }
}
