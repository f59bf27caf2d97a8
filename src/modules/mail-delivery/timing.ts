// The dispatcher's clocks, all derived from one setting (BAITWISE_MAIL_SLICE_SECONDS, 30 s by
// default) so they stay in proportion when an operator (or a test) shortens it:
// - a dispatch job sends for one slice, then hands the rest to a new job;
// - one send (connect, TLS, AUTH, DATA, or a Graph request) gives up after the send timeout;
// - a claimed message's lease outlives any live attempt (twice the send timeout), so only a dead
//   sender's message is ever taken again (and marked in doubt);
// - pg-boss retries a dead worker's job once it expires: a live job ends within its slice plus
//   the sends in flight, so 3 slices + one send timeout is never reached by a live one.
// With the default these are the long-standing 30 s slice, 60 s send timeout, 2-minute lease and
// 150 s expiry; with the smallest slice (2 s) a crashed worker's mail moves on within seconds.
export const DEFAULT_MAIL_SLICE_SECONDS = 30;

export interface MailTiming {
  sliceMs: number;
  /** the longest one send may be silent (SMTP socket idle, Graph request) */
  sendTimeoutMs: number;
  /** SMTP connection and greeting */
  connectTimeoutMs: number;
  leaseMs: number;
  expireInSeconds: number;
}

export function mailTiming(sliceSeconds = DEFAULT_MAIL_SLICE_SECONDS): MailTiming {
  const sendTimeoutMs = Math.min(60, 2 * sliceSeconds) * 1000;
  return {
    sliceMs: sliceSeconds * 1000,
    sendTimeoutMs,
    connectTimeoutMs: Math.min(15_000, sendTimeoutMs),
    leaseMs: 2 * sendTimeoutMs,
    expireInSeconds: 3 * sliceSeconds + sendTimeoutMs / 1000,
  };
}
