import {
  Checkbox,
  Fieldset,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { SendingProfile, SmtpSecurity } from '../../api/sendingProfiles';
import { emailInputProps } from '../../lib/validation';
import type { ProfileForm } from './profileForm';
import { securityLabels, usualPort } from './profileKinds';

const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

/** The relay, the sender and the optional DKIM signature of an SMTP relay profile. */
export function SmtpFields({ form, editing }: { form: ProfileForm; editing: SendingProfile | undefined }) {
  const hasUser = form.values.smtp.username.trim() !== '';
  const passwordStored = Boolean(editing?.smtp?.passwordSet);
  const keyStored = Boolean(editing?.dkim?.privateKeySet);
  return (
    <Stack gap="sm">
      <Fieldset legend="Relay">
        <Stack gap="sm">
          <Group grow align="flex-start">
            <TextInput
              label="Host"
              placeholder="smtp.example.com"
              required
              autoComplete="off"
              {...form.getInputProps('smtp.host')}
            />
            <NumberInput
              label="Port"
              required
              min={1}
              max={65535}
              allowDecimal={false}
              maw={120}
              {...form.getInputProps('smtp.port')}
            />
          </Group>
          <Select
            label="Security"
            description="STARTTLS upgrades a plain connection (usually port 587); implicit TLS starts encrypted (465)."
            data={Object.entries(securityLabels).map(([value, label]) => ({ value, label }))}
            allowDeselect={false}
            {...form.getInputProps('smtp.security')}
            onChange={(value) => {
              if (!value) return;
              const security = value as SmtpSecurity;
              // Offer the usual port unless one was typed for this relay.
              const port = form.values.smtp.port;
              if (Object.values(usualPort).includes(Number(port)) || port === '')
                form.setFieldValue('smtp.port', usualPort[security]);
              form.setFieldValue('smtp.security', security);
            }}
          />
          <Checkbox
            label="Verify the server’s certificate"
            description="Turn off only for a relay of your own with a self-signed certificate."
            disabled={form.values.smtp.security === 'none'}
            {...form.getInputProps('smtp.tlsVerify', { type: 'checkbox' })}
          />
          <Group grow align="flex-start">
            <TextInput
              label="Username"
              description="Leave empty if the relay accepts mail without signing in."
              autoComplete="off"
              {...form.getInputProps('smtp.username')}
            />
            <PasswordInput
              label="Password"
              description={
                passwordStored
                  ? 'Stored encrypted, never shown. Leave empty to keep the stored password.'
                  : 'Stored encrypted, never shown again.'
              }
              placeholder={passwordStored ? 'Unchanged' : undefined}
              required={hasUser && !passwordStored}
              disabled={!hasUser}
              autoComplete="new-password"
              {...form.getInputProps('smtp.password')}
            />
          </Group>
        </Stack>
      </Fieldset>
      <Fieldset legend="Sender">
        <Group grow align="flex-start">
          <TextInput
            label="From address"
            description="Also the envelope sender (MAIL FROM)."
            placeholder="it-support@training.example"
            required
            {...emailInputProps}
            autoComplete="off"
            {...form.getInputProps('fromAddress')}
          />
          <TextInput label="From name" placeholder="IT Support" {...form.getInputProps('fromName')} />
        </Group>
      </Fieldset>
      <Fieldset legend="DKIM signature">
        <Stack gap="sm">
          <Checkbox
            label="Sign messages with DKIM"
            description="Baitwise signs each message; publish the public key as TXT at selector._domainkey.domain."
            {...form.getInputProps('dkimEnabled', { type: 'checkbox' })}
          />
          {form.values.dkimEnabled && (
            <>
              <Group grow align="flex-start">
                <TextInput
                  label="DKIM domain (d=)"
                  placeholder="training.example"
                  required
                  autoComplete="off"
                  {...form.getInputProps('dkim.domain')}
                />
                <TextInput
                  label="Selector (s=)"
                  placeholder="baitwise"
                  required
                  autoComplete="off"
                  {...form.getInputProps('dkim.selector')}
                />
              </Group>
              <Textarea
                label="Private key (PEM)"
                description={
                  keyStored
                    ? 'Stored encrypted, never shown. Leave empty to keep the stored key.'
                    : 'Stored encrypted, never shown again.'
                }
                placeholder={keyStored ? 'Unchanged' : '-----BEGIN PRIVATE KEY-----'}
                required={!keyStored}
                autosize
                minRows={3}
                maxRows={8}
                styles={mono}
                autoComplete="off"
                spellCheck={false}
                {...form.getInputProps('dkim.privateKey')}
              />
            </>
          )}
        </Stack>
      </Fieldset>
    </Stack>
  );
}
