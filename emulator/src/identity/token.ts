// POST /{tenant}/oauth2/v2.0/token: client authentication, authorization_code and refresh_token
// grants, one resource per access token, and every error as Entra's JSON (MICROSOFT.md §1.4–1.8).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { type Application, GRAPH_RESOURCE, type RefreshToken, type Tenant, type User } from '../model.js';
import { clientCredentials as clientCredentialsGrant } from './client-credentials.js';
import { clientRequestId, now, resolveTenant } from './common.js';
import { buildError, errorJson } from './errors.js';
import { tokenResponse } from './mint.js';
import { expandToKeys, isOidc, parseScopes, type Resource, resourceOfKey, scopeProblem } from './scopes.js';
import { identityState } from './state.js';

type Body = Record<string, string | undefined>;

const CODE_LIFETIME_MS = 10 * 60 * 1000;
const RT_INACTIVITY_MS = 90 * 24 * 3600 * 1000;
const SPA_RT_LIFETIME_MS = 24 * 3600 * 1000;

class TokenError extends Error {
  constructor(
    readonly code: number,
    readonly params: Record<string, string> = {},
    readonly extra: { error?: string; claims?: string } = {},
  ) {
    super(`AADSTS${code}`);
  }
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const isoTime = (ms: number) => new Date(ms).toISOString();

/** A claims challenge like Conditional Access sends with 50076. */
const MFA_CLAIMS = JSON.stringify({
  access_token: { capolids: { essential: true, values: ['00000000-0000-0000-0000-00000000mfa1'] } },
});

export function registerToken(app: FastifyInstance, ctx: EmulatorContext): void {
  const store = ctx.store;
  const st = identityState(store);

  function clientCredentials(req: FastifyRequest, body: Body): { clientId?: string; secret?: string } {
    const auth = req.headers.authorization;
    if (auth?.toLowerCase().startsWith('basic ')) {
      const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) {
        const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
        return { clientId: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
      }
    }
    return { clientId: body.client_id, secret: body.client_secret };
  }

  function authenticate(tenant: Tenant, clientId: string | undefined, secret: string | undefined): Application {
    if (!clientId) throw new TokenError(900144, { param: 'client_id' });
    const application = store.apps.get(clientId.toLowerCase()) ?? store.apps.get(clientId);
    if (!application || (application.tenantId !== tenant.id && !application.multiTenant)) {
      throw new TokenError(700016, { clientId, tenantName: tenant.displayName });
    }
    const forced = store.faults.forcedTokenErrors.find((f) => f.clientId === application.clientId && f.remaining > 0);
    if (forced) {
      forced.remaining -= 1;
      throw new TokenError(forced.aadsts, {
        clientId,
        appName: application.displayName,
        tenantName: tenant.displayName,
      });
    }
    if (!secret) throw new TokenError(7000218);
    const match = application.secrets.find((s) => sameSecret(s.value, secret));
    if (!match) throw new TokenError(7000215, { clientId });
    if (match.expiresAt <= now(ctx)) throw new TokenError(7000222, { clientId });
    return application;
  }

  /** The resource and its scopes for this request: one resource per token (28000 otherwise). */
  function pickResource(
    scopeParam: string | undefined,
    granted: string[],
    application: Application,
    tenant: Tenant,
  ): { resource: Resource; keys: string[]; oidc: Set<string>; explicit: boolean } {
    if (scopeParam) {
      const parsed = parseScopes(scopeParam);
      if (!parsed.ok)
        throw new TokenError(500011, { resource: parsed.unknownResource, tenantName: tenant.displayName });
      const resources = new Set(parsed.scopes.map((s) => s.resource).filter((r): r is Resource => r !== null));
      if (resources.size > 1) throw new TokenError(28000, { scope: scopeParam });
      const problem = scopeProblem(parsed.scopes, scopeParam);
      if (problem) throw new TokenError(problem.code, { ...problem.params, appName: application.displayName });
      const keys = expandToKeys(parsed.scopes, application.requiredScopes);
      const oidc = new Set(keys.filter(isOidc).map((k) => k.toLowerCase()));
      const resourceKeys = keys.filter((k) => !isOidc(k));
      const defaultDotScope = parsed.scopes.some((s) => s.name === '.default');
      if (resourceKeys.length > 0 || defaultDotScope) {
        const resource = [...resources][0] ?? GRAPH_RESOURCE;
        return { resource, keys: resourceKeys, oidc, explicit: true };
      }
      return { ...defaultResource(granted), oidc, explicit: false };
    }
    const oidc = new Set(granted.filter(isOidc).map((k) => k.toLowerCase()));
    return { ...defaultResource(granted), oidc, explicit: false };
  }

  /** Without resource scopes the token is for the first resource of the original request (Graph first). */
  function defaultResource(granted: string[]): { resource: Resource; keys: string[] } {
    const resourceKeys = granted.filter((k) => !isOidc(k));
    const resource =
      resourceKeys.some((k) => resourceOfKey(k) === GRAPH_RESOURCE) || resourceKeys.length === 0
        ? GRAPH_RESOURCE
        : (resourceOfKey(resourceKeys[0] as string) as Resource);
    return { resource, keys: resourceKeys.filter((k) => resourceOfKey(k) === resource) };
  }

  /** Scopes the token may carry: requested ∩ consented; anything requested but not consented → 65001. */
  function consentedKeys(
    tenantId: string,
    application: Application,
    user: User,
    keys: string[],
    resource: Resource,
    explicit: boolean,
  ): string[] {
    const have = store.consentedScopes(tenantId, application.clientId, user.id);
    const consent65001 = new TokenError(65001, { clientId: application.clientId, appName: application.displayName });
    if (explicit && keys.length === 0) {
      // /.default with no static permissions of this resource: everything consented for it
      const grantedForResource = [...have].filter((k) => !isOidc(k) && resourceOfKey(k) === resource);
      if (grantedForResource.length === 0) throw consent65001;
      return grantedForResource;
    }
    const out = keys.filter((k) => have.has(k.toLowerCase()));
    if (out.length < keys.length || out.length === 0) throw consent65001;
    return out;
  }

  function checkUser(userId: string, tenant: Tenant): User {
    const user = store.users.get(userId);
    if (!user) throw new TokenError(50034, { tenant: tenant.displayName });
    if (!user.accountEnabled) throw new TokenError(50057);
    return user;
  }

  async function authorizationCode(body: Body, tenant: Tenant, application: Application, origin: string | undefined) {
    if (!body.code) throw new TokenError(900144, { param: 'code' });
    const code = store.codes.get(body.code);
    if (!code || code.tenantId !== tenant.id) throw new TokenError(9002313);
    if (code.redeemed) throw new TokenError(54005);
    // Entra spends a code on any redemption attempt: after a failure below, a retry gets 54005.
    code.redeemed = true;
    if (code.clientId !== application.clientId) throw new TokenError(70000);
    if (now(ctx) - code.issuedAt > CODE_LIFETIME_MS) throw new TokenError(70008);
    if (!body.redirect_uri) throw new TokenError(900144, { param: 'redirect_uri' });
    if (body.redirect_uri !== code.redirectUri) {
      throw new TokenError(50011, { uri: body.redirect_uri, clientId: application.clientId });
    }
    if (code.codeChallenge) {
      const verifier = body.code_verifier ?? '';
      const computed =
        code.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!verifier || computed !== code.codeChallenge) throw new TokenError(501481);
    }
    const spa = application.redirectUris.some((r) => r.uri === code.redirectUri && r.type === 'spa');
    // A redirect URI registered as "SPA" instead of "Web" is a classic setup mistake: a server
    // (no Origin header) cannot redeem such codes.
    if (spa && !origin) throw new TokenError(9002327);
    const user = checkUser(code.userId, tenant);
    const pick = pickResource(body.scope, code.scopes, application, tenant);
    const keys = consentedKeys(tenant.id, application, user, pick.keys, pick.resource, pick.explicit);
    // OIDC scopes come from the authorize request (a token request cannot add offline_access)
    const oidc = new Set(code.scopes.filter(isOidc).map((k) => k.toLowerCase()));
    return tokenResponse(ctx, {
      tenantId: tenant.id,
      app: application,
      user,
      resource: pick.resource,
      resourceScopes: keys,
      oidc,
      nonce: code.nonce,
      clientInfo: body.client_info === '1',
      mfa: st.mfaTokens.has(code.code),
      rtScopes: code.scopes,
      spa,
    });
  }

  async function refreshToken(body: Body, tenant: Tenant, application: Application) {
    if (!body.refresh_token) throw new TokenError(900144, { param: 'refresh_token' });
    const rt: RefreshToken | undefined = store.refreshTokens.get(body.refresh_token);
    if (!rt || rt.tenantId !== tenant.id) throw new TokenError(9002313);
    if (rt.clientId !== application.clientId) throw new TokenError(70000);
    const t = now(ctx);
    if (rt.revoked) throw new TokenError(50173, { issued: isoTime(rt.issuedAt), validFrom: isoTime(t) });
    if (rt.spa && t - rt.issuedAt > SPA_RT_LIFETIME_MS) throw new TokenError(700084, { issued: isoTime(rt.issuedAt) });
    if (t - rt.lastUsedAt > RT_INACTIVITY_MS) throw new TokenError(700082, { issued: isoTime(rt.issuedAt) });
    const user = checkUser(rt.userId, tenant);
    const mfa = st.mfaTokens.has(rt.token);
    const pick = pickResource(body.scope, rt.scopes, application, tenant);
    if (user.mfaRequired && !mfa) {
      const resource = pick.resource === GRAPH_RESOURCE ? '00000003-0000-0000-c000-000000000000' : pick.resource;
      throw new TokenError(50076, { resource }, { claims: MFA_CLAIMS });
    }
    const keys = consentedKeys(tenant.id, application, user, pick.keys, pick.resource, pick.explicit);
    rt.lastUsedAt = t;
    if (store.revokeOldRefreshTokens) rt.revoked = true;
    const oidc = new Set(rt.scopes.filter(isOidc).map((k) => k.toLowerCase()));
    // A refresh may name OIDC scopes again; it can never add offline_access the user did not grant.
    for (const o of pick.oidc) if (o !== 'offline_access') oidc.add(o);
    if (body.scope && !pick.oidc.has('openid')) oidc.delete('openid');
    return tokenResponse(ctx, {
      tenantId: tenant.id,
      app: application,
      user,
      resource: pick.resource,
      resourceScopes: keys,
      oidc,
      nonce: null,
      clientInfo: body.client_info === '1',
      mfa,
      rtScopes: rt.scopes,
      spa: rt.spa,
      spaIssuedAt: rt.issuedAt,
    });
  }

  function sendError(reply: FastifyReply, e: TokenError, correlationId: string | undefined): FastifyReply {
    const err = buildError(e.code, e.params, now(ctx), correlationId);
    return reply
      .code(err.status)
      .header('content-type', 'application/json; charset=utf-8')
      .header('cache-control', 'no-store, no-cache')
      .send(errorJson(err, e.extra));
  }

  app.post('/:tenant/oauth2/v2.0/token', async (req, reply) => {
    const segment = (req.params as { tenant: string }).tenant;
    const body = (req.body ?? {}) as Body;
    const correlationId = clientRequestId(req);
    if (correlationId) reply.header('client-request-id', correlationId);
    try {
      if (store.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, store.faults.latencyMs));
      const lookup = resolveTenant(ctx, segment);
      if ('code' in lookup) throw new TokenError(lookup.code, { tenant: segment });
      if ('multi' in lookup) {
        const a = body.client_id ? store.apps.get(body.client_id.toLowerCase()) : undefined;
        throw new TokenError(50194, { clientId: body.client_id ?? '', appName: a?.displayName ?? '' });
      }
      const tenant = lookup.tenant;
      const { clientId, secret } = clientCredentials(req, body);
      const application = authenticate(tenant, clientId, secret);
      let out: Record<string, unknown>;
      if (body.grant_type === 'authorization_code')
        out = await authorizationCode(body, tenant, application, req.headers.origin);
      else if (body.grant_type === 'refresh_token') out = await refreshToken(body, tenant, application);
      else if (body.grant_type === 'client_credentials') {
        const r = await clientCredentialsGrant(ctx, tenant, application, body.scope);
        if (!r.ok) throw new TokenError(r.code, r.params);
        out = r.body;
      } else if (!body.grant_type) throw new TokenError(900144, { param: 'grant_type' });
      else throw new TokenError(70003, { grantType: body.grant_type });
      return reply
        .code(200)
        .header('content-type', 'application/json; charset=utf-8')
        .header('cache-control', 'no-store, no-cache')
        .header('pragma', 'no-cache')
        .send(out);
    } catch (e) {
      if (e instanceof TokenError) return sendError(reply, e, correlationId);
      throw e;
    }
  });
}
