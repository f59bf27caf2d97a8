import type { SendingProfile } from '../../api/sendingProfiles';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useDeleteSendingProfile } from '../../hooks/useSendingProfiles';
import { notifyFailure, notifySuccess } from '../../lib/notify';

/** The server refuses while messages wait in the profile's queue, and says how many. */
export function DeleteProfileModal({
  clientId,
  profile,
  onClose,
  onDeleted,
}: {
  clientId: string;
  profile: SendingProfile | null;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteSendingProfile();
  return (
    <ConfirmModal
      opened={profile !== null}
      title="Delete sending profile"
      confirmLabel="Delete"
      danger
      loading={remove.isPending}
      onClose={onClose}
      onConfirm={() => {
        if (!profile) return;
        remove.mutate(
          { clientId, profileId: profile.id },
          {
            onSuccess: () => {
              notifySuccess(`${profile.name} was deleted.`);
              onClose();
              onDeleted?.();
            },
            onError: (error) => notifyFailure('Could not delete the profile', error),
          },
        );
      }}
    >
      Delete {profile?.name}? Its stored password and DKIM key are discarded, and the history of its sent messages goes
      with it. A profile with messages still to send cannot be deleted.
    </ConfirmModal>
  );
}
