// A fresh, migrated database for each test file: a temporary SQLite file, or — when
// BAITWISE_TEST_DATABASE_URL points at a PostgreSQL server (scripts/test.sh starts one) — a new
// database created on that server and dropped afterwards. On PostgreSQL it is a copy of the
// database the global setup migrated once (pg-template.ts); migrateToLatest then finds nothing to do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { DatabaseConfig } from '../../src/config.js';
import { type DbHandle, openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';
import { databaseUrl } from './pg-template.js';

export interface TestDatabase {
  handle: DbHandle;
  config: DatabaseConfig;
  dir: string;
  drop(): Promise<void>;
}

export const testDatabaseKind = (): 'sqlite' | 'postgres' =>
  process.env.BAITWISE_TEST_DATABASE_URL ? 'postgres' : 'sqlite';

/**
 * The migrated template the global setup made, when running under Vitest. The benchmarks use
 * these helpers outside Vitest, where `inject` throws: they migrate their database themselves.
 */
function templateName(): string | undefined {
  try {
    return inject('pgTemplate');
  } catch {
    return undefined;
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'baitwise-test-'));
  const serverUrl = process.env.BAITWISE_TEST_DATABASE_URL;
  if (!serverUrl) {
    const config: DatabaseConfig = { kind: 'sqlite', file: join(dir, 'baitwise.db') };
    const handle = openDatabase(config);
    await migrateToLatest(handle.db, 'sqlite');
    return {
      handle,
      config,
      dir,
      async drop() {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `bw_test_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const template = templateName();
  await admin.query(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const config: DatabaseConfig = { kind: 'postgres', url: databaseUrl(serverUrl, name) };
  const handle = openDatabase(config);
  await migrateToLatest(handle.db, 'postgres');
  return {
    handle,
    config,
    dir,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
