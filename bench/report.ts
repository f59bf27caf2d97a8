// Benchmark: report ingestion through the add-in's endpoint, verified through the emulator's Graph.
// Each report is what the add-in sends for a 100 KB message in the reporter's inbox: its REST id and
// the reporter's nested-app-authentication token. Baitwise checks the token (claims, then Graph
// /me), fetches the message (/$value), stores it, moves it to Junk Email and forwards it in
// Defender's format to the security mailbox (sendMail with the .eml attached).
//
// Three processes, so that what is measured is Baitwise alone: this one (the orchestrator and the
// `--concurrency` reporters calling over loopback HTTP), Baitwise (a child: its CPU time per report
// from process.cpuUsage, which other load on the machine hardly changes, and its peak RSS), and the
// Microsoft 365 emulator (another child, bench/report-emulator.ts; it mints the reporters' tokens
// as Outlook's NAA bridge would). Two baselines in the same run say what the machine gives:
// - `GET /api/v1/auth/me` on Baitwise: the cheapest authenticated request (HTTP + session), and
// - the Graph floor: the four Graph calls of a report (/me and $value, then move and sendMail)
//   made directly against the emulator by the same number of reporters, with no Baitwise between:
//   the most reports per second the emulator allows on this machine.
// Prints JSON: reports/s sustained, latency percentiles, Baitwise CPU ms per report, peak RSS.
//
//   npm run bench:report [-- --reports 1000 --seconds 30 --concurrency 8 --reporters 50 --size 102400
//                           --baseline-seconds 3 --fresh-tokens --cpu-prof-dir DIR]
import { type ChildProcess, fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GRAPH_APP_ID } from '../emulator/src/model.js';
import { ADMIN, createTestApp } from '../test/helpers/app.js';
import { connectedApp } from '../test/helpers/azure.js';
import { emulatorClient } from '../test/helpers/emulator.js';
import { mb, s } from './measure.js';

const { values: args } = parseArgs({
  options: {
    reports: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '8' },
    reporters: { type: 'string', default: '50' },
    size: { type: 'string', default: String(100 * 1024) },
    'baseline-seconds': { type: 'string', default: '3' },
    // a token of its own for every report (Baitwise asks Graph /me every time), instead of one
    // per reporter for the sitting (MSAL hands the add-in the same token for about an hour)
    'fresh-tokens': { type: 'boolean', default: false },
    // writes a V8 CPU profile of Baitwise's process there (where its time goes)
    'cpu-prof-dir': { type: 'string' },
  },
});
const REPORTS = Number(args.reports);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const REPORTERS = Number(args.reporters);
const SIZE = Number(args.size);
const BASELINE_SECONDS = Number(args['baseline-seconds']);
const PUBLIC_URL = 'https://baitwise.bench';

type Urls = { authority: string; graph: string; control: string };
interface Ready {
  base: string;
  addinId: string;
  clientId: string;
  cookie: string;
  tenantId: string;
  appClientId: string;
  reporters: { id: string; upn: string }[];
}
interface Usage {
  cpuMs: number;
  startRssMb: number;
  peakRssMb: number;
  stored: number;
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Request/answer over a child's IPC channel: `{ id, ... }` out, the message with the same id back. */
function rpc(proc: ChildProcess | NodeJS.Process) {
  let next = 1;
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  proc.on('message', (m: Record<string, unknown>) => {
    const resolve = waiting.get(m.id as number);
    if (resolve) {
      waiting.delete(m.id as number);
      resolve(m);
    }
  });
  return <T>(m: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = next++;
      waiting.set(id, resolve as (m: Record<string, unknown>) => void);
      proc.send?.({ ...m, id });
    });
}

/** The first IPC message a child sends (its URLs, or that it is ready). */
const firstMessage = <T>(proc: ChildProcess, name: string) =>
  new Promise<T>((resolve, reject) => {
    proc.once('message', (m) => resolve(m as T));
    proc.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });

/** `workers` loops taking jobs until none are left or `seconds` have passed; latencies sorted. */
async function load<J>(jobs: J[], workers: number, seconds: number, one: (job: J) => Promise<string | null>) {
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const job = jobs[next++];
        if (job === undefined || performance.now() > deadline) return;
        const t0 = performance.now();
        const problem = await one(job).catch((err: unknown) => String(err));
        latencies.push(performance.now() - t0);
        if (problem) errors[problem] = (errors[problem] ?? 0) + 1;
      }
    }),
  );
  const ms = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    ms,
    perSecond: Math.round((latencies.length / ms) * 1000 * 10) / 10,
    latencyMs: {
      p50: round(pct(latencies, 50)),
      p95: round(pct(latencies, 95)),
      p99: round(pct(latencies, 99)),
      max: round(latencies.at(-1) ?? 0),
    },
    errors,
  };
}

// ---- Baitwise's process ----------------------------------------------------------------------

async function baitwiseChild(urls: Urls) {
  const emu = emulatorClient(urls);
  const t = await createTestApp({
    env: {
      ...emu.env,
      BAITWISE_PUBLIC_URL: PUBLIC_URL,
      LOG_LEVEL: 'silent',
      BAITWISE_REPORTS_PER_REPORTER_PER_MINUTE: String(Math.max(10, Math.ceil(REPORTS / REPORTERS) + 1)),
    },
  });
  const sys = await t.login(ADMIN.email, ADMIN.password);
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Bench' })).json().id as string;
  const tenant = await emu.tenantWithApp(`${PUBLIC_URL}/api/v1/azure-apps/callback`, {
    users: REPORTERS + 5,
    name: 'Benchland',
  });
  const appId = await connectedApp(t, emu, sys, clientId, tenant, 'Bench');
  const all = (
    await emu.control<{
      value: { id: string; userPrincipalName: string; hasMailbox: boolean; userType: string }[];
    }>('GET', `/tenants/${tenant.tenantId}/users?top=1000`)
  ).value.filter(
    (u) => u.hasMailbox && u.userType === 'Member' && u.userPrincipalName !== tenant.admin.userPrincipalName,
  );
  const [security, ...reporters] = all;
  if (!security || reporters.length === 0) throw new Error('no users with mailboxes in the emulated tenant');
  const addinId = (
    await t.as(sys, 'PUT', `/api/v1/clients/${clientId}/report-addin`, {
      azureAppId: appId,
      moveTo: 'junk',
      securityMailbox: security.userPrincipalName,
    })
  ).json().addinId as string;
  await t.app.listen({ host: '127.0.0.1', port: 0 });

  // Between start and stop: CPU time and peak RSS of this process, sampled every 20 ms.
  let cpu = process.cpuUsage();
  let peak = 0;
  let startRss = 0;
  let sampler: NodeJS.Timeout | undefined;
  process.on('message', async (m: { id: number; op: 'start' | 'stop' | 'close' }) => {
    if (m.op === 'start') {
      global.gc?.();
      // memoryUsage.rss() alone: memoryUsage() walks the heap spaces too, which cost a few per cent
      // of the CPU measured here when sampled every 20 ms.
      startRss = process.memoryUsage.rss();
      peak = startRss;
      sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
      }, 20);
      cpu = process.cpuUsage();
      process.send?.({ id: m.id });
    } else if (m.op === 'stop') {
      const used = process.cpuUsage(cpu);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage.rss());
      const stored = await t.db.handle.db
        .selectFrom('reported_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('client_id', '=', clientId)
        .executeTakeFirstOrThrow();
      const usage: Usage = {
        cpuMs: (used.user + used.system) / 1000,
        startRssMb: mb(startRss),
        peakRssMb: mb(peak),
        stored: Number(stored.n),
      };
      process.send?.({ id: m.id, ...usage });
    } else {
      await t.close();
      process.send?.({ id: m.id });
      process.exit(0);
    }
  });
  const ready: Ready = {
    base: `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`,
    addinId,
    clientId,
    cookie: sys.cookie,
    tenantId: tenant.tenantId,
    appClientId: tenant.clientId,
    reporters: [security, ...reporters].map((u) => ({ id: u.id, upn: u.userPrincipalName })),
  };
  process.send?.({ ready });
}

// ---- The orchestrator and the reporters ------------------------------------------------------

async function main() {
  const tsx = ['--import', 'tsx'];
  const emuProc = fork(fileURLToPath(new URL('./report-emulator.ts', import.meta.url)), [], {
    execArgv: tsx,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let baitwise: ChildProcess | undefined;
  try {
    const { urls } = await firstMessage<{ urls: Urls }>(emuProc, 'the emulator');
    const mint = rpc(emuProc);
    baitwise = fork(fileURLToPath(import.meta.url), process.argv.slice(2), {
      execArgv: [
        '--expose-gc',
        ...(args['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-dir']}`] : []),
        ...tsx,
      ],
      env: { ...process.env, BENCH_REPORT_CHILD: JSON.stringify(urls) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { ready } = await firstMessage<{ ready: Ready }>(baitwise, 'Baitwise');
    const call = rpc(baitwise);
    const emu = emulatorClient(urls);
    const [security, ...reporters] = ready.reporters;
    if (!security) throw new Error('no security mailbox');

    // The reporters' tokens (what nested app authentication gives the add-in) and their messages:
    // one set for Baitwise, one for the Graph floor (a move gives a message a new id).
    const tokenFor = async (u: { id: string; upn: string }, n: number) => {
      const claims = {
        aud: GRAPH_APP_ID,
        iss: `https://sts.windows.net/${ready.tenantId}/`,
        tid: ready.tenantId,
        oid: u.id,
        upn: u.upn,
        appid: ready.appClientId,
        scp: 'User.Read Mail.ReadWrite Mail.Send',
        ver: '1.0',
        idtyp: 'user',
        uti: `bench-${n}`,
      };
      return (await mint<{ token: string }>({ claims })).token;
    };
    const tokens = new Map<string, string>();
    for (const [n, u] of reporters.entries()) tokens.set(u.id, await tokenFor(u, n));
    const line = 'Dear colleague, please review the attached invoice and confirm the payment details today. ';
    const text = line.repeat(Math.ceil(SIZE / line.length)).slice(0, SIZE);
    const messages = async (n: number, tag: string) => {
      const jobs: { restId: string; token: string }[] = [];
      for (let i = 0; i < n; i++) {
        const u = reporters[i % reporters.length]!;
        const m = await emu.control<{ restId: string }>('POST', `/mailboxes/${encodeURIComponent(u.upn)}/messages`, {
          from: { name: 'Accounts', address: 'accounts@invoices.example' },
          subject: `Invoice ${tag}${i}`,
          text,
        });
        const token = args['fresh-tokens'] ? await tokenFor(u, reporters.length + i) : tokens.get(u.id)!;
        jobs.push({ restId: m.restId, token });
      }
      return jobs;
    };
    const floorJobs = await messages(Math.min(REPORTS, 400), 'F');
    const jobs = await messages(REPORTS, '');

    const measuredInBaitwise = async <T>(fn: () => Promise<T>) => {
      await call({ op: 'start' });
      const value = await fn();
      return { value, usage: await call<Usage>({ op: 'stop' }) };
    };

    // Baseline 1: the cheapest authenticated request Baitwise answers.
    const authMe = await measuredInBaitwise(() =>
      load(
        Array.from({ length: 1_000_000 }, () => 0),
        CONCURRENCY,
        BASELINE_SECONDS,
        async () => {
          const res = await fetch(`${ready.base}/api/v1/auth/me`, { headers: { cookie: ready.cookie } });
          await res.arrayBuffer();
          return res.status === 200 ? null : String(res.status);
        },
      ),
    );

    // Baseline 2: a report's Graph calls straight to the emulator, with no Baitwise between.
    const graph = `${urls.graph}/v1.0`;
    const floor = await load(floorJobs, CONCURRENCY, SECONDS, async ({ restId, token }) => {
      const auth = { authorization: `Bearer ${token}` };
      const json = { ...auth, 'content-type': 'application/json' };
      const msg = `${graph}/me/messages/${encodeURIComponent(restId)}`;
      const [me, value] = await Promise.all([
        fetch(`${graph}/me?$select=id,mail,userPrincipalName`, { headers: auth }),
        fetch(`${msg}/$value`, { headers: auth }),
      ]);
      await me.arrayBuffer();
      const eml = Buffer.from(await value.arrayBuffer());
      const [moved, sent] = await Promise.all([
        fetch(`${msg}/move`, { method: 'POST', headers: json, body: JSON.stringify({ destinationId: 'junkemail' }) }),
        fetch(`${graph}/me/sendMail`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            message: {
              subject: '3|Invoice',
              body: { contentType: 'Text', content: 'Reported.' },
              toRecipients: [{ emailAddress: { address: security.upn } }],
              attachments: [
                {
                  '@odata.type': '#microsoft.graph.fileAttachment',
                  name: 'reported-message.eml',
                  contentType: 'message/rfc822',
                  contentBytes: eml.toString('base64'),
                },
              ],
            },
            saveToSentItems: false,
          }),
        }),
      ]);
      await moved.arrayBuffer();
      await sent.arrayBuffer();
      const bad = [me, value, moved, sent].find((r) => !r.ok);
      return bad ? `graph ${bad.status}` : null;
    });

    // The benchmark: reports through Baitwise's endpoint.
    const url = `${ready.base}/api/v1/report-addin/reports`;
    const run = await measuredInBaitwise(() =>
      load(jobs, CONCURRENCY, SECONDS, async (job) => {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
          body: JSON.stringify({ addinId: ready.addinId, restId: job.restId }),
        });
        const body = (await res.json()) as { forwarded?: boolean; moveItemTo?: string; error?: { code: string } };
        return res.status !== 200
          ? `${res.status} ${body.error?.code}`
          : !body.forwarded || body.moveItemTo !== 'noMove'
            ? 'not moved or not forwarded'
            : null;
      }),
    );

    const perItem = (cpuMs: number, n: number) => Math.round((cpuMs / Math.max(1, n)) * 100) / 100;
    const { errors, count, ms, perSecond, latencyMs } = run.value;
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'report ingestion (verified, moved, forwarded) over loopback HTTP',
          messageBytes: SIZE,
          concurrency: CONCURRENCY,
          tokens: args['fresh-tokens'] ? 'one per report' : 'one per reporter',
          reporters: reporters.length,
          reports: count,
          stored: run.usage.stored,
          seconds: s(ms),
          reportsPerSecond: perSecond,
          latencyMs,
          baitwiseCpuMsPerReport: perItem(run.usage.cpuMs, count),
          baitwisePeakRssMb: run.usage.peakRssMb,
          baitwiseRssAtStartMb: run.usage.startRssMb,
          errors,
          baseline: {
            authMe: {
              requestsPerSecond: authMe.value.perSecond,
              latencyMs: authMe.value.latencyMs,
              baitwiseCpuMsPerRequest: perItem(authMe.usage.cpuMs, authMe.value.count),
            },
            graphFloor: {
              reports: floor.count,
              reportsPerSecond: floor.perSecond,
              latencyMs: floor.latencyMs,
              errors: floor.errors,
            },
          },
          target: { reportsPerSecond: 50, p99Ms: 500 },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    if (baitwise?.connected) await rpc(baitwise)({ op: 'close' }).catch(() => undefined);
    emuProc.disconnect();
  }
}

if (process.env.BENCH_REPORT_CHILD) await baitwiseChild(JSON.parse(process.env.BENCH_REPORT_CHILD) as Urls);
else await main();
