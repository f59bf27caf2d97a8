// Microsoft Graph's refusals as our errors, decided in one place. What a Graph status and code
// mean is known here; which of our request fields a Graph call was made from is known only to
// the caller, which names it (GraphSubject). Branch on status and code, never on Graph's text.
//
// - 404 (Request_ResourceNotFound, ErrorItemNotFound) and 400 (Request_BadRequest, BadRequest,
//   Request_UnsupportedQuery, ErrorInvalidIdMalformed…) came from what the user gave us: 400
//   validation_failed naming the field, with what to do.
// - 401 after the caller's one refresh, 403 (Authorization_RequestDenied, ErrorAccessDenied): the
//   application lacks a permission or its consent: 409 naming the permissions and what to do.
// - 429 and 5xx after the client's Retry-After retries, or Microsoft unreachable: 503
//   microsoft_unavailable; nothing was changed, try again.
// - anything else: 502 microsoft_error (a refusal we cannot pin on the input).
import { AppError, ValidationError } from '../lib/errors.js';
import { OutboundError } from '../lib/outbound.js';
import { GraphError } from './graph.js';

export interface GraphSubject {
  /** the request field the call was made from, as details.field: "groupIds.1", "search" */
  field: string;
  /** what the field names, for messages: "Entra group '3f2c…'" */
  what: string;
  /** what the user does about a missing or refused value */
  fix: string;
  /** the Graph permissions (any of) the call needs, named when Microsoft refuses access */
  permissions: readonly string[];
}

export class MicrosoftUnavailableError extends AppError {
  constructor() {
    super(
      503,
      'microsoft_unavailable',
      'Microsoft Graph is unavailable or throttling (it kept answering "try later"). Nothing was changed; try again in a few minutes.',
    );
  }
}

export class MicrosoftPermissionError extends AppError {
  constructor(subject: GraphSubject, graphCode: string, tokenRefused: boolean) {
    const perms = subject.permissions.join(' or ');
    super(
      409,
      'microsoft_permission_missing',
      tokenRefused
        ? `Microsoft Graph refused the Azure application's access token while reading ${subject.what} (${graphCode}). Authorize the application again on the Azure Applications page.`
        : `Microsoft Graph refused the Azure application access to ${subject.what} (${graphCode}): it needs the delegated permission ${perms} with admin consent. Add it to the app registration in Entra, grant admin consent, then authorize the application again on the Azure Applications page.`,
      { field: subject.field, permissions: [...subject.permissions], microsoftCode: graphCode },
    );
  }
}

export class MicrosoftRefusedError extends AppError {
  constructor(err: GraphError) {
    super(502, 'microsoft_error', `Microsoft Graph refused the request (${err.status} ${err.code}): ${err.message}`, {
      microsoftCode: err.code,
    });
  }
}

const NOT_FOUND = 404;

/** The error to throw for a failed Graph call made from `subject`; non-Graph errors pass through. */
export function graphFailure(err: unknown, subject: GraphSubject): unknown {
  if (err instanceof OutboundError) return err.kind === 'forbidden_origin' ? err : new MicrosoftUnavailableError();
  if (!(err instanceof GraphError)) return err;
  if (err.status === 429 || err.status >= 500) return new MicrosoftUnavailableError();
  if (err.status === 401 || err.status === 403)
    return new MicrosoftPermissionError(subject, err.code, err.status === 401);
  if (err.status === NOT_FOUND) {
    return new ValidationError(
      subject.field,
      `${subject.what} does not exist in the client's Microsoft Entra tenant, or the Azure application cannot see it. ${subject.fix}`,
      { microsoftCode: err.code },
    );
  }
  if (err.status === 400) {
    return new ValidationError(
      subject.field,
      `Microsoft Graph refused ${subject.what}: ${err.message} ${subject.fix}`,
      {
        microsoftCode: err.code,
      },
    );
  }
  return new MicrosoftRefusedError(err);
}

/** Run a Graph call made from `subject`, its failure mapped by graphFailure. */
export async function fromGraph<T>(subject: GraphSubject, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw graphFailure(err, subject);
  }
}
