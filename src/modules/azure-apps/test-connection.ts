// "Test connection": a real Graph call with the stored authorization, and for each Baitwise
// capability whether the permissions it needs were granted.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { AppError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import { type GraphSubject, graphFailure, MicrosoftUnavailableError } from '../../microsoft/graph-errors.js';
import { CAPABILITIES, missingScopes, SMTP_SCOPE } from '../../microsoft/permissions.js';
import { recordAudit } from '../audit/record.js';
import * as repo from './repository.js';
import type { TokenService } from './token-service.js';

export interface ConnectionReport {
  ok: boolean;
  account: { id: string; displayName: string | null; userPrincipalName: string | null; mail: string | null } | null;
  tenantId: string;
  grantedScopes: string[];
  capabilities: { key: string; label: string; ok: boolean; missing: string[] }[];
  error: { code: string; message: string } | null;
}

const ME: GraphSubject = {
  field: 'appId',
  what: 'the signed-in account (/me)',
  fix: 'Authorize the application again with an account of the tenant.',
  permissions: ['User.Read'],
};

export async function testConnection(
  db: Db,
  tokens: TokenService,
  graph: GraphClient,
  actor: Actor,
  clientId: string,
  appId: string,
): Promise<ConnectionReport> {
  const row = await repo.findApp(db, clientId, appId);
  if (!row) throw new AppError(404, 'not_found', 'Azure application not found.');
  // A test proves the stored refresh token still works, not that a cached access token has
  // not expired yet: drop the cache so the token comes from Microsoft now.
  tokens.forget(appId);
  const token = await tokens.accessToken(clientId, appId, 'graph');
  let account: ConnectionReport['account'] = null;
  let error: ConnectionReport['error'] = null;
  try {
    const me = await graph.get<{ id: string; displayName?: string; userPrincipalName?: string; mail?: string }>(
      row.cloud,
      token,
      '/me?$select=id,displayName,userPrincipalName,mail',
    );
    account = {
      id: me.id,
      displayName: me.displayName ?? null,
      userPrincipalName: me.userPrincipalName ?? null,
      mail: me.mail ?? null,
    };
  } catch (err) {
    const failure = graphFailure(err, ME);
    // Microsoft unavailable says nothing about the connection: answer 503, record nothing.
    if (failure instanceof MicrosoftUnavailableError || !(failure instanceof AppError)) throw failure;
    // A refusal is what the report is for: what Microsoft said, and what to do about it.
    error = { code: err instanceof GraphError ? err.code : failure.code, message: failure.message };
  }
  const granted = (row.granted_scopes ?? '').split(' ').filter(Boolean);
  if (row.smtp_sending === 1 && !granted.includes(SMTP_SCOPE)) {
    // SMTP.Send may have been consented after the authorization: asking for a token tells.
    try {
      await tokens.accessToken(clientId, appId, 'smtp');
      granted.push(SMTP_SCOPE);
    } catch {
      // stays missing
    }
  }
  const capabilities = CAPABILITIES.filter((c) => c.key !== 'training_smtp' || row.smtp_sending === 1).map((c) => {
    const missing = missingScopes(c.scopes, granted);
    return { key: c.key, label: c.label, ok: missing.length === 0, missing };
  });
  const now = nowIso();
  await repo.updateApp(db, clientId, appId, { last_used_at: now, granted_scopes: granted.join(' ') });
  await recordAudit(db, actor, {
    clientId,
    action: 'azure_app.test',
    targetType: 'azure_app',
    targetId: appId,
    details: { ok: error === null, account: account?.userPrincipalName ?? null },
  });
  return { ok: error === null, account, tenantId: row.tenant_id, grantedScopes: granted, capabilities, error };
}

/** testConnection with the services it needs, for the route. */
export class ConnectionTester {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenService,
    private readonly graph: GraphClient,
  ) {}

  test(actor: Actor, clientId: string, appId: string): Promise<ConnectionReport> {
    return testConnection(this.db, this.tokens, this.graph, actor, clientId, appId);
  }
}
