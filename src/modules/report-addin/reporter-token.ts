// Who is reporting: the Graph token the add-in got for the reporter through nested app
// authentication. Its claims are read first (without trusting them) so that a token of another
// tenant, another application or an expired one is refused with a precise reason and no call to
// Microsoft; then Graph itself must accept it (`GET /me`), which is what proves it genuine —
// Baitwise never validates Microsoft's signatures itself.
import { createHash } from 'node:crypto';
import { AppError } from '../../lib/errors.js';
import type { Cloud } from '../../microsoft/clouds.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';

/** Graph's application id: the `aud` of a v1 Graph access token (v2 tokens say the URL). */
const GRAPH_AUDIENCES = new Set(['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com']);

export class ReporterTokenError extends AppError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export interface TokenClaims {
  tid: string;
  oid: string;
  appid: string;
  aud: string;
  exp: number;
}

/** The claims of a JWT, unverified; null when it is not one. */
export function readClaims(token: string): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const c = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return {
      tid: str(c.tid).toLowerCase(),
      oid: str(c.oid).toLowerCase(),
      // v1 tokens name the client application `appid`, v2 tokens `azp`
      appid: str(c.appid || c.azp).toLowerCase(),
      aud: str(c.aud).toLowerCase(),
      exp: typeof c.exp === 'number' ? c.exp : 0,
    };
  } catch {
    return null;
  }
}

export interface ExpectedApp {
  cloud: Cloud;
  tenantId: string;
  azureClientId: string;
}

/** Refuses a token that cannot be the client's: wrong tenant, application or audience, expired. */
export function checkClaims(c: TokenClaims | null, app: ExpectedApp, nowMs: number): TokenClaims {
  if (!c?.tid || !c.oid)
    throw new ReporterTokenError(
      'reporter_token_invalid',
      'The Authorization header does not hold a Microsoft access token.',
    );
  if (c.tid !== app.tenantId.toLowerCase())
    throw new ReporterTokenError(
      'reporter_wrong_tenant',
      "The reporter's token is from another Microsoft 365 organisation than this add-in's.",
    );
  if (c.appid !== app.azureClientId.toLowerCase())
    throw new ReporterTokenError(
      'reporter_wrong_application',
      "The reporter's token was issued to another application than the Azure application this add-in uses.",
    );
  if (!GRAPH_AUDIENCES.has(c.aud))
    throw new ReporterTokenError('reporter_token_audience', "The reporter's token is not a Microsoft Graph token.");
  if (c.exp * 1000 <= nowMs)
    throw new ReporterTokenError('reporter_token_expired', "The reporter's token has expired: sign in again.");
  return c;
}

export interface Reporter {
  objectId: string;
  address: string;
}

/** Graph accepts the token (or 401 reporter_token_rejected); the reporter is the token's user. */
export async function whoAmI(
  graph: GraphClient,
  app: ExpectedApp,
  token: string,
  claims: TokenClaims,
): Promise<Reporter> {
  let me: { id?: string; mail?: string | null; userPrincipalName?: string };
  try {
    const { bytes } = await graph.request(app.cloud, token, 'GET', '/me?$select=id,mail,userPrincipalName');
    me = JSON.parse(bytes.toString('utf8')) as typeof me;
  } catch (err) {
    if (err instanceof GraphError && (err.status === 401 || err.status === 403))
      throw new ReporterTokenError(
        'reporter_token_rejected',
        `Microsoft Graph refused the reporter's token: ${err.message}`,
      );
    throw err;
  }
  const address = (me.mail || me.userPrincipalName || '').toLowerCase();
  if (!me.id || me.id.toLowerCase() !== claims.oid || !address)
    throw new ReporterTokenError('reporter_token_rejected', 'Microsoft Graph did not confirm who the reporter is.');
  return { objectId: claims.oid, address };
}

/**
 * Reporters Graph has confirmed (`/me`), by token, until the token expires: a person reporting
 * several messages in a sitting sends the same token each time, and asking /me again would only
 * cost a Graph call. Keyed by the token's SHA-256, so no token is kept. A Graph access token
 * cannot be revoked before it expires (sign-out and password changes end refresh tokens, not
 * access tokens; only clients capable of continuous access evaluation see earlier refusals), so
 * Graph would have answered /me the same for the whole lifetime; and every report still fetches,
 * moves and forwards with the token, so a token Graph refuses (401) still refuses the report and
 * is forgotten here. Bounded: the least recently used entry goes first.
 */
export class ConfirmedReporters {
  private readonly entries = new Map<string, { reporter: Reporter; expiresMs: number }>();

  constructor(private readonly max = 10_000) {}

  private static key(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  get(token: string, nowMs: number): Reporter | null {
    const key = ConfirmedReporters.key(token);
    const e = this.entries.get(key);
    if (!e) return null;
    this.entries.delete(key);
    if (e.expiresMs <= nowMs) return null;
    this.entries.set(key, e); // most recently used last
    return e.reporter;
  }

  set(token: string, reporter: Reporter, expiresMs: number): void {
    const key = ConfirmedReporters.key(token);
    this.entries.delete(key);
    this.entries.set(key, { reporter, expiresMs });
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  forget(token: string): void {
    this.entries.delete(ConfirmedReporters.key(token));
  }
}
