// One Kysely instance over SQLite (embedded default) or PostgreSQL, chosen by DATABASE_URL.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type DatabaseConfig, PG_POOL_SIZE } from '../config.js';
import { namingPool } from './pg-statements.js';
import { foldName } from './search-fold.js';
import { Checkpointer, WRITER_BACKSTOP_PAGES } from './sqlite-checkpointer.js';
import { defaultReaders, PooledSqliteDialect, ReaderPool, type WriterConnection } from './sqlite-readers.js';
import type { Database } from './types.js';
import { isUrgent } from './urgent.js';
import { WriteWatch } from './write-watch.js';

const require = createRequire(import.meta.url);

// PostgreSQL returns bigint (count(*), bigserial) as strings; our counts fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Kysely<Database>;

export interface DbHandle {
  db: Db;
  kind: DatabaseConfig['kind'];
  /**
   * SQLite only: the one connection under `db`, for the import's bulk statements
   * (directory-sync/bulk.ts). Kysely's transactions run on it, so statements issued on it inside
   * a Kysely transaction belong to that transaction.
   */
  sqlite?: SQLite.Database;
  /** SQLite with reader threads: how long a read has waited for one (ms); 0 otherwise */
  queuedReadMs(): number;
  /** who is told when a table is written through `db` (caches of rows: the actor cache) */
  writes: WriteWatch;
  close(): Promise<void>;
}

/**
 * The database holds password and token hashes and the encrypted secrets: owner-only, like the
 * master key. SQLite creates its WAL, SHM and journal files with the database file's permissions,
 * so creating that file 0600 covers them; files left by an older version are tightened here.
 */
function ownerOnlyFiles(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

/** Prepared statements kept per SQL text (most used kept; a query's text is its shape, not its values). */
const STATEMENTS_KEPT = 500;

/**
 * The connection as Kysely's SQLite driver sees it, with its statements reused: the driver
 * prepares every query it runs, and preparing costs about what running a small indexed query
 * does (the outbox's dispatcher runs a handful per message: a third of its database time went to
 * preparing). A statement still iterating (a streamed select) is never handed out again.
 */
function reusingStatements(sqlite: SQLite.Database): WriterConnection & { close(): void } {
  const kept = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const stmt = kept.get(sql);
      if (stmt && !stmt.busy) {
        // most recently used last, so the oldest goes first when the map is full
        kept.delete(sql);
        kept.set(sql, stmt);
        return stmt;
      }
      const fresh = sqlite.prepare(sql);
      if (!stmt) {
        if (kept.size >= STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
        kept.set(sql, fresh);
      }
      return fresh;
    },
  };
}

/**
 * `onIdleError`: what to do when a pooled PostgreSQL connection that is not running a query dies
 * (the server restarts, an administrator terminates it, a database is dropped with force). pg's
 * Pool re-emits that as an 'error' event, and an EventEmitter with no listener throws it: the
 * whole process would go down for a connection the pool has already discarded.
 */
export function openDatabase(cfg: DatabaseConfig, onIdleError: (err: Error) => void = () => {}): DbHandle {
  if (cfg.kind === 'sqlite') {
    if (cfg.file !== ':memory:') {
      mkdirSync(dirname(cfg.file), { recursive: true });
      ownerOnlyFiles(cfg.file);
    }
    const sqlite = new SQLite(cfg.file);
    // WAL lets the HTTP server read while the worker writes; foreign keys are off by default in SQLite.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // 32 MiB of page cache (SQLite's default is 2 MiB): an import's commit rewrites leaf pages of
    // the recipients' indexes all over, and with the default cache they spill to the WAL and are
    // read back again within the same transaction. bench:import: 100,000 users in 6 s instead of
    // 9–10 s, peak RSS still under 300 MB.
    sqlite.pragma('cache_size = -32768');
    // Unicode lower case (search-fold.ts) for searches that test rows directly and for the names
    // the trigram index holds (modules/recipients/search-index.ts); SQLite's own lower() folds
    // ASCII only.
    sqlite.function('bw_lower', { deterministic: true }, (v: unknown) => (typeof v === 'string' ? foldName(v) : v));
    // Plain reads on threads of their own (sqlite-readers.ts); an in-memory database is one
    // connection's alone, so it has none.
    const readers = cfg.file === ':memory:' ? 0 : (cfg.readers ?? defaultReaders());
    const pool = readers > 0 ? new ReaderPool(cfg.file, readers, require.resolve('better-sqlite3')) : undefined;
    // Checkpoints on a thread of their own (sqlite-checkpointer.ts); the writer's only as a backstop.
    // A database in memory has no WAL to checkpoint.
    const checkpointer =
      cfg.file === ':memory:' ? undefined : new Checkpointer(cfg.file, require.resolve('better-sqlite3'));
    if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${WRITER_BACKSTOP_PAGES}`);
    const writes = new WriteWatch();
    const db = new Kysely<Database>({
      dialect: new PooledSqliteDialect(reusingStatements(sqlite), pool),
      plugins: [writes],
    });
    const close = async () => {
      // the thread first: the read-write connection, closing last, checkpoints and removes the WAL
      await checkpointer?.close();
      await db.destroy();
    };
    return { db, kind: 'sqlite', sqlite, queuedReadMs: () => pool?.queuedMs() ?? 0, writes, close };
  }
  const pool = namingPool({ connectionString: cfg.url, max: cfg.poolSize ?? PG_POOL_SIZE });
  // Sign-in, the session and health have two connections of their own (db/urgent.ts): under a
  // flood of searches the pool's are all busy, and /auth/me waited its turn for one (p99 0.9 s).
  const priority = namingPool({ connectionString: cfg.url, max: 2 });
  for (const p of [pool, priority]) p.on('error', onIdleError);
  const lanes = {
    connect: () => (isUrgent() ? priority : pool).connect(),
    end: async () => {
      await Promise.all([pool.end(), priority.end()]);
    },
  };
  const writes = new WriteWatch();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: lanes }), plugins: [writes] });
  return { db, kind: 'postgres', queuedReadMs: () => 0, writes, close: () => db.destroy() };
}
