// A closed-loop HTTP load generator, run as a child process of a benchmark so its CPU is not the
// server's: `connections` keep-alive connections, each sending its next request as soon as the
// last answered, for `seconds`; requests round-robin over `paths`. That is autocannon, the tool
// the API's targets were first measured with (issue #15), which costs about two thirds of the CPU a
// request that node:http's client did (0.15-0.24 against 0.26-0.29 ms a list request, measured on
// the same server): on a 2-core machine whatever the generator takes, the server does not get.
// With `ratePerSecond` each connection instead sends on a schedule (a person clicking, not a
// script), with node:http. A request unanswered after `timeoutMs` counts as a timeout and its
// connection is dropped. Prints JSON. The spec is read from standard input (thousands of paths fit
// in neither argv nor the environment); benchmarks call `loadInChild`.
//
//   echo '{"base":"http://127.0.0.1:3000","paths":["/healthz"],"connections":200,"seconds":10}' | npx tsx bench/http-load.ts
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface LoadSpec {
  base: string;
  paths: string[];
  headers?: Record<string, string>;
  /** GET by default; a `body` is sent as JSON */
  method?: 'GET' | 'PUT' | 'POST';
  body?: unknown;
  connections: number;
  seconds: number;
  timeoutMs?: number;
  /** open loop: this many requests a second in all (a person's pace), instead of as fast as answered */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  /** every answer, whatever its status */
  requestsPerSecond: number;
  /** answers with a 2xx status: what the route did, not what it refused (a 503 costs nothing) */
  okPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  timeouts: number;
  errors: number;
  statuses: Record<string, number>;
  /** closed loop: until every connection had its first answer, not counted above (closedLoop) */
  ramp?: { ms: number; requests: number; maxMs: number; complete: boolean };
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10
    : 0;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return spec.ratePerSecond ? openLoop(spec) : closedLoop(spec);
}

/** Longest ramp a closed loop waits for before it gives up on a steady state. */
const RAMP_MAX_SECONDS = 30;

/**
 * Closed loop with autocannon, measured in steady state: from the moment every connection has had
 * its first answer. Node 20's libuv accepts one connection per turn of the event loop (libuv
 * 1.45, "don't accept() connections in a loop"), so when 200 connections open at once on a server
 * already busy with the first ones, the last are accepted one turn (30-40 ms) at a time: their
 * first requests wait up to 4 s whatever the route (a plain node:http server spinning 0.25 ms a
 * request does the same). That ramp is reported apart (`ramp`), not mixed into the route's figures,
 * and the route is measured for `seconds` after it.
 */
async function closedLoop(spec: LoadSpec): Promise<LoadResult> {
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const method = spec.method ?? 'GET';
  // autocannon builds a request once and resends it; with several paths, each request is built
  // with the next path of one round-robin shared by every connection (as each connection starting
  // on the first path would send them all the same path at once).
  let next = 0;
  const paths = spec.paths.length ? spec.paths : ['/'];
  const started = performance.now();
  let run!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    run = autocannon(
      {
        url: spec.base,
        connections: spec.connections,
        // stopped `seconds` after the ramp (below); this only bounds a ramp that never ends
        duration: spec.seconds + RAMP_MAX_SECONDS,
        timeout: (spec.timeoutMs ?? 10_000) / 1000,
        headers: { ...spec.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        requests: [
          paths.length === 1
            ? { method, path: paths[0], body }
            : { method, body, setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
  });
  const answered = new Set<object>();
  let steadyFrom = 0;
  const ramp: number[] = [];
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  run.on('response', (client: object, status: number, _bytes: number, ms: number) => {
    if (steadyFrom === 0) {
      ramp.push(ms);
      answered.add(client);
      if (answered.size === spec.connections) {
        steadyFrom = performance.now();
        setTimeout(() => run.stop(), spec.seconds * 1000);
      }
      return;
    }
    latencies.push(ms);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  const r = await done;
  const ended = performance.now();
  // A ramp that never ended (a connection never answered) is the whole run: no steady figures.
  const rampMs = (steadyFrom || ended) - started;
  ramp.sort((a, b) => a - b);
  return {
    ...summarise(latencies, statuses, (ended - (steadyFrom || ended)) / 1000),
    timeouts: r.timeouts,
    // autocannon counts a timeout as an error too
    errors: r.errors - r.timeouts,
    ramp: { ms: Math.round(rampMs), requests: ramp.length, maxMs: pct(ramp, 100), complete: steadyFrom > 0 },
  };
}

/** Requests, rates and latency percentiles of the answers of `seconds`. */
function summarise(latencies: number[], statuses: Record<string, number>, seconds: number) {
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statuses).reduce((n, [status, count]) => (status.startsWith('2') ? n + count : n), 0);
  return {
    requests: latencies.length,
    requestsPerSecond: seconds > 0 ? Math.round(latencies.length / seconds) : 0,
    okPerSecond: seconds > 0 ? Math.round(ok / seconds) : 0,
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    maxMs: pct(latencies, 100),
    statuses,
  };
}

async function openLoop(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const timeoutMs = spec.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let timeouts = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;

  const body = spec.body === undefined ? null : JSON.stringify(spec.body);
  const headers = {
    ...spec.headers,
    ...(body === null ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
  };
  const one = () =>
    new Promise<void>((resolve) => {
      const path = spec.paths[next++ % spec.paths.length] ?? '/';
      const t0 = performance.now();
      const req = request(`${spec.base}${path}`, { agent, method: spec.method ?? 'GET', headers }, (res) => {
        res.resume();
        res.once('end', () => {
          latencies.push(performance.now() - t0);
          statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
          resolve();
        });
        res.once('error', () => {
          errors++;
          resolve();
        });
      });
      req.setTimeout(timeoutMs, () => {
        timeouts++;
        req.destroy();
      });
      req.once('error', () => {
        if (req.destroyed && performance.now() - t0 >= timeoutMs) return resolve();
        errors++;
        resolve();
      });
      req.end(body ?? undefined);
    });

  // runLoad sends only a paced spec here: the schedule, not the answers, sets the pace.
  const interval = (spec.connections * 1000) / (spec.ratePerSecond as number);
  await Promise.all(
    Array.from({ length: spec.connections }, async (_, c) => {
      let due = started + (interval * c) / spec.connections;
      while (performance.now() < deadline) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        due += interval;
        if (performance.now() >= deadline) break;
        await one();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { ...summarise(latencies, statuses, elapsed), timeouts, errors };
}

/** Runs the load in a process of its own, so its CPU is not the measured process's. */
export function loadInChild(spec: LoadSpec): Promise<LoadResult> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  proc.stdin?.end(JSON.stringify(spec));
  let out = '';
  proc.stdout?.on('data', (d) => {
    out += d;
  });
  return new Promise((resolve, reject) =>
    proc.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load generator exited ${code}`)),
    ),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const spec = JSON.parse(readFileSync(0, 'utf8')) as LoadSpec;
  process.stdout.write(`${JSON.stringify(await runLoad(spec))}\n`);
}
