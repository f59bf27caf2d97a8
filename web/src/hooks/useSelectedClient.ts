import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { Client } from '../api/types';
import { useClients } from './useClients';

const PARAM = 'client';

/**
 * The value of the "All clients" option of client selects: an option of its own (not an empty
 * select) so that it can be found and chosen from the keyboard like any client.
 */
export const ALL_CLIENTS = 'all';
const STORAGE_KEY = 'baitwise.client';

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function remember(clientId: string | null): void {
  try {
    if (clientId) localStorage.setItem(STORAGE_KEY, clientId);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage can be disabled (private mode policies); the URL parameter still carries the choice.
  }
}

/**
 * The client chosen in the header picker. The URL (?client=) wins so links can be shared;
 * localStorage remembers the choice across visits. Either is ignored unless it names a client
 * this operator can see, so a stale or foreign id never leaks into a request.
 */
export function useSelectedClient(): {
  clientId: string | null;
  client: Client | null;
  clients: Client[];
  setClientId: (clientId: string | null) => void;
} {
  const [searchParams, setSearchParams] = useSearchParams();
  // Archived clients too: they stay readable (their pages say they are read-only).
  const { data: clients = [] } = useClients({ includeArchived: true });
  const requested = searchParams.get(PARAM) ?? stored();
  const client = useMemo(() => clients.find((c) => c.id === requested) ?? null, [clients, requested]);

  const setClientId = useCallback(
    (clientId: string | null) => {
      remember(clientId);
      setSearchParams(
        (params) => {
          const next = new URLSearchParams(params);
          if (clientId) next.set(PARAM, clientId);
          else next.delete(PARAM);
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );

  return { clientId: client?.id ?? null, client, clients, setClientId };
}

/** `?client=…` for links, so moving between pages keeps the picker's choice visible in the URL. */
export function useClientSearch(): string {
  const { clientId } = useSelectedClient();
  return clientId ? `?${PARAM}=${encodeURIComponent(clientId)}` : '';
}
