// The server's error envelope: {error: {code, message, details?: {field?, retryAfterSeconds?}}}.
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The request field the server blames, so forms can show the message beside that input. */
  readonly field: string | undefined;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.field = typeof details.field === 'string' ? details.field : undefined;
  }

  get retryAfterSeconds(): number | undefined {
    const value = this.details.retryAfterSeconds;
    return typeof value === 'number' ? value : undefined;
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

/** Turns the envelope (or anything else a proxy might answer) into an ApiError. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && typeof error.code === 'string') {
    const details =
      error.details && typeof error.details === 'object' ? (error.details as Record<string, unknown>) : {};
    const message = typeof error.message === 'string' ? error.message : response.statusText;
    return new ApiError(response.status, error.code, message, details);
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`);
}
