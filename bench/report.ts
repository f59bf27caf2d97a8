// Benchmark: report ingestion through the add-in's endpoint, verified through the emulator's Graph.
// Each report is what the add-in sends for a 100 KB message in the reporter's inbox: its REST id and
// the reporter's nested-app-authentication token. Baitwise checks the token (claims, then Graph
// /me), fetches the message (/$value), stores it, moves it to Junk Email and forwards it in
// Defender's format to the security mailbox (sendMail with the .eml attached). Baitwise listens on
// loopback and is called over HTTP by `--concurrency` reporters at once until `--reports` are in or
// `--seconds` have passed. The emulator runs in this process (its signer mints the reporters'
// tokens, as Outlook's NAA bridge would), so Baitwise, the emulator and the clients share the CPU.
// Prints JSON: reports/s sustained, latency percentiles, errors.
//
//   npm run bench:report [-- --reports 1000 --seconds 30 --concurrency 8 --reporters 50 --size 102400]
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ADMIN, createTestApp } from '../test/helpers/app.js';
import { connectedApp, naaToken } from '../test/helpers/azure.js';
import { startTestEmulator } from '../test/helpers/emulator.js';
import { mb, measured, s } from './measure.js';

const { values: args } = parseArgs({
  options: {
    reports: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '8' },
    reporters: { type: 'string', default: '50' },
    size: { type: 'string', default: String(100 * 1024) },
  },
});
const REPORTS = Number(args.reports);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const REPORTERS = Number(args.reporters);
const SIZE = Number(args.size);
const PUBLIC_URL = 'https://baitwise.bench';

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function main() {
  const emu = await startTestEmulator();
  const t = await createTestApp({
    env: {
      ...emu.env,
      BAITWISE_PUBLIC_URL: PUBLIC_URL,
      LOG_LEVEL: 'silent',
      BAITWISE_REPORTS_PER_REPORTER_PER_MINUTE: String(Math.max(10, Math.ceil(REPORTS / REPORTERS) + 1)),
    },
  });
  try {
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

    // The reporters' tokens (what nested app authentication gives the add-in) and their messages.
    const tokens = new Map<string, string>();
    for (const u of reporters) tokens.set(u.id, await naaToken(emu.emu, tenant, u));
    const line = 'Dear colleague, please review the attached invoice and confirm the payment details today. ';
    const text = line.repeat(Math.ceil(SIZE / line.length)).slice(0, SIZE);
    const jobs: { restId: string; token: string }[] = [];
    for (let i = 0; i < REPORTS; i++) {
      const u = reporters[i % reporters.length]!;
      const m = await emu.control<{ restId: string }>(
        'POST',
        `/mailboxes/${encodeURIComponent(u.userPrincipalName)}/messages`,
        { from: { name: 'Accounts', address: 'accounts@invoices.example' }, subject: `Invoice ${i}`, text },
      );
      jobs.push({ restId: m.restId, token: tokens.get(u.id)! });
    }

    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/report-addin/reports`;
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    let nextJob = 0;
    const deadline = performance.now() + SECONDS * 1000;
    const run = await measured(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (;;) {
            const job = jobs[nextJob++];
            if (!job || performance.now() > deadline) return;
            const started = performance.now();
            const res = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${job.token}` },
              body: JSON.stringify({ addinId, restId: job.restId }),
            });
            const body = (await res.json()) as { forwarded?: boolean; moveItemTo?: string; error?: { code: string } };
            latencies.push(performance.now() - started);
            const problem =
              res.status !== 200
                ? `${res.status} ${body.error?.code}`
                : !body.forwarded || body.moveItemTo !== 'noMove'
                  ? 'not moved or not forwarded'
                  : null;
            if (problem) errors[problem] = (errors[problem] ?? 0) + 1;
          }
        }),
      );
    });
    latencies.sort((a, b) => a - b);
    const stored = await t.db.handle.db
      .selectFrom('reported_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    process.stdout.write(
      `${JSON.stringify(
        {
          benchmark: 'report ingestion (verified, moved, forwarded) over loopback HTTP',
          database: t.db.handle.kind,
          messageBytes: SIZE,
          concurrency: CONCURRENCY,
          reporters: reporters.length,
          reports: latencies.length,
          stored: Number(stored.n),
          seconds: s(run.ms),
          reportsPerSecond: Math.round((latencies.length / run.ms) * 1000 * 10) / 10,
          latencyMs: {
            p50: round(pct(latencies, 50)),
            p90: round(pct(latencies, 90)),
            p99: round(pct(latencies, 99)),
            max: round(latencies.at(-1) ?? 0),
          },
          errors,
          peakRssMb: mb(run.peakRss),
          target: { reportsPerSecond: 50, p99Ms: 500 },
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await t.close();
    await emu.close();
  }
}

await main();
