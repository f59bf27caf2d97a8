// grant_type=client_credentials: an app-only token for one resource. The only scope allowed is
// `<resource>/.default` (AADSTS1002012 otherwise); the token's `roles` are the application
// permissions an administrator consented to for this app in this tenant (none → no `roles`
// claim, and the resource refuses the calls). No refresh token, no id_token (MICROSOFT.md §10).
import { createHash, randomBytes } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import { type Application, GRAPH_APP_ID, OUTLOOK_RESOURCE, type Tenant } from '../model.js';
import { parseScopes, type Resource } from './scopes.js';

/** Lifetime of app-only tokens: Entra issues them for an hour, without the 60–90 minute spread. */
const APP_TOKEN_SECONDS = 3599;

export type ClientCredentialsResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; code: number; params: Record<string, string> };

/** The object id of the app's service principal in a tenant: stable, distinct per tenant. */
export function servicePrincipalId(clientId: string, tenantId: string): string {
  const h = createHash('sha256').update(`sp|${clientId}|${tenantId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function clientCredentials(
  ctx: EmulatorContext,
  tenant: Tenant,
  app: Application,
  scope: string | undefined,
): Promise<ClientCredentialsResult> {
  if (!scope) return { ok: false, code: 900144, params: { param: 'scope' } };
  const parsed = parseScopes(scope);
  if (!parsed.ok)
    return { ok: false, code: 500011, params: { resource: parsed.unknownResource, tenantName: tenant.displayName } };
  const raw = scope.split(/\s+/).filter(Boolean);
  const only = parsed.scopes[0];
  if (
    parsed.scopes.length !== 1 ||
    !only ||
    only.resource === null ||
    only.name.toLowerCase() !== '.default' ||
    !raw[0]?.includes('/')
  ) {
    const bad = raw.find((r) => !/\/\.default$/i.test(r)) ?? scope;
    return { ok: false, code: 1002012, params: { scope: bad } };
  }
  const resource: Resource = only.resource;
  const roles = ctx.store.appRolesOf(tenant.id, app.clientId, resource);
  const sp = servicePrincipalId(app.clientId, tenant.id);
  const claims: Record<string, unknown> = {
    aud: resource === OUTLOOK_RESOURCE ? OUTLOOK_RESOURCE : GRAPH_APP_ID,
    iss: `https://sts.windows.net/${tenant.id}/`,
    tid: tenant.id,
    oid: sp,
    sub: sp,
    appid: app.clientId,
    app_displayname: app.displayName,
    appidacr: '1',
    idtyp: 'app',
    ver: '1.0',
    uti: randomBytes(16).toString('base64url'),
  };
  if (roles.length > 0) claims.roles = [...roles];
  const accessToken = await ctx.signer.sign(claims, APP_TOKEN_SECONDS, ctx.store.clock.now());
  return {
    ok: true,
    body: {
      token_type: 'Bearer',
      expires_in: APP_TOKEN_SECONDS,
      ext_expires_in: APP_TOKEN_SECONDS,
      access_token: accessToken,
    },
  };
}
