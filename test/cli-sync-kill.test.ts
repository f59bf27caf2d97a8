// Issue #5: "a worker killed mid-import and restarted (resumes, no duplicates)", with a real
// process. `baitwise sync` runs in a child process against the test database and the emulator;
// it is killed with SIGKILL once a page is committed, and run again: the new process takes over
// the dead one's lease at once (it would otherwise block the import for the lease time), resumes
// the same run from its cursor and ends with every tenant user exactly once. A live process's
// lease is not taken over.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOwner } from '../src/cli/sync.js';
import type { TestApp } from './helpers/app.js';
import type { TestEmulator } from './helpers/emulator.js';
import {
  baitwiseProcess,
  createAllUsersImport,
  expectOneRunEveryUserOnce,
  runOf,
  type SyncFixture,
  syncFixture,
} from './helpers/sync-fixture.js';

const USERS = 3000;
const PAGE = 999; // Graph's page size for /users as the engine asks for it

// The child processes read the secrets with this key, as the test app does.

let emu: TestEmulator;
let t: TestApp;
let clientId: string;
let tenantUserIds: string[];
let dataDir: string;
const children: ChildProcessWithoutNullStreams[] = [];
let f: SyncFixture;

beforeAll(async () => {
  f = await syncFixture({ users: USERS, name: 'Killed' });
  ({ emu, t, clientId, tenantUserIds } = f);
  dataDir = mkdtempSync(join(tmpdir(), 'baitwise-cli-kill-'));
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined,
    ),
  );
  await t?.close();
  await emu?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `baitwise sync <import-id>` in its own process, on the test app's database and master key. */
function sync(importId: string) {
  const proc = baitwiseProcess(f, ['sync', importId], dataDir);
  children.push(proc.child);
  return proc;
}
type Sync = ReturnType<typeof sync>;

/** Polls until `probe` returns a value; fails at once if the process exits first, or at the deadline. */
async function until<T>(what: string, proc: Sync, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (proc.child.exitCode !== null || proc.child.signalCode !== null)
      throw new Error(`${what}: the process exited first (${proc.child.exitCode}): ${proc.output()}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms: ${proc.output()}`);
    await new Promise((r) => setTimeout(r, 20)); // poll interval
  }
}

const createImport = () => createAllUsersImport(f, `Import ${Math.random().toString(36).slice(2, 8)}`);

const db = () => t.db.handle.db;

const runRow = (runId: string) => runOf(t, runId);

const lease = (importId: string) =>
  db()
    .selectFrom('directory_imports')
    .select(['lock_owner', 'lock_until'])
    .where('id', '=', importId)
    .executeTakeFirstOrThrow();

const groupMembers = (groupId: string) =>
  db()
    .selectFrom('recipient_group_members')
    .innerJoin('recipients', 'recipients.id', 'recipient_group_members.recipient_id')
    .select(['recipients.id', 'recipients.entra_object_id'])
    .where('recipient_group_members.group_id', '=', groupId)
    .execute();

const latency = (latencyMs: number) => emu.control('PUT', '/faults', { latencyMs });

describe('baitwise sync killed with SIGKILL mid-import', () => {
  it('run again, takes over the dead process lease and resumes its run from the last committed page, without duplicates', async () => {
    const imp = await createImport();
    // Slow pages, further apart than the second a commit waits for more: the first commit holds
    // one page, and the process cannot finish between it and the kill.
    await latency(1500);
    const first = sync(imp.id);
    await until('a committed page', first, async () => ((await runRow(imp.lastRun.id)).pages >= 1 ? true : undefined));
    first.child.kill('SIGKILL');
    expect(await first.exit).toEqual({ code: null, signal: 'SIGKILL' });
    await latency(0);

    const mid = await runRow(imp.lastRun.id);
    expect(mid.status).toBe('running');
    expect(mid.pages).toBeGreaterThanOrEqual(1);
    expect(mid.users_seen).toBeLessThan(USERS);
    expect(mid.users_seen).toBe(mid.pages * PAGE);
    expect(mid.added).toBe(mid.users_seen);
    expect(JSON.parse(mid.cursor ?? 'null')).toMatchObject({ kind: 'users' });
    const midMembers = await groupMembers(imp.targetGroupId);
    expect(midMembers).toHaveLength(mid.users_seen);
    expect(new Set(midMembers.map((m) => m.entra_object_id)).size).toBe(mid.users_seen);
    // The dead process still holds the lease: without the takeover the import is busy for minutes.
    const held = await lease(imp.id);
    expect(held.lock_owner).toBe(cliOwner(first.child.pid));
    expect(Date.parse(held.lock_until ?? '')).toBeGreaterThan(Date.now());

    const second = sync(imp.id);
    expect(await second.exit, second.output()).toEqual({ code: 0, signal: null });
    expect(second.output()).toContain(`Took over the lease of process ${first.child.pid}`);
    expect(second.output()).toContain(
      `succeeded (full) — ${USERS} users in ${Math.ceil(USERS / PAGE)} pages; added ${USERS},`,
    );

    const done = await runRow(imp.lastRun.id);
    expect(done).toMatchObject({ status: 'succeeded', users_seen: USERS, added: USERS, removed: 0 });
    await expectOneRunEveryUserOnce(t, imp, tenantUserIds);
    const recipients = await db()
      .selectFrom('recipients')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(Number(recipients.n)).toBe(USERS);
    expect(await lease(imp.id)).toEqual({ lock_owner: null, lock_until: null });
  }, 60_000);

  it('does not take over the lease of a live baitwise sync', async () => {
    const imp = await createImport();
    // Very slow requests: the live process holds the lease while it waits for its first page.
    await latency(5000);
    try {
      const live = sync(imp.id);
      const owner = cliOwner(live.child.pid);
      await until('the live process holding the lease', live, async () =>
        (await lease(imp.id)).lock_owner === owner ? true : undefined,
      );
      const other = sync(imp.id);
      const exit = await other.exit;
      expect(exit.code, other.output()).not.toBe(0);
      expect(other.output()).toContain('Another sync of this import is running.');
      expect(other.output()).not.toContain('Took over');
      expect(live.child.exitCode).toBeNull();
      expect((await lease(imp.id)).lock_owner).toBe(owner);
      live.child.kill('SIGKILL');
      expect((await live.exit).signal).toBe('SIGKILL');
    } finally {
      await latency(0);
    }
  }, 60_000);
});
