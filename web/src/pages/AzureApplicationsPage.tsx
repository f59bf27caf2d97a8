import { List, Paper, Text } from '@mantine/core';
import { PageHeader } from '../components/PageHeader';

// The route and navigation entry exist now so the settings structure is in place; the list, the
// add/edit form and the Authorize flow arrive with the Azure Applications capability.
export function AzureApplicationsPage() {
  return (
    <>
      <PageHeader title="Azure Applications" />
      <Paper withBorder radius="md" p="lg" maw={720}>
        <Text mb="sm">
          This page will hold the Microsoft Entra applications that connect Baitwise to each client's Microsoft 365
          tenant. It is not available in this version yet.
        </Text>
        <List size="sm" spacing={4}>
          <List.Item>
            one application per client: its name, Client ID, Tenant ID and secret (stored encrypted)
          </List.Item>
          <List.Item>an Authorize button that asks Microsoft for consent on behalf of the organisation</List.Item>
          <List.Item>whether each application is connected, and what to do when admin consent is needed</List.Item>
        </List>
      </Paper>
    </>
  );
}
