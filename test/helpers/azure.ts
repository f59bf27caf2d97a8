// A Connected Azure application for a client, the way an administrator gets one: register it,
// click Authorize, sign in at the emulator as the tenant's admin, consent for the organisation,
// and let Microsoft's redirect land on Baitwise's callback.
import { FormBrowser } from '../../emulator/src/identity/testkit.js';
import { GRAPH_APP_ID } from '../../emulator/src/model.js';
import type { Emulator } from '../../emulator/src/server.js';
import type { Session, TestApp } from './app.js';
import type { EmulatorClient } from './emulator.js';

export type EmulatedTenant = Awaited<ReturnType<EmulatorClient['tenantWithApp']>>;

export async function connectedApp(
  t: TestApp,
  emu: EmulatorClient,
  s: Session,
  clientId: string,
  tenant: EmulatedTenant,
  name = `Tenant ${Math.random().toString(36).slice(2, 8)}`,
  /** more registration fields, e.g. `{ smtpSending: true }` */
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await t.as(s, 'POST', `/api/v1/clients/${clientId}/azure-apps`, {
    name,
    azureClientId: tenant.clientId,
    clientSecret: tenant.clientSecret,
    tenant: tenant.tenantId,
    ...extra,
  });
  if (created.statusCode !== 201) throw new Error(`register app: ${created.body}`);
  const appId = created.json().id as string;
  await authorizeApp(t, emu, s, clientId, appId, tenant);
  return appId;
}

/** Click Authorize on a registered application and consent as the tenant's admin; it must end connected. */
export async function authorizeApp(
  t: TestApp,
  emu: EmulatorClient,
  s: Session,
  clientId: string,
  appId: string,
  tenant: EmulatedTenant,
): Promise<void> {
  const start = await t.as(s, 'POST', `/api/v1/clients/${clientId}/azure-apps/${appId}/authorize`, {
    adminConsent: false,
  });
  const step = await new FormBrowser(emu.urls.authority).signIn(start.json().url, {
    username: tenant.admin.userPrincipalName,
    password: tenant.admin.password,
    consent: 'accept-org',
  });
  if (!step.location) throw new Error(`no redirect from the emulator: ${step.html?.slice(0, 500)}`);
  const cb = new URL(step.location);
  await t.as(s, 'GET', `${cb.pathname}${cb.search}`);
  const app = (await t.as(s, 'GET', `/api/v1/clients/${clientId}/azure-apps/${appId}`)).json();
  if (app.status !== 'connected') throw new Error(`app not connected: ${JSON.stringify(app.lastAuthorization)}`);
}

/**
 * The Graph token Outlook's nested app authentication gives the report add-in for user `u` of the
 * app's tenant, signed by the emulator (its identity pages are covered by their own tests).
 * `over`: claims to change, e.g. a foreign audience or a missing scope.
 */
export function naaToken(
  emu: Emulator,
  app: { tenantId: string; clientId: string },
  u: { id: string; userPrincipalName: string },
  over: Record<string, unknown> = {},
  nowMs = Date.now(),
): Promise<string> {
  return emu.ctx.signer.sign(
    {
      aud: GRAPH_APP_ID,
      iss: `https://sts.windows.net/${app.tenantId}/`,
      tid: app.tenantId,
      oid: u.id,
      upn: u.userPrincipalName,
      appid: app.clientId,
      scp: 'User.Read Mail.ReadWrite Mail.Send',
      ver: '1.0',
      idtyp: 'user',
      ...over,
    },
    3600,
    nowMs,
  );
}
