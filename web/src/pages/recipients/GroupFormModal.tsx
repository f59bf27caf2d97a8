import { Button, Group, Modal, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect } from 'react';
import type { RecipientGroup } from '../../api/recipients';
import { useSaveRecipientGroup } from '../../hooks/useRecipientGroups';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { required } from '../../lib/validation';

/** Creates a recipient group, or renames `group`. */
export function GroupFormModal({
  clientId,
  opened,
  group,
  onClose,
}: {
  clientId: string;
  opened: boolean;
  group?: RecipientGroup;
  onClose: () => void;
}) {
  const save = useSaveRecipientGroup(clientId);
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', description: '' },
    validate: {
      name: (v) => required('Name')(v) ?? (v.trim().length > 200 ? 'Use at most 200 characters' : null),
      description: (v) => (v.length > 1000 ? 'Use at most 1,000 characters' : null),
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues({ name: group?.name ?? '', description: group?.description ?? '' });
      form.clearErrors();
    }
  }, [opened, group]);

  const submit = form.onSubmit(({ name, description }) =>
    save.mutate(
      { id: group?.id, name: name.trim(), description: description.trim() || null },
      {
        onSuccess: (saved) => {
          notifySuccess(group ? `Group ${saved.name} was saved.` : `Group ${saved.name} was created.`);
          onClose();
        },
        onError: (error) =>
          showServerError(form, error, group ? 'Could not save the group' : 'Could not create the group'),
      },
    ),
  );

  return (
    <Modal opened={opened} onClose={onClose} title={group ? 'Rename group' : 'New group'} centered>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} />
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {group ? 'Save' : 'Create group'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
