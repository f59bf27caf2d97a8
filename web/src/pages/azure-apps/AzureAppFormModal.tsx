import {
  Alert,
  Button,
  Checkbox,
  Divider,
  Grid,
  Group,
  Modal,
  PasswordInput,
  Select,
  Stack,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useState } from 'react';
import type { AzureApp, AzureAppInput } from '../../api/azureApps';
import { ApiError } from '../../api/errors';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useCreateAzureApp, useRegistrationInfo, useUpdateAzureApp } from '../../hooks/useAzureApps';
import { useClients } from '../../hooks/useClients';
import { showServerError } from '../../lib/formErrors';
import { notifySuccess } from '../../lib/notify';
import { required } from '../../lib/validation';
import { RegistrationHelp } from './RegistrationHelp';

interface Values extends AzureAppInput {
  clientId: string;
  sharedTenantReason: string;
}

// Mirrors the server: a GUID, and for the tenant a GUID or a verified domain.
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

function initialValues(app: AzureApp | undefined, clientId: string | null): Values {
  return {
    clientId: app?.clientId ?? clientId ?? '',
    name: app?.name ?? '',
    azureClientId: app?.azureClientId ?? '',
    clientSecret: '',
    tenant: app ? (app.tenantDomain ?? app.tenantId) : '',
    cloud: app?.cloud ?? 'global',
    smtpSending: app?.smtpSending ?? false,
    secretExpiresAt: app?.secretExpiresAt ?? null,
    sharedTenantReason: app?.sharedTenantReason ?? '',
  };
}

/** Adds an application, or edits `app` when one is given. The secret is write-only. */
export function AzureAppFormModal({
  opened,
  onClose,
  app,
  defaultClientId,
  onSaved,
}: {
  opened: boolean;
  onClose: () => void;
  app?: AzureApp;
  defaultClientId: string | null;
  onSaved?: (app: AzureApp) => void;
}) {
  const editing = app !== undefined;
  const clients = useClients();
  const info = useRegistrationInfo();
  const create = useCreateAzureApp();
  const update = useUpdateAzureApp();
  // Set when the server answered that another client connects this tenant: the reason is asked for.
  const [sharedWarning, setSharedWarning] = useState<string | null>(null);
  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: initialValues(app, defaultClientId),
    validate: {
      clientId: (value) => (value ? null : 'Choose the client'),
      name: required('Friendly name'),
      azureClientId: (value) =>
        GUID.test(value.trim()) ? null : 'Enter the Application (client) ID, a GUID from the app’s Overview page',
      clientSecret: (value) => (editing || value ? null : 'Enter the client secret value'),
      tenant: (value) =>
        GUID.test(value.trim()) || DOMAIN.test(value.trim())
          ? null
          : 'Enter the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com',
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: form is stable; only reopening matters
  useEffect(() => {
    if (opened) {
      // A single client needs no choosing.
      const only = clients.data?.length === 1 ? (clients.data[0]?.id ?? null) : null;
      form.setValues(initialValues(app, defaultClientId ?? only));
      form.clearErrors();
      setSharedWarning(null);
    }
  }, [opened, app]);

  const submit = form.onSubmit((values) => {
    const body = {
      name: values.name.trim(),
      azureClientId: values.azureClientId.trim(),
      tenant: values.tenant.trim(),
      cloud: values.cloud,
      smtpSending: values.smtpSending,
      secretExpiresAt: values.secretExpiresAt || null,
      ...(values.sharedTenantReason.trim() ? { sharedTenantReason: values.sharedTenantReason.trim() } : {}),
    };
    const onError = (error: unknown) => {
      if (error instanceof ApiError && error.code === 'tenant_shared') {
        // First time: the warning and the reason field appear. Again without a reason: ask for it.
        if (sharedWarning) form.setFieldError('sharedTenantReason', 'Say why, or check the Tenant ID.');
        setSharedWarning(error.message.replace(/;? if both clients .*$/, '.'));
        return;
      }
      showServerError(form, error, editing ? 'Could not save the application' : 'Could not add the application');
    };
    const onSuccess = (saved: AzureApp) => {
      notifySuccess(
        editing ? `${saved.name} was saved.` : `${saved.name} was added. Next, authorize it with Microsoft.`,
      );
      onClose();
      onSaved?.(saved);
    };
    if (app) {
      // Only what changed: an unchanged tenant domain is not resolved at Microsoft again, and an
      // empty secret is left out so the stored one is kept.
      const before = initialValues(app, app.clientId);
      const changes = Object.fromEntries(
        Object.entries(body).filter(([key, value]) => value !== before[key as keyof typeof body]),
      ) as Partial<AzureAppInput>;
      if (values.clientSecret) changes.clientSecret = values.clientSecret;
      update.mutate({ clientId: app.clientId, appId: app.id, ...changes }, { onSuccess, onError });
    } else {
      create.mutate({ clientId: values.clientId, ...body, clientSecret: values.clientSecret }, { onSuccess, onError });
    }
  });

  const clientOptions = (clients.data ?? []).map((c) => ({ value: c.id, label: c.name }));
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={editing ? 'Edit application' : 'Add application'}
      size={1120}
      centered
    >
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <form onSubmit={submit} noValidate>
            <Stack gap="sm">
              <Select
                label="Client"
                description="The organisation whose Microsoft 365 tenant this application connects."
                data={clientOptions}
                required
                searchable
                allowDeselect={false}
                disabled={editing}
                nothingFoundMessage="No client matches"
                {...form.getInputProps('clientId')}
              />
              <TextInput
                label="Friendly name"
                placeholder="Contoso Microsoft 365"
                required
                data-autofocus
                {...form.getInputProps('name')}
              />
              <TextInput
                label="Client ID"
                description="Application (client) ID from the app registration’s Overview page."
                placeholder="00000000-0000-0000-0000-000000000000"
                required
                autoComplete="off"
                styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                {...form.getInputProps('azureClientId')}
              />
              <PasswordInput
                label="Client Secret"
                description={
                  editing
                    ? 'Stored encrypted and never shown again. Leave empty to keep the stored secret.'
                    : 'The secret’s Value (not its Secret ID). Stored encrypted and never shown again.'
                }
                placeholder={editing ? 'Unchanged' : undefined}
                required={!editing}
                autoComplete="new-password"
                {...form.getInputProps('clientSecret')}
              />
              <TextInput
                label="Tenant ID"
                description="Directory (tenant) ID, or a verified domain such as contoso.onmicrosoft.com."
                required
                autoComplete="off"
                {...form.getInputProps('tenant')}
              />
              <Select
                label="Microsoft cloud"
                data={info.data?.clouds ?? [{ value: 'global', label: 'Global (Azure public cloud)' }]}
                allowDeselect={false}
                {...form.getInputProps('cloud')}
              />
              <TextInput
                type="date"
                label="Secret expires on"
                description="Optional; Entra shows it under Certificates & secrets. Listed here so the secret is renewed in time."
                value={form.values.secretExpiresAt ?? ''}
                onChange={(event) => form.setFieldValue('secretExpiresAt', event.currentTarget.value || null)}
                error={form.errors.secretExpiresAt}
              />
              <Checkbox
                label="Use for SMTP sending (Office 365 OAuth2)"
                description="Also request SMTP.Send, to send training through smtp.office365.com with XOAUTH2."
                {...form.getInputProps('smtpSending', { type: 'checkbox' })}
              />
              {sharedWarning && (
                <Alert color="yellow" variant="light" title="This tenant is already connected">
                  <Stack gap="xs">
                    <div>{sharedWarning}</div>
                    <Textarea
                      label="Why do both clients connect this tenant?"
                      description="Kept with the application and in the audit log, e.g. a subsidiary with its own contract."
                      required
                      autosize
                      minRows={2}
                      maxLength={500}
                      {...form.getInputProps('sharedTenantReason')}
                    />
                  </Stack>
                </Alert>
              )}
              <Group justify="flex-end" mt="xs">
                <Button variant="default" onClick={onClose}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending || update.isPending}>
                  {editing ? 'Save' : 'Add application'}
                </Button>
              </Group>
            </Stack>
          </form>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Divider hiddenFrom="md" mb="md" />
          {info.isPending && <PageLoader />}
          {info.isError && <QueryError error={info.error} onRetry={() => info.refetch()} />}
          {info.data && (
            <RegistrationHelp
              redirectUri={info.data.redirectUri}
              nestedAppAuth={info.data.nestedAppAuth}
              permissions={info.data.permissions}
              smtpSending={form.values.smtpSending}
            />
          )}
        </Grid.Col>
      </Grid>
    </Modal>
  );
}
