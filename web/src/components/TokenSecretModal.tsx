import { Code } from '@mantine/core';
import type { CreatedApiToken } from '../api/types';
import { SecretOnceModal } from './SecretOnceModal';

/** The only time the secret exists outside the server's hash, so it must be copied now. */
export function TokenSecretModal({ created, onClose }: { created: CreatedApiToken | null; onClose: () => void }) {
  return (
    <SecretOnceModal
      secret={created?.secret ?? null}
      title="Your new API token"
      advice="Store it somewhere safe, such as a password manager or your automation's secret store."
      about={
        <>
          Token <strong>{created?.token.name}</strong>. Send it as <Code>Authorization: Bearer …</Code>.
        </>
      }
      secretLabel="API token secret"
      onClose={onClose}
    />
  );
}
