// SQLite reads on both cores. better-sqlite3 runs every statement on the calling thread, so with one
// connection every request's SQL queued behind every other's on the event loop: a flood of
// contains-searches (each a few milliseconds of SQLite) left `/auth/me` and sign-in waiting behind
// them, and the second core idle. WAL lets any number of connections read while one writes, so
// plain reads — a SELECT outside a transaction — go to a small pool of read-only connections in
// worker threads; writes, transactions (their reads too: a transaction must see its own writes)
// and streamed selects stay on the one read-write connection, in order, behind its mutex as before.
//
// A read on a worker sees what was committed when it starts, as a read on another PostgreSQL
// connection does: it never waits for a transaction in progress, and never sees it half done.
// Whatever this process committed before it sent the read is visible (WAL readers look at the
// shared index at the start of each statement).
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type TransactionSettings,
} from 'kysely';
import { foldName } from './search-fold.js';
import { isUrgent } from './urgent.js';

/** How many reader threads by default: one per core, at most two (the writer has the main thread). */
export const defaultReaders = () => Math.min(2, availableParallelism());

// The worker's whole program. Evaluated, not loaded from a file, so it runs the same under tsx,
// Vitest and the compiled dist/ without a build step of its own. It repeats the read-write
// connection's settings that matter to reads (busy timeout, cache, the bw_lower function, whose
// folding is search-fold.ts's own source).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -16384');
const foldName = ${foldName.toString()};
db.function('bw_lower', { deterministic: true }, (v) => (typeof v === 'string' ? foldName(v) : v));
const kept = new Map();
const toBuffer = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
parentPort.on('message', (m) => {
  try {
    let stmt = kept.get(m.sql);
    if (!stmt) {
      stmt = db.prepare(m.sql);
      if (kept.size >= 500) kept.delete(kept.keys().next().value);
      kept.set(m.sql, stmt);
    }
    parentPort.postMessage({ id: m.id, rows: stmt.all(m.params.map(toBuffer)) });
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: { message: String(err && err.message), code: err && err.code } });
  }
});
`;

interface Pending {
  resolve: (rows: unknown[]) => void;
  reject: (err: Error) => void;
  /** performance.now() when it was sent */
  sentAt: number;
}

class Reader {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  /** false once the thread has ended (an error, or close): its reads go elsewhere */
  alive = true;

  constructor(file: string, driverPath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver: driverPath } });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; rows?: unknown[]; error?: { message: string; code?: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { code: m.error.code }));
      else p.resolve(m.rows ?? []);
    });
    this.worker.on('error', (err) => {
      this.alive = false;
      this.failAll(err);
    });
    this.worker.on('exit', () => {
      this.alive = false;
      this.failAll(new Error('SQLite reader thread ended'));
    });
  }

  get load() {
    return this.pending.size;
  }

  /**
   * How long the longest-waiting read has been queued behind another (0: none is). The thread
   * answers in order, so the first pending read is the one running and the second waits longest.
   */
  queuedMs(now: number): number {
    if (this.pending.size < 2) return 0;
    const it = this.pending.values();
    it.next();
    return now - (it.next().value as Pending).sentAt;
  }

  read(sql: string, params: readonly unknown[]): Promise<unknown[]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt: performance.now() });
      this.worker.postMessage({ id, sql, params });
    });
  }

  private failAll(err: Error) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  close(): Promise<number> {
    this.alive = false;
    return this.worker.terminate();
  }
}

/** Rows come back from a thread with Buffers as plain Uint8Arrays: make them Buffers again. */
function buffersBack(rows: unknown[]): unknown[] {
  for (const row of rows as Record<string, unknown>[]) {
    for (const k in row) {
      const v = row[k];
      if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return rows;
}

export class ReaderPool {
  private readonly readers: Reader[];

  constructor(file: string, size: number, driverPath: string) {
    this.readers = Array.from({ length: size }, () => new Reader(file, driverPath));
  }

  /** The rows of a read on the least busy live thread; undefined when no thread is left. */
  async read(sql: string, params: readonly unknown[]): Promise<unknown[] | undefined> {
    let best: Reader | undefined;
    for (const r of this.readers) if (r.alive && (!best || r.load < best.load)) best = r;
    return best && buffersBack(await best.read(sql, params));
  }

  /** How long a read has been waiting for a reader thread (the overload guard sheds past a limit). */
  queuedMs(): number {
    const now = performance.now();
    let most = 0;
    for (const r of this.readers) most = Math.max(most, r.queuedMs(now));
    return most;
  }

  async close() {
    await Promise.all(this.readers.map((r) => r.close()));
  }
}

/** One waiter at a time on the read-write connection (what Kysely's own SQLite driver does). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();

  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

/** The read-write connection: better-sqlite3 with its statements prepared once (connection.ts). */
export interface WriterConnection {
  prepare(sql: string): SQLite.Statement;
}

function runOn(db: WriterConnection, q: CompiledQuery): QueryResult<unknown> {
  const stmt = db.prepare(q.sql);
  if (stmt.reader) return { rows: stmt.all(q.parameters as unknown[]) };
  const { changes, lastInsertRowid } = stmt.run(q.parameters as unknown[]);
  return {
    numAffectedRows: BigInt(changes),
    insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid),
    rows: [],
  };
}

/**
 * What Kysely gets from acquireConnection: a handle that holds nothing until it needs the writer.
 * A plain SELECT goes to a reader; anything else takes the writer's mutex for that one statement,
 * or for the whole transaction once one is begun on this handle.
 */
class Lease implements DatabaseConnection {
  private release: (() => void) | undefined;

  constructor(
    private readonly writer: WriterConnection,
    private readonly mutex: Mutex,
    private readonly pool: ReaderPool | undefined,
  ) {}

  async begin(settings: TransactionSettings) {
    this.release = await this.mutex.lock();
    try {
      // A transaction declared 'read write' takes the write lock at BEGIN. Deferred, a read before
      // its first write would hold a snapshot, and another process (a worker) committing in
      // between makes that write fail with SQLITE_BUSY at once, not after busy_timeout.
      runOn(this.writer, CompiledQuery.raw(settings.accessMode === 'read write' ? 'begin immediate' : 'begin'));
    } catch (err) {
      this.end();
      throw err;
    }
  }

  end() {
    const r = this.release;
    this.release = undefined;
    r?.();
  }

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (this.release) return runOn(this.writer, q) as QueryResult<R>;
    if (this.pool && SelectQueryNode.is(q.query) && !isUrgent()) {
      // A thread that ended (it should not) leaves its reads to the read-write connection.
      const rows = await this.pool.read(q.sql, q.parameters);
      if (rows) return { rows: rows as R[] };
    }
    const release = await this.mutex.lock();
    try {
      return runOn(this.writer, q) as QueryResult<R>;
    } finally {
      release();
    }
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('Only select queries can be streamed on SQLite');
    const own = !this.release;
    const release = own ? await this.mutex.lock() : undefined;
    try {
      for (const row of this.writer.prepare(q.sql).iterate(q.parameters as unknown[])) yield { rows: [row as R] };
    } finally {
      release?.();
    }
  }
}

class PooledSqliteDriver implements Driver {
  private readonly mutex = new Mutex();

  constructor(
    private readonly writer: WriterConnection & { close(): void },
    private readonly pool: ReaderPool | undefined,
  ) {}

  async init() {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(this.writer, this.mutex, this.pool);
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings) {
    await (c as Lease).begin(settings);
  }

  async commitTransaction(c: DatabaseConnection) {
    try {
      await c.executeQuery(CompiledQuery.raw('commit'));
    } finally {
      (c as Lease).end();
    }
  }

  async rollbackTransaction(c: DatabaseConnection) {
    try {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      (c as Lease).end();
    }
  }

  async releaseConnection(c: DatabaseConnection) {
    (c as Lease).end();
  }

  async destroy() {
    await this.pool?.close();
    this.writer.close();
  }
}

/** Kysely's SQLite dialect with the driver above. */
export class PooledSqliteDialect implements Dialect {
  constructor(
    private readonly writer: WriterConnection & { close(): void },
    private readonly pool: ReaderPool | undefined,
  ) {}

  createDriver(): Driver {
    return new PooledSqliteDriver(this.writer, this.pool);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}
