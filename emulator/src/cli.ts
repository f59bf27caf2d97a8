// `npm run emulator -- --port 4010 --smtp-port 4025 --seed demo [--register-app <redirectUri>]`
// Prints one JSON line (URLs, and with --seed the demo accounts) so scripts can parse it, then
// runs until SIGINT/SIGTERM and closes both servers.
import { parseArgs } from 'node:util';
import { demoTenants, registerDemoApp } from './generate.js';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    'smtp-port': { type: 'string', default: '4025' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    'register-app': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});

if (values.help) {
  process.stdout.write(
    'Usage: npm run emulator -- [--port 4010] [--smtp-port 4025] [--host 127.0.0.1] [--seed demo] [--register-app <redirect uri>]\n',
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

const emulator = await startEmulator({
  port: toPort(values.port, 'port'),
  smtpPort: toPort(values['smtp-port'], 'smtp-port'),
  host: values.host,
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
