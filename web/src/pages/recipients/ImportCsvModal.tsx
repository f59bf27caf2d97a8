import { Anchor, Button, FileButton, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDownload, IconUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import type { ImportResult } from '../../api/recipients';
import { useImportRecipients } from '../../hooks/useRecipients';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { GroupSelect } from './GroupSelect';
import { ImportReport } from './ImportReport';

const MAX_BYTES = 5 * 1024 * 1024; // the server's limit
const EXAMPLE =
  'email,first_name,last_name,department,job_title,timeZone\nada@contoso.com,Ada,Lovelace,Finance,Analyst,Europe/London';

/**
 * CSV import in two steps: a dry run shows what would happen and every row that would be
 * skipped, then the import itself. Changing the file or the group discards the preview.
 */
export function ImportCsvModal({
  clientId,
  opened,
  onClose,
}: {
  clientId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const run = useImportRecipients(clientId);
  const [preview, setPreview] = useState<ImportResult | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const form = useForm({
    mode: 'controlled',
    initialValues: { csv: '', groupId: null as string | null },
    validate: {
      csv: (v) =>
        !v.trim()
          ? 'Paste the CSV or choose a file'
          : new Blob([v]).size > MAX_BYTES
            ? 'The file is larger than 5 MB; split it'
            : null,
    },
    onValuesChange: () => setPreview(null),
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      form.reset();
      setPreview(null);
      setFileName(null);
    }
  }, [opened]);

  const send = (dryRun: boolean) =>
    form.onSubmit(({ csv, groupId }) =>
      run.mutate(
        { csv, groupId: groupId ?? undefined, dryRun },
        {
          onSuccess: (result) => {
            if (result.dryRun) return setPreview(result);
            notifySuccess(
              `Imported: ${result.created} added, ${result.updated} updated, ${result.skipped} row${result.skipped === 1 ? '' : 's'} skipped.`,
            );
            onClose();
          },
          onError: (error) => showServerError(form, error, 'Could not import the file'),
        },
      ),
    );

  const readFile = async (file: File | null) => {
    if (!file) return;
    setFileName(file.name);
    form.setFieldValue('csv', await file.text());
  };

  const importable = preview ? preview.created + preview.updated : 0;
  return (
    <Modal opened={opened} onClose={onClose} title="Import recipients from CSV" size="xl" centered>
      <form onSubmit={preview ? send(false) : send(true)} noValidate>
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            A header row with an <b>email</b> column, and optionally first_name, last_name, display_name, department,
            job_title, office_location and timeZone (an IANA name such as Europe/Berlin; spellings such as “E-mail” or
            “First Name” work too). Columns may be separated by commas, semicolons (Excel in much of Europe) or tabs,
            and addresses such as jürgen.müller@müller.de are accepted. Recipients are matched by email address:
            existing ones are updated, empty cells keep what is stored.
          </Text>
          <Anchor
            href={`/api/v1/clients/${clientId}/recipients/import/sample`}
            download="recipients-sample.csv"
            size="sm"
            w="fit-content"
          >
            <Group gap={4} component="span">
              <IconDownload size={14} aria-hidden /> Download a sample file
            </Group>
          </Anchor>
          <Textarea
            label="CSV"
            placeholder={EXAMPLE}
            autosize
            minRows={6}
            maxRows={14}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
            {...form.getInputProps('csv')}
          />
          <Group gap="sm">
            <FileButton onChange={readFile} accept=".csv,.tsv,.txt,text/csv,text/tab-separated-values,text/plain">
              {(props) => (
                <Button variant="default" size="xs" leftSection={<IconUpload size={14} aria-hidden />} {...props}>
                  Choose a file…
                </Button>
              )}
            </FileButton>
            {fileName && (
              <Text size="sm" c="dimmed">
                {fileName}
              </Text>
            )}
          </Group>
          <GroupSelect
            clientId={clientId}
            label="Add to group"
            placeholder="No group"
            description="Every imported recipient, new or existing, joins this group. Type a new name to create one."
            clearable
            {...form.getInputProps('groupId')}
          />
          {preview && <ImportReport result={preview} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            {preview ? (
              <Button type="submit" loading={run.isPending} disabled={importable === 0}>
                Import {importable.toLocaleString()} recipient{importable === 1 ? '' : 's'}
              </Button>
            ) : (
              <Button type="submit" loading={run.isPending}>
                Check file
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
