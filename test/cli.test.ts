// The `baitwise` command: key rotation, operator creation and the worker's clean start/stop.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateMasterKey } from '../src/cli/rotate-master-key.js';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { SecretBox } from '../src/lib/crypto.js';
import { loadMasterKeys, previousKeyFile } from '../src/lib/master-key.js';
import { PasswordHasher } from '../src/lib/password.js';
import { openRuntime } from '../src/runtime.js';
import { createTestDatabase } from './helpers/db.js';
import { eml } from './helpers/incidents.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baitwise-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>, stdin?: string) {
  const child = spawn(process.execPath, ['bin/baitwise.js', ...args], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  if (stdin !== undefined) child.stdin.end(stdin);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(text) ? resolve() : undefined);
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.on('exit', () => (out.includes(text) ? resolve() : reject(new Error(`exited without "${text}": ${out}`))));
      check();
    });
  return { child, exit, waitFor, output: () => out };
}

describe('rotate-master-key', () => {
  it('re-wraps every registered secret under a new generated key and keeps the old key file', async () => {
    const db = await createTestDatabase();
    const dataDir = tempDir();
    const rt = await openRuntime({
      config: { ...loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), database: db.config },
    });
    try {
      const oldKeyId = rt.keys.current.id;
      await sql`create table secret_probe (id text primary key, client_id text not null, value text)`.execute(rt.db.db);
      const rows = ['r1', 'r2', 'r3'].map((id) => ({ id, client_id: 'c1', plain: `secret-${id}` }));
      for (const r of rows) {
        const value = rt.secrets.encrypt(r.plain, {
          table: 'secret_probe',
          column: 'value',
          rowId: r.id,
          clientId: r.client_id,
        });
        await sql`insert into secret_probe values (${r.id}, ${r.client_id}, ${value})`.execute(rt.db.db);
      }
      const result = await rotateMasterKey(rt, undefined, [{ table: 'secret_probe', column: 'value' }]);
      expect(result.rewrapped).toBe(3);
      expect(result.keyId).not.toBe(oldKeyId);
      expect(existsSync(previousKeyFile(dataDir))).toBe(true);

      const reloaded = loadMasterKeys(undefined, dataDir, () => {});
      expect(reloaded.current.id).toBe(result.keyId);
      const onlyNew = new SecretBox(reloaded.current);
      const stored = await sql<{ id: string; value: string }>`select id, value from secret_probe order by id`.execute(
        rt.db.db,
      );
      for (const row of stored.rows) {
        expect(SecretBox.keyIdOf(row.value)).toBe(result.keyId);
        expect(
          onlyNew.decrypt(row.value, { table: 'secret_probe', column: 'value', rowId: row.id, clientId: 'c1' }),
        ).toBe(`secret-${row.id}`);
      }
    } finally {
      await rt.close();
      await db.drop();
    }
  });

  it('refuses to invent a key when the master key comes from the environment', async () => {
    const dataDir = tempDir();
    const rt = await openRuntime({
      config: loadConfig({
        BAITWISE_DATA_DIR: dataDir,
        BAITWISE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
        LOG_LEVEL: 'silent',
      }),
    });
    try {
      await expect(rotateMasterKey(rt, undefined, [])).rejects.toThrow(/BAITWISE_NEW_MASTER_KEY/);
    } finally {
      await rt.close();
    }
  });
});

describe('baitwise command', () => {
  it('creates an operator with the password from stdin, never from argv', async () => {
    const dataDir = tempDir();
    const r = run(
      ['create-operator', '--email', 'Cli@Example.test', '--name', 'Cli', '--password-stdin'],
      { BAITWISE_DATA_DIR: dataDir },
      'a password from stdin\n',
    );
    expect(await r.exit).toBe(0);
    expect(r.output()).toContain('Created system_admin cli@example.test');
    const rt = await openRuntime({ config: loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }) });
    const op = await rt.db.db.selectFrom('operators').selectAll().executeTakeFirstOrThrow();
    expect(await new PasswordHasher().verify('a password from stdin', op.password_hash)).toBe(true);
    await rt.close();
  });

  it('resets a password from stdin, revoking the sessions and API tokens and saying how many', async () => {
    const dataDir = tempDir();
    const created = run(
      ['create-operator', '--email', 'locked-out@example.test', '--password-stdin'],
      { BAITWISE_DATA_DIR: dataDir },
      'the original password\n',
    );
    expect(await created.exit).toBe(0);
    let rt = await openRuntime({ config: loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }) });
    const op = await rt.db.db.selectFrom('operators').selectAll().executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    for (const name of ['ci', 'backup']) {
      await rt.db.db
        .insertInto('api_tokens')
        .values({
          id: randomUUID(),
          operator_id: op.id,
          name,
          prefix: 'bw_xxxxxxx',
          token_hash: randomUUID(),
          created_at: now,
          last_used_at: null,
          expires_at: null,
          revoked_at: null,
        })
        .execute();
    }
    await rt.close();

    const r = run(
      ['reset-password', '--email', 'locked-out@example.test', '--password-stdin'],
      { BAITWISE_DATA_DIR: dataDir },
      'a brand new password\n',
    );
    expect(await r.exit).toBe(0);
    expect(r.output()).toContain('2 API tokens revoked');
    rt = await openRuntime({ config: loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }) });
    const live = await rt.db.db.selectFrom('api_tokens').select('id').where('revoked_at', 'is', null).execute();
    expect(live).toEqual([]);
    await rt.close();
  });

  it("purges raw reported messages past their client's retention on demand, keeping the summaries", async () => {
    const db = await createTestDatabase();
    const dataDir = tempDir();
    const url = db.config.kind === 'postgres' ? db.config.url : `sqlite:${db.config.file}`;
    const rt = await openRuntime({
      config: { ...loadConfig({ BAITWISE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), database: db.config },
    });
    const c = compose(rt);
    try {
      const clientId = randomUUID();
      const now = new Date().toISOString();
      await rt.db.db
        .insertInto('clients')
        .values({ id: clientId, name: 'Old', name_key: 'old', archived_at: null, created_at: now, updated_at: now })
        .execute();
      const report = (address: string) =>
        c.services.incidents.recorder.record({
          clientId,
          reporter: { address, objectId: null },
          verified: false,
          counted: true,
          source: 'mailbox',
          graphMessageId: null,
          eml: eml({ subject: `Reported by ${address}` }),
          reportingOption: null,
          freeText: null,
        });
      const old = (await report('old@client.example')).row;
      const fresh = (await report('fresh@client.example')).row;
      const longAgo = new Date(Date.now() - 91 * 86_400_000).toISOString();
      await rt.db.db.updateTable('reported_messages').set({ created_at: longAgo }).where('id', '=', old.id).execute();
      await c.close();
      await rt.close();

      const r = run(['purge-reported-messages'], { BAITWISE_DATA_DIR: dataDir, DATABASE_URL: url });
      expect(await r.exit).toBe(0);
      expect(r.output()).toContain('Deleted 1 raw reported message(s)');
      expect(existsSync(join(dataDir, old.eml_path))).toBe(false);
      expect(existsSync(join(dataDir, fresh.eml_path))).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('starts the worker (embedded on SQLite, pg-boss on PostgreSQL) and stops it cleanly on SIGTERM', async () => {
    const db = await createTestDatabase();
    const url = db.config.kind === 'postgres' ? db.config.url : `sqlite:${db.config.file}`;
    try {
      const r = run(['worker'], { BAITWISE_DATA_DIR: tempDir(), DATABASE_URL: url });
      await r.waitFor('worker started');
      r.child.kill('SIGTERM');
      expect(await r.exit).toBe(0);
      expect(r.output()).toContain('worker stopped');
      expect(r.output()).toContain(`"database":"${db.config.kind}"`);
    } finally {
      await db.drop();
    }
  });
});
