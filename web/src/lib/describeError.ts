import { ApiError } from '../api/errors';

/** Ajv's phrasing ("must match format \"uuid\"", "must NOT have more than …"), never shown as is. */
const SCHEMA_WORDING =
  /must (match|NOT|be (string|integer|number|boolean|array|object|equal))|format "|pattern "|^(body|querystring|params)\//;

/**
 * A sentence an operator can act on. The server words its validation messages for people
 * (src/http/validation-messages.ts: "First name is longer than 200 characters.", "This client
 * does not exist."); what is left here are the codes whose server text is written for API
 * clients, and a last guard against JSON Schema's own wording should any slip through.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'invalid_credentials':
      return 'The email address or password is not correct.';
    case 'account_locked': {
      const minutes = Math.max(1, Math.ceil((error.retryAfterSeconds ?? 60) / 60));
      return `This account is locked after too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
    }
    case 'forbidden':
      return 'You are not permitted to do this.';
    case 'csrf_failed':
      return 'Your session could not be verified. Please try again.';
    case 'not_found':
      // an id in the address that cannot be one: the server names the thing ("This client does not exist.")
      return typeof error.details.resource === 'string' ? error.message : 'It no longer exists, or you cannot see it.';
    case 'client_archived':
      return 'This client is archived and read-only, so nothing of it can be changed. A system administrator can unarchive it on its page under Clients.';
    case 'raw_message_deleted':
      return 'The raw message was deleted after the client’s retention period; its parsed summary is kept.';
    case 'rate_limited':
      return 'Too many requests. Wait a moment and try again.';
    case 'internal':
      return 'The server ran into a problem. Please try again.';
    default: {
      if (SCHEMA_WORDING.test(error.message)) return 'Some of what was entered is not in the expected form.';
      return error.message.charAt(0).toUpperCase() + error.message.slice(1);
    }
  }
}
