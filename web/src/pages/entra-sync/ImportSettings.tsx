import { Button, Group, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import type { DirectoryImport } from '../../api/directorySync';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useDeleteImport, useUpdateImport } from '../../hooks/useDirectorySync';
import { notifyFailure, notifySuccess } from '../../lib/notify';
import { PolicySelects } from './PolicySelects';

/** Schedule and policies of an import, and deleting it (its recipients stay). */
export function ImportSettings({ clientId, imp }: { clientId: string; imp: DirectoryImport }) {
  const update = useUpdateImport(clientId, imp.id);
  const remove = useDeleteImport(clientId);
  const [syncEnabled, setSyncEnabled] = useState(imp.syncEnabled);
  const [interval, setInterval] = useState(imp.syncIntervalMinutes);
  const [newUserPolicy, setNewUserPolicy] = useState(imp.newUserPolicy);
  const [removedUserPolicy, setRemovedUserPolicy] = useState(imp.removedUserPolicy);
  const [threshold, setThreshold] = useState(imp.deletionThreshold);
  const [confirming, setConfirming] = useState(false);
  return (
    <Stack gap="md" maw={640}>
      <Group align="flex-end">
        <Switch label="Keep in sync" checked={syncEnabled} onChange={(e) => setSyncEnabled(e.currentTarget.checked)} />
        <NumberInput
          label="Every (minutes)"
          min={5}
          max={10080}
          value={interval}
          onChange={(v) => setInterval(typeof v === 'number' ? v : 10)}
          disabled={!syncEnabled}
          w={160}
        />
      </Group>
      <PolicySelects
        newUserPolicy={newUserPolicy}
        removedUserPolicy={removedUserPolicy}
        threshold={threshold}
        onNewUserPolicy={setNewUserPolicy}
        onRemovedUserPolicy={setRemovedUserPolicy}
        onThreshold={setThreshold}
      />
      <Group justify="space-between">
        <Button variant="subtle" color="red" onClick={() => setConfirming(true)}>
          Delete import
        </Button>
        <Button
          loading={update.isPending}
          onClick={() =>
            update.mutate(
              {
                syncEnabled,
                syncIntervalMinutes: interval,
                newUserPolicy,
                removedUserPolicy,
                deletionThreshold: threshold,
              },
              {
                onSuccess: () => notifySuccess('Import saved.'),
                onError: (e) => notifyFailure('The import was not saved', e),
              },
            )
          }
        >
          Save
        </Button>
      </Group>
      <ConfirmModal
        opened={confirming}
        title={`Delete ${imp.name}?`}
        confirmLabel="Delete import"
        danger
        loading={remove.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(imp.id, {
            onSuccess: () => notifySuccess('Import deleted. Its recipients stay.'),
            onError: (e) => notifyFailure('The import was not deleted', e),
          })
        }
      >
        Syncing stops and the run history goes.{' '}
        <Text span fw={500}>
          The recipients it imported stay
        </Text>
        , with their group.
      </ConfirmModal>
    </Stack>
  );
}
