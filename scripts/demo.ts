// `npm run demo`: Baitwise together with the Microsoft 365 emulator, as an MSSP would see it —
// two clients (Contoso, Fabrikam), each with its own emulated Entra tenant and a registered
// Azure application ready to Authorize — and prints the accounts to sign in with.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { demoTenants, registerDemoApp } from '../emulator/src/generate.js';
import { startEmulator } from '../emulator/src/server.js';
import { loadConfig } from '../src/config.js';
import { openContainer } from '../src/runtime.js';
import { serve } from '../src/server.js';

const port = Number(process.env.PORT ?? 3000);
const emulatorPort = Number(process.env.EMULATOR_PORT ?? 4010);
const smtpPort = Number(process.env.EMULATOR_SMTP_PORT ?? 4025);
const publicUrl = process.env.BAITWISE_PUBLIC_URL ?? `http://localhost:${port}`;
const redirectUri = `${publicUrl}/api/v1/azure-apps/callback`;

const emu = await startEmulator({ port: emulatorPort, smtpPort, seed: 'demo' });
const tenants = demoTenants(emu.store);

// The demo's own data directory, so it never touches ./data of a real installation.
const dataDir = process.env.BAITWISE_DATA_DIR ?? resolve('data/demo');
mkdirSync(dataDir, { recursive: true });
// The emulator's SMTP certificate authority, for Office 365 sending profiles.
const caFile = join(dataDir, 'emulator-ca.pem');
writeFileSync(caFile, emu.urls.caPem);
const adminEmail = 'admin@baitwise.demo';
const adminPassword = process.env.BAITWISE_ADMIN_PASSWORD ?? `demo-${randomBytes(9).toString('base64url')}`;
const config = loadConfig({
  ...process.env,
  PORT: String(port),
  BAITWISE_PUBLIC_URL: publicUrl,
  BAITWISE_DATA_DIR: dataDir,
  BAITWISE_ADMIN_EMAIL: adminEmail,
  BAITWISE_ADMIN_PASSWORD: adminPassword,
  MICROSOFT_AUTHORITY_HOST: emu.urls.authority,
  MICROSOFT_GRAPH_ENDPOINT: emu.urls.graph,
  MICROSOFT_SMTP_ENDPOINT: `${emu.urls.smtp.host}:${emu.urls.smtp.port}`,
  MICROSOFT_SMTP_CA_FILE: caFile,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const c = await openContainer({ config });
const server = await serve(c);

// One Baitwise client per emulated tenant, each with its Azure application registered.
const { db } = c.db;
const admin = await db
  .selectFrom('operators')
  .select(['id', 'email'])
  .where('email', '=', adminEmail)
  .executeTakeFirstOrThrow();
// A rerun on the same data directory: make the printed password the valid one.
await c.services.operators.resetPassword(null, admin.id, adminPassword);
const actor = {
  operatorId: admin.id,
  email: admin.email,
  name: 'Demo',
  role: 'system_admin' as const,
  clientIds: new Set<string>(),
  via: 'session' as const,
  sessionId: null,
  tokenId: null,
  ip: '127.0.0.1',
};
const { clients } = c.services;
const { apps } = c.services.azure;
const lines: string[] = [];
// The second tenant has Entra's admin consent workflow on (its administrator reviews the requests),
// so both documented paths can be tried: a non-administrator of the first tenant meets "Need admin
// approval"; one of the second can request approval ("Approval required" → "Request sent").
const workflowTenant = tenants[1]?.tenant.id;
for (const t of tenants) {
  const workflow = t.tenant.id === workflowTenant;
  if (workflow) t.tenant.adminConsentWorkflow = { enabled: true, reviewerIds: [t.admin.id] };
  const { app, clientSecret } = registerDemoApp(emu.store, t.tenant.id, redirectUri);
  const existing = (await clients.list(actor, true)).find((c) => c.name === t.tenant.displayName);
  const client = existing ?? (await clients.create(actor, t.tenant.displayName));
  const have = await apps.list(actor, client.id);
  if (have.length === 0) {
    await apps.create(actor, client.id, {
      name: `${t.tenant.displayName} Entra ID`,
      azureClientId: app.clientId,
      clientSecret,
      tenant: t.tenant.id,
      cloud: 'global',
      // So an "Office 365 (OAuth2)" sending profile can be tried too (the emulator's Exchange SMTP).
      smtpSending: true,
    });
  }
  lines.push(
    `  ${t.tenant.displayName} (tenant ${t.tenant.id}, ${t.tenant.domains[0]})`,
    `    Admin consent workflow:   ${workflow ? `on (reviewer: ${t.admin.userPrincipalName})` : 'off'}`,
    `    Entra administrator:      ${t.admin.userPrincipalName}  /  ${t.admin.password}`,
    '                              grants consent for the organization: Authorize with "Grant admin consent"',
    workflow
      ? `                              and approves requests at ${emu.urls.control}/consent-requests`
      : '                              (or without it, accepting "Consent on behalf of your organization")',
    `    Entra non-administrator:  ${t.user.userPrincipalName}  /  ${t.user.password}`,
    workflow
      ? '                              requests approval: Microsoft shows "Approval required" → "Request sent"'
      : '                              cannot consent: Microsoft shows "Need admin approval"',
    `    Azure application:        client id ${app.clientId}, secret ${clientSecret}`,
    '                              (already registered in Baitwise for this client)',
  );
}

process.stdout.write(
  [
    '',
    'Baitwise demo is running.',
    '',
    `  Console:   ${publicUrl}   (sign in as ${adminEmail} / ${adminPassword})`,
    `  API docs:  ${publicUrl}/api/docs`,
    `  Emulator:  ${emu.urls.authority} (control API ${emu.urls.control}, SMTP ${emu.urls.smtp.host}:${emu.urls.smtp.port})`,
    '',
    'Emulated Microsoft 365 tenants (one per client):',
    ...lines,
    '',
    'Open Settings → Common System Settings → Azure Applications and click Authorize.',
    `Admin consent requests (${tenants[1]?.tenant.displayName ?? 'second tenant'}) are reviewed at ${emu.urls.control}/consent-requests`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);

const stop = async () => {
  await server.close();
  await c.close();
  await emu.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
