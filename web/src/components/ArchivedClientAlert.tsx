import { Alert, Anchor, Text } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { Link } from 'react-router';
import type { Client } from '../api/types';
import { useIsSystemAdmin } from '../hooks/useSession';

/**
 * Why a client's pages offer no changes: an archived client is read-only (the API answers every
 * change with 409 client_archived) and its directory syncs are paused until it is unarchived.
 */
export function ArchivedClientAlert({ client, onClientPage = false }: { client: Client; onClientPage?: boolean }) {
  const isSystemAdmin = useIsSystemAdmin();
  if (!client.archived) return null;
  return (
    <Alert color="gray" icon={<IconArchive size={18} aria-hidden />} title={`${client.name} is archived and read-only`}>
      <Text size="sm">
        Its recipients, Entra imports, Azure applications and sending profiles can be viewed but not changed, and its
        directory syncs are paused.{' '}
        {isSystemAdmin ? (
          onClientPage ? (
            'Unarchive it to make changes again; paused syncs then resume.'
          ) : (
            <>
              <Anchor component={Link} to={`/clients/${client.id}`} size="sm">
                Unarchive it
              </Anchor>{' '}
              to make changes again; paused syncs then resume.
            </>
          )
        ) : (
          'A system administrator can unarchive it.'
        )}
      </Text>
    </Alert>
  );
}
