// A closed-loop HTTP load generator, run as a child process of a benchmark so its CPU is not the
// server's (autocannon's model): `connections` keep-alive connections, each sending its next
// request as soon as the last answered, for `seconds`; requests round-robin over `paths`. With
// `ratePerSecond` each connection instead sends on a schedule (a person clicking, not a script). A request
// unanswered after `timeoutMs` counts as a timeout and its connection is dropped. Prints JSON.
//
//   BENCH_HTTP_LOAD='{"base":"http://127.0.0.1:3000","paths":["/healthz"],"connections":200,"seconds":10}' npx tsx bench/http-load.ts
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export interface LoadSpec {
  base: string;
  paths: string[];
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  timeoutMs?: number;
  /** open loop: this many requests a second in all (a person's pace), instead of as fast as answered */
  ratePerSecond?: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
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

  const one = () =>
    new Promise<void>((resolve) => {
      const path = spec.paths[next++ % spec.paths.length] ?? '/';
      const t0 = performance.now();
      const req = request(`${spec.base}${path}`, { agent, headers: spec.headers ?? {} }, (res) => {
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
      req.end();
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
    p50Ms: pct(latencies, 50),
    p99Ms: pct(latencies, 99),
    maxMs: pct(latencies, 100),
    timeouts,
    errors,
    statuses,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const spec = JSON.parse(process.env.BENCH_HTTP_LOAD ?? '{}') as LoadSpec;
  process.stdout.write(`${JSON.stringify(await runLoad(spec))}\n`);
}
