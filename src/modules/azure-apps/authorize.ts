// The Authorize button and Microsoft's redirect back.
//
// start(): a single-use request (state, PKCE verifier, nonce) bound to the operator's session and
// the application, valid 10 minutes; returns Microsoft's URL (admin-consent endpoint first when
// asked, then the code flow). callback(): checks all of that, redeems the code, validates the
// id_token, stores the refresh token encrypted and records who connected which account. Every
// failure is stored with its guidance key and the browser lands on the application's page.
import * as oidc from 'openid-client';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { AzureAppRow } from '../../db/types.js';
import { type Actor, canSeeClient } from '../../http/actor.js';
import type { SecretBox } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import { randomSecret, sha256 } from '../../lib/tokens.js';
import { type EntraClient, MicrosoftAuthError } from '../../microsoft/entra.js';
import {
  boundedMicrosoftError,
  guidanceFor,
  type MicrosoftError,
  parseMicrosoftError,
} from '../../microsoft/guidance.js';
import { nestedAppAuthRedirectUri } from '../../microsoft/nested-app-auth.js';
import { missingScopes, requestedScopes, SHARED_MAIL_SCOPE, SMTP_SCOPE } from '../../microsoft/permissions.js';
import { recordAudit } from '../audit/record.js';
import { isClientArchived } from '../clients/repository.js';
import * as repo from './repository.js';
import { secretContext } from './service.js';
import { credentialsOf, scopesFor, type TokenService } from './token-service.js';
import type { AuthorizationOutcome } from './view.js';

const REQUEST_TTL_MS = 10 * 60_000;

export const callbackPath = '/api/v1/azure-apps/callback';
export const redirectUriFor = (config: Pick<Config, 'publicUrl'>) => `${config.publicUrl}${callbackPath}`;

export class AuthorizeFlow {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly entra: EntraClient,
    private readonly tokens: TokenService,
    private readonly config: Pick<Config, 'publicUrl'>,
  ) {}

  /** The redirect URI to register in Entra (the registration help shows it). */
  get redirectUri(): string {
    return redirectUriFor(this.config);
  }

  /** The single-page-application redirect URI the Outlook report add-in's sign-in needs. */
  get nestedAppAuthRedirectUri(): string {
    return nestedAppAuthRedirectUri(this.config.publicUrl);
  }

  async start(actor: Actor, clientId: string, appId: string, adminConsent: boolean): Promise<string> {
    if (actor.via !== 'session' || !actor.sessionId) {
      throw new AppError(
        400,
        'session_required',
        'Authorize from the console: the request is bound to a signed-in browser session.',
      );
    }
    const row = await repo.findApp(this.db, clientId, appId);
    if (!row) throw new AppError(404, 'not_found', 'Azure application not found.');
    const url = await this.newRequest(this.db, row, actor, adminConsent ? 'admin_consent' : 'authorize');
    await recordAudit(this.db, actor, {
      clientId,
      action: 'azure_app.authorize_start',
      targetType: 'azure_app',
      targetId: appId,
      details: { adminConsent },
    });
    return url;
  }

  private async newRequest(
    db: Db,
    row: AzureAppRow,
    actor: Pick<Actor, 'operatorId' | 'sessionId'>,
    mode: 'admin_consent' | 'authorize',
  ): Promise<string> {
    const state = randomSecret();
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    const now = new Date();
    const id = sha256(state);
    await repo.insertOauthRequest(db, {
      id,
      client_id: row.client_id,
      azure_app_id: row.id,
      session_id: actor.sessionId ?? '',
      operator_id: actor.operatorId,
      mode,
      code_verifier: this.secrets.encrypt(verifier, {
        table: 'oauth_requests',
        column: 'code_verifier',
        rowId: id,
        clientId: row.client_id,
      }),
      nonce,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + REQUEST_TTL_MS).toISOString(),
      used_at: null,
    });
    const scopes = requestedScopes(row.smtp_sending === 1);
    const redirectUri = redirectUriFor(this.config);
    if (mode === 'admin_consent') {
      return this.entra.adminConsentUrl(
        { cloud: row.cloud, tenantId: row.tenant_id, clientId: row.azure_client_id },
        { redirectUri, scopes, state },
      );
    }
    try {
      return await this.entra.authorizeUrl(credentialsOf(row, this.secrets), {
        redirectUri,
        scopes,
        state,
        codeVerifier: verifier,
        nonce,
      });
    } catch (err) {
      if (err instanceof MicrosoftAuthError) {
        const g = guidanceFor(err.ms);
        throw new AppError(g.key === 'unavailable' ? 503 : 400, 'microsoft_error', `${g.title}. ${g.explanation}`, {
          guidance: g.key,
          aadsts: err.ms.aadsts,
        });
      }
      throw err;
    }
  }

  /** Handles Microsoft's redirect; returns where to send the browser. */
  async callback(actor: Actor | null, query: Record<string, string | undefined>): Promise<string> {
    const list = '/settings/azure-applications';
    const state = query.state;
    if (actor?.via !== 'session') return `${list}?authorization=failed&reason=state_invalid`;
    if (!state) return `${list}?authorization=failed&reason=state_invalid`;
    const now = nowIso();
    const req = await repo.findOauthRequest(this.db, sha256(state));
    // Unknown, used, expired, another session's or another client's request: all look the same,
    // and a request is only consumed by the session it belongs to.
    if (!req || req.session_id !== actor.sessionId || !canSeeClient(actor, req.client_id)) {
      return `${list}?authorization=failed&reason=state_invalid`;
    }
    // Started before the client was archived: an archived client is read-only, so no token is
    // stored and nothing is consumed; the page says why.
    if (await isClientArchived(this.db, req.client_id)) {
      return `${list}/${req.azure_app_id}?authorization=failed&reason=client_archived`;
    }
    if (!(await repo.markOauthRequestUsed(this.db, req.client_id, req.id, now))) {
      return `${list}?authorization=failed&reason=state_invalid`;
    }
    const row = await repo.findApp(this.db, req.client_id, req.azure_app_id);
    if (!row) return `${list}?authorization=failed&reason=state_invalid`;
    const page = `${list}/${row.id}`;

    if (query.error) {
      await this.recordFailure(actor, row, parseMicrosoftError(query));
      return `${page}?authorization=failed`;
    }
    if (req.mode === 'admin_consent') {
      if (query.admin_consent?.toLowerCase() !== 'true') {
        await this.recordFailure(actor, row, {
          error: 'access_denied',
          aadsts: null,
          suberror: null,
          description: 'Admin consent was not granted.',
        });
        return `${page}?authorization=failed`;
      }
      await recordAudit(this.db, actor, {
        clientId: row.client_id,
        action: 'azure_app.admin_consent',
        targetType: 'azure_app',
        targetId: row.id,
      });
      // Consent alone gives no token: continue straight into the code flow for the refresh token.
      return this.newRequest(this.db, row, actor, 'authorize');
    }
    if (!query.code) {
      await this.recordFailure(actor, row, {
        error: 'invalid_response',
        aadsts: null,
        suberror: null,
        description: 'Microsoft returned neither a code nor an error.',
      });
      return `${page}?authorization=failed`;
    }
    return this.redeem(actor, row, req, query, page);
  }

  private async redeem(
    actor: Actor,
    row: AzureAppRow,
    req: { id: string; client_id: string; code_verifier: string; nonce: string },
    query: Record<string, string | undefined>,
    page: string,
  ): Promise<string> {
    const verifier = this.secrets.decrypt(req.code_verifier, {
      table: 'oauth_requests',
      column: 'code_verifier',
      rowId: req.id,
      clientId: req.client_id,
    });
    const callbackUrl = new URL(redirectUriFor(this.config));
    for (const [k, v] of Object.entries(query)) if (v !== undefined) callbackUrl.searchParams.set(k, v);
    const creds = credentialsOf(row, this.secrets);
    const scopes = requestedScopes(row.smtp_sending === 1);
    let result: Awaited<ReturnType<EntraClient['redeemCode']>>;
    try {
      result = await this.entra.redeemCode(creds, callbackUrl, {
        codeVerifier: verifier,
        nonce: req.nonce,
        state: query.state ?? '',
        scopes: ['openid', 'email', ...scopesFor('graph')],
      });
    } catch (err) {
      if (!(err instanceof MicrosoftAuthError)) throw err;
      await this.recordFailure(actor, row, err.ms);
      return `${page}?authorization=failed`;
    }
    const granted = [...result.tokens.scopes];
    let refreshToken = result.tokens.refreshToken;
    if (row.smtp_sending === 1 && refreshToken) {
      // The code yields Graph tokens; SMTP.Send is another resource, so ask for it separately.
      try {
        const smtp = await this.entra.refresh(creds, refreshToken, scopesFor('smtp'));
        granted.push(SMTP_SCOPE);
        refreshToken = smtp.refreshToken ?? refreshToken;
      } catch {
        // Not consented: shown as a missing permission, the Graph connection still works.
      }
    }
    if (refreshToken) {
      // Mail.ReadWrite.Shared is asked for on demand (permissions.ts): learn here whether it was
      // consented, so a shared reporting mailbox can be read — or shown as a missing permission.
      try {
        const shared = await this.entra.refresh(creds, refreshToken, scopesFor('graph-shared'));
        granted.push(SHARED_MAIL_SCOPE);
        refreshToken = shared.refreshToken ?? refreshToken;
      } catch {
        // Not consented: shown as a missing permission, the Graph connection still works.
      }
    }
    if (!refreshToken) {
      await this.recordFailure(actor, row, {
        error: 'no_refresh_token',
        aadsts: null,
        suberror: null,
        description: 'Microsoft returned no refresh token (offline_access not granted).',
      });
      return `${page}?authorization=failed`;
    }
    const missing = missingScopes(scopes, granted);
    const now = nowIso();
    const outcome: AuthorizationOutcome = {
      at: now,
      outcome: 'connected',
      key: null,
      aadsts: null,
      error: null,
      description: null,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.updateApp(trx, row.client_id, row.id, {
        refresh_token: this.secrets.encrypt(refreshToken, secretContext(row, 'refresh_token')),
        token_version: row.token_version + 1,
        status: 'connected',
        status_reason: null,
        last_authorization: JSON.stringify(outcome),
        granted_scopes: granted.join(' '),
        missing_scopes: missing.join(' ') || null,
        authorized_by: actor.operatorId,
        authorized_at: now,
        ms_oid: result.identity.oid,
        ms_upn: result.identity.upn,
        last_used_at: now,
        updated_at: now,
      });
      await recordAudit(trx, actor, {
        clientId: row.client_id,
        action: 'azure_app.authorized',
        targetType: 'azure_app',
        targetId: row.id,
        details: { microsoftAccount: result.identity.upn, tenantId: result.identity.tid, missingScopes: missing },
      });
    });
    this.tokens.forget(row.id);
    const stored = await repo.findApp(this.db, row.client_id, row.id);
    if (stored) this.tokens.prime(stored, 'graph', result.tokens.accessToken, result.tokens.expiresAt);
    return `${page}?authorization=connected`;
  }

  private async recordFailure(actor: Actor, row: AzureAppRow, error: MicrosoftError): Promise<void> {
    const ms = boundedMicrosoftError(error);
    const g = guidanceFor(ms);
    const outcome: AuthorizationOutcome = {
      at: nowIso(),
      outcome: 'failed',
      key: g.key,
      aadsts: ms.aadsts,
      error: ms.error,
      description: ms.description,
    };
    await this.db.transaction().execute(async (trx) => {
      await repo.updateApp(trx, row.client_id, row.id, {
        last_authorization: JSON.stringify(outcome),
        updated_at: nowIso(),
      });
      await recordAudit(trx, actor, {
        clientId: row.client_id,
        action: 'azure_app.authorize_failed',
        targetType: 'azure_app',
        targetId: row.id,
        details: { aadsts: ms.aadsts, error: ms.error, reason: g.key },
      });
    });
  }
}
