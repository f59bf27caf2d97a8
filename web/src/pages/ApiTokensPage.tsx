import { Button, Paper, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import type { ApiToken, CreatedApiToken } from '../api/types';
import { ApiTokensTable } from '../components/ApiTokensTable';
import { ConfirmModal } from '../components/ConfirmModal';
import { CreateTokenModal } from '../components/CreateTokenModal';
import { PageHeader } from '../components/PageHeader';
import { PageLoader, QueryError } from '../components/QueryState';
import { TokenSecretModal } from '../components/TokenSecretModal';
import { useApiTokens, useRevokeApiToken } from '../hooks/useApiTokens';
import { notifyFailure, notifySuccess } from '../lib/notify';

export function ApiTokensPage() {
  const tokens = useApiTokens();
  const revoke = useRevokeApiToken();
  const [createOpened, create] = useDisclosure(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  const confirmRevoke = () => {
    if (!revoking) return;
    revoke.mutate(revoking.id, {
      onSuccess: () => {
        notifySuccess(`Token ${revoking.name} was revoked.`);
        setRevoking(null);
      },
      onError: (error) => notifyFailure('Could not revoke the token', error),
    });
  };

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Personal tokens for automating Baitwise through its REST API. A token acts with your role and clients."
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={create.open}>
            Create token
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md">
        {tokens.isPending && <PageLoader />}
        {tokens.isError && <QueryError error={tokens.error} onRetry={() => tokens.refetch()} />}
        {tokens.data?.length === 0 && (
          <Text c="dimmed" py="lg" ta="center">
            You have no API tokens.
          </Text>
        )}
        {tokens.data && tokens.data.length > 0 && (
          <ApiTokensTable tokens={tokens.data} label="API tokens" minWidth={720} onRevoke={setRevoking} />
        )}
      </Paper>
      <CreateTokenModal opened={createOpened} onClose={create.close} onCreated={setCreated} />
      <TokenSecretModal created={created} onClose={() => setCreated(null)} />
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke API token"
        confirmLabel="Revoke"
        danger
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={confirmRevoke}
      >
        Revoke {revoking?.name}? Anything still using it will be refused from now on. This cannot be undone.
      </ConfirmModal>
    </>
  );
}
