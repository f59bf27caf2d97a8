import { List, Stack, Text, Title } from '@mantine/core';

/** What the client's Microsoft 365 administrator does with the downloaded manifest. */
export function AdminSteps() {
  return (
    <Stack gap="xs">
      <Title order={3} fz="md">
        Install it in the client’s Microsoft 365
      </Title>
      <Text size="sm" c="dimmed">
        A Global or Exchange administrator of the client’s organisation deploys the manifest centrally:
      </Text>
      <List type="ordered" size="sm" spacing={4}>
        <List.Item>Open the Microsoft 365 admin center and go to Settings → Integrated apps.</List.Item>
        <List.Item>
          Choose Upload custom apps, pick “Office Add-in”, and upload the manifest file downloaded here.
        </List.Item>
        <List.Item>
          Choose who gets it: the whole organisation, or specific users or groups (start with a pilot group).
        </List.Item>
        <List.Item>Accept the permissions and finish the deployment.</List.Item>
      </List>
      <Text size="sm" c="dimmed">
        The button can take up to 24 hours to appear in Outlook (often much less); people may need to restart Outlook.
        After a settings change, download the manifest again and upload it over the deployed one (Integrated apps → the
        add-in → Update): its version goes up with every change, its id never changes.
      </Text>
      <Text size="sm" c="dimmed">
        The classic manifest adds a Report button to the ribbon of a message being read, wherever Outlook add-ins run.
        The integrated manifest puts the button in place of Outlook’s own Report button in Outlook on the web and the
        new Outlook for Windows (and classic Outlook for Windows from version 2404); it does not do so on iOS or
        Android, and Outlook versions without integrated reporting show the classic button instead.
      </Text>
    </Stack>
  );
}
