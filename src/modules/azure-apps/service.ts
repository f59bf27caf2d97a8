// Registering, editing and deleting Azure applications. The secret is encrypted before it is
// written and never read back out except by the token service.
import type { Db } from '../../db/connection.js';
import type { AzureAppRow, AzureAppsTable } from '../../db/types.js';
import { type Actor, visibleClientIds } from '../../http/actor.js';
import type { SecretBox } from '../../lib/crypto.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { Cloud } from '../../microsoft/clouds.js';
import { type EntraClient, isGuid, MicrosoftAuthError } from '../../microsoft/entra.js';
import { recordAudit } from '../audit/record.js';
import * as repo from './repository.js';
import { type AuthorizationOutcome, azureAppView } from './view.js';

export interface AppInput {
  name: string;
  azureClientId: string;
  clientSecret?: string;
  tenant: string;
  cloud: Cloud;
  smtpSending: boolean;
  secretExpiresAt?: string | null;
  /** why this client connects an Entra tenant another client connects too (required then) */
  sharedTenantReason?: string;
}

const DOMAIN_RE = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export const secretContext = (
  row: Pick<AzureAppRow, 'id' | 'client_id'>,
  column: 'client_secret' | 'refresh_token',
) => ({
  table: 'azure_apps',
  column,
  rowId: row.id,
  clientId: row.client_id,
});

/**
 * A second client on one Entra tenant: allowed for a stated reason (a subsidiary, a shared
 * tenant), refused otherwise — it is far more often a pasted wrong tenant or a duplicated client,
 * and the two clients would then import, phish and train the same people. Returns the reason to
 * store (null when the tenant is this client's alone).
 */
async function sharedTenantCheck(
  db: Db,
  actor: Actor,
  clientId: string,
  cloud: string,
  tenantId: string,
  reason: string | undefined,
): Promise<string | null> {
  const others = await repo.clientsSharingTenant(db, cloud, tenantId, clientId);
  if (others.length === 0) return null;
  const given = reason?.trim();
  if (given) return given;
  const visible = visibleClientIds(actor);
  const names = others.filter((c) => visible === null || visible.includes(c.id)).map((c) => c.name);
  const who =
    names.length === others.length
      ? `${names.join(', ')} already connect${names.length === 1 ? 's' : ''} this Entra tenant.`
      : 'Another client already connects this Entra tenant.';
  throw new AppError(
    409,
    'tenant_shared',
    `${who} Both clients would import, phish and train the same people. Check the Directory (tenant) ID; if both clients really share this tenant, say why in sharedTenantReason.`,
    { field: 'sharedTenantReason', clients: names },
  );
}

export class AzureAppService {
  constructor(
    private readonly db: Db,
    private readonly secrets: SecretBox,
    private readonly entra: EntraClient,
  ) {}

  private async emailsOf(ids: (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((x): x is string => x !== null))];
    if (wanted.length === 0) return new Map();
    const rows = await this.db.selectFrom('operators').select(['id', 'email']).where('id', 'in', wanted).execute();
    return new Map(rows.map((r) => [r.id, r.email]));
  }

  async list(actor: Actor, clientId?: string) {
    const rows = await repo.listApps(this.db, visibleClientIds(actor), clientId);
    const emails = await this.emailsOf(rows.map((r) => r.authorized_by));
    return rows.map((r) => azureAppView(r, r.authorized_by ? (emails.get(r.authorized_by) ?? null) : null));
  }

  async row(clientId: string, appId: string): Promise<AzureAppRow> {
    const row = await repo.findApp(this.db, clientId, appId);
    if (!row) throw new NotFoundError('Azure application');
    return row;
  }

  async get(clientId: string, appId: string) {
    const row = await this.row(clientId, appId);
    const emails = await this.emailsOf([row.authorized_by]);
    return azureAppView(row, row.authorized_by ? (emails.get(row.authorized_by) ?? null) : null);
  }

  /** A GUID is stored as is; a verified domain is resolved to its GUID through discovery. */
  private async resolveTenant(cloud: Cloud, tenant: string): Promise<{ tenantId: string; domain: string | null }> {
    const t = tenant.trim();
    if (isGuid(t)) return { tenantId: t.toLowerCase(), domain: null };
    if (!DOMAIN_RE.test(t))
      throw new ValidationError(
        'tenant',
        'Enter the Directory (tenant) ID, a GUID, or a verified domain such as contoso.onmicrosoft.com.',
      );
    try {
      return { tenantId: await this.entra.resolveTenant(cloud, t), domain: t.toLowerCase() };
    } catch (err) {
      if (err instanceof MicrosoftAuthError && err.ms.error !== 'temporarily_unavailable') {
        throw new ValidationError(
          'tenant',
          `Microsoft does not know the tenant "${t}" in this cloud${err.ms.aadsts ? ` (AADSTS${err.ms.aadsts})` : ''}.`,
        );
      }
      throw new AppError(
        503,
        'microsoft_unavailable',
        'Microsoft could not be reached to resolve the tenant domain. Enter the tenant GUID or try again.',
      );
    }
  }

  async create(actor: Actor, clientId: string, input: AppInput) {
    if (!input.clientSecret)
      throw new ValidationError('clientSecret', 'Enter the client secret value from Entra (Certificates & secrets).');
    const { tenantId, domain } = await this.resolveTenant(input.cloud, input.tenant);
    const id = newId();
    const now = nowIso();
    await this.db.transaction().execute(async (trx) => {
      if (await repo.findAppByName(trx, clientId, input.name.trim())) {
        throw new ConflictError('name', 'This client already has an application with this name.');
      }
      const sharedReason = await sharedTenantCheck(
        trx,
        actor,
        clientId,
        input.cloud,
        tenantId,
        input.sharedTenantReason,
      );
      const row: AzureAppsTable = {
        id,
        client_id: clientId,
        name: input.name.trim(),
        cloud: input.cloud,
        tenant_id: tenantId,
        tenant_domain: domain,
        azure_client_id: input.azureClientId.toLowerCase(),
        client_secret: '',
        secret_expires_at: input.secretExpiresAt ?? null,
        smtp_sending: input.smtpSending ? 1 : 0,
        status: 'not_authorized',
        status_reason: null,
        refresh_token: null,
        token_version: 0,
        granted_scopes: null,
        missing_scopes: null,
        last_authorization: null,
        authorized_by: null,
        authorized_at: null,
        ms_oid: null,
        ms_upn: null,
        shared_tenant_reason: sharedReason,
        last_used_at: null,
        created_at: now,
        updated_at: now,
      };
      row.client_secret = this.secrets.encrypt(input.clientSecret as string, secretContext(row, 'client_secret'));
      await repo.insertApp(trx, row);
      await recordAudit(trx, actor, {
        clientId,
        action: 'azure_app.create',
        targetType: 'azure_app',
        targetId: id,
        details: {
          name: row.name,
          tenantId,
          azureClientId: row.azure_client_id,
          cloud: row.cloud,
          ...(sharedReason ? { sharedTenantReason: sharedReason } : {}),
        },
      });
    });
    return this.get(clientId, id);
  }

  async update(actor: Actor, clientId: string, appId: string, input: Partial<AppInput>) {
    const current = await this.row(clientId, appId);
    const cloud = input.cloud ?? current.cloud;
    const tenant =
      input.tenant !== undefined || input.cloud !== undefined
        ? await this.resolveTenant(cloud, input.tenant ?? current.tenant_domain ?? current.tenant_id)
        : { tenantId: current.tenant_id, domain: current.tenant_domain };
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findApp(trx, clientId, appId);
      if (!row) throw new NotFoundError('Azure application');
      const patch: Partial<AzureAppsTable> = { updated_at: nowIso() };
      const changed: string[] = [];
      if (input.name !== undefined && input.name.trim() !== row.name) {
        const clash = await repo.findAppByName(trx, clientId, input.name.trim());
        if (clash && clash.id !== appId)
          throw new ConflictError('name', 'This client already has an application with this name.');
        patch.name = input.name.trim();
        changed.push('name');
      }
      if (input.clientSecret) {
        patch.client_secret = this.secrets.encrypt(input.clientSecret, secretContext(row, 'client_secret'));
        changed.push('clientSecret');
        // A new secret cures "invalid/expired secret"; the refresh token is bound to the app, not the secret.
        if (row.status === 'error') {
          patch.status = row.refresh_token ? 'connected' : 'not_authorized';
          patch.status_reason = null;
        }
      }
      if (input.secretExpiresAt !== undefined && input.secretExpiresAt !== row.secret_expires_at) {
        patch.secret_expires_at = input.secretExpiresAt;
        changed.push('secretExpiresAt');
      }
      if (input.smtpSending !== undefined && (input.smtpSending ? 1 : 0) !== row.smtp_sending) {
        patch.smtp_sending = input.smtpSending ? 1 : 0;
        changed.push('smtpSending');
      }
      const identityChanged =
        (input.azureClientId !== undefined && input.azureClientId.toLowerCase() !== row.azure_client_id) ||
        tenant.tenantId !== row.tenant_id ||
        cloud !== row.cloud;
      if (identityChanged) {
        // Another app registration, tenant or cloud: the stored connection belongs to the old one.
        Object.assign(patch, {
          azure_client_id: input.azureClientId?.toLowerCase() ?? row.azure_client_id,
          tenant_id: tenant.tenantId,
          tenant_domain: tenant.domain,
          cloud,
          refresh_token: null,
          token_version: row.token_version + 1,
          status: 'not_authorized',
          status_reason: null,
          granted_scopes: null,
          missing_scopes: null,
          ms_oid: null,
          ms_upn: null,
          authorized_by: null,
          authorized_at: null,
        } satisfies Partial<AzureAppsTable>);
        changed.push('registration');
      }
      if (tenant.tenantId !== row.tenant_id || cloud !== row.cloud || input.sharedTenantReason !== undefined) {
        // Another tenant (or a new reason for this one): shared with another client only for a reason.
        const reason = await sharedTenantCheck(trx, actor, clientId, cloud, tenant.tenantId, input.sharedTenantReason);
        if (reason !== row.shared_tenant_reason) {
          patch.shared_tenant_reason = reason;
          changed.push('sharedTenantReason');
        }
      }
      await repo.updateApp(trx, clientId, appId, patch);
      if (changed.length > 0) {
        await recordAudit(trx, actor, {
          clientId,
          action: 'azure_app.update',
          targetType: 'azure_app',
          targetId: appId,
          details: {
            changed,
            ...(patch.shared_tenant_reason ? { sharedTenantReason: patch.shared_tenant_reason } : {}),
          },
        });
      }
    });
    return this.get(clientId, appId);
  }

  /**
   * "Request sent": someone asked for approval through Entra's admin consent workflow. Microsoft
   * tells the application nothing of it (returning from "Request sent" looks like a Cancel,
   * AADSTS65004), so the operator records it here and everyone sees the application waiting for a
   * reviewer instead of a failure.
   */
  async markApprovalRequested(actor: Actor, clientId: string, appId: string) {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findApp(trx, clientId, appId);
      if (!row) throw new NotFoundError('Azure application');
      if (row.status === 'connected') {
        throw new ConflictError('status', 'This application is connected: there is no approval to wait for.');
      }
      const outcome: AuthorizationOutcome = {
        at: nowIso(),
        outcome: 'approval_requested',
        key: 'consent_pending',
        aadsts: null,
        error: null,
        description: null,
      };
      await repo.updateApp(trx, clientId, appId, { last_authorization: JSON.stringify(outcome), updated_at: nowIso() });
      await recordAudit(trx, actor, {
        clientId,
        action: 'azure_app.approval_requested',
        targetType: 'azure_app',
        targetId: appId,
        details: { name: row.name },
      });
    });
    return this.get(clientId, appId);
  }

  async delete(actor: Actor, clientId: string, appId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await repo.findApp(trx, clientId, appId);
      if (!row) throw new NotFoundError('Azure application');
      await repo.deleteApp(trx, clientId, appId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'azure_app.delete',
        targetType: 'azure_app',
        targetId: appId,
        details: { name: row.name },
      });
    });
  }
}
