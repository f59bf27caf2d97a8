// A client with something on every console page, for tests that look at the pages rather than
// at one capability: a connected Azure application (registered and authorized at the Microsoft
// 365 emulator, as the other browser tests connect one), an Entra import that has run, recipients
// in a group, an SMTP sending profile (a real SMTP server), a launched training campaign,
// incidents, reporter feedback, a webhook, the report add-in's and the reporting mailbox's
// settings, an API token and a second operator. The worker must be running (it runs the import,
// groups the reports into incidents and sends the campaign's invitations).
import { vi } from 'vitest';
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { type Api, apiSession } from './e2e.js';
import type { TestEmulator } from './emulator.js';
import { eml, recordReport } from './incidents.js';
import type { TestServer } from './server.js';
import type { SmtpSink } from './smtp-sink.js';

export interface ConsoleSeed {
  clientId: string;
  clientName: string;
  appId: string;
  appName: string;
  groupName: string;
  recipientEmails: string[];
  profileId: string;
  profileName: string;
  campaignId: string;
  campaignName: string;
  incidentId: string;
  incidentSubject: string;
  webhookName: string;
  tokenName: string;
  operator: { name: string; email: string };
  importName: string;
}

async function connectApp(
  server: TestServer,
  emu: TestEmulator,
  call: Api,
  cookie: string,
  clientId: string,
  appName: string,
) {
  const tenant = await emu.tenantWithApp(`${server.url}/api/v1/azure-apps/callback`, { name: 'Contoso', users: 8 });
  const app = await call('POST', `/clients/${clientId}/azure-apps`, {
    name: appName,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
    smtpSending: true,
  });
  const { url } = await call<{ url: string }>('POST', `/clients/${clientId}/azure-apps/${app.id}/authorize`, {
    adminConsent: false,
  });
  const step = await new FormBrowser(emu.urls.authority).signIn(url, {
    username: tenant.admin.userPrincipalName,
    password: tenant.admin.password,
    consent: 'accept-org',
  });
  if (!step.location) throw new Error(`no redirect from the emulator: ${step.html?.slice(0, 500)}`);
  await fetch(step.location, { headers: { cookie }, redirect: 'manual' });
  const connected = await call<{ status: string }>('GET', `/clients/${clientId}/azure-apps/${app.id}`);
  if (connected.status !== 'connected') throw new Error(`the Azure application is ${connected.status}`);
  return { appId: app.id, tenant };
}

export async function seedConsole(server: TestServer, emu: TestEmulator, sink: SmtpSink): Promise<ConsoleSeed> {
  const { call, cookie } = await apiSession(server);
  const db = server.app.container.db.db;
  const clientName = 'Contoso Ltd';
  const clientId = (await call('POST', '/clients', { name: clientName })).id;
  await call('POST', '/clients', { name: 'Fabrikam' });

  const operator = { name: 'Carla Client', email: 'carla@contoso.test' };
  const password = 'a long enough passphrase';
  await call('POST', '/operators', { ...operator, password, role: 'client_admin', clientIds: [clientId] });
  const tokenName = 'Nightly export';
  await call('POST', '/api-tokens', { name: tokenName });
  // one of the operator's own, which a system administrator can revoke from the Operators page
  await (await apiSession(server, { email: operator.email, password })).call('POST', '/api-tokens', {
    name: 'Carla script',
  });

  const appName = 'Contoso M365';
  const { appId, tenant } = await connectApp(server, emu, call, cookie, clientId, appName);

  // An import of the tenant's users; the worker runs it to the end.
  const importName = 'All staff';
  const imp = await call<{ id: string; lastRun: { id: string } }>('POST', `/clients/${clientId}/directory-imports`, {
    name: importName,
    azureAppId: appId,
    newGroupName: 'Entra staff',
    source: 'all_users',
    filters: { enabledOnly: false },
  });
  await vi.waitFor(
    async () => {
      const run = await db
        .selectFrom('directory_sync_runs')
        .select('status')
        .where('id', '=', imp.lastRun.id)
        .executeTakeFirstOrThrow();
      if (run.status !== 'succeeded') throw new Error(`the import's run is ${run.status}`);
    },
    { timeout: 30_000, interval: 100 },
  );

  const groupName = 'Everyone in Sales';
  const group = await call('POST', `/clients/${clientId}/recipient-groups`, { name: groupName });
  const recipientEmails = ['ann@contoso.test', 'bob@contoso.test', 'cy@contoso.test'];
  for (const [i, email] of recipientEmails.entries())
    await call('POST', `/clients/${clientId}/recipients`, {
      email,
      displayName: email.split('@')[0],
      department: i < 2 ? 'Sales' : 'Finance',
      groupIds: [group.id],
    });

  const profileName = 'Contoso relay';
  const profile = await call('POST', `/clients/${clientId}/sending-profiles`, {
    name: profileName,
    kind: 'smtp',
    fromAddress: 'security@contoso.test',
    smtp: {
      host: sink.host,
      port: sink.port,
      security: 'starttls',
      tlsVerify: false,
      username: 'relay-user',
      password: 'relay-password-123',
    },
  });

  const campaignName = 'Spot the phish';
  const campaign = await call('POST', `/clients/${clientId}/training/campaigns`, {
    name: campaignName,
    contentRef: 'builtin:recognising-phishing',
    language: 'en',
    profileId: profile.id,
    audience: { groupIds: [group.id] },
    timeZone: 'UTC',
    dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  });
  await call('POST', `/clients/${clientId}/training/campaigns/${campaign.id}/launch`);

  await call('PUT', `/clients/${clientId}/incident-feedback`, { enabled: true, profileId: profile.id });
  const webhookName = 'Sentinel';
  await call('POST', `/clients/${clientId}/webhooks`, {
    name: webhookName,
    url: 'https://siem.example/baitwise',
    events: ['incident.classified'],
  });
  await call('PUT', `/clients/${clientId}/report-addin`, {
    azureAppId: appId,
    reportingOptions: ['Phishing', 'Spam'],
    moveTo: 'deleted_items',
    securityMailbox: tenant.admin.userPrincipalName,
  });
  await call('PUT', `/clients/${clientId}/reporting-mailbox`, {
    enabled: true,
    azureAppId: appId,
    mailbox: tenant.admin.userPrincipalName,
    accessMode: 'delegated',
  });

  // Two incidents: a wave of one message, and another; the worker groups the reports.
  const incidentSubject = 'Your mailbox is almost full';
  const wave = eml({ subject: incidentSubject, messageId: '<wave-a11y@phish.example>' });
  for (const reporter of recipientEmails) await recordReport(server, clientId, reporter, wave);
  const other = eml({ from: 'Deals <deals@shop.example>', subject: 'Weekly deals', messageId: '<deals@shop.example>' });
  await recordReport(server, clientId, 'ann@contoso.test', other);
  const incidentId = await vi.waitFor(
    async () => {
      const left = await db
        .selectFrom('reported_messages')
        .select('incident_id')
        .where('client_id', '=', clientId)
        .execute();
      if (left.some((r) => r.incident_id === null)) throw new Error('reports not grouped yet');
      const row = await db
        .selectFrom('incidents')
        .select('id')
        .where('client_id', '=', clientId)
        .where('subject', '=', incidentSubject)
        .executeTakeFirstOrThrow();
      return row.id;
    },
    { timeout: 30_000, interval: 100 },
  );

  return {
    clientId,
    clientName,
    appId,
    appName,
    groupName,
    recipientEmails,
    profileId: profile.id,
    profileName,
    campaignId: campaign.id,
    campaignName,
    incidentId,
    incidentSubject,
    webhookName,
    tokenName,
    operator,
    importName,
  };
}
