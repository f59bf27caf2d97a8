import { Select } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { ALL_CLIENTS, useSelectedClient } from '../hooks/useSelectedClient';

/**
 * Chooses the client that client-scoped pages (dashboard, audit log, and the capabilities to
 * come) show. The list is whatever GET /clients returns, so a client administrator only ever
 * sees their own clients here.
 */
export function ClientPicker() {
  const { clientId, clients, setClientId } = useSelectedClient();
  return (
    <Select
      aria-label="Active client"
      data={[
        // An option, not only the empty state: "All clients" is then reachable from the keyboard.
        { value: ALL_CLIENTS, label: 'All clients' },
        ...clients.map((client) => ({
          value: client.id,
          label: client.archived ? `${client.name} (archived)` : client.name,
        })),
      ]}
      value={clientId ?? ALL_CLIENTS}
      onChange={(value) => setClientId(value === ALL_CLIENTS ? null : value)}
      allowDeselect={false}
      searchable
      selectFirstOptionOnChange
      nothingFoundMessage="No client matches"
      leftSection={<IconBuilding size={16} aria-hidden />}
      w={{ base: 160, sm: 260 }}
      comboboxProps={{ shadow: 'md' }}
    />
  );
}
