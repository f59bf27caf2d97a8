import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { FullPageLoader, PageLoader, QueryError } from './components/QueryState';
import { useSession } from './hooks/useSession';
import { ApiTokensPage } from './pages/ApiTokensPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { AzureApplicationsPage } from './pages/AzureApplicationsPage';
import { AzureAppDetailPage } from './pages/azure-apps/AzureAppDetailPage';
import { ChangePasswordPage } from './pages/ChangePasswordPage';
import { ClientDetailPage } from './pages/ClientDetailPage';
import { ClientsPage } from './pages/ClientsPage';
import { DashboardPage } from './pages/DashboardPage';
import { EntraSyncPage } from './pages/EntraSyncPage';
import { IncidentsPage } from './pages/IncidentsPage';
import { IncidentDetailPage } from './pages/incidents/IncidentDetailPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OperatorsPage } from './pages/OperatorsPage';
import { RecipientsPage } from './pages/RecipientsPage';
import { ReporterFeedbackPage } from './pages/ReporterFeedbackPage';
import { SendingProfilesPage } from './pages/SendingProfilesPage';
import { SettingsPage } from './pages/SettingsPage';
import { SetupPage } from './pages/SetupPage';
import { SignInPage } from './pages/SignInPage';
import { SendingProfileDetailPage } from './pages/sending-profiles/SendingProfileDetailPage';
import { TrainingCampaignsPage } from './pages/TrainingCampaignsPage';
import { TrainingLibraryPage } from './pages/TrainingLibraryPage';
import { WebhooksPage } from './pages/WebhooksPage';

// The campaign page brings the charting library (recharts): loaded when it is opened, so the
// console's first load stays small.
const CampaignDetailPage = lazy(() =>
  import('./pages/training/CampaignDetailPage').then((m) => ({ default: m.CampaignDetailPage })),
);

export function App() {
  const location = useLocation();
  const session = useSession();

  if (location.pathname === '/setup') return <SetupPage />;
  if (session.isPending) return <FullPageLoader />;
  if (session.isError) return <QueryError error={session.error} onRetry={() => session.refetch()} fullPage />;
  // Signing in happens at whatever address was asked for, so the page appears once it succeeds.
  if (!session.data) return <SignInPage />;

  const isSystemAdmin = session.data.operator.role === 'system_admin';
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<DashboardPage />} />
        <Route path="clients" element={<ClientsPage />} />
        <Route path="clients/:clientId" element={<ClientDetailPage />} />
        <Route path="operators" element={isSystemAdmin ? <OperatorsPage /> : <Navigate to="/" replace />} />
        <Route path="recipients" element={<RecipientsPage />} />
        <Route path="recipients/groups" element={<RecipientsPage />} />
        <Route path="entra-sync" element={<EntraSyncPage />} />
        <Route path="training/library" element={<TrainingLibraryPage />} />
        <Route path="training/campaigns" element={<TrainingCampaignsPage />} />
        <Route
          path="training/campaigns/:campaignId"
          element={
            <Suspense fallback={<PageLoader />}>
              <CampaignDetailPage />
            </Suspense>
          }
        />
        <Route path="incidents" element={<IncidentsPage mode="client" />} />
        <Route
          path="incidents/all"
          element={isSystemAdmin ? <IncidentsPage mode="all" /> : <Navigate to="/incidents" replace />}
        />
        <Route path="incidents/:incidentId" element={<IncidentDetailPage />} />
        <Route path="audit" element={<AuditLogPage />} />
        <Route path="settings" element={<SettingsPage />} />
        <Route path="settings/azure-applications" element={<AzureApplicationsPage />} />
        <Route path="settings/azure-applications/:appId" element={<AzureAppDetailPage />} />
        <Route path="settings/sending-profiles" element={<SendingProfilesPage />} />
        <Route path="settings/sending-profiles/:profileId" element={<SendingProfileDetailPage />} />
        <Route path="settings/reporter-feedback" element={<ReporterFeedbackPage />} />
        <Route path="settings/webhooks" element={<WebhooksPage />} />
        <Route path="account/password" element={<ChangePasswordPage />} />
        <Route path="account/api-tokens" element={<ApiTokensPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
