// `npm run emulator -- --port 4010 --smtp-port 4025 --seed demo [--register-app <redirectUri>] [--manual-clock [--start-time <ISO>]]`
// Prints one JSON line (URLs, and with --seed the demo accounts) so scripts can parse it, then
// runs until SIGINT/SIGTERM and closes both servers. --manual-clock stops time until
// POST /_emulator/clock/advance moves it, so browser and end-to-end tests can reach token expiry,
// code lifetime and secret expiry without waiting.
import { parseArgs } from 'node:util';
import { demoTenants, registerDemoApp } from './generate.js';
import { ManualClock } from './model.js';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    'smtp-port': { type: 'string', default: '4025' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    'register-app': { type: 'string' },
    'manual-clock': { type: 'boolean', default: false },
    'start-time': { type: 'string' },
    'outlook-allow-http-loopback': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    'Usage: npm run emulator -- [--port 4010] [--smtp-port 4025] [--host 127.0.0.1] [--seed demo] [--register-app <redirect uri>] [--manual-clock [--start-time <ISO 8601>]] [--outlook-allow-http-loopback]\n',
  );
  process.exit(0);
}

const toPort = (s: string, name: string): number => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    process.stderr.write(`--${name} must be a port number\n`);
    process.exit(2);
  }
  return n;
};

let clock: ManualClock | undefined;
if (values['start-time'] !== undefined && !values['manual-clock']) {
  process.stderr.write('--start-time needs --manual-clock\n');
  process.exit(2);
}
if (values['manual-clock']) {
  const start = values['start-time'] === undefined ? Date.now() : Date.parse(values['start-time']);
  if (!Number.isFinite(start)) {
    process.stderr.write('--start-time must be an ISO 8601 date-time\n');
    process.exit(2);
  }
  clock = new ManualClock(start);
}

const emulator = await startEmulator({
  ...(clock ? { clock } : {}),
  port: toPort(values.port, 'port'),
  smtpPort: toPort(values['smtp-port'], 'smtp-port'),
  host: values.host,
  outlookAllowHttpLoopback: values['outlook-allow-http-loopback'],
  ...(values.seed ? { seed: values.seed } : {}),
});

const tenants = demoTenants(emulator.store).map((g) => {
  const out: Record<string, unknown> = {
    id: g.tenant.id,
    name: g.tenant.displayName,
    domain: g.tenant.domains[0],
    admin: { userPrincipalName: g.admin.userPrincipalName, password: g.admin.password },
    user: { userPrincipalName: g.user.userPrincipalName, password: g.user.password },
    defaultPassword: g.defaultPassword,
  };
  if (values['register-app']) {
    const { app, clientSecret } = registerDemoApp(emulator.store, g.tenant.id, values['register-app']);
    out.app = { clientId: app.clientId, clientSecret, redirectUri: values['register-app'] };
  }
  return out;
});

const { urls } = emulator;
process.stdout.write(
  `${JSON.stringify({
    authority: urls.authority,
    graph: urls.graph,
    control: urls.control,
    smtp: urls.smtp,
    outlook: { url: `${urls.authority}/_outlook/`, allowHttpLoopback: values['outlook-allow-http-loopback'] },
    clock: clock ? { manual: true, now: new Date(clock.now()).toISOString() } : { manual: false },
    ...(values.seed ? { tenants } : {}),
  })}\n`,
);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
