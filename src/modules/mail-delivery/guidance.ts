// Delivery failures in plain words: what happened and what to do. Keyed by DeliveryError.code
// (the SMTP status with its enhanced code, or Graph's error code), never by the server's text.
export interface DeliveryGuidance {
  title: string;
  action: string;
}

const GUIDANCE: Record<string, DeliveryGuidance> = {
  smtputf8_unsupported: {
    title: 'The SMTP server does not take internationalised addresses',
    action:
      'This address has non-ASCII characters before the @ (such as jürgen@ or zoë@), which only a server offering SMTPUTF8 (RFC 6531) may be given. Exchange Online, Gmail and Postfix 3 or later (smtputf8_enable = yes) offer it. Send through such a relay, or use an ASCII address for this person. A non-ASCII domain alone needs nothing: it is sent in its xn-- form.',
  },
  'smtp.535.5.7.139': {
    title: 'SMTP AUTH is turned off for this tenant or mailbox',
    action:
      'Exchange Online turns SMTP client authentication off by default. Turn it on for the sending mailbox only: Microsoft 365 admin center → Users → the mailbox → Mail → Manage email apps → "Authenticated SMTP", or in Exchange Online PowerShell: Set-CASMailbox -Identity <mailbox> -SmtpClientAuthenticationDisabled $false. It can take up to an hour to apply.',
  },
  'smtp.535.5.7.3': {
    title: 'Authentication unsuccessful',
    action:
      'The server refused the credentials. For an SMTP relay, check the username and password. For Office 365, authorize the Azure application again with an account that has a mailbox, and check that SMTP sending is enabled on the application.',
  },
  'smtp.550.5.7.60': {
    title: 'The mailbox may not send as this address',
    action:
      'The signed-in account has no Send As right on the From address (or shared mailbox). Grant it in Exchange (Add-RecipientPermission -Identity <mailbox> -Trustee <account> -AccessRights SendAs) or send from the account itself.',
  },
  'smtp.550.5.7.30': {
    title: 'Basic authentication is not accepted',
    action:
      'Exchange Online no longer accepts a username and password for client submission. Use an "Office 365 (OAuth2)" sending profile with a connected Azure application instead.',
  },
  'smtp.530.5.7.57': {
    title: 'The server requires authentication',
    action: 'The SMTP server does not relay without signing in. Enter a username and password for the relay.',
  },
  'smtp.554.5.2.0': {
    title: 'The mailbox reached its daily sending limit',
    action:
      'Exchange Online lets one mailbox send to 10,000 recipients in 24 hours. Baitwise pauses the profile until the quota resets; spread large campaigns over several days or several sending profiles.',
  },
  'smtp.432.4.3.2': {
    title: 'Too many connections to the mailbox',
    action: 'Exchange Online allows three concurrent SMTP sessions per mailbox. Baitwise retries shortly.',
  },
  'graph.ErrorSendAsDenied': {
    title: 'The mailbox may not send as this address',
    action:
      'The authorized account has no Send As right on the mailbox named in the profile. Grant Send As in Exchange, or leave the mailbox empty to send as the authorized account.',
  },
  'graph.ApplicationThrottled': {
    title: 'Microsoft Graph is throttling this mailbox',
    action:
      'Graph allows four concurrent requests and 10,000 requests per ten minutes per mailbox. Baitwise waits as long as Microsoft asks and lowers its pace.',
  },
  'graph.MailboxConcurrency': {
    title: 'Too many concurrent requests to the mailbox',
    action: 'Graph allows four concurrent requests per mailbox. Lower the profile’s concurrency to 4 or less.',
  },
  'graph.403': {
    title: 'The Azure application may not send mail',
    action:
      'Mail.Send has not been consented for this application, or the consent was removed. Check the API permissions in Entra ID and click Authorize again on the Azure application.',
  },
  'graph.ErrorAccessDenied': {
    title: 'The Azure application may not send mail',
    action:
      'Mail.Send has not been consented for this application, or the consent was removed. Check the API permissions in Entra ID and click Authorize again on the Azure application.',
  },
  'graph.ErrorInvalidUser': {
    title: 'The mailbox does not exist',
    action: 'Check the shared mailbox address in the profile, or leave it empty to send as the authorized account.',
  },
  'graph.MailboxNotEnabledForRESTAPI': {
    title: 'The account has no Exchange Online mailbox',
    action: 'Authorize the Azure application with an account that has a mailbox (a licensed user or a shared mailbox).',
  },
  'graph.ErrorInvalidRecipients': {
    title: 'The recipient address is not valid',
    action: 'Correct the address; other messages are not affected.',
  },
  reauthorization_required: {
    title: 'The Azure application must be authorized again',
    action: 'Open the Azure application and click Authorize. The profile resumes by itself once it is connected.',
  },
  azure_app_error: {
    title: 'Microsoft refused the Azure application’s credentials',
    action:
      'The client secret is invalid or expired. Create a new secret in Entra ID (Certificates & secrets) and enter it on the Azure application; the profile resumes by itself.',
  },
  not_authorized: {
    title: 'The Azure application is not connected',
    action: 'Open the Azure application and click Authorize.',
  },
  azure_app_missing: {
    title: 'The profile has no connected Azure application',
    action: 'Edit the profile and choose a connected Azure application.',
  },
  smtp_sending_disabled: {
    title: 'SMTP sending is not enabled on the Azure application',
    action:
      'Edit the Azure application, enable "SMTP sending" (it adds the SMTP.Send permission) and authorize it again.',
  },
};

export function deliveryGuidance(code: string): DeliveryGuidance | null {
  if (GUIDANCE[code]) return GUIDANCE[code];
  if (code.startsWith('network.')) {
    return {
      title: 'The server could not be reached',
      action: 'Check the host name, port and security setting, and that this server may connect to it.',
    };
  }
  return null;
}
