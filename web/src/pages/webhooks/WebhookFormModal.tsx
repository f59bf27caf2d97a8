import { Button, Checkbox, Group, Modal, Stack, Switch, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import { WEBHOOK_EVENTS, type Webhook, type WebhookEvent, type WebhookWithSecret } from '../../api/webhooks';
import { useCreateWebhook, useUpdateWebhook } from '../../hooks/useWebhooks';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';

interface Values {
  name: string;
  url: string;
  events: WebhookEvent[];
  enabled: boolean;
}

const empty: Values = { name: '', url: 'https://', events: ['incident.created', 'incident.classified'], enabled: true };

/** Adds a webhook (then shows its secret once) or edits one. */
export function WebhookFormModal({
  opened,
  onClose,
  clientId,
  webhook,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  clientId: string;
  webhook?: Webhook;
  onCreated?: (created: WebhookWithSecret) => void;
}) {
  const create = useCreateWebhook(clientId);
  const update = useUpdateWebhook(clientId);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: empty,
    validate: {
      name: (v) => (v.trim() ? null : 'Enter a name'),
      url: (v) => (/^https?:\/\/\S+$/.test(v.trim()) ? null : 'Enter the full https:// address'),
      events: (v) => (v.length ? null : 'Choose at least one event'),
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset each time the modal opens
  useEffect(() => {
    if (!opened) return;
    form.setValues(
      webhook ? { name: webhook.name, url: webhook.url, events: webhook.events, enabled: webhook.enabled } : empty,
    );
    form.resetDirty();
    form.clearErrors();
  }, [opened, webhook?.id]);

  const submit = form.onSubmit((v) => {
    const body = { name: v.name.trim(), url: v.url.trim(), events: v.events, enabled: v.enabled };
    const onError = (error: unknown) => showServerError(form, error, 'Could not save the webhook');
    if (webhook)
      update.mutate(
        { id: webhook.id, ...body },
        {
          onSuccess: () => {
            notifySuccess('Webhook saved.');
            onClose();
          },
          onError,
        },
      );
    else
      create.mutate(body, {
        onSuccess: (created) => {
          onClose();
          onCreated?.(created);
        },
        onError,
      });
  });

  return (
    <Modal opened={opened} onClose={onClose} title={webhook ? 'Edit webhook' : 'Add a webhook'} centered size="lg">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput label="Name" placeholder="Sentinel" data-autofocus {...form.getInputProps('name')} />
          <TextInput
            label="URL"
            description="Where Baitwise POSTs each event (https; a public address)."
            placeholder="https://siem.example.com/baitwise"
            {...form.getInputProps('url')}
          />
          <Checkbox.Group label="Events" {...form.getInputProps('events')}>
            <Stack gap={6} mt={6}>
              {WEBHOOK_EVENTS.map((e) => (
                <Checkbox key={e.value} value={e.value} label={e.label} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending}>
              {webhook ? 'Save' : 'Add webhook'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
