// Entra ID (Microsoft identity platform v2.0) through openid-client: tenant resolution,
// authorize and admin-consent URLs, code redemption with full id_token validation (issuer,
// audience, nonce, signature against the tenant's keys, tid) and refresh. Errors come back as
// MicrosoftAuthError carrying Entra's own fields (AADSTS code, suberror).
import * as oidc from 'openid-client';
import type { Config } from '../config.js';
import { OutboundError, outboundFetch } from '../lib/outbound.js';
import { CLOUDS, type Cloud, type CloudEndpoints, cloudEndpoints } from './clouds.js';
import { type MicrosoftError, parseMicrosoftError } from './guidance.js';

export class MicrosoftAuthError extends Error {
  constructor(
    readonly ms: MicrosoftError,
    readonly status: number | null,
  ) {
    super(ms.description ?? ms.error);
    this.name = 'MicrosoftAuthError';
  }
}

export interface AppCredentials {
  cloud: Cloud;
  tenantId: string; // GUID
  clientId: string;
  clientSecret: string;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: number; // epoch ms
  scopes: string[];
}

export interface IdentityClaims {
  tid: string;
  oid: string;
  upn: string | null;
  name: string | null;
}

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string) => GUID_RE.test(s);

export class EntraClient {
  private readonly allowedOrigins: Set<string>;
  private readonly metadata = new Map<string, Promise<oidc.ServerMetadata>>();

  constructor(private readonly config: Pick<Config, 'microsoft'>) {
    this.allowedOrigins = new Set(CLOUDS.map((c) => new URL(cloudEndpoints(c, config).authorityHost).origin));
  }

  endpoints(cloud: Cloud): CloudEndpoints {
    return cloudEndpoints(cloud, this.config);
  }

  private fetcher: oidc.CustomFetch = (url, init) =>
    outboundFetch(url, init as RequestInit, {
      allowedOrigins: this.allowedOrigins,
      timeoutMs: 20_000,
      attempts: 3,
      maxWaitMs: 10_000,
    });

  /** The tenant GUID for a GUID or a verified domain (contoso.onmicrosoft.com), via OIDC discovery. */
  async resolveTenant(cloud: Cloud, tenant: string): Promise<string> {
    const url = `${this.endpoints(cloud).authorityHost}/${encodeURIComponent(tenant)}/v2.0/.well-known/openid-configuration`;
    const res = await this.call(() =>
      this.fetcher(url, {
        method: 'GET',
        body: undefined,
        headers: { accept: 'application/json' },
        redirect: 'manual',
      }),
    );
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok) throw new MicrosoftAuthError(parseMicrosoftError(body), res.status);
    const issuer = typeof body.issuer === 'string' ? body.issuer : '';
    const tid = issuer.split('/').find((p) => isGuid(p));
    if (!tid)
      throw new MicrosoftAuthError(
        {
          error: 'invalid_tenant',
          aadsts: 90002,
          suberror: null,
          description: 'No tenant id in the discovery document',
        },
        res.status,
      );
    return tid.toLowerCase();
  }

  private async serverMetadata(cloud: Cloud, tenantId: string): Promise<oidc.ServerMetadata> {
    const key = `${cloud}|${tenantId}`;
    let p = this.metadata.get(key);
    if (!p) {
      const issuer = new URL(`${this.endpoints(cloud).authorityHost}/${tenantId}/v2.0`);
      p = this.call(() =>
        oidc.discovery(issuer, 'discovery', undefined, undefined, {
          execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
          [oidc.customFetch]: this.fetcher,
        }),
      ).then((c) => c.serverMetadata());
      this.metadata.set(key, p);
      p.catch(() => this.metadata.delete(key)); // do not cache failures
    }
    return p;
  }

  async configuration(app: AppCredentials): Promise<oidc.Configuration> {
    const meta = await this.serverMetadata(app.cloud, app.tenantId);
    const cfg = new oidc.Configuration(meta, app.clientId, undefined, oidc.ClientSecretPost(app.clientSecret));
    cfg[oidc.customFetch] = this.fetcher;
    cfg.timeout = 20;
    if (meta.issuer.startsWith('http:')) oidc.allowInsecureRequests(cfg);
    // Verify the id_token's signature against the tenant's published keys, not only its claims.
    oidc.enableNonRepudiationChecks(cfg);
    return cfg;
  }

  async authorizeUrl(
    app: AppCredentials,
    p: {
      redirectUri: string;
      scopes: string[];
      state: string;
      codeVerifier: string;
      nonce: string;
      loginHint?: string;
    },
  ): Promise<string> {
    const cfg = await this.configuration(app);
    const params: Record<string, string> = {
      redirect_uri: p.redirectUri,
      response_type: 'code',
      response_mode: 'query',
      scope: p.scopes.join(' '),
      state: p.state,
      nonce: p.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(p.codeVerifier),
      code_challenge_method: 'S256',
      prompt: 'select_account',
    };
    if (p.loginHint) params.login_hint = p.loginHint;
    return oidc.buildAuthorizationUrl(cfg, params).href;
  }

  adminConsentUrl(
    app: Omit<AppCredentials, 'clientSecret'>,
    p: { redirectUri: string; scopes: string[]; state: string },
  ): string {
    const u = new URL(`${this.endpoints(app.cloud).authorityHost}/${app.tenantId}/v2.0/adminconsent`);
    u.searchParams.set('client_id', app.clientId);
    u.searchParams.set(
      'scope',
      p.scopes.filter((s) => !['openid', 'offline_access', 'email', 'profile'].includes(s)).join(' '),
    );
    u.searchParams.set('redirect_uri', p.redirectUri);
    u.searchParams.set('state', p.state);
    return u.href;
  }

  /** Redeem the code from the callback URL; validates the id_token completely, including tid. */
  async redeemCode(
    app: AppCredentials,
    callbackUrl: URL,
    checks: { codeVerifier: string; nonce: string; state: string; scopes: string[] },
  ): Promise<{ tokens: TokenSet; identity: IdentityClaims }> {
    const cfg = await this.configuration(app);
    const r = await this.call(() =>
      oidc.authorizationCodeGrant(
        cfg,
        callbackUrl,
        {
          pkceCodeVerifier: checks.codeVerifier,
          expectedNonce: checks.nonce,
          expectedState: checks.state,
          idTokenExpected: true,
        },
        { scope: checks.scopes.join(' ') },
      ),
    );
    const claims = r.claims();
    if (!claims)
      throw new MicrosoftAuthError(
        { error: 'invalid_response', aadsts: null, suberror: null, description: 'No id_token' },
        null,
      );
    const tid = String(claims.tid ?? '').toLowerCase();
    if (tid !== app.tenantId.toLowerCase()) {
      throw new MicrosoftAuthError(
        {
          error: 'tenant_mismatch',
          aadsts: null,
          suberror: null,
          description: `The id_token was issued for tenant ${tid || '(none)'}`,
        },
        null,
      );
    }
    return {
      tokens: toTokenSet(r),
      identity: {
        tid,
        oid: String(claims.oid ?? claims.sub),
        upn:
          typeof claims.preferred_username === 'string'
            ? claims.preferred_username
            : typeof claims.email === 'string'
              ? claims.email
              : null,
        name: typeof claims.name === 'string' ? claims.name : null,
      },
    };
  }

  async refresh(app: AppCredentials, refreshToken: string, scopes: string[]): Promise<TokenSet> {
    const cfg = await this.configuration(app);
    const r = await this.call(() => oidc.refreshTokenGrant(cfg, refreshToken, { scope: scopes.join(' ') }));
    return toTokenSet(r);
  }

  /**
   * An app-only token (client credentials) for `resource`/.default: what the application's own
   * permissions (roles) allow, no user involved and no refresh token (a new one when it expires).
   */
  async clientCredentials(app: AppCredentials, resource: string): Promise<TokenSet> {
    const cfg = await this.configuration(app);
    const r = await this.call(() => oidc.clientCredentialsGrant(cfg, { scope: `${resource}/.default` }));
    return toTokenSet(r);
  }

  /** Map library errors to MicrosoftAuthError, keeping Entra's fields untouched. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toMicrosoftError(err);
    }
  }
}

function toTokenSet(r: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): TokenSet {
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token ?? null,
    expiresAt: Date.now() + (r.expiresIn() ?? 3600) * 1000,
    scopes: typeof r.scope === 'string' ? r.scope.split(' ').filter(Boolean) : [],
  };
}

export function toMicrosoftError(err: unknown): Error {
  if (err instanceof MicrosoftAuthError) return err;
  if (err instanceof oidc.ResponseBodyError) {
    return new MicrosoftAuthError(parseMicrosoftError(err.cause as Record<string, unknown>), err.status);
  }
  if (err instanceof oidc.AuthorizationResponseError) {
    return new MicrosoftAuthError(parseMicrosoftError(Object.fromEntries(err.cause.entries())), null);
  }
  if (err instanceof OutboundError) {
    return new MicrosoftAuthError(
      { error: 'temporarily_unavailable', aadsts: null, suberror: null, description: err.message },
      null,
    );
  }
  const e = err as { code?: string; message?: string; cause?: { message?: string } };
  // The id_token names another tenant (issuer or tid): refuse it as such, it is not a mere glitch.
  if (e?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && /"(iss|tid)"/.test(e.cause?.message ?? '')) {
    return new MicrosoftAuthError(
      { error: 'tenant_mismatch', aadsts: null, suberror: null, description: e.message ?? 'issuer mismatch' },
      null,
    );
  }
  if (
    e?.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' ||
    e?.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED' ||
    e?.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED'
  ) {
    return new MicrosoftAuthError(
      { error: 'invalid_id_token', aadsts: null, suberror: null, description: e.message ?? 'invalid id_token' },
      null,
    );
  }
  if (err instanceof Error && /signature/i.test(err.message)) {
    return new MicrosoftAuthError(
      { error: 'invalid_id_token', aadsts: null, suberror: null, description: err.message },
      null,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}
