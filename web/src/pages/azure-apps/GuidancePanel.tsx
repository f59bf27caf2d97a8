import { Alert, Anchor, Button, Code, List, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { type ReactNode, useId } from 'react';
import type { Guidance } from '../../api/azureApps';
import { formatDateTime } from '../../lib/format';
import { RedirectUriField } from './RegistrationHelp';

export interface MicrosoftAnswer {
  aadsts: number | null;
  error: string | null;
  description: string | null;
  at?: string | null;
}

/**
 * What went wrong with Microsoft and what to do about it, in the server's words (title,
 * explanation, numbered steps), with Microsoft's own code and text for searching or support.
 */
export function GuidancePanel({
  guidance,
  answer,
  redirectUri,
  action,
  tone = 'problem',
}: {
  guidance: Guidance;
  answer?: MicrosoftAnswer | null;
  redirectUri?: string;
  action?: ReactNode;
  tone?: 'problem' | 'info';
}) {
  const problem = tone === 'problem';
  const headingId = useId();
  // Microsoft's lookup explains every code, also those Baitwise has no advice for.
  const lookupCode =
    answer?.aadsts ?? (guidance.lookupUrl ? new URL(guidance.lookupUrl).searchParams.get('code') : null);
  const lookupUrl =
    guidance.lookupUrl ??
    (answer?.aadsts != null ? `https://login.microsoftonline.com/error?code=${answer.aadsts}` : null);
  return (
    <Alert
      color={problem ? 'orange' : 'indigo'}
      variant="light"
      icon={problem ? <IconAlertTriangle aria-hidden /> : <IconInfoCircle aria-hidden />}
      role="region"
      aria-labelledby={headingId}
      title={
        <Title order={2} fz="md" id={headingId}>
          {guidance.title}
        </Title>
      }
    >
      <Stack gap="sm">
        <Text size="sm">{guidance.explanation}</Text>
        {guidance.steps.length > 0 && (
          <div>
            <Text size="sm" fw={600} mb={4}>
              What to do
            </Text>
            <List type="ordered" size="sm" spacing={4} withPadding aria-label="What to do">
              {guidance.steps.map((step) => (
                <List.Item key={step}>{step}</List.Item>
              ))}
            </List>
          </div>
        )}
        {(guidance.paths?.length ?? 0) > 0 && (
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
            {guidance.paths?.map((path, i) => (
              <div key={path.title}>
                <Text size="sm" fw={600} mb={4}>
                  {i === 0 ? 'Way 1: ' : i === 1 ? 'Way 2: ' : ''}
                  {path.title}
                </Text>
                <List type="ordered" size="sm" spacing={4} withPadding aria-label={path.title}>
                  {path.steps.map((step) => (
                    <List.Item key={step}>{step}</List.Item>
                  ))}
                </List>
              </div>
            ))}
          </SimpleGrid>
        )}
        {lookupUrl && (
          <Text size="sm">
            <Anchor href={lookupUrl} target="_blank" rel="noreferrer">
              Microsoft’s explanation of AADSTS{lookupCode}
            </Anchor>
          </Text>
        )}
        {guidance.key === 'redirect_uri_mismatch' && redirectUri && (
          <RedirectUriField redirectUri={redirectUri} description="Add it under Authentication → Web." />
        )}
        {answer && (answer.aadsts !== null || answer.description) && (
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              Microsoft’s answer
            </Text>
            <Text size="sm">
              {answer.aadsts !== null && <Code>AADSTS{answer.aadsts}</Code>}{' '}
              {answer.error && <Code>{answer.error}</Code>}
            </Text>
            {answer.description && (
              <Text size="sm" c="dimmed" style={{ wordBreak: 'break-word' }}>
                {answer.description}
              </Text>
            )}
            {answer.at && (
              <Text size="xs" c="dimmed">
                {formatDateTime(answer.at)}
              </Text>
            )}
          </Stack>
        )}
        {action}
      </Stack>
    </Alert>
  );
}

export function AuthorizeAgainButton({ onClick }: { onClick: () => void }) {
  return (
    <Button onClick={onClick} size="sm" w="fit-content">
      Authorize again
    </Button>
  );
}
