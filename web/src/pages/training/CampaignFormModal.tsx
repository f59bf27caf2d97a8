import {
  Accordion,
  Button,
  Chip,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useMemo } from 'react';
import type { Campaign, TrainingLanguage } from '../../api/training';
import { useRecipientGroups } from '../../hooks/useRecipientGroups';
import { useSendingProfiles } from '../../hooks/useSendingProfiles';
import { useTrainingLibrary } from '../../hooks/useTraining';
import { useSaveCampaign, useTemplates } from '../../hooks/useTrainingCampaigns';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { timeZoneOptions } from '../../lib/timeZones';
import { required } from '../../lib/validation';
import { type CampaignFormValues, initialValues, liveInput, toInput } from './campaignForm';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const fieldMap: Record<string, string> = { audience: 'audience.groupIds', window: 'window.from' };

/** Creates a draft, or edits `campaign` (once launched: only its due date, reminders and link validity). */
export function CampaignFormModal({
  opened,
  onClose,
  clientId,
  campaign,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  clientId: string;
  campaign?: Campaign;
  onSaved?: (c: Campaign) => void;
}) {
  const live = campaign !== undefined && campaign.status !== 'draft';
  const save = useSaveCampaign();
  const profiles = useSendingProfiles(clientId);
  const groups = useRecipientGroups(clientId);
  const library = useTrainingLibrary(clientId);
  const zones = useMemo(() => timeZoneOptions(campaign?.timeZone), [campaign?.timeZone]);
  const form = useForm<CampaignFormValues>({
    mode: 'controlled',
    initialValues: initialValues(campaign),
    validate: {
      name: required('Name'),
      contentRef: required('Training content'),
      profileId: required('Sending profile'),
      dueAt: required('Due date'),
      audience: {
        groupIds: (value, v) =>
          v.audienceKind === 'groups' && value.length === 0 ? 'Choose at least one group' : null,
      },
    },
  });
  const templates = useTemplates(clientId, form.values.language);

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.setValues(initialValues(campaign));
      form.clearErrors();
    }
  }, [opened, campaign]);

  // A new campaign starts from the language's default invitation and reminder.
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the language and the loaded defaults only
  useEffect(() => {
    if (!campaign && templates.data && opened) {
      form.setFieldValue('invitation', templates.data.invitation);
      form.setFieldValue('reminder', templates.data.reminder);
    }
  }, [templates.data, opened]);

  const submit = form.onSubmit((values) => {
    const body = live ? liveInput(values) : toInput(values);
    save.mutate(
      { clientId, ...(campaign ? { id: campaign.id } : {}), ...body },
      {
        onSuccess: (saved) => {
          notifySuccess(campaign ? `${saved.name} was saved.` : `${saved.name} was created as a draft.`);
          onClose();
          onSaved?.(saved);
        },
        onError: (error) => showServerError(form, error, 'Could not save the campaign', fieldMap),
      },
    );
  });

  // Titles, not references: two packages are told apart by their names. Grouped by kind.
  const items = library.data ?? [];
  const group = (label: string, pick: (i: (typeof items)[number]) => boolean) => ({
    group: label,
    items: items.filter(pick).map((i) => ({ value: i.ref, label: i.title })),
  });
  const libraryOptions = [
    group('Built-in courses', (i) => i.kind === 'builtin'),
    group("This client's packages", (i) => i.kind === 'scorm' && !i.shared),
    group('Shared packages', (i) => i.kind === 'scorm' && i.shared),
  ].filter((g) => g.items.length > 0);

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={campaign ? `Edit ${campaign.name}` : 'New training campaign'}
      size="xl"
      centered
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {live && (
            <Text size="sm" c="dimmed">
              This campaign is {campaign?.status}: only its due date, reminders and link validity can change.
            </Text>
          )}
          <TextInput label="Name" required data-autofocus disabled={live} {...form.getInputProps('name')} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Training content"
              description="A built-in course or a SCORM package from the library"
              placeholder={library.isLoading ? 'Loading the library…' : 'Choose'}
              required
              searchable
              disabled={live}
              data={libraryOptions}
              nothingFoundMessage="Nothing in the library matches"
              {...form.getInputProps('contentRef')}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500}>
                Language
              </Text>
              <SegmentedControl
                disabled={live}
                data={[
                  { value: 'en', label: 'English' },
                  { value: 'de', label: 'Deutsch' },
                ]}
                value={form.values.language}
                onChange={(v) => form.setFieldValue('language', v as TrainingLanguage)}
                aria-label="Language"
              />
            </Stack>
          </SimpleGrid>
          <Select
            label="Sending profile"
            required
            disabled={live}
            data={(profiles.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
            {...form.getInputProps('profileId')}
          />
          <Radio.Group label="Who is invited" {...form.getInputProps('audienceKind')}>
            <Group mt={4}>
              <Radio value="groups" label="Members of groups" disabled={live} />
              <Radio value="everyone" label="Everyone" disabled={live} />
            </Group>
          </Radio.Group>
          {form.values.audienceKind === 'groups' && (
            <>
              <MultiSelect
                label="Groups"
                searchable
                disabled={live}
                data={(groups.data ?? []).map((g) => ({ value: g.id, label: g.name }))}
                {...form.getInputProps('audience.groupIds')}
              />
              <Switch
                label="Also enrol people who join these groups later (directory sync or by hand)"
                disabled={live}
                {...form.getInputProps('autoEnrol', { type: 'checkbox' })}
              />
            </>
          )}
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select label="Time zone" searchable disabled={live} data={zones} {...form.getInputProps('timeZone')} />
            <TextInput
              type="datetime-local"
              label="Start"
              description="Empty: when you launch"
              disabled={live}
              {...form.getInputProps('startsAt')}
            />
            <TextInput type="datetime-local" label="Due" required {...form.getInputProps('dueAt')} />
          </SimpleGrid>
          <Switch
            label="Use each recipient’s own time zone where it is known"
            description="For the sending window and the due date in their mail; recipients without one use the campaign’s time zone."
            disabled={live}
            {...form.getInputProps('recipientTimeZones', { type: 'checkbox' })}
          />
          <Switch
            label="Spread the invitations over a sending window"
            disabled={live}
            {...form.getInputProps('useWindow', { type: 'checkbox' })}
          />
          {form.values.useWindow && (
            <Stack gap="xs" pl="md">
              <Chip.Group
                multiple
                value={form.values.window.days}
                onChange={(v) => form.setFieldValue('window.days', v)}
              >
                <Group gap={6} role="group" aria-label="Days of the week">
                  {DAYS.map((d, i) => (
                    <Chip key={d} value={String(i + 1)} disabled={live} size="xs">
                      {d}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              <SimpleGrid cols={3}>
                <TextInput type="time" label="From" disabled={live} {...form.getInputProps('window.from')} />
                <TextInput type="time" label="To" disabled={live} {...form.getInputProps('window.to')} />
                <NumberInput
                  label="Over days"
                  min={1}
                  max={60}
                  disabled={live}
                  {...form.getInputProps('window.spreadDays')}
                />
              </SimpleGrid>
            </Stack>
          )}
          <SimpleGrid cols={{ base: 1, sm: 4 }}>
            <NumberInput
              label="Remind days before due"
              description="0: none"
              min={0}
              max={60}
              {...form.getInputProps('reminders.beforeDueDays')}
            />
            <NumberInput
              label="Then every N days"
              description="after the due date"
              min={0}
              max={60}
              {...form.getInputProps('reminders.afterDueEveryDays')}
            />
            <NumberInput
              label="At most"
              description="after due"
              min={0}
              max={20}
              {...form.getInputProps('reminders.maxAfterDue')}
            />
            <NumberInput
              label="Links valid"
              description="days after due"
              min={0}
              max={365}
              {...form.getInputProps('linkDaysAfterDue')}
            />
          </SimpleGrid>
          <Accordion variant="contained">
            {(['invitation', 'reminder'] as const).map((part) => (
              <Accordion.Item key={part} value={part}>
                <Accordion.Control>{part === 'invitation' ? 'Invitation' : 'Reminder'} message</Accordion.Control>
                <Accordion.Panel>
                  <Stack gap="xs">
                    <Text size="xs" c="dimmed">
                      Variables: {'{{ recipient.name }}'}, {'{{ course.title }}'}, {'{{ dueDate }}'} and the personal
                      link {'{{ link }}'} (required).
                    </Text>
                    <TextInput label="Subject" disabled={live} {...form.getInputProps(`${part}.subject`)} />
                    <Textarea
                      label="HTML"
                      autosize
                      minRows={6}
                      maxRows={16}
                      disabled={live}
                      styles={{ input: { fontFamily: 'monospace', fontSize: 12 } }}
                      {...form.getInputProps(`${part}.html`)}
                    />
                  </Stack>
                </Accordion.Panel>
              </Accordion.Item>
            ))}
          </Accordion>
          <Group justify="flex-end" mt="xs">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {campaign ? 'Save' : 'Create draft'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
