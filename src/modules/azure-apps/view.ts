// The public shape of an Azure application. The client secret and tokens never leave the
// server: the view says only whether a secret is stored.
import { Type } from '@sinclair/typebox';
import type { AzureAppRow } from '../../db/types.js';
import { type Guidance, guidanceFor } from '../../microsoft/guidance.js';

export interface AuthorizationOutcome {
  at: string;
  outcome: 'connected' | 'failed' | 'consent_granted' | 'approval_requested';
  key: string | null; // guidance key
  aadsts: number | null;
  error: string | null;
  description: string | null;
}

const GuidanceSchema = Type.Object({
  key: Type.String(),
  title: Type.String(),
  explanation: Type.String(),
  steps: Type.Array(Type.String()),
  reauthorize: Type.Boolean(),
  paths: Type.Array(Type.Object({ title: Type.String(), steps: Type.Array(Type.String()) })),
  lookupUrl: Type.Union([Type.String(), Type.Null()]),
});

const Problem = Type.Object({
  at: Type.String(),
  aadsts: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  guidance: Type.Union([GuidanceSchema, Type.Null()]),
});

export const AzureAppSchema = Type.Object(
  {
    id: Type.String(),
    clientId: Type.String(),
    name: Type.String(),
    cloud: Type.String(),
    tenantId: Type.String(),
    tenantDomain: Type.Union([Type.String(), Type.Null()]),
    azureClientId: Type.String(),
    secretStored: Type.Boolean(),
    secretExpiresAt: Type.Union([Type.String(), Type.Null()]),
    smtpSending: Type.Boolean(),
    status: Type.Union([
      Type.Literal('not_authorized'),
      Type.Literal('connected'),
      Type.Literal('reauth_required'),
      Type.Literal('error'),
    ]),
    statusReason: Type.Union([Problem, Type.Null()]),
    lastAuthorization: Type.Union([Type.Composite([Problem, Type.Object({ outcome: Type.String() })]), Type.Null()]),
    authorizedBy: Type.Union([Type.String(), Type.Null()]),
    authorizedAt: Type.Union([Type.String(), Type.Null()]),
    microsoftAccount: Type.Union([
      Type.Object({ oid: Type.String(), upn: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
    grantedScopes: Type.Array(Type.String()),
    missingScopes: Type.Array(Type.String()),
    lastUsedAt: Type.Union([Type.String(), Type.Null()]),
    /** set when another client connects the same Entra tenant: the operator's reason */
    sharedTenantReason: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'AzureApp' },
);

function problem(json: string | null): (AuthorizationOutcome & { guidance: Guidance | null }) | null {
  if (!json) return null;
  const o = JSON.parse(json) as AuthorizationOutcome;
  return { ...o, guidance: o.key ? guidanceFor({ key: o.key }) : null };
}

const list = (s: string | null) => (s ? s.split(' ').filter(Boolean) : []);

export function azureAppView(row: AzureAppRow, authorizedByEmail: string | null) {
  const reason = problem(row.status_reason);
  const last = problem(row.last_authorization);
  return {
    id: row.id,
    clientId: row.client_id,
    name: row.name,
    cloud: row.cloud,
    tenantId: row.tenant_id,
    tenantDomain: row.tenant_domain,
    azureClientId: row.azure_client_id,
    secretStored: row.client_secret.length > 0,
    secretExpiresAt: row.secret_expires_at,
    smtpSending: row.smtp_sending === 1,
    status: row.status,
    statusReason: reason && {
      at: reason.at,
      aadsts: reason.aadsts,
      error: reason.error,
      description: reason.description,
      guidance: reason.guidance,
    },
    lastAuthorization: last && {
      at: last.at,
      outcome: last.outcome,
      aadsts: last.aadsts,
      error: last.error,
      description: last.description,
      guidance: last.guidance,
    },
    authorizedBy: authorizedByEmail,
    authorizedAt: row.authorized_at,
    microsoftAccount: row.ms_oid ? { oid: row.ms_oid, upn: row.ms_upn } : null,
    grantedScopes: list(row.granted_scopes),
    missingScopes: list(row.missing_scopes),
    lastUsedAt: row.last_used_at,
    sharedTenantReason: row.shared_tenant_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
