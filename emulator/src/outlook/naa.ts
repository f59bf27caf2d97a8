// The nested app authentication broker of the emulated Outlook: what MSAL.js's
// createNestablePublicClientApplication reaches through window.nestedAppAuthBridge. The add-in
// frame's office.js forwards MSAL's request envelope to the Outlook page, which posts it here
// with the frame's origin (event.origin, which the browser guarantees). Outlook brokers the token
// from Entra on behalf of the add-in's application, so Entra's rules apply: the application must
// exist for the user's tenant (AADSTS700016), carry the SPA redirect URI
// brk-multihub://<host of the add-in page> (AADSTS50011), and every requested scope must be
// consented (AADSTS65001 → USER_INTERACTION_REQUIRED / consent_required, which MSAL raises as
// InteractionRequiredAuthError). Tokens are minted like every other emulator token (ctx.signer).
import type { EmulatorContext } from '../context.js';
import { buildError } from '../identity/errors.js';
import { tokenResponse } from '../identity/mint.js';
import { expandToKeys, isOidc, parseScopes, type Resource, resourceOfKey, scopeProblem } from '../identity/scopes.js';
import { GRAPH_RESOURCE, type User } from '../model.js';

export const NAA_ENVIRONMENT = 'login.microsoftonline.com';

/** MSAL's BridgeStatusCode values. */
export type BridgeStatus =
  | 'USER_INTERACTION_REQUIRED'
  | 'USER_CANCEL'
  | 'NO_NETWORK'
  | 'TRANSIENT_ERROR'
  | 'PERSISTENT_ERROR'
  | 'DISABLED'
  | 'ACCOUNT_UNAVAILABLE'
  | 'NESTED_APP_AUTH_UNAVAILABLE';

export interface BridgeError {
  status: BridgeStatus;
  code?: string;
  subError?: string;
  description?: string;
}

export interface NaaRequest {
  messageType?: string;
  method?: string;
  requestId?: string;
  tokenParams?: { clientId?: string; scope?: string; correlationId?: string; claims?: string };
}

export const brokerRedirectUri = (pageOrigin: string): string => `brk-multihub://${new URL(pageOrigin).host}`;

export function naaAccount(user: User) {
  return {
    homeAccountId: `${user.id}.${user.tenantId}`,
    environment: NAA_ENVIRONMENT,
    tenantId: user.tenantId,
    username: user.userPrincipalName,
    localAccountId: user.id,
    name: user.displayName,
  };
}

function aadError(
  ctx: EmulatorContext,
  status: BridgeStatus,
  code: number,
  params: Record<string, string>,
  cid?: string,
) {
  const e = buildError(code, params, ctx.store.clock.now(), cid);
  const out: BridgeError = { status, code: e.error, description: e.description };
  if (e.suberror) out.subError = e.suberror;
  return out;
}

/** A token for `user` and the add-in's application, or the bridge error Outlook would return. */
export async function naaToken(
  ctx: EmulatorContext,
  user: User,
  pageOrigin: string,
  params: NonNullable<NaaRequest['tokenParams']>,
): Promise<{ token: Record<string, unknown>; account: ReturnType<typeof naaAccount> } | { error: BridgeError }> {
  const store = ctx.store;
  const cid = params.correlationId;
  const clientId = (params.clientId ?? '').toLowerCase();
  const tenant = store.tenants.get(user.tenantId);
  const app = store.apps.get(clientId);
  if (!tenant || !app || (app.tenantId !== user.tenantId && !app.multiTenant)) {
    return {
      error: aadError(
        ctx,
        'PERSISTENT_ERROR',
        700016,
        { clientId: params.clientId ?? '', tenantName: tenant?.displayName ?? user.tenantId },
        cid,
      ),
    };
  }
  const redirect = brokerRedirectUri(pageOrigin);
  const registered = app.redirectUris.some((r) => r.type === 'spa' && r.uri.toLowerCase() === redirect.toLowerCase());
  if (!registered) {
    return { error: aadError(ctx, 'PERSISTENT_ERROR', 50011, { uri: redirect, clientId: app.clientId }, cid) };
  }
  if (!user.accountEnabled) return { error: aadError(ctx, 'USER_INTERACTION_REQUIRED', 50057, {}, cid) };
  const parsed = parseScopes(params.scope);
  if (!parsed.ok) {
    return {
      error: aadError(
        ctx,
        'PERSISTENT_ERROR',
        500011,
        { resource: parsed.unknownResource, tenantName: tenant.displayName },
        cid,
      ),
    };
  }
  const problem = scopeProblem(parsed.scopes, params.scope ?? '');
  if (problem) {
    return {
      error: aadError(ctx, 'PERSISTENT_ERROR', problem.code, { ...problem.params, appName: app.displayName }, cid),
    };
  }
  const keys = expandToKeys(
    parsed.scopes.filter((s) => s.resource !== null),
    app.requiredScopes,
  );
  const resources = new Set(keys.map(resourceOfKey));
  if (resources.size > 1) {
    return { error: aadError(ctx, 'PERSISTENT_ERROR', 28000, { scope: params.scope ?? '' }, cid) };
  }
  const resource = ([...resources][0] ?? GRAPH_RESOURCE) as Resource;
  // Without resource scopes MSAL asks for openid/profile only: Entra answers with a Graph User.Read token.
  const wanted = keys.length ? keys : ['User.Read'];
  const have = store.consentedScopes(user.tenantId, app.clientId, user.id);
  if (wanted.some((k) => !have.has(k.toLowerCase()))) {
    // As a silent authorize request (prompt=none) answers: error consent_required, AADSTS65001.
    const params = { clientId: app.clientId, appName: app.displayName };
    const e = aadError(ctx, 'USER_INTERACTION_REQUIRED', 65001, params, cid);
    return { error: { status: e.status, code: 'consent_required', description: e.description ?? '' } };
  }
  const body = await tokenResponse(ctx, {
    tenantId: user.tenantId,
    app,
    user,
    resource,
    resourceScopes: wanted,
    // MSAL needs an id_token with every NAA answer; the broker keeps refresh tokens to itself.
    oidc: new Set([
      'openid',
      'profile',
      ...parsed.scopes
        .filter((s) => s.resource === null && isOidc(s.name) && s.name !== 'offline_access')
        .map((s) => s.name),
    ]),
    nonce: null,
    clientInfo: false,
    mfa: false,
    rtScopes: [],
    spa: true,
  });
  const token = {
    access_token: body.access_token,
    id_token: body.id_token,
    expires_in: body.expires_in,
    scope: body.scope,
    token_type: 'Bearer',
  };
  return { token, account: naaAccount(user) };
}

/** Answers one bridge envelope (GetInitContext, GetActiveAccount, GetToken, GetTokenPopup). */
export async function handleBridgeRequest(
  ctx: EmulatorContext,
  user: User,
  pageOrigin: string,
  req: NaaRequest,
): Promise<Record<string, unknown>> {
  const base = { messageType: 'NestedAppAuthResponse', requestId: req.requestId ?? '' };
  switch (req.method) {
    case 'GetInitContext':
      return {
        ...base,
        success: true,
        initContext: {
          sdkName: 'Outlook on the web (emulated)',
          sdkVersion: '1.0.0',
          accountContext: {
            homeAccountId: `${user.id}.${user.tenantId}`,
            environment: NAA_ENVIRONMENT,
            tenantId: user.tenantId,
          },
          capabilities: { queryAccount: false },
        },
      };
    case 'GetActiveAccount':
      return { ...base, success: true, account: naaAccount(user) };
    case 'GetToken':
    case 'GetTokenPopup': {
      const r = await naaToken(ctx, user, pageOrigin, req.tokenParams ?? {});
      if ('error' in r) return { ...base, success: false, error: r.error };
      return { ...base, success: true, token: r.token, account: r.account };
    }
    default:
      return {
        ...base,
        success: false,
        error: {
          status: 'PERSISTENT_ERROR',
          code: 'unsupported_method',
          description: `${req.method} is not supported`,
        },
      };
  }
}
