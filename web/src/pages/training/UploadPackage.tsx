import { Alert, FileInput, Group, Progress, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useState } from 'react';
import { ARCHIVED_REASON, ExplainedButton } from '../../components/ExplainedButton';
import { useUploadPackage } from '../../hooks/useTraining';
import { describeError } from '../../lib/describeError';

/**
 * Upload of a SCORM zip with its progress, and the server's reason when it refuses one (the
 * message names the problem: a missing manifest, a launch file not in the zip, a zip bomb…).
 */
export function UploadPackage({
  clientId,
  clientName,
  isSystemAdmin,
  disabled,
}: {
  clientId: string;
  clientName: string;
  isSystemAdmin: boolean;
  disabled: boolean;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [target, setTarget] = useState<'own' | 'shared'>('own');
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useUploadPackage(clientId);

  const submit = () => {
    if (!file) return;
    setProgress(0);
    upload.mutate(
      { file, shared: target === 'shared', onProgress: setProgress },
      {
        onSuccess: () => setFile(null),
        onSettled: () => setProgress(null),
      },
    );
  };

  return (
    <Stack gap="sm">
      <Group align="flex-end" wrap="wrap">
        <FileInput
          label="SCORM package (.zip, SCORM 1.2 or 2004)"
          placeholder="Choose a zip file"
          accept=".zip,application/zip"
          value={file}
          onChange={(f) => {
            setFile(f);
            upload.reset();
          }}
          disabled={disabled || upload.isPending}
          w={340}
          clearable
        />
        {isSystemAdmin && (
          <SegmentedControl
            aria-label="Publish to"
            value={target}
            onChange={(v) => setTarget(v as 'own' | 'shared')}
            disabled={disabled || upload.isPending}
            data={[
              { value: 'own', label: `${clientName} only` },
              { value: 'shared', label: 'Shared library (every client)' },
            ]}
          />
        )}
        <ExplainedButton
          leftSection={<IconUpload size={16} aria-hidden />}
          onClick={submit}
          disabledReason={disabled ? ARCHIVED_REASON : !file && 'Choose a package file first.'}
          loading={upload.isPending}
        >
          Upload
        </ExplainedButton>
      </Group>
      {progress !== null && (
        <Stack gap={2}>
          <Progress value={progress * 100} aria-label="Upload progress" animated={progress >= 1} />
          <Text size="xs" c="dimmed">
            {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Checking and unpacking the package…'}
          </Text>
        </Stack>
      )}
      {upload.isError && (
        <Alert color="red" title="The package was not accepted" role="alert">
          {describeError(upload.error)}
        </Alert>
      )}
      {upload.isSuccess && (
        <Alert color="green" title="Package uploaded" role="status">
          {upload.data.title} (SCORM {upload.data.scormVersion}, {upload.data.fileCount} files) is in the library.
        </Alert>
      )}
    </Stack>
  );
}
