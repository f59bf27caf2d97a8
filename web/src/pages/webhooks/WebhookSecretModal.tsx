import type { WebhookWithSecret } from '../../api/webhooks';
import { SecretOnceModal } from '../../components/SecretOnceModal';

/** The only time the signing secret leaves the server: it must be copied now. */
export function WebhookSecretModal({ created, onClose }: { created: WebhookWithSecret | null; onClose: () => void }) {
  return (
    <SecretOnceModal
      secret={created?.secret ?? null}
      title="The webhook’s signing secret"
      advice="Give it to the receiving system: it checks the Baitwise-Signature header of every request with it. If it is lost, rotate the secret."
      about={
        <>
          Webhook <strong>{created?.name}</strong> → {created?.url}
        </>
      }
      secretLabel="Webhook signing secret"
      onClose={onClose}
    />
  );
}
