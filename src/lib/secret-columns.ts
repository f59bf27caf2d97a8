// Every encrypted column in the schema. Master-key rotation walks this list, so a capability
// that adds an encrypted column registers it here (and nowhere else needs to know).
export interface SecretColumn {
  table: string;
  column: string;
}

export const SECRET_COLUMNS: SecretColumn[] = [
  { table: 'azure_apps', column: 'client_secret' },
  { table: 'azure_apps', column: 'refresh_token' },
  { table: 'oauth_requests', column: 'code_verifier' },
  { table: 'sending_profiles', column: 'smtp_password' },
  { table: 'sending_profiles', column: 'dkim_private_key' },
  { table: 'client_keys', column: 'secret' },
  { table: 'webhooks', column: 'secret' },
];
