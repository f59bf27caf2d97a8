// Credentials travel in some URLs' query strings (the OAuth callback's code and state, the
// first-run /setup?token=…). Logged URLs keep every parameter's name, and the value of the
// harmless ones, so a request can still be debugged; a credential's value becomes [redacted].
// Some travel in the path: a learner's link is the invitation's message token (/learn/<token>,
// /api/v1/learn/<token>/…), and a package's content path is that token's hash.

/**
 * Names whose value is a credential. Matched against the decoded, lower-cased name, generously:
 * hiding a harmless value costs a little debugging, showing a credential costs an account.
 */
const CREDENTIAL_NAME = /token|secret|passw|pwd|credential|assertion|signature|(code|state|key|sig|nonce|otp|ticket)$/;

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase(); // malformed escapes: judge the raw text
  }
}

/** Path segments that are credentials: the segment after one of these, and any message token. */
const CREDENTIAL_AFTER = new Set(['learn', 'learn-content']);
const MESSAGE_TOKEN = /^bwm_/;

function redactPath(path: string): string {
  const parts = path.split('/');
  return parts
    .map((p, i) =>
      MESSAGE_TOKEN.test(p) || (i > 0 && CREDENTIAL_AFTER.has(parts[i - 1] ?? '') && p) ? '[redacted]' : p,
    )
    .join('/');
}

export function redactUrl(raw: string): string {
  const q0 = raw.indexOf('?');
  const url = q0 < 0 ? redactPath(raw) : `${redactPath(raw.slice(0, q0))}${raw.slice(q0)}`;
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      return CREDENTIAL_NAME.test(decodedName(name)) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}
