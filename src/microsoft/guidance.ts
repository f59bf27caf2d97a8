// What an Entra ID error means for the Baitwise administrator and what to do about it. Keyed by
// AADSTS code (from `error_codes` or the `AADSTSnnnnn:` prefix of `error_description`), with the
// OAuth `error` as the fallback. Microsoft asks clients to branch on codes, never on text.

export interface MicrosoftError {
  error: string; // OAuth error: invalid_grant, access_denied, …
  aadsts: number | null;
  suberror: string | null;
  description: string | null; // Microsoft's text, first line only (no trace ids)
}

export interface Guidance {
  key: string;
  title: string;
  explanation: string;
  steps: string[];
  /** true when the stored connection no longer works and must be authorized again */
  reauthorize: boolean;
  /** alternative ways out, each its own list (e.g. consent now, or the admin consent workflow) */
  paths: { title: string; steps: string[] }[];
  /** Microsoft's own explanation of the AADSTS code, when there is one */
  lookupUrl: string | null;
}

// Microsoft's text reaches us through the browser's redirect (anyone holding a valid state can
// shape it) and through library error messages: what is stored of it is bounded.
export const MAX_DESCRIPTION_CHARS = 2000;
const MAX_CODE_CHARS = 200;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The error as stored (status reason, last authorization): every text field bounded. */
export function boundedMicrosoftError(ms: MicrosoftError): MicrosoftError {
  return {
    error: clip(ms.error, MAX_CODE_CHARS),
    aadsts: ms.aadsts,
    suberror: ms.suberror === null ? null : clip(ms.suberror, MAX_CODE_CHARS),
    description: ms.description === null ? null : clip(ms.description, MAX_DESCRIPTION_CHARS),
  };
}

/** Parse Entra's error fields (token JSON or redirect query) into a MicrosoftError. */
export function parseMicrosoftError(fields: {
  error?: unknown;
  error_description?: unknown;
  error_codes?: unknown;
  suberror?: unknown;
}): MicrosoftError {
  const description = typeof fields.error_description === 'string' ? fields.error_description : null;
  const fromCodes =
    Array.isArray(fields.error_codes) && typeof fields.error_codes[0] === 'number' ? fields.error_codes[0] : null;
  const fromText = description ? /AADSTS(\d+)/.exec(description)?.[1] : undefined;
  return boundedMicrosoftError({
    error: typeof fields.error === 'string' ? fields.error : 'unknown_error',
    aadsts: fromCodes ?? (fromText ? Number(fromText) : null),
    suberror: typeof fields.suberror === 'string' ? fields.suberror : null,
    description: description ? (description.split(/\r?\n/)[0] ?? null) : null,
  });
}

// Entra's admin consent workflow, end to end: where each setting is and what to save. In Baitwise
// the application's details stay as they are; only Authorize is clicked again.
const ADMIN_CONSENT_SETUP = [
  'An Entra ID administrator of this tenant opens the Microsoft Entra admin center → Identity → Applications → Enterprise applications → Consent and permissions → Admin consent settings.',
  'Set "Users can request admin consent to apps they are unable to consent to" to Yes, add the reviewers (users, groups or roles who may approve), and click Save at the top of Admin consent settings.',
];
const ADMIN_CONSENT_REQUEST = [
  'Back in Baitwise, click Authorize again (without "Grant admin consent for the organization") — preferably in a private browser window, so that no cached Microsoft sign-in is reused. Nothing needs saving in Baitwise: the application’s details stay as they are.',
  'Sign in with your account. Microsoft shows "Approval required": enter a justification and click "Request approval". Microsoft answers "Request sent"; then mark the request as sent on this application’s page so everyone sees it is waiting.',
];
const ADMIN_CONSENT_REVIEW = [
  'A reviewer approves the request in the Entra admin center under Enterprise applications → Admin consent requests (they receive an email as well).',
  'When it is approved, click Authorize on this application’s page once more and sign in: the connection is stored and the status turns to Connected.',
];

const CONSENT_NOW = {
  title: 'An administrator grants consent now',
  steps: [
    'An Entra ID administrator (Global Administrator, Privileged Role Administrator or Cloud Application Administrator) clicks Authorize on this application’s page, ticks "Grant admin consent for the organization" and continues to Microsoft.',
    'Microsoft shows "Pick an account" twice: first to grant consent for the organization, then to sign in so that Baitwise receives its connection. Choose the same administrator account both times.',
    'Accept the permissions. Microsoft returns to Baitwise and the status turns to Connected; nothing else needs saving.',
  ],
};
const CONSENT_WORKFLOW = {
  title: 'Entra’s admin consent workflow',
  steps: [...ADMIN_CONSENT_SETUP, ...ADMIN_CONSENT_REQUEST, ...ADMIN_CONSENT_REVIEW],
};

const CATALOGUE: Record<string, Omit<Guidance, 'key' | 'paths' | 'lookupUrl'> & Partial<Pick<Guidance, 'paths'>>> = {
  admin_consent_required: {
    title: 'An administrator has to approve these permissions',
    explanation:
      'Some permissions Baitwise needs (User.Read.All, GroupMember.Read.All) require consent by an Entra ID administrator on behalf of the organization. The account that signed in could not grant it.',
    steps: ['Choose one of the two ways below: the first is fastest when an administrator is at hand.'],
    paths: [CONSENT_NOW, CONSENT_WORKFLOW],
    reauthorize: true,
  },
  consent_pending: {
    title: 'Request sent: waiting for a reviewer in Entra ID',
    explanation:
      'Microsoft recorded your request for admin approval. Baitwise gets access only after a reviewer approves it in Entra ID.',
    steps: ADMIN_CONSENT_REVIEW,
    reauthorize: true,
  },
  consent_declined: {
    title: 'Microsoft did not grant the permissions',
    explanation:
      'Either the person signing in chose Cancel on the "Permissions requested" page, or Microsoft showed "Need admin approval" or "Approval required" and they returned to Baitwise. Microsoft reports both the same way (AADSTS65004). User.Read.All and GroupMember.Read.All need an administrator\u2019s consent.',
    steps: [
      'If you chose Cancel: click Authorize again and choose Accept.',
      'If you clicked "Request approval" and Microsoft answered "Request sent": mark the request as sent on this application’s page and wait for the reviewer.',
      'If Microsoft asked for admin approval: an administrator grants consent, one of the two ways below.',
    ],
    paths: [CONSENT_NOW, CONSENT_WORKFLOW],
    reauthorize: true,
  },
  invalid_secret: {
    title: 'Microsoft rejected the client secret',
    explanation:
      'The secret entered in Baitwise does not match any secret of this app registration. A common mistake is entering the secret\u2019s ID instead of its Value.',
    steps: [
      'In the Entra admin center open App registrations → this application → Certificates & secrets.',
      'Create a new client secret and copy its Value (shown only once) — not the Secret ID.',
      'Edit the application in Baitwise, paste the value into Client Secret, Save, and Authorize again.',
    ],
    reauthorize: true,
  },
  missing_secret: {
    title: 'No client secret was sent',
    explanation: 'The application has no client secret stored in Baitwise.',
    steps: [
      'Edit the application, enter the client secret value from Entra (Certificates & secrets), Save and Authorize again.',
    ],
    reauthorize: true,
  },
  expired_secret: {
    title: 'The client secret has expired',
    explanation: 'Client secrets in Entra ID expire (at most after 24 months). Microsoft no longer accepts this one.',
    steps: [
      'In the Entra admin center open App registrations → this application → Certificates & secrets and add a new client secret.',
      'Copy its Value, edit the application in Baitwise, paste it into Client Secret and Save (and set the new expiry date).',
      'Click Test connection; Authorize again only if Baitwise asks for it.',
    ],
    reauthorize: false,
  },
  unknown_tenant: {
    title: 'Microsoft does not know this tenant',
    explanation: 'No Entra ID tenant exists with the Tenant ID (or domain) entered, in the selected Microsoft cloud.',
    steps: [
      'In the Entra admin center, copy the Directory (tenant) ID from App registrations → this application → Overview.',
      'Edit the application in Baitwise, paste it into Tenant ID, check the Microsoft cloud, and Save.',
    ],
    reauthorize: true,
  },
  app_not_found: {
    title: 'The application was not found in this tenant',
    explanation:
      'Microsoft has no app registration with this Client ID in the tenant, or it was deleted. Either the Client ID or the Tenant ID is wrong.',
    steps: [
      'In the Entra admin center open App registrations → All applications and find the Baitwise registration.',
      'Copy its Application (client) ID and Directory (tenant) ID from the Overview page into the Baitwise application, Save and Authorize again.',
    ],
    reauthorize: true,
  },
  redirect_uri_mismatch: {
    title: 'The redirect URI is not registered',
    explanation:
      'Microsoft only returns to addresses registered on the app registration, and the Baitwise callback is not among them.',
    steps: [
      'In the Entra admin center open App registrations → this application → Authentication.',
      'Under Platform configurations → Web, add the redirect URI shown on this page exactly (copy it with the copy button), and Save.',
      'Click Authorize again.',
    ],
    reauthorize: true,
  },
  wrong_tenant_user: {
    title: 'The account belongs to another organization',
    explanation:
      'The account that signed in is not a member of this tenant, so it cannot authorize an application there.',
    steps: [
      'Click Authorize again in a private browser window and sign in with an account of the client\u2019s own tenant (ideally an administrator).',
    ],
    reauthorize: true,
  },
  mfa_required: {
    title: 'Multi-factor authentication is required',
    explanation: 'A Conditional Access policy of the tenant requires multi-factor authentication for this sign-in.',
    steps: ['Click Authorize again and complete the multi-factor prompt when Microsoft shows it.'],
    reauthorize: true,
  },
  grant_expired: {
    title: 'The connection to Microsoft has expired or was revoked',
    explanation:
      'Microsoft no longer accepts the stored refresh token: it was revoked (password reset, sessions revoked, consent removed) or unused for 90 days.',
    steps: ['Click Authorize and sign in again. Imports and sending resume once the status is Connected.'],
    reauthorize: true,
  },
  consent_removed: {
    title: 'The consent for Baitwise was removed',
    explanation: 'The permissions granted to this application were revoked in Entra ID.',
    steps: [
      'Click Authorize and grant the permissions again (an administrator is needed for User.Read.All and GroupMember.Read.All).',
    ],
    reauthorize: true,
  },
  code_reused: {
    title: 'The sign-in response was used already',
    explanation:
      'Microsoft\u2019s authorization code can be used once; this one was redeemed before (for example by reloading the page).',
    steps: ['Click Authorize again.'],
    reauthorize: true,
  },
  state_invalid: {
    title: 'This authorization request is not valid any more',
    explanation:
      'The sign-in took longer than 10 minutes, was started in another browser session, or this page was reloaded after it completed.',
    steps: ['Return to the application and click Authorize again, in this browser.'],
    reauthorize: true,
  },
  tenant_mismatch: {
    title: 'Microsoft answered for a different tenant',
    explanation:
      'The account\u2019s token was issued by another Entra ID tenant than the one configured for this application. Baitwise refused it and stored nothing.',
    steps: [
      'Check that Tenant ID is the client\u2019s own tenant.',
      'Click Authorize again in a private browser window and sign in with an account of that tenant.',
    ],
    reauthorize: true,
  },
  unavailable: {
    title: 'Microsoft could not be reached',
    explanation: 'The request to Microsoft timed out or Microsoft answered with a server error. Nothing was changed.',
    steps: [
      'Try again in a few minutes. If it persists, check the server\u2019s outbound access to the Microsoft endpoints.',
    ],
    reauthorize: false,
  },
  unknown: {
    title: 'Microsoft refused the request',
    explanation: 'Microsoft returned an error Baitwise has no specific advice for. Its message is shown below.',
    steps: [
      'Open Microsoft\u2019s explanation of the code (the link below), which covers every AADSTS code.',
      'Click Authorize to try again.',
    ],
    reauthorize: true,
  },
};

const BY_AADSTS: Record<number, string> = {
  65001: 'admin_consent_required',
  90094: 'admin_consent_required',
  90095: 'consent_pending',
  65004: 'consent_declined',
  7000215: 'invalid_secret',
  7000218: 'missing_secret',
  7000222: 'expired_secret',
  90002: 'unknown_tenant',
  900023: 'unknown_tenant',
  700016: 'app_not_found',
  50011: 'redirect_uri_mismatch',
  500113: 'redirect_uri_mismatch',
  50020: 'wrong_tenant_user',
  50076: 'mfa_required',
  50079: 'mfa_required',
  700082: 'grant_expired',
  700084: 'grant_expired',
  50173: 'grant_expired',
  70008: 'grant_expired',
  54005: 'code_reused',
};

export function guidanceFor(e: MicrosoftError | { key: string }): Guidance {
  let key: string;
  if ('key' in e) key = e.key;
  else if (e.aadsts !== null && BY_AADSTS[e.aadsts]) {
    key = BY_AADSTS[e.aadsts] as string;
    // 65001 at the token endpoint with suberror consent_required: consent existed and was removed.
    if (e.aadsts === 65001 && e.error === 'invalid_grant') key = 'consent_removed';
  } else if (e.error === 'consent_required') key = 'admin_consent_required';
  else if (e.error === 'tenant_mismatch') key = 'tenant_mismatch';
  else if (e.error === 'invalid_grant') key = 'grant_expired';
  else if (e.error === 'temporarily_unavailable' || e.error === 'server_error') key = 'unavailable';
  else key = 'unknown';
  const g = CATALOGUE[key] ?? (CATALOGUE.unknown as (typeof CATALOGUE)[string]);
  const aadsts = 'aadsts' in e ? e.aadsts : null;
  // Microsoft's lookup page explains any code, including the ones Baitwise has no advice for.
  const lookupUrl = aadsts === null ? null : `https://login.microsoftonline.com/error?code=${aadsts}`;
  return { key, paths: [], ...g, lookupUrl };
}

export const guidanceKeys = (): string[] => Object.keys(CATALOGUE);
