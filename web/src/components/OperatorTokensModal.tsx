import { Button, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { ApiToken, Operator } from '../api/types';
import { useOperatorApiTokens, useRevokeOperatorApiToken } from '../hooks/useOperators';
import { notifyFailure, notifySuccess } from '../lib/notify';
import { ApiTokensTable } from './ApiTokensTable';
import { PageLoader, QueryError } from './QueryState';

/**
 * Another operator's API tokens, for a system administrator to revoke one that leaked or was
 * forgotten. The confirmation replaces the list inside the same dialog rather than stacking a
 * second one on top.
 */
export function OperatorTokensModal({
  opened,
  onClose,
  operator,
}: {
  opened: boolean;
  onClose: () => void;
  operator?: Operator;
}) {
  const tokens = useOperatorApiTokens(opened ? operator?.id : undefined);
  const revoke = useRevokeOperatorApiToken();
  const [revoking, setRevoking] = useState<ApiToken | null>(null);

  useEffect(() => {
    if (opened) setRevoking(null);
  }, [opened]);

  // The confirmation replaces the list, so the dialog's autofocus does not apply again: the focus
  // is put on Cancel here (the clicked Revoke button is gone), so Enter pressed out of habit does
  // not revoke.
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (revoking) cancelRef.current?.focus();
  }, [revoking]);

  const confirmRevoke = () => {
    if (!operator || !revoking) return;
    revoke.mutate(
      { operatorId: operator.id, tokenId: revoking.id },
      {
        onSuccess: () => {
          notifySuccess(`${operator.name}'s token ${revoking.name} was revoked.`);
          setRevoking(null);
        },
        onError: (error) => notifyFailure('Could not revoke the token', error),
      },
    );
  };

  return (
    <Modal opened={opened} onClose={onClose} title={`API tokens of ${operator?.name ?? ''}`} size="xl" centered>
      {revoking ? (
        <Stack>
          <Text size="sm">
            Revoke {revoking.name} (<Code>{revoking.prefix}…</Code>)? Anything still using it will be refused from now
            on. This cannot be undone.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRevoking(null)} ref={cancelRef}>
              Cancel
            </Button>
            <Button color="red" loading={revoke.isPending} onClick={confirmRevoke}>
              Revoke
            </Button>
          </Group>
        </Stack>
      ) : (
        <>
          {tokens.isPending && <PageLoader />}
          {tokens.isError && <QueryError error={tokens.error} onRetry={() => tokens.refetch()} />}
          {tokens.data?.length === 0 && (
            <Text c="dimmed" py="lg" ta="center">
              {operator?.name} has no API tokens.
            </Text>
          )}
          {tokens.data && tokens.data.length > 0 && (
            <ApiTokensTable
              tokens={tokens.data}
              label={`API tokens of ${operator?.name ?? ''}`}
              minWidth={640}
              onRevoke={setRevoking}
            />
          )}
        </>
      )}
    </Modal>
  );
}
