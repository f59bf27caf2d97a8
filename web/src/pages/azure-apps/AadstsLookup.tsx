import { Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { QueryError } from '../../components/QueryState';
import { useGuidance, useRegistrationInfo } from '../../hooks/useAzureApps';
import { GuidancePanel } from './GuidancePanel';

/** "Microsoft showed an error code?": the code from Microsoft's error page → what to do. */
export function AadstsLookup() {
  const [input, setInput] = useState('');
  const [code, setCode] = useState<number | null>(null);
  const [invalid, setInvalid] = useState(false);
  const guidance = useGuidance(code === null ? null : { aadsts: code });
  const info = useRegistrationInfo();

  const lookUp = (event: React.FormEvent) => {
    event.preventDefault();
    // People paste "AADSTS50011", "50011" or a whole line of Microsoft's page.
    const digits = /(?:AADSTS)?\s*(\d{4,8})/i.exec(input)?.[1];
    setInvalid(!digits);
    setCode(digits ? Number(digits) : null);
  };

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <div>
          <Title order={2} fz="md">
            Microsoft showed an error code?
          </Title>
          <Text size="sm" c="dimmed">
            Enter the AADSTS code from Microsoft’s page to see what it means and what to do.
          </Text>
        </div>
        <form onSubmit={lookUp} noValidate>
          <Group align="flex-start" gap="sm">
            <TextInput
              label="AADSTS code"
              placeholder="AADSTS50011"
              value={input}
              onChange={(event) => setInput(event.currentTarget.value)}
              error={invalid ? 'Enter the number after AADSTS, for example 50011' : undefined}
              w={240}
            />
            <Button type="submit" variant="default" mt={25} loading={guidance.isFetching}>
              Explain
            </Button>
          </Group>
        </form>
        {guidance.isError && <QueryError error={guidance.error} />}
        {guidance.data && code !== null && (
          <GuidancePanel guidance={guidance.data} redirectUri={info.data?.redirectUri} tone="info" />
        )}
      </Stack>
    </Paper>
  );
}
