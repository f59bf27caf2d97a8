// A closed-loop HTTP load generator, run as a child process of a benchmark so its CPU is not the
// server's (autocannon's model): `connections` keep-alive connections, each sending its next
// request as soon as the last answered, for `seconds`; requests round-robin over `paths`. With
// `ratePerSecond` each connection instead sends on a schedule (a person clicking, not a script). A
// request unanswered after `timeoutMs` counts as a timeout and its connection is dropped. Prints
// JSON. The spec is read from standard input (thousands of paths fit in neither argv nor the
// environment); benchmarks call `loadInChild`.
//
//   echo '{"base":"http://127.0.0.1:3000","paths":["/healthz"],"connections":200,"seconds":10}' | npx tsx bench/http-load.ts
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

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
}

const pct = (sorted: number[], p: number) =>
  sorted.length
    ? Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) * 10) / 10
    : 0;

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
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

  const interval = spec.ratePerSecond ? (spec.connections * 1000) / spec.ratePerSecond : 0;
  await Promise.all(
    Array.from({ length: spec.connections }, async (_, c) => {
      let due = started + (interval * c) / spec.connections;
      while (performance.now() < deadline) {
        if (interval) {
          // the schedule, not the answers, sets the pace: wait for this request's turn
          const wait = due - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          due += interval;
          if (performance.now() >= deadline) break;
        }
        await one();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    okPerSecond: Math.round(
      Object.entries(statuses).reduce((n, [status, count]) => (status.startsWith('2') ? n + count : n), 0) / elapsed,
    ),
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    maxMs: pct(latencies, 100),
    timeouts,
    errors,
    statuses,
  };
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
