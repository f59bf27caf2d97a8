// Graph calls on the reporting mailbox, with the token its access mode needs: delegated — the
// Azure application's stored authorization (TokenService, the same token directory sync uses),
// asking also for Mail.ReadWrite.Shared when the mailbox is not the authorizing account's own;
// application — a client-credentials token of the same app registration (its own Mail.ReadWrite
// permission), cached here until shortly before it expires and dropped when the app row changes.
import type { Db } from '../../db/connection.js';
import type { AzureAppRow } from '../../db/types.js';
import type { SecretBox } from '../../lib/crypto.js';
import type { Cloud } from '../../microsoft/clouds.js';
import type { EntraClient } from '../../microsoft/entra.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import { normaliseScope, SHARED_MAIL_SCOPE } from '../../microsoft/permissions.js';
import { findApp } from '../azure-apps/repository.js';
import { credentialsOf, grantOf, type Resource, type TokenService } from '../azure-apps/token-service.js';
import type { AccessMode } from './view.js';

/** The resource an app-only token is asked for (`<resource>/.default`): Graph's real host per cloud. */
const GRAPH_RESOURCE: Record<Cloud, string> = {
  global: 'https://graph.microsoft.com',
  usgov: 'https://graph.microsoft.us',
  china: 'https://microsoftgraph.chinacloudapi.cn',
};
const EARLY_REFRESH_MS = 5 * 60_000;

export class MissingAppError extends Error {
  constructor() {
    super('The Azure application chosen for the reporting mailbox no longer exists.');
  }
}

/** A shared mailbox in delegated mode, but the stored authorization did not grant Mail.ReadWrite.Shared. */
export class SharedScopeMissingError extends Error {
  constructor(readonly authorizedAs: string | null) {
    super('Mail.ReadWrite.Shared not granted');
  }
}

export class AppOnlyTokens {
  private readonly cache = new Map<string, { token: string; expiresAt: number; grant: string }>();
  constructor(
    private readonly secrets: SecretBox,
    private readonly entra: EntraClient,
  ) {}

  async token(app: AzureAppRow): Promise<string> {
    const hit = this.cache.get(app.id);
    if (hit && hit.grant === grantOf(app) && hit.expiresAt - EARLY_REFRESH_MS > Date.now()) return hit.token;
    const t = await this.entra.clientCredentials(credentialsOf(app, this.secrets), GRAPH_RESOURCE[app.cloud]);
    this.cache.set(app.id, { token: t.accessToken, expiresAt: t.expiresAt, grant: grantOf(app) });
    return t.accessToken;
  }

  forget(appId: string): void {
    this.cache.delete(appId);
  }
}

export interface MailboxGraphDeps {
  db: Db;
  graph: GraphClient;
  tokens: TokenService;
  appOnly: AppOnlyTokens;
}

/** One reporting mailbox as seen through Graph, for one run. */
export class MailboxGraph {
  private constructor(
    private readonly deps: MailboxGraphDeps,
    private readonly app: AzureAppRow,
    private readonly mode: AccessMode,
    private readonly resource: Resource,
    readonly base: string,
  ) {}

  static async open(deps: MailboxGraphDeps, clientId: string, appId: string, mode: AccessMode, mailbox: string) {
    const app = await findApp(deps.db, clientId, appId);
    if (!app) throw new MissingAppError();
    // Delegated: the authorizing account's own mailbox needs Mail.ReadWrite; any other mailbox
    // (shared, with Full Access) needs Mail.ReadWrite.Shared, asked for only here — and only once
    // the authorization granted it, or the refresh would fail for the whole connection.
    const own = !app.ms_upn || app.ms_upn.toLowerCase() === mailbox.toLowerCase();
    const shared = mode === 'delegated' && !own;
    if (shared) {
      const granted = new Set((app.granted_scopes ?? '').split(' ').filter(Boolean).map(normaliseScope));
      if (!granted.has(normaliseScope(SHARED_MAIL_SCOPE))) throw new SharedScopeMissingError(app.ms_upn);
    }
    return new MailboxGraph(
      deps,
      app,
      mode,
      shared ? 'graph-shared' : 'graph',
      `/users/${encodeURIComponent(mailbox)}`,
    );
  }

  private token(): Promise<string> {
    return this.mode === 'application'
      ? this.deps.appOnly.token(this.app)
      : this.deps.tokens.accessToken(this.app.client_id, this.app.id, this.resource);
  }

  /** A token refused before its expiry (revoked, consent withdrawn): forget it and try once more. */
  private async retried<T>(fn: (token: string) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.token());
    } catch (err) {
      // An app-only token carries the roles consented when it was issued: after a refusal, the
      // next reading asks for a new one (the administrator may have granted consent meanwhile).
      if (err instanceof GraphError && err.status === 403 && this.mode === 'application') {
        this.deps.appOnly.forget(this.app.id);
      }
      if (!(err instanceof GraphError) || err.status !== 401) throw err;
      if (this.mode === 'application') this.deps.appOnly.forget(this.app.id);
      else this.deps.tokens.forget(this.app.id);
      return fn(await this.token());
    }
  }

  get<T>(pathOrUrl: string, headers: Record<string, string> = {}): Promise<T> {
    return this.retried((t) => this.deps.graph.get<T>(this.app.cloud, t, pathOrUrl, headers));
  }

  async bytes(path: string): Promise<Buffer> {
    return (await this.retried((t) => this.deps.graph.request(this.app.cloud, t, 'GET', path))).bytes;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const r = await this.retried((t) => this.deps.graph.request(this.app.cloud, t, 'POST', path, body));
    return JSON.parse(r.bytes.toString('utf8')) as T;
  }
}
