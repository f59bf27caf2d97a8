import {
  Alert,
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Divider,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import {
  DEFAULT_DELETION_THRESHOLD,
  type DeletionThreshold,
  type DirectoryImport,
  type EntraGroupRef,
  type ImportInput,
  type SyncFilters,
} from '../../api/directorySync';
import { useAzureApps } from '../../hooks/useAzureApps';
import { useCreateImport, useGroupSearch, usePreview } from '../../hooks/useDirectorySync';
import { useRecipientGroups } from '../../hooks/useRecipientGroups';
import { describeError } from '../../lib/describeError';
import { PolicySelects } from './PolicySelects';

const NEW_GROUP = '__new__';

/**
 * Create an import: the connected application, the source (all users or Entra groups found by
 * name), filters, the target recipient group, policies and schedule — with a preview of how many
 * users it would bring in before anything is written.
 */
export function NewImportModal({
  clientId,
  opened,
  onClose,
  onCreated,
}: {
  clientId: string;
  opened: boolean;
  onClose: () => void;
  onCreated: (imp: DirectoryImport) => void;
}) {
  const apps = useAzureApps(clientId);
  const groups = useRecipientGroups(clientId);
  const preview = usePreview(clientId);
  const search = useGroupSearch(clientId);
  const create = useCreateImport(clientId);

  const connected = (apps.data ?? []).filter((a) => a.clientId === clientId);
  const [name, setName] = useState('Entra users');
  const [azureAppId, setAzureAppId] = useState<string | null>(null);
  const [source, setSource] = useState<'all_users' | 'groups'>('all_users');
  const [term, setTerm] = useState('');
  const [picked, setPicked] = useState<EntraGroupRef[]>([]);
  const [filters, setFilters] = useState<SyncFilters>({
    departments: [],
    jobTitles: [],
    userType: 'all',
    enabledOnly: true,
  });
  const [target, setTarget] = useState<string>(NEW_GROUP);
  const [newGroupName, setNewGroupName] = useState('Entra users');
  const [newUserPolicy, setNewUserPolicy] = useState<'add' | 'hold'>('add');
  const [removedUserPolicy, setRemovedUserPolicy] = useState<'delete' | 'keep' | 'hold'>('hold');
  const [threshold, setThreshold] = useState<DeletionThreshold>(DEFAULT_DELETION_THRESHOLD);
  const [syncEnabled, setSyncEnabled] = useState(true);
  const [interval, setInterval] = useState<number>(10);

  const appId = azureAppId ?? connected.find((a) => a.status === 'connected')?.id ?? null;
  const ready = appId !== null && (source === 'all_users' || picked.length > 0);
  const setFilter = <K extends keyof SyncFilters>(k: K, v: SyncFilters[K]) => {
    setFilters((f) => ({ ...f, [k]: v }));
    preview.reset();
  };
  const toggle = (g: EntraGroupRef) => {
    setPicked((p) => (p.some((x) => x.id === g.id) ? p.filter((x) => x.id !== g.id) : [...p, g]));
    preview.reset();
  };

  const input = (): ImportInput => ({
    name,
    azureAppId: appId ?? '',
    ...(target === NEW_GROUP ? { newGroupName } : { targetGroupId: target }),
    source,
    entraGroups: source === 'groups' ? picked : [],
    filters,
    syncEnabled,
    syncIntervalMinutes: interval,
    newUserPolicy,
    removedUserPolicy,
    deletionThreshold: threshold,
  });

  return (
    <Modal opened={opened} onClose={onClose} title="New import from Entra ID" size="xl">
      <Stack gap="md">
        <TextInput label="Import name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <Select
          label="Azure application"
          description="The client's connected Entra tenant to read users from"
          data={connected.map((a) => ({
            value: a.id,
            label: a.status === 'connected' ? a.name : `${a.name} (${a.status.replaceAll('_', ' ')})`,
            disabled: a.status !== 'connected',
          }))}
          value={appId}
          onChange={(v) => {
            setAzureAppId(v);
            preview.reset();
          }}
          placeholder={connected.length ? 'Choose an application' : 'No Azure application for this client yet'}
        />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Source
          </Text>
          <SegmentedControl
            aria-label="Source"
            value={source}
            onChange={(v) => {
              setSource(v as 'all_users' | 'groups');
              preview.reset();
            }}
            data={[
              { value: 'all_users', label: 'All users' },
              { value: 'groups', label: 'Selected Entra groups' },
            ]}
          />
        </Stack>
        {source === 'groups' && (
          <Stack gap="xs">
            <Group align="flex-end" gap="xs">
              <TextInput
                label="Search Entra groups by name"
                description="Members of nested groups are included"
                value={term}
                onChange={(e) => setTerm(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && appId) search.mutate({ azureAppId: appId, search: term });
                }}
                style={{ flex: 1 }}
              />
              <Button
                variant="default"
                disabled={!appId}
                loading={search.isPending}
                onClick={() => appId && search.mutate({ azureAppId: appId, search: term })}
              >
                Search
              </Button>
            </Group>
            {search.isError && (
              <Text c="red" size="sm">
                {describeError(search.error)}
              </Text>
            )}
            {search.data && (
              <Stack gap={4} aria-label="Groups found">
                {search.data.length === 0 && (
                  <Text size="sm" c="dimmed">
                    No group matches.
                  </Text>
                )}
                {search.data.map((g) => (
                  <Checkbox
                    key={g.id}
                    label={`${g.displayName}${g.unified ? ' (Microsoft 365)' : ''}`}
                    checked={picked.some((p) => p.id === g.id)}
                    onChange={() => toggle({ id: g.id, displayName: g.displayName })}
                  />
                ))}
              </Stack>
            )}
            {picked.length > 0 && (
              <Group gap="xs" aria-label="Selected groups">
                {picked.map((g) => (
                  <Badge
                    key={g.id}
                    variant="light"
                    rightSection={
                      <CloseButton size="xs" aria-label={`Remove ${g.displayName}`} onClick={() => toggle(g)} />
                    }
                  >
                    {g.displayName}
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
        )}
        <Divider label="Filters" labelPosition="left" />
        <Group grow align="flex-start">
          <TagsInput
            label="Departments"
            placeholder="Any"
            value={filters.departments}
            onChange={(v) => setFilter('departments', v)}
          />
          <TagsInput
            label="Job titles"
            placeholder="Any"
            value={filters.jobTitles}
            onChange={(v) => setFilter('jobTitles', v)}
          />
        </Group>
        <Group>
          <SegmentedControl
            aria-label="Account type"
            value={filters.userType}
            onChange={(v) => setFilter('userType', v as SyncFilters['userType'])}
            data={[
              { value: 'all', label: 'Members and guests' },
              { value: 'Member', label: 'Members' },
              { value: 'Guest', label: 'Guests' },
            ]}
          />
          <Switch
            label="Enabled accounts only"
            checked={filters.enabledOnly}
            onChange={(e) => setFilter('enabledOnly', e.currentTarget.checked)}
          />
        </Group>
        <Group>
          <Button
            variant="light"
            disabled={!ready}
            loading={preview.isPending}
            onClick={() =>
              appId && preview.mutate({ azureAppId: appId, source, groupIds: picked.map((g) => g.id), filters })
            }
          >
            Preview
          </Button>
          {preview.data && (
            <Text fw={500} data-testid="preview-count">
              {preview.data.count}
              {preview.data.exact ? '' : '+'} users would be imported
            </Text>
          )}
          {preview.isError && (
            <Text c="red" size="sm">
              {describeError(preview.error)}
            </Text>
          )}
        </Group>
        {preview.data && preview.data.sample.length > 0 && (
          <Table aria-label="Preview sample" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Email</Table.Th>
                <Table.Th>Department</Table.Th>
                <Table.Th>Job title</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.data.sample.map((u) => (
                <Table.Tr key={u.entraObjectId}>
                  <Table.Td>{u.displayName}</Table.Td>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.department}</Table.Td>
                  <Table.Td>{u.jobTitle}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        <Divider label="Target and policies" labelPosition="left" />
        <Group grow align="flex-start">
          <Select
            label="Recipient group"
            data={[
              { value: NEW_GROUP, label: 'A new group…' },
              ...(groups.data ?? []).map((g) => ({ value: g.id, label: g.name })),
            ]}
            value={target}
            onChange={(v) => setTarget(v ?? NEW_GROUP)}
            allowDeselect={false}
          />
          {target === NEW_GROUP && (
            <TextInput
              label="New group name"
              value={newGroupName}
              onChange={(e) => setNewGroupName(e.currentTarget.value)}
            />
          )}
        </Group>
        <PolicySelects
          newUserPolicy={newUserPolicy}
          removedUserPolicy={removedUserPolicy}
          threshold={threshold}
          onNewUserPolicy={setNewUserPolicy}
          onRemovedUserPolicy={setRemovedUserPolicy}
          onThreshold={setThreshold}
        />
        <Group align="flex-end">
          <Switch
            label="Keep in sync"
            checked={syncEnabled}
            onChange={(e) => setSyncEnabled(e.currentTarget.checked)}
          />
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
        {create.isError && <Alert color="red">{describeError(create.error)}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!ready || !name.trim()}
            loading={create.isPending}
            onClick={() => create.mutate(input(), { onSuccess: (imp) => onCreated(imp) })}
          >
            Import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
