import { Anchor, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { Link } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import type { SendingProfile } from '../../api/sendingProfiles';
import { Field } from '../azure-apps/Field';
import { formatNumber, paceText, securityLabels, senderText } from './profileKinds';

const dim = (text: string) => (
  <Text span size="sm" c="dimmed">
    {text}
  </Text>
);

/** What the profile is set to; secrets show only whether one is stored. */
export function ProfileSettings({ profile: p, app }: { profile: SendingProfile; app: AzureApp | undefined }) {
  const headingId = useId();
  return (
    <Paper withBorder radius="md" p="md" component="section" aria-labelledby={headingId}>
      <Stack gap="md">
        <Title order={2} fz="lg" id={headingId}>
          Settings
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="lg" verticalSpacing="md">
          <Field label="Sends from">{senderText(p, app?.microsoftAccount?.upn ?? null)}</Field>
          <Field label="From name">{p.fromName ?? dim('Not set')}</Field>
          {p.smtp && (
            <>
              <Field label="Relay">
                <Text ff="monospace" size="sm">
                  {p.smtp.host}:{p.smtp.port}
                </Text>
                {dim(
                  `${securityLabels[p.smtp.security]}${p.smtp.security !== 'none' && !p.smtp.tlsVerify ? ', certificate not verified' : ''}`,
                )}
              </Field>
              <Field label="Sign-in">
                {p.smtp.username ? (
                  <>
                    {p.smtp.username} {dim(p.smtp.passwordSet ? '(password stored encrypted)' : '(no password)')}
                  </>
                ) : (
                  dim('None')
                )}
              </Field>
              <Field label="DKIM">
                {p.dkim ? (
                  <>
                    d={p.dkim.domain}, s={p.dkim.selector}{' '}
                    {dim(p.dkim.privateKeySet ? '(key stored encrypted)' : '(no key)')}
                  </>
                ) : (
                  dim('Not signed')
                )}
              </Field>
            </>
          )}
          {p.kind !== 'smtp' && (
            <Field label="Azure application">
              {app ? (
                <Anchor component={Link} to={`/settings/azure-applications/${app.id}`} size="sm">
                  {app.name}
                </Anchor>
              ) : (
                dim('None')
              )}
            </Field>
          )}
          <Field label="Limits">
            {paceText(p)}, {formatNumber(p.limits.perDay)} a day, {p.limits.concurrency} at once
          </Field>
          <Field label="Custom headers">
            {p.customHeaders.length === 0
              ? dim('None')
              : p.customHeaders.map((h) => (
                  <Text key={h.name} size="sm" ff="monospace">
                    {h.name}: {h.value}
                  </Text>
                ))}
          </Field>
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}
