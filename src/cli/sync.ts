// `baitwise sync <import-id>`: run an import's sync in this process with a progress bar. It takes
// the import's lease like a worker would, so it never runs alongside a worker's sync of the same
// import; a run waiting in the queue (or interrupted) is the one it runs.
//
// A `baitwise sync` killed outright (SIGKILL, OOM, a closed terminal) leaves its lease behind for
// up to the engine's lease time. Its owner names the host and pid, so the next run on the same
// host can see that the process is gone and take the lease over at once, instead of answering
// "another sync is running" for minutes. Nothing else is taken over: a worker's lease (a job id),
// another host's CLI, or a live process.
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import cliProgress from 'cli-progress';
import type { Container } from '../composition.js';
import { nowIso } from '../lib/ids.js';
import { runSync } from '../modules/directory-sync/engine.js';
import { importLease, importOwnerForCli, takeOverImportLease } from '../modules/directory-sync/repository.js';
import { runView } from '../modules/directory-sync/view.js';

// The host as far as pids go: its name, and on Linux the pid namespace, since containers sharing
// a database may share a hostname while their pids mean different processes.
function pidHost(): string {
  try {
    const ns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
    return ns ? `${hostname()}/${ns}` : hostname();
  } catch {
    return hostname();
  }
}

/** The lease owner of the `baitwise sync` running as `pid` on this host: `cli:<host>:<pid>`. */
export const cliOwner = (pid = process.pid) => `cli:${pidHost()}:${pid}`;

const CLI_OWNER = /^cli:(.+):(\d+)$/;

/** Alive unless the kernel says no such process (EPERM: it exists, as another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Takes over an unexpired lease held by a dead `baitwise sync` of this host; returns the dead owner. */
async function takeOverDeadCliLease(db: Container['db']['db'], clientId: string, importId: string, me: string) {
  const lease = await importLease(db, clientId, importId);
  const holder = lease?.lock_owner;
  if (!holder || holder === me || !lease.lock_until || lease.lock_until < nowIso()) return undefined;
  const m = CLI_OWNER.exec(holder);
  if (!m || m[1] !== pidHost() || processAlive(Number(m[2]))) return undefined;
  return (await takeOverImportLease(db, clientId, importId, holder, me))
    ? { owner: holder, pid: Number(m[2]) }
    : undefined;
}

export async function syncCommand(c: Container, importId: string, out: NodeJS.WriteStream = process.stderr) {
  const owner = await importOwnerForCli(c.db.db, importId);
  if (!owner) throw new Error(`no import with id ${importId}`);
  const me = cliOwner();
  const dead = await takeOverDeadCliLease(c.db.db, owner.client_id, importId, me);
  if (dead)
    out.write(
      `Took over the lease of process ${dead.pid} (${dead.owner}), which is no longer running; its run resumes from its last committed page.\n`,
    );
  const deps = c.services.directorySync.engine;
  const bar = new cliProgress.SingleBar(
    {
      stream: out,
      format: ' {bar} {percentage}% | {value}/{total} users | {pages} pages | {rate} users/s | ETA {eta_s}',
      formatValue: (v, _o, type) => (type === 'eta' && !Number.isFinite(v) ? '?' : String(v)),
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted; the run resumes from its last page next time'));
  process.once('SIGINT', onSignal);
  try {
    const run = await runSync(deps, owner.client_id, importId, {
      owner: me,
      trigger: 'cli',
      signal: abort.signal,
      onProgress: (r) => {
        const v = runView(r);
        const total = Math.max(r.total ?? 0, r.users_seen);
        const payload = { pages: r.pages, rate: v.usersPerSecond ?? 0 };
        if (!started) {
          bar.start(total, r.users_seen, payload);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(r.users_seen, payload);
        }
      },
    });
    if (started) {
      if (run?.status === 'succeeded') bar.update(Math.max(run.total ?? 0, run.users_seen));
      bar.stop();
    }
    if (!run) throw new Error('nothing to run');
    const v = runView(run);
    const line = `${owner.name}: ${v.status} (${v.kind}) — ${v.usersSeen} users in ${v.pages} pages; added ${v.added}, updated ${v.updated}, removed ${v.removed}, held ${v.held}, skipped ${v.skipped}`;
    process.stdout.write(`${line}\n`);
    if (v.removalsHeld) {
      const h = v.removalsHeld;
      process.stdout.write(
        `  ${h.removals} removals held for approval: more than the deletion threshold (${h.threshold}${h.unit === 'percent' ? `% of ${h.members}` : ' users'})\n`,
      );
    }
    for (const u of v.skippedUsers.slice(0, 5))
      process.stdout.write(`  skipped ${u.email ?? u.entraObjectId}: ${u.reason}\n`);
    for (const e of v.errors.slice(-5)) process.stdout.write(`  ${e.code}: ${e.message}\n`);
    return v.status === 'succeeded' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    if (started) bar.stop();
  }
}
