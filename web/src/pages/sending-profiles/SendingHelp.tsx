import { Code, List, Stack, Text, Title } from '@mantine/core';
import type { ProfileKind } from '../../api/sendingProfiles';

const domainOf = (address: string | null | undefined) => address?.split('@')[1] ?? null;

/**
 * What the client's Microsoft 365 administrator has to set up for mail of this kind to arrive
 * unfiltered, and why. Facts from Microsoft's documentation on Advanced delivery and SMTP AUTH.
 */
export function SendingHelp({
  kind,
  fromAddress,
  dkimDomain,
  mailbox,
}: {
  kind: ProfileKind;
  fromAddress?: string | null;
  dkimDomain?: string | null;
  mailbox?: string | null;
}) {
  return kind === 'smtp' ? (
    <RelayHelp mailFromDomain={domainOf(fromAddress)} dkimDomain={dkimDomain ?? null} />
  ) : (
    <MicrosoftHelp kind={kind} mailbox={mailbox ?? null} />
  );
}

function RelayHelp({ mailFromDomain, dkimDomain }: { mailFromDomain: string | null; dkimDomain: string | null }) {
  const domains = [...new Set([mailFromDomain, dkimDomain].filter(Boolean))];
  return (
    <Stack gap="xs">
      <Title order={3} fz="md">
        Phishing simulations through a relay: what the client’s Microsoft 365 administrator sets up
      </Title>
      <Text size="sm">
        Microsoft Defender for Office 365 treats a simulated phishing message like a real one: it may land in Junk, be
        quarantined, or have its links rewritten and clicked by scanners, which spoils the results. Defender skips that
        filtering only for simulations registered with it.
      </Text>
      <List type="ordered" size="sm" spacing={4}>
        <List.Item>
          In the Microsoft Defender portal open{' '}
          <b>Email &amp; collaboration → Policies &amp; rules → Threat policies → Advanced delivery</b>, tab{' '}
          <b>Phishing simulation</b>, and edit the entry.
        </List.Item>
        <List.Item>
          Under <b>Sending domain</b> add the domain this relay sends with: the domain of the envelope sender (the
          5321.MailFrom address) or the domain of the DKIM signature (d=).
          {domains.length > 0 && (
            <> For this profile: {domains.map((d, i) => [i > 0 && ' or ', <Code key={d}>{d}</Code>])}.</>
          )}
        </List.Item>
        <List.Item>
          Under <b>Sending IP</b> add the public IP addresses the relay connects to Microsoft from.
        </List.Item>
        <List.Item>
          A message is treated as a simulation only when its domain <b>and</b> its IP both match the entry; one of the
          two is not enough.
        </List.Item>
      </List>
      <Text size="sm" c="dimmed">
        Simulations sent from a mailbox inside the client’s own tenant cannot be registered: Advanced delivery does not
        support simulations within one organisation. That is why simulations go out through a relay on a domain of your
        own, not through the client’s Office 365 or Graph mailbox.
      </Text>
    </Stack>
  );
}

function MicrosoftHelp({ kind, mailbox }: { kind: 'office365' | 'graph'; mailbox: string | null }) {
  return (
    <Stack gap="xs">
      <Title order={3} fz="md">
        Sending from the client’s own mailbox
      </Title>
      <Text size="sm">
        Mail sent from a mailbox of the client’s own tenant to its own people is internal mail: training invitations and
        reminders arrive like any colleague’s message. No Defender Advanced delivery entry is needed for it (and none
        applies: Advanced delivery covers only mail from outside the organisation). Use this kind of profile for
        training mail; send phishing simulations through an SMTP relay profile instead.
      </Text>
      {kind === 'office365' ? (
        <>
          <Title order={4} fz="sm">
            SMTP AUTH must be enabled for the mailbox
          </Title>
          <Text size="sm">
            Office 365 profiles sign in to smtp.office365.com with OAuth2 (a password is no longer accepted there).
            Exchange Online leaves SMTP client authentication off in many tenants; then every send fails with{' '}
            <Code>535 5.7.139</Code>. An Exchange administrator turns it on for the sending mailbox only, in Exchange
            Online PowerShell:
          </Text>
          <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            Set-CASMailbox -Identity {mailbox ?? '<mailbox>'} -SmtpClientAuthenticationDisabled $false
          </Code>
          <Text size="sm" c="dimmed">
            Or in the Microsoft 365 admin center: Users → the user → Mail → Manage email apps → Authenticated SMTP. The
            change can take up to an hour.
          </Text>
        </>
      ) : (
        <Text size="sm">
          Graph profiles need the Mail.Send permission consented on the Azure application; sending as a shared mailbox
          also needs Send As for the authorized account.
        </Text>
      )}
      <Text size="sm" c="dimmed">
        Microsoft limits one mailbox to 30 messages a minute and 10,000 recipients a day; Baitwise paces the profile
        accordingly and pauses it when Microsoft says the quota is reached.
      </Text>
    </Stack>
  );
}
