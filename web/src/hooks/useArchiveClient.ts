import type { Client } from '../api/types';
import { notifyFailure, notifySuccess } from '../lib/notify';
import { useUpdateClient } from './useClients';

/** Archive or restore with the notifications every caller would otherwise repeat. */
export function useArchiveClient() {
  const update = useUpdateClient();
  const toggle = (client: Client, onDone?: () => void) =>
    update.mutate(
      { id: client.id, archived: !client.archived },
      {
        onSuccess: () => {
          notifySuccess(client.archived ? `${client.name} is active again.` : `${client.name} was archived.`);
          onDone?.();
        },
        onError: (error) => notifyFailure(client.archived ? 'Could not unarchive' : 'Could not archive', error),
      },
    );
  return { toggle, isPending: update.isPending };
}
