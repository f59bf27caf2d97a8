// A profile row's secrets and headers, read back for sending.
import type { SecretBox } from '../../lib/crypto.js';
import type { ProfileRow } from './repository.js';
import type { ProfileSecrets } from './transports.js';

export const profileSecretContext = (
  row: Pick<ProfileRow, 'id' | 'client_id'>,
  column: 'smtp_password' | 'dkim_private_key',
) => ({ table: 'sending_profiles', column, rowId: row.id, clientId: row.client_id });

export function profileSecrets(secrets: SecretBox, p: ProfileRow): ProfileSecrets {
  return {
    smtpPassword: p.smtp_password ? secrets.decrypt(p.smtp_password, profileSecretContext(p, 'smtp_password')) : null,
    dkimPrivateKey: p.dkim_private_key
      ? secrets.decrypt(p.dkim_private_key, profileSecretContext(p, 'dkim_private_key'))
      : null,
  };
}

export const senderHeaders = (p: Pick<ProfileRow, 'custom_headers'>): { name: string; value: string }[] =>
  JSON.parse(p.custom_headers) as { name: string; value: string }[];
