// What went wrong with one delivery attempt, classified once so the dispatcher, the test send and
// the console agree on what happens next:
// - `transient`: this message is tried again later (SMTP 4xx, a dropped connection)
// - `throttled`: the server asked us to slow down (429/503 + Retry-After); the profile waits
// - `permanent`: this recipient cannot get this message (SMTP 5xx about the recipient)
// - `profile`: nothing this profile sends can succeed until an administrator acts (authentication,
//   Send As rights, consent); the profile pauses with the reason
// - `quota`: the mailbox's daily submission quota is used up; the profile pauses until it resets
export type DeliveryErrorKind = 'transient' | 'throttled' | 'permanent' | 'profile' | 'quota';

export class DeliveryError extends Error {
  constructor(
    readonly kind: DeliveryErrorKind,
    /** stable: `smtp.535.5.7.139`, `graph.ErrorSendAsDenied`, `network` … (see guidance.ts) */
    readonly code: string,
    message: string,
    /** the server's own words: the SMTP reply line, or Graph's error message */
    readonly reply?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
  /** the SMTP command answered: 'CONN', 'AUTH PLAIN', 'MAIL FROM', 'RCPT TO', 'DATA'; 'API' for nodemailer's own checks */
  command?: string;
}

/** The enhanced status code (`5.7.139`) of an SMTP reply, if it has one. */
const enhanced = (reply: string | undefined) => /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply ?? '')?.[1];

/** An error thrown by nodemailer, classified. */
export function classifySmtp(err: unknown): DeliveryError {
  const e = (err ?? {}) as SmtpFailure;
  const reply = e.response?.trim();
  const status = e.responseCode;
  // nodemailer refused the envelope itself (an address it cannot use): this message only.
  if (e.code === 'EENVELOPE' && e.command === 'API') {
    return new DeliveryError('permanent', 'invalid_address', `The address cannot be used: ${e.message ?? ''}`);
  }
  if (!status) {
    // No reply: the connection, TLS or a timeout. Worth another try later.
    const what = e.code === 'ETIMEDOUT' ? 'timed out' : 'could not be reached';
    return new DeliveryError(
      'transient',
      `network.${e.code ?? 'error'}`,
      `The SMTP server ${what}: ${e.message ?? ''}`,
    );
  }
  const x = enhanced(reply);
  const code = `smtp.${status}${x ? `.${x}` : ''}`;
  const msg = `The SMTP server answered ${reply ?? status}`;
  if (/SubmissionQuotaExceeded/i.test(reply ?? '')) return new DeliveryError('quota', code, msg, reply);
  if (status >= 400 && status < 500) return new DeliveryError('transient', code, msg, reply);
  // Authentication and sender rights: every message of the profile would fail the same way.
  if (status === 535 || status === 530 || status === 534 || x === '5.7.60' || x === '5.7.30' || x === '5.7.57') {
    return new DeliveryError('profile', code, msg, reply);
  }
  // Refused before any recipient was named (the sender, the session): not about this recipient.
  if (e.command && e.command !== 'RCPT TO' && e.command !== 'DATA')
    return new DeliveryError('profile', code, msg, reply);
  return new DeliveryError('permanent', code, msg, reply);
}
