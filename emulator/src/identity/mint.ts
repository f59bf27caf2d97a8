// Minting of authorization codes, refresh tokens, access tokens and id_tokens, and the success
// body of the token endpoint (MICROSOFT.md §1.6, §1.10).
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EmulatorContext } from '../context.js';
import { type Application, GRAPH_APP_ID, OUTLOOK_RESOURCE, type User } from '../model.js';
import { permissionOfKey, type Resource } from './scopes.js';
import { identityState } from './state.js';

/** Codes and RTs look like Entra's ("1.A…") but are just random handles into the Store. */
const opaque = (bytes: number) => `1.A${randomBytes(bytes).toString('base64url')}`;

export function issueCode(
  ctx: EmulatorContext,
  o: {
    tenantId: string;
    clientId: string;
    userId: string;
    redirectUri: string;
    scopes: string[];
    nonce: string | null;
    codeChallenge: string | null;
    codeChallengeMethod: 'S256' | 'plain' | null;
    mfa: boolean;
  },
): string {
  const { mfa, ...rest } = o;
  const code = opaque(96);
  ctx.store.codes.set(code, { ...rest, code, issuedAt: ctx.store.clock.now(), redeemed: false });
  if (mfa) identityState(ctx.store).mfaTokens.add(code);
  return code;
}

export function issueRefreshToken(
  ctx: EmulatorContext,
  o: {
    tenantId: string;
    clientId: string;
    userId: string;
    scopes: string[];
    spa: boolean;
    mfa: boolean;
    issuedAt?: number;
  },
): string {
  const token = opaque(180);
  const t = ctx.store.clock.now();
  ctx.store.refreshTokens.set(token, {
    token,
    tenantId: o.tenantId,
    clientId: o.clientId,
    userId: o.userId,
    scopes: o.scopes,
    // SPA tokens keep the first issue time: their 24 h limit is not extended by rotation
    issuedAt: o.spa && o.issuedAt !== undefined ? o.issuedAt : t,
    lastUsedAt: t,
    revoked: false,
    spa: o.spa,
  });
  if (o.mfa) identityState(ctx.store).mfaTokens.add(token);
  return token;
}

/** Pairwise `sub`: stable per user and app, different across apps (like Entra). */
export function pairwiseSub(oid: string, clientId: string): string {
  return createHash('sha256').update(`${oid}|${clientId}`).digest('base64url').slice(0, 43);
}

export interface TokenRequestResult {
  tenantId: string;
  app: Application;
  user: User;
  resource: Resource;
  /** granted keys of `resource` (stored form) */
  resourceScopes: string[];
  /** OIDC scopes in effect (openid, profile, email, offline_access) */
  oidc: Set<string>;
  nonce: string | null;
  clientInfo: boolean;
  mfa: boolean;
  /** scopes remembered by the new refresh token (all resources) */
  rtScopes: string[];
  spa: boolean;
  spaIssuedAt?: number;
}

export async function tokenResponse(ctx: EmulatorContext, r: TokenRequestResult): Promise<Record<string, unknown>> {
  const nowMs = ctx.store.clock.now();
  // Entra randomises access-token lifetime between 60 and 90 minutes (MICROSOFT.md §1.6).
  const lifetime = randomInt(3600, 5401);
  const scp = r.resourceScopes.map(permissionOfKey).join(' ');
  const accessToken = await ctx.signer.sign(
    {
      aud: r.resource === OUTLOOK_RESOURCE ? OUTLOOK_RESOURCE : GRAPH_APP_ID,
      iss: `https://sts.windows.net/${r.tenantId}/`,
      tid: r.tenantId,
      oid: r.user.id,
      upn: r.user.userPrincipalName,
      unique_name: r.user.userPrincipalName,
      name: r.user.displayName,
      appid: r.app.clientId,
      app_displayname: r.app.displayName,
      scp,
      ver: '1.0',
      idtyp: 'user',
      uti: randomBytes(16).toString('base64url'),
      amr: r.mfa ? ['pwd', 'mfa'] : ['pwd'],
    },
    lifetime,
    nowMs,
  );
  // Stored keys are already the response form: Graph bare, other resources fully qualified.
  const scopeOut = [...r.resourceScopes];
  for (const o of ['openid', 'profile', 'email', 'offline_access']) if (r.oidc.has(o)) scopeOut.push(o);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopeOut.join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };
  if (r.oidc.has('offline_access')) {
    body.refresh_token = issueRefreshToken(ctx, {
      tenantId: r.tenantId,
      clientId: r.app.clientId,
      userId: r.user.id,
      scopes: r.rtScopes,
      spa: r.spa,
      mfa: r.mfa,
      ...(r.spaIssuedAt !== undefined ? { issuedAt: r.spaIssuedAt } : {}),
    });
  }
  if (r.oidc.has('openid')) {
    const foreign = ctx.store.faults.foreignIdTokens.find((f) => f.clientId === r.app.clientId)?.tenantId;
    const idTenant = foreign ?? r.tenantId;
    const claims: Record<string, unknown> = {
      ver: '2.0',
      iss: ctx.issuer(idTenant),
      aud: r.app.clientId,
      tid: idTenant,
      oid: r.user.id,
      sub: pairwiseSub(r.user.id, r.app.clientId),
      preferred_username: r.user.userPrincipalName,
      name: r.user.displayName,
      aio: randomBytes(24).toString('base64url'),
      rh: `0.${randomBytes(24).toString('base64url')}.`,
      uti: randomBytes(16).toString('base64url'),
      sid: randomUUID(),
    };
    if (r.oidc.has('email') && r.user.mail) claims.email = r.user.mail;
    if (r.nonce) claims.nonce = r.nonce;
    body.id_token = await ctx.signer.sign(claims, 3600, nowMs);
  }
  if (r.clientInfo) {
    body.client_info = Buffer.from(JSON.stringify({ uid: r.user.id, utid: r.tenantId })).toString('base64url');
  }
  return body;
}
