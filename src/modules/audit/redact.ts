// The last guard between a secret and the audit log. Callers record field names, not secret
// values (record.ts), but one slip would keep a password for as long as the log is kept and
// hand it to every reader and every CSV export. So before an entry is written, a value under a
// credential's name becomes [redacted], and a URL loses its user info and its credential query
// parameters (a webhook's ?token=…), however deep in the details they sit.
import { redactUrl } from '../../lib/redact-url.js';

/** Keys whose value is a credential. Counts like revokedApiTokens are not: token must stand alone. */
const SECRET_KEY =
  /passw|passphrase|secret|credential|private_?key|api_?key|(^|_|[a-z])(access|refresh|id|bearer|session)_?token$|^token$|_token$|assertion|^otp$/i;

/** scheme://user:password@ — the user info of a URL, which is a credential. */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i;

/** A URL loses its user info and its credential parameters; the rest is kept as written. */
const redactString = (value: string): string =>
  /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value.replace(USER_INFO, '$1')) : value;

const MAX_DEPTH = 8;

function redact(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactString(value);
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v != null ? '[redacted]' : redact(v, depth + 1)]),
  );
}

/** The details with every credential's value replaced by [redacted]. */
export const redactDetails = (details: Record<string, unknown>): Record<string, unknown> =>
  redact(details, 0) as Record<string, unknown>;
