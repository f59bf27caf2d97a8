import { ApiError } from '../api/errors';

/**
 * A sentence an operator can act on. Validation messages come from JSON Schema and name the
 * request path ("body/email must match format …"); the field is shown beside the input anyway,
 * so the path prefix is dropped.
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
      return 'It no longer exists, or you cannot see it.';
    case 'client_archived':
      return 'This client is archived and read-only, so nothing of it can be changed. A system administrator can unarchive it on its page under Clients.';
    case 'raw_message_deleted':
      return 'The raw message was deleted after the client’s retention period; its parsed summary is kept.';
    case 'rate_limited':
      return 'Too many requests. Wait a moment and try again.';
    case 'internal':
      return 'The server ran into a problem. Please try again.';
    default: {
      const message = error.message.replace(/^(body|querystring|params)\/\S+\s+/, '');
      return message.charAt(0).toUpperCase() + message.slice(1);
    }
  }
}
