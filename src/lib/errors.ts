// Typed application errors. Services throw these; http/error-handler.ts maps them once to
// `{error:{code,message,details?},requestId}`. Anything else becomes a bare 500.

export type ErrorDetails = { field?: string } & Record<string, unknown>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ErrorDetails,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(field: string, message: string, details: Record<string, unknown> = {}) {
    super(400, 'validation_failed', message, { field, ...details });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'Sign in or send an API token.') {
    super(401, 'unauthenticated', message);
  }
}

export class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'The email address or password is incorrect.');
  }
}

export class AccountLockedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'account_locked', 'Too many failed sign-in attempts. Try again later.', { retryAfterSeconds });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', 'Too many requests. Try again later.', { retryAfterSeconds });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.') {
    super(403, 'forbidden', message);
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_failed', 'Missing or invalid X-CSRF-Token header.');
  }
}

/** Also what another client's object answers: indistinguishable from a missing one. */
export class NotFoundError extends AppError {
  constructor(what = 'Resource') {
    super(404, 'not_found', `${what} not found.`);
  }
}

export class ConflictError extends AppError {
  constructor(field: string, message: string) {
    super(409, 'conflict', message, { field });
  }
}

/**
 * An archived client is read-only: every change to it is refused until a system administrator
 * restores it (the one change allowed).
 */
export class ClientArchivedError extends AppError {
  constructor() {
    super(
      409,
      'client_archived',
      'This client is archived and read-only: nothing of it can be changed. A system administrator can restore it (Clients → Restore, or PATCH /api/v1/clients/{clientId} with {"archived": false}).',
    );
  }
}

/**
 * The request is valid but the installation or the client is not ready for it (a setting is
 * missing or unsuitable): 409, with a message that says what to set or do.
 */
export class NotReadyError extends AppError {
  constructor(code: string, message: string, details?: ErrorDetails) {
    super(409, code, message, details);
  }
}
