// Access tokens for the rest of Baitwise (recipient import, Graph mail, SMTP XOAUTH2, the add-in).
//
// - Cached per application and resource until five minutes before expiry, and only while the
//   application's row still describes the grant the token came from: every use reads the row (one
//   primary-key lookup) and drops the token when the status, cloud, tenant, app registration,
//   client secret or authorization changed — through this process or any other (the server and a
//   `baitwise worker` each have their cache; an edit over HTTP reaches both). A refresh by another
//   process (token_version) leaves the grant as it was and the cached token valid.
// - One refresh per application at a time: an in-process lock, plus on PostgreSQL a row lock
//   (SELECT … FOR UPDATE) held across the token call, so several processes never refresh the
//   same refresh token at once. On SQLite (one process by design) the in-process lock suffices;
//   the write is still conditional on token_version so a second process could not overwrite a
//   newer token with an older one.
// - Entra returns a new refresh token on every refresh; it replaces the old one atomically.
// - invalid_grant (revoked, expired, consent removed) moves the application to
//   "Re-authorization required", with the reason, in the audit log; callers get a typed error.
import type { Statement as SqliteStatement } from 'better-sqlite3';
import type { DbHandle } from '../../db/connection.js';
import type { AzureAppRow } from '../../db/types.js';
import type { SecretBox } from '../../lib/crypto.js';
import { AppError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import { type AppCredentials, type EntraClient, MicrosoftAuthError } from '../../microsoft/entra.js';
import { boundedMicrosoftError, guidanceFor } from '../../microsoft/guidance.js';
import { GRAPH_SCOPES, SHARED_MAIL_SCOPE, SMTP_SCOPE } from '../../microsoft/permissions.js';
import { recordAudit } from '../audit/record.js';
import * as repo from './repository.js';
import { secretContext } from './service.js';

/** graph-shared: Graph with the on-demand Mail.ReadWrite.Shared (a shared reporting mailbox) */
export type Resource = 'graph' | 'smtp' | 'graph-shared';

export class ReauthorizationRequiredError extends AppError {
  constructor(reason: string) {
    super(409, 'reauthorization_required', `The Azure application must be authorized again: ${reason}`);
  }
}

export class NotAuthorizedError extends AppError {
  constructor() {
    super(409, 'not_authorized', 'The Azure application has not been authorized yet. Click Authorize first.');
  }
}

const EARLY_REFRESH_MS = 5 * 60_000;

/** What a cached access token depends on: when any of it changes, the token is not used again. */
type GrantColumns = Pick<
  AzureAppRow,
  'status' | 'cloud' | 'tenant_id' | 'azure_client_id' | 'client_secret' | 'authorized_at'
>;

export const grantOf = (row: GrantColumns): string =>
  JSON.stringify([row.status, row.cloud, row.tenant_id, row.azure_client_id, row.client_secret, row.authorized_at]);

interface CachedToken {
  token: string;
  expiresAt: number;
  /** grantOf(the row) when the token was obtained */
  grant: string;
}

export const scopesFor = (resource: Resource): string[] =>
  resource === 'smtp'
    ? [SMTP_SCOPE, 'offline_access']
    : [...GRAPH_SCOPES, ...(resource === 'graph-shared' ? [SHARED_MAIL_SCOPE] : []), 'offline_access'];

export function credentialsOf(row: AzureAppRow, secrets: SecretBox): AppCredentials {
  return {
    cloud: row.cloud,
    tenantId: row.tenant_id,
    clientId: row.azure_client_id,
    clientSecret: secrets.decrypt(row.client_secret, secretContext(row, 'client_secret')),
  };
}

export class TokenService {
  private readonly cache = new Map<string, CachedToken>();
  private grantStatement: SqliteStatement | undefined;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: DbHandle,
    private readonly secrets: SecretBox,
    private readonly entra: EntraClient,
  ) {}

  /** Seed the cache right after an authorization (`row` as stored), so the first use does not refresh again. */
  prime(row: AzureAppRow, resource: Resource, token: string, expiresAt: number): void {
    this.cache.set(`${row.id}:${resource}`, { token, expiresAt, grant: grantOf(row) });
  }

  forget(appId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${appId}:`)) this.cache.delete(key);
  }

  async accessToken(clientId: string, appId: string, resource: Resource): Promise<string> {
    const key = `${appId}:${resource}`;
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt - EARLY_REFRESH_MS > Date.now()) {
      const row = await this.currentGrant(clientId, appId);
      if (row && grantOf(row) === hit.grant) return hit.token;
      // Edited, re-authorized, disconnected or deleted since: the refresh below decides (and throws
      // for a deleted or unauthorized application).
      this.forget(appId);
    }
    return this.withLock(appId, async () => {
      // A refresh this process finished while we waited for the lock read the row itself.
      const again = this.cache.get(key);
      if (again && again.expiresAt - EARLY_REFRESH_MS > Date.now()) return again.token;
      return this.refresh(clientId, appId, resource);
    });
  }

  /**
   * The application's grant columns as stored now. On SQLite this reads the one connection
   * directly and synchronously, without queueing behind Kysely's lock: a directory sync asks for a
   * token per Graph page while its writer holds a transaction open, and waiting for that commit
   * would stop Graph fetches overlapping with the writes.
   */
  private async currentGrant(clientId: string, appId: string): Promise<GrantColumns | undefined> {
    const raw = this.db.kind === 'sqlite' ? this.db.sqlite : undefined;
    if (!raw) return repo.findApp(this.db.db, clientId, appId);
    this.grantStatement ??= raw.prepare(
      'select status, cloud, tenant_id, azure_client_id, client_secret, authorized_at from azure_apps where client_id = ? and id = ?',
    );
    return this.grantStatement.get(clientId, appId) as GrantColumns | undefined;
  }

  private async withLock<T>(appId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(appId) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    this.locks.set(appId, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(appId) === run) this.locks.delete(appId);
    }
  }

  private async refresh(clientId: string, appId: string, resource: Resource): Promise<string> {
    const postgres = this.db.kind === 'postgres';
    type Outcome = { token: string } | { failure: unknown; row: AzureAppRow };
    const exec = async (db: typeof this.db.db): Promise<Outcome> => {
      const row = await repo.findAppForUpdate(db, clientId, appId, postgres);
      if (!row) throw new AppError(404, 'not_found', 'Azure application not found.');
      if (row.status === 'reauth_required') throw new ReauthorizationRequiredError(this.reasonText(row));
      if (!row.refresh_token) throw new NotAuthorizedError();
      const rt = this.secrets.decrypt(row.refresh_token, secretContext(row, 'refresh_token'));
      let tokens: Awaited<ReturnType<EntraClient['refresh']>>;
      try {
        tokens = await this.entra.refresh(credentialsOf(row, this.secrets), rt, scopesFor(resource));
      } catch (failure) {
        return { failure, row };
      }
      const now = nowIso();
      const patch = {
        refresh_token: tokens.refreshToken
          ? this.secrets.encrypt(tokens.refreshToken, secretContext(row, 'refresh_token'))
          : row.refresh_token,
        last_used_at: now,
        updated_at: now,
      };
      // Conditional on the version read: never overwrite a newer refresh token with ours.
      await repo.replaceRefreshToken(db, clientId, appId, row.token_version, patch);
      this.cache.set(`${appId}:${resource}`, {
        token: tokens.accessToken,
        expiresAt: tokens.expiresAt,
        grant: grantOf(row),
      });
      return { token: tokens.accessToken };
    };
    const outcome = postgres ? await this.db.db.transaction().execute(exec) : await exec(this.db.db);
    if ('token' in outcome) return outcome.token;
    // Recorded after the row lock's transaction ended, so the status change is not rolled back with it.
    throw await this.failed(outcome.row, outcome.failure);
  }

  private reasonText(row: AzureAppRow): string {
    if (!row.status_reason) return 'Microsoft no longer accepts the stored authorization.';
    const r = JSON.parse(row.status_reason) as { key?: string; description?: string };
    return r.key ? guidanceFor({ key: r.key }).title : (r.description ?? 'authorization failed');
  }

  /** Record what Microsoft said and return the error for the caller to throw. */
  private async failed(row: AzureAppRow, err: unknown): Promise<Error> {
    const db = this.db.db;
    if (!(err instanceof MicrosoftAuthError)) return err instanceof Error ? err : new Error(String(err));
    const g = guidanceFor(err.ms);
    if (g.key === 'unavailable') {
      return new AppError(
        503,
        'microsoft_unavailable',
        'Microsoft could not be reached. Nothing was changed; try again shortly.',
      );
    }
    const secretProblem = ['invalid_secret', 'expired_secret', 'missing_secret'].includes(g.key);
    const status = secretProblem ? 'error' : 'reauth_required';
    const ms = boundedMicrosoftError(err.ms);
    const reason = JSON.stringify({
      at: nowIso(),
      outcome: 'failed',
      key: g.key,
      aadsts: ms.aadsts,
      error: ms.error,
      description: ms.description,
    });
    await repo.updateApp(db, row.client_id, row.id, { status, status_reason: reason, updated_at: nowIso() });
    await recordAudit(db, null, {
      clientId: row.client_id,
      action: status === 'error' ? 'azure_app.error' : 'azure_app.reauth_required',
      targetType: 'azure_app',
      targetId: row.id,
      details: { aadsts: ms.aadsts, error: ms.error, reason: g.key },
    });
    this.forget(row.id);
    return status === 'error'
      ? new AppError(409, 'azure_app_error', `${g.title}. ${g.explanation}`)
      : new ReauthorizationRequiredError(g.title);
  }
}
