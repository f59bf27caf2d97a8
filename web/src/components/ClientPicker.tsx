import { Select } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { useSelectedClient } from '../hooks/useSelectedClient';

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
      placeholder="All clients"
      data={clients.map((client) => ({
        value: client.id,
        label: client.archived ? `${client.name} (archived)` : client.name,
      }))}
      value={clientId}
      onChange={setClientId}
      clearable
      searchable
      nothingFoundMessage="No client matches"
      leftSection={<IconBuilding size={16} aria-hidden />}
      w={{ base: 160, sm: 260 }}
      comboboxProps={{ shadow: 'md' }}
    />
  );
}
