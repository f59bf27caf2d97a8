import { Accordion, Alert, Anchor, Group, Paper, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconPencil, IconPlugConnected, IconTestPipe, IconTrash } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { AzureApp } from '../../api/azureApps';
import { isApiError } from '../../api/errors';
import { ArchivedClientAlert } from '../../components/ArchivedClientAlert';
import { ARCHIVED_REASON, ExplainedButton } from '../../components/ExplainedButton';
import { PageHeader } from '../../components/PageHeader';
import { PageLoader, QueryError } from '../../components/QueryState';
import { useApprovalRequested, useAzureApp, useRegistrationInfo, useTestAzureApp } from '../../hooks/useAzureApps';
import { useClients } from '../../hooks/useClients';
import { notifyFailure } from '../../lib/notify';
import { AadstsLookup } from './AadstsLookup';
import { AuthorizeModal } from './AuthorizeModal';
import { AzureAppDetails } from './AzureAppDetails';
import { AzureAppFormModal } from './AzureAppFormModal';
import { AzureAppStatusBadge } from './AzureAppStatusBadge';
import { ConnectionReportCard } from './ConnectionReportCard';
import { DeleteAzureAppModal } from './DeleteAzureAppModal';
import { AuthorizeAgainButton, GuidancePanel } from './GuidancePanel';
import { RegistrationHelp } from './RegistrationHelp';

const LIST = '/settings/azure-applications';

/**
 * The problem worth explaining: the authorization that just failed (Microsoft's redirect lands
 * here with ?authorization=failed), else why a working connection stopped, else a failed first
 * attempt that is still unresolved.
 */
function currentProblem(app: AzureApp, justFailed: boolean) {
  const last = app.lastAuthorization?.outcome === 'failed' ? app.lastAuthorization : null;
  if (justFailed && last) return last;
  if ((app.status === 'reauth_required' || app.status === 'error') && app.statusReason) return app.statusReason;
  if (app.status === 'not_authorized' && last) return last;
  // "Request sent": waiting for a reviewer in Entra, not a failure.
  if (app.status !== 'connected' && app.lastAuthorization?.outcome === 'approval_requested')
    return app.lastAuthorization;
  return null;
}

export function AzureAppDetailPage() {
  const { appId = '' } = useParams();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const app = useAzureApp(appId);
  const info = useRegistrationInfo();
  const clients = useClients({ includeArchived: true });
  const test = useTestAzureApp();
  const requested = useApprovalRequested();
  const [authorizeOpened, setAuthorizeOpened] = useState(false);
  const [editOpened, setEditOpened] = useState(false);
  const [deleting, setDeleting] = useState<AzureApp | null>(null);
  const announced = useRef(false);
  const outcome = searchParams.get('authorization');

  // Back from Microsoft with success: say so once, and drop the marker so a reload does not repeat it.
  useEffect(() => {
    if (outcome !== 'connected' || !app.data || announced.current) return;
    announced.current = true;
    const account = app.data.microsoftAccount?.upn;
    notifications.show({
      color: 'teal',
      title: 'Connected to Microsoft',
      message: `${app.data.name} is authorized${account ? ` as ${account}` : ''}.`,
    });
    setSearchParams(
      (params) => {
        const next = new URLSearchParams(params);
        next.delete('authorization');
        return next;
      },
      { replace: true },
    );
  }, [outcome, app.data, setSearchParams]);

  const back = (
    <Anchor component={Link} to={LIST} size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden /> All Azure applications
      </Group>
    </Anchor>
  );
  if (app.isPending) return <PageLoader />;
  if (app.isError || !app.data) {
    return (
      <Stack align="flex-start">
        {back}
        {app.isError ? (
          <QueryError error={app.error} onRetry={() => app.refetch()} />
        ) : (
          <Alert color="gray" title="Application not found">
            This Azure application no longer exists, or you cannot see it.
          </Alert>
        )}
      </Stack>
    );
  }

  const data = app.data;
  const problem = currentProblem(data, outcome === 'failed');
  const client = clients.data?.find((c) => c.id === data.clientId);
  const clientName = client?.name ?? 'Unknown client';
  // An archived client is read-only: every change below would be refused (409 client_archived).
  const readOnly = Boolean(client?.archived);
  const cloudLabel = info.data?.clouds.find((c) => c.value === data.cloud)?.label ?? data.cloud;
  const runTest = () =>
    test.mutate(data, {
      onError: (error) => {
        // The page itself turns to "Re-authorization required" with the reason (the list refetches).
        if (isApiError(error, 'reauthorization_required')) {
          notifications.show({
            color: 'orange',
            title: 'Re-authorization required',
            message: 'Microsoft no longer accepts the stored authorization. Authorize again.',
            autoClose: 8000,
          });
        } else notifyFailure('Connection test failed', error);
      },
    });

  return (
    <Stack gap="lg">
      {back}
      <PageHeader
        title={data.name}
        description={
          <Group gap="xs" component="span">
            <AzureAppStatusBadge status={data.status} />
            <span>{clientName}</span>
          </Group>
        }
        actions={
          <>
            <ExplainedButton
              leftSection={<IconPlugConnected size={16} aria-hidden />}
              onClick={() => setAuthorizeOpened(true)}
              disabledReason={readOnly && ARCHIVED_REASON}
            >
              Authorize
            </ExplainedButton>
            <ExplainedButton
              variant="default"
              leftSection={<IconTestPipe size={16} aria-hidden />}
              onClick={runTest}
              loading={test.isPending}
              disabledReason={
                readOnly
                  ? ARCHIVED_REASON
                  : data.status === 'not_authorized' &&
                    'Authorize the application first: there is no connection to test yet.'
              }
            >
              Test connection
            </ExplainedButton>
            <ExplainedButton
              variant="default"
              leftSection={<IconPencil size={16} aria-hidden />}
              onClick={() => setEditOpened(true)}
              disabledReason={readOnly && ARCHIVED_REASON}
            >
              Edit
            </ExplainedButton>
            <ExplainedButton
              variant="light"
              color="red"
              leftSection={<IconTrash size={16} aria-hidden />}
              onClick={() => setDeleting(data)}
              disabledReason={readOnly && ARCHIVED_REASON}
            >
              Delete
            </ExplainedButton>
          </>
        }
      />
      {client && <ArchivedClientAlert client={client} />}
      {outcome === 'failed' && searchParams.get('reason') === 'client_archived' && (
        <Alert color="red" title="Authorization not stored">
          The client was archived while Microsoft was asked; nothing was stored. Unarchive the client, then authorize
          again.
        </Alert>
      )}
      {problem?.guidance && (
        <GuidancePanel
          guidance={problem.guidance}
          answer={problem}
          redirectUri={info.data?.redirectUri}
          tone={problem.guidance.key === 'consent_pending' ? 'info' : 'problem'}
          action={
            <Group gap="sm">
              {problem.guidance.reauthorize && <AuthorizeAgainButton onClick={() => setAuthorizeOpened(true)} />}
              {['consent_declined', 'admin_consent_required'].includes(problem.guidance.key) && (
                <ExplainedButton
                  size="sm"
                  variant="default"
                  disabledReason={readOnly && ARCHIVED_REASON}
                  loading={requested.isPending}
                  onClick={() =>
                    requested.mutate(data, {
                      onError: (e) => notifyFailure('Could not record the request', e),
                    })
                  }
                >
                  I requested approval
                </ExplainedButton>
              )}
            </Group>
          }
        />
      )}
      {data.status === 'connected' && data.missingScopes.length > 0 && (
        <Alert color="yellow" title="Some requested permissions were not granted">
          <Text size="sm">
            Microsoft did not grant {data.missingScopes.join(', ')}. The features that need them will not work until an
            administrator grants them and you authorize again.
          </Text>
        </Alert>
      )}
      {test.data && !test.isPending && <ConnectionReportCard report={test.data} />}
      <AzureAppDetails app={data} clientName={clientName} cloudLabel={cloudLabel} />
      {info.data && (
        <Paper withBorder radius="md">
          <Accordion chevronPosition="left">
            <Accordion.Item value="entra">
              <Accordion.Control>What to register in Microsoft Entra</Accordion.Control>
              <Accordion.Panel>
                <RegistrationHelp
                  redirectUri={info.data.redirectUri}
                  nestedAppAuth={info.data.nestedAppAuth}
                  permissions={info.data.permissions}
                  smtpSending={data.smtpSending}
                />
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>
        </Paper>
      )}
      <AadstsLookup />
      <AuthorizeModal app={data} opened={authorizeOpened} onClose={() => setAuthorizeOpened(false)} />
      <AzureAppFormModal
        opened={editOpened}
        onClose={() => setEditOpened(false)}
        app={data}
        defaultClientId={data.clientId}
      />
      <DeleteAzureAppModal app={deleting} onClose={() => setDeleting(null)} onDeleted={() => navigate(LIST)} />
    </Stack>
  );
}
