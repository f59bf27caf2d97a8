import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { ItemList, Operator } from '../api/types';
import { useOperators } from './useOperators';
import { useOperator } from './useSession';

/**
 * The operators an incident of these clients can be assigned to: those who can see every one of
 * them (system administrators, and client administrators of all of them). A system administrator
 * reads them from /operators; a client administrator cannot (it is system-only), so they are
 * offered the client's administrators, themselves among them.
 */
export function useAssignableOperators(clientIds: string[]): { operators: Operator[]; isPending: boolean } {
  const me = useOperator();
  const isSystemAdmin = me.role === 'system_admin';
  const all = useOperators({ enabled: isSystemAdmin });
  const single = clientIds.length === 1 ? clientIds[0] : undefined;
  const admins = useQuery({
    queryKey: ['clients', 'detail', single ?? '', 'administrators'],
    queryFn: () => api.get<ItemList<Operator>>(`/clients/${encodeURIComponent(single ?? '')}/administrators`),
    select: (d) => d.items,
    enabled: !isSystemAdmin && single !== undefined,
  });
  if (isSystemAdmin) {
    const operators = (all.data ?? []).filter(
      (o) => !o.disabled && (o.role === 'system_admin' || clientIds.every((id) => o.clientIds.includes(id))),
    );
    return { operators, isPending: all.isPending };
  }
  const operators = (admins.data ?? []).filter((o) => !o.disabled);
  if (!operators.some((o) => o.id === me.id)) operators.unshift(me);
  return { operators, isPending: single !== undefined && admins.isPending };
}
