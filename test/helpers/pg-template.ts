// Vitest global setup (vitest.config.ts): on a PostgreSQL test run, one database is migrated —
// ours and pg-boss's schema — before any test file starts, and every file's database is copied
// from it (CREATE DATABASE … TEMPLATE, a file copy on the server) instead of running every
// migration and pg-boss's install again per file. On SQLite it does nothing.
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrations/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the migrated database each PostgreSQL test database is copied from ('' on SQLite) */
    pgTemplate: string;
  }
}

export const databaseUrl = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const serverUrl = process.env.BAITWISE_TEST_DATABASE_URL;
  project.provide('pgTemplate', '');
  if (!serverUrl) return undefined;
  const name = `bw_template_${process.pid}_${Date.now().toString(36)}`;
  await onServer(serverUrl, `create database ${name}`);
  const url = databaseUrl(serverUrl, name);
  const handle = openDatabase({ kind: 'postgres', url });
  try {
    await migrateToLatest(handle.db, 'postgres');
  } finally {
    await handle.close();
  }
  // pg-boss installs its schema on its first start; the copies then find it in place.
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, max: 1 });
  await boss.start();
  await boss.stop({ graceful: false, wait: true });
  project.provide('pgTemplate', name);
  return async () => {
    await onServer(serverUrl, `drop database if exists ${name} with (force)`);
  };
}
