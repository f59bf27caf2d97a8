// Shapes of the Azure Applications API (src/modules/azure-apps/view.ts and routes.ts).

export type AzureAppStatus = 'not_authorized' | 'connected' | 'reauth_required' | 'error';

export interface Guidance {
  key: string;
  title: string;
  explanation: string;
  steps: string[];
  /** the stored connection no longer works and must be authorized again */
  reauthorize: boolean;
  /** alternative ways out, each its own list */
  paths?: { title: string; steps: string[] }[];
  /** Microsoft's explanation of the AADSTS code */
  lookupUrl?: string | null;
}

export interface AzureProblem {
  at: string;
  aadsts: number | null;
  error: string | null;
  description: string | null;
  guidance: Guidance | null;
}

export interface AzureApp {
  id: string;
  clientId: string;
  name: string;
  cloud: string;
  tenantId: string;
  tenantDomain: string | null;
  azureClientId: string;
  secretStored: boolean;
  secretExpiresAt: string | null;
  smtpSending: boolean;
  status: AzureAppStatus;
  statusReason: AzureProblem | null;
  lastAuthorization: (AzureProblem & { outcome: string }) | null;
  authorizedBy: string | null;
  authorizedAt: string | null;
  microsoftAccount: { oid: string; upn: string | null } | null;
  grantedScopes: string[];
  missingScopes: string[];
  lastUsedAt: string | null;
  /** another client connects the same Entra tenant: the operator's reason */
  sharedTenantReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AzurePermission {
  scope: string;
  type: string;
  adminConsent: boolean;
  purpose: string;
  smtpOnly: boolean;
}

/** The single-page-application redirect URI the Outlook report add-in's sign-in needs. */
export interface NestedAppAuthInfo {
  redirectUri: string;
  platform: string;
  purpose: string;
}

export interface RegistrationInfo {
  redirectUri: string;
  nestedAppAuth: NestedAppAuthInfo;
  permissions: AzurePermission[];
  capabilities: { key: string; label: string; scopes: string[] }[];
  clouds: { value: string; label: string }[];
}

export interface AzureAppInput {
  name: string;
  azureClientId: string;
  /** write-only; on edit an empty value keeps the stored secret */
  clientSecret: string;
  tenant: string;
  cloud: string;
  smtpSending: boolean;
  secretExpiresAt: string | null;
  /** required when another client connects the same Entra tenant */
  sharedTenantReason?: string;
}

export interface ConnectionReport {
  ok: boolean;
  account: { id: string; displayName: string | null; userPrincipalName: string | null; mail: string | null } | null;
  tenantId: string;
  grantedScopes: string[];
  capabilities: { key: string; label: string; ok: boolean; missing: string[] }[];
  error: { code: string; message: string } | null;
}
