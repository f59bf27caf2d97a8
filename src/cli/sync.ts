// `baitwise sync <import-id>`: run an import's sync in this process with a progress bar. It takes
// the import's lease like a worker would, so it never runs alongside a worker's sync of the same
// import; a run waiting in the queue (or interrupted) is the one it runs.
import cliProgress from 'cli-progress';
import { EntraClient } from '../microsoft/entra.js';
import { GraphClient } from '../microsoft/graph.js';
import { TokenService } from '../modules/azure-apps/token-service.js';
import { runSync } from '../modules/directory-sync/engine.js';
import { importOwnerForCli } from '../modules/directory-sync/repository.js';
import { runView } from '../modules/directory-sync/view.js';
import type { Runtime } from '../runtime.js';

export async function syncCommand(rt: Runtime, importId: string, out: NodeJS.WriteStream = process.stderr) {
  const owner = await importOwnerForCli(rt.db.db, importId);
  if (!owner) throw new Error(`no import with id ${importId}`);
  const deps = {
    db: rt.db,
    tokens: new TokenService(rt.db, rt.secrets, new EntraClient(rt.config)),
    graph: new GraphClient(rt.config),
    logger: rt.logger,
  };
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
      owner: `cli:${process.pid}`,
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
    for (const e of v.errors.slice(-5)) process.stdout.write(`  ${e.code}: ${e.message}\n`);
    return v.status === 'succeeded' ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    if (started) bar.stop();
  }
}
