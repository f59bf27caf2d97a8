// The SQLite database holds password hashes, token hashes and encrypted secrets: its file, WAL
// and shared-memory file are readable by the owner only, like the master key.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../src/db/connection.js';

const dir = mkdtempSync(join(tmpdir(), 'baitwise-dbfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;

async function openAndWrite(file: string) {
  const h = openDatabase({ kind: 'sqlite', file });
  await sql`create table if not exists probe (v text)`.execute(h.db);
  await sql`insert into probe values ('x')`.execute(h.db);
  return h;
}

it('creates the database, its WAL and SHM files with mode 0600', async () => {
  const file = join(dir, 'fresh', 'baitwise.db');
  const h = await openAndWrite(file);
  try {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(f), f).toBe(true);
      expect({ f, mode: mode(f).toString(8) }).toEqual({ f, mode: '600' });
    }
  } finally {
    await h.close();
  }
});

it('tightens the files of an existing database created world-readable', async () => {
  const file = join(dir, 'old.db');
  const first = await openAndWrite(file);
  await first.close();
  writeFileSync(`${file}-wal`, ''); // a WAL left behind by an older version
  for (const f of [file, `${file}-wal`]) chmodSync(f, 0o644);
  const h = await openAndWrite(file);
  try {
    for (const f of [file, `${file}-wal`, `${file}-shm`])
      expect({ f, mode: mode(f).toString(8) }).toEqual({ f, mode: '600' });
  } finally {
    await h.close();
  }
});
