// The AADSTS catalogue: error code → OAuth `error` value, HTTP status and message gist
// (MICROSOFT.md §1.8). Every identity error — token JSON, redirect parameters, HTML pages and
// errors forced through the control API — is built from here so the wording stays consistent.
import { randomUUID } from 'node:crypto';

export interface AadstsDef {
  error: string;
  status: number;
  suberror?: string;
  message: (p: Record<string, string>) => string;
}

const def = (error: string, status: number, message: AadstsDef['message'], suberror?: string): AadstsDef =>
  suberror ? { error, status, message, suberror } : { error, status, message };

export const AADSTS: Record<number, AadstsDef> = {
  16000: def(
    'interaction_required',
    400,
    () =>
      'Either multiple user identities are available for the current request or selected account is not supported for the scenario.',
  ),
  28000: def(
    'invalid_scope',
    400,
    (p) =>
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${p.scope} is not valid.`,
  ),
  50011: def(
    'invalid_grant',
    400,
    (p) =>
      `The redirect URI '${p.uri}' specified in the request does not match the redirect URIs configured for the application '${p.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  ),
  50020: def(
    'access_denied',
    400,
    (p) =>
      `User account '${p.user}' from identity provider 'https://sts.windows.net/${p.userTenant}/' does not exist in tenant '${p.tenant}' and cannot access the application '${p.clientId}'(${p.appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
  ),
  50034: def(
    'invalid_grant',
    400,
    (p) => `The user account ${p.user ?? '{EUII Hidden}'} does not exist in the ${p.tenant} directory.`,
  ),
  50057: def('invalid_grant', 400, () => 'The user account is disabled.'),
  50058: def('login_required', 400, () => 'A silent sign-in request was sent but no user is signed in.'),
  50076: def(
    'invalid_grant',
    400,
    (p) =>
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${p.resource ?? '00000003-0000-0000-c000-000000000000'}'.`,
    'basic_action',
  ),
  50126: def('invalid_grant', 400, () => 'Error validating credentials due to invalid username or password.'),
  50173: def(
    'invalid_grant',
    400,
    (p) =>
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${p.issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${p.validFrom}'.`,
  ),
  50194: def(
    'invalid_request',
    400,
    (p) =>
      `Application '${p.clientId}'(${p.appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
  ),
  54005: def(
    'invalid_grant',
    400,
    () =>
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ),
  65001: def(
    'invalid_grant',
    400,
    (p) =>
      `The user or administrator has not consented to use the application with ID '${p.clientId}' named '${p.appName}'. Send an interactive authorization request for this user and resource.`,
    'consent_required',
  ),
  65004: def('access_denied', 400, () => 'User declined to consent to access the app.'),
  70000: def(
    'invalid_grant',
    400,
    () =>
      'The request was denied because one or more scopes requested are unauthorized or expired. The user must first sign in and grant the client application access to the requested scope.',
  ),
  70003: def('unsupported_grant_type', 400, (p) => `The app requested an unsupported grant type '${p.grantType}'.`),
  70008: def(
    'invalid_grant',
    400,
    () =>
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ),
  70011: def(
    'invalid_scope',
    400,
    (p) =>
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${p.scope} is not valid. static scope limit exceeded.`,
  ),
  90002: def(
    'invalid_request',
    400,
    (p) =>
      `Tenant '${p.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  ),
  90023: def('invalid_request', 400, (p) => `Unsupported 'prompt' value '${p.prompt}'.`),
  90094: def(
    'access_denied',
    400,
    (p) =>
      `Admin consent is required for the permissions requested by application '${p.appName}'. An administrator of '${p.tenantName}' has not granted consent to these permissions.`,
  ),
  90095: def(
    'access_denied',
    400,
    (p) =>
      `An administrator of ${p.tenantName} has set a policy that prevents you from granting ${p.appName} the permissions it is requesting. Contact an administrator of ${p.tenantName}, who can grant permissions to this app on your behalf.`,
  ),
  500011: def(
    'invalid_resource',
    400,
    (p) =>
      `The resource principal named ${p.resource} was not found in the tenant named ${p.tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
  ),
  500113: def('invalid_request', 400, () => 'No reply address is registered for the application.'),
  501481: def(
    'invalid_grant',
    400,
    () => 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  ),
  650053: def(
    'invalid_client',
    400,
    (p) =>
      `The application '${p.appName}' asked for scope '${p.scope}' that doesn't exist on the resource '${p.resource}'. Contact the app vendor.`,
  ),
  700016: def(
    'unauthorized_client',
    400,
    (p) =>
      `Application with identifier '${p.clientId}' was not found in the directory '${p.tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  ),
  700054: def('unsupported_response_type', 400, () => "response_type 'id_token' is not enabled for the application."),
  700082: def(
    'invalid_grant',
    400,
    (p) =>
      `The refresh token has expired due to inactivity. The token was issued on ${p.issued} and was inactive for 90.00:00:00.`,
    'bad_token',
  ),
  700084: def(
    'invalid_grant',
    400,
    (p) =>
      `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${p.issued}.`,
  ),
  900023: def(
    'invalid_request',
    400,
    (p) => `Specified tenant identifier '${p.tenant}' is neither a valid DNS name, nor a valid external domain.`,
  ),
  900144: def('invalid_request', 400, (p) => `The request body must contain the following parameter: '${p.param}'.`),
  901001: def('invalid_request', 400, (p) => `The prompt request parameter value '${p.prompt}' is invalid.`),
  7000215: def(
    'invalid_client',
    401,
    (p) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${p.clientId}'.`,
  ),
  7000218: def(
    'invalid_client',
    401,
    () => "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  ),
  7000222: def(
    'invalid_client',
    401,
    (p) =>
      `The provided client secret keys for app '${p.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  ),
  1002012: def(
    'invalid_scope',
    400,
    (p) =>
      `The provided value for scope ${p.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  ),
  9002313: def('invalid_grant', 400, () => 'Invalid request. Request is malformed or invalid.'),
  9002327: def(
    'invalid_request',
    400,
    () => "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
  ),
};

/** Looks up a code; unknown codes (e.g. forced through the control API) become a generic invalid_grant. */
export function aadsts(code: number): AadstsDef {
  return AADSTS[code] ?? def('invalid_grant', 400, () => 'The request was rejected by the emulator (forced error).');
}

/** `yyyy-MM-dd HH:mm:ssZ`, the format of `timestamp` and the description suffix. */
export function entraTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export interface AadError {
  code: number;
  error: string;
  status: number;
  description: string; // with the Trace/Correlation/Timestamp suffix
  traceId: string;
  correlationId: string;
  timestamp: string;
  errorUri: string;
  suberror?: string;
  line: string; // "AADSTSnnnnn: message" — what HTML pages show
}

export function buildError(
  code: number,
  params: Record<string, string>,
  nowMs: number,
  correlationId: string = randomUUID(),
): AadError {
  const d = aadsts(code);
  const traceId = randomUUID();
  const timestamp = entraTimestamp(nowMs);
  const line = `AADSTS${code}: ${d.message(params)}`;
  const out: AadError = {
    code,
    error: d.error,
    status: d.status,
    line,
    description: `${line}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    traceId,
    correlationId,
    timestamp,
    errorUri: `https://login.microsoftonline.com/error?code=${code}`,
  };
  if (d.suberror) out.suberror = d.suberror;
  return out;
}

/** The token/discovery error JSON of MICROSOFT.md §1.8. */
export function errorJson(e: AadError, extra: { error?: string; claims?: string } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    error: extra.error ?? e.error,
    error_description: e.description,
    error_codes: [e.code],
    timestamp: e.timestamp,
    trace_id: e.traceId,
    correlation_id: e.correlationId,
    error_uri: e.errorUri,
  };
  if (e.suberror) body.suberror = e.suberror;
  if (extra.claims) body.claims = extra.claims;
  return body;
}
