// Outbound HTTP to Microsoft: a timeout on every call, only to allowed origins, and retries on
// 429/503/504 that honour Retry-After (else exponential backoff with jitter). The retry policy
// lives here once so Graph paging, token calls and discovery all behave alike.

export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'forbidden_origin',
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface OutboundOptions {
  allowedOrigins: ReadonlySet<string>;
  timeoutMs?: number;
  /** attempts in all, including the first */
  attempts?: number;
  /** upper bound for a single wait, whatever Retry-After says */
  maxWaitMs?: number;
  /** injectable for tests of the policy itself; production uses setTimeout */
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

const RETRYABLE = new Set([429, 503, 504]);

export const defaultWait = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Seconds from Retry-After (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function outboundFetch(input: string | URL, init: RequestInit, opts: OutboundOptions): Promise<Response> {
  const url = new URL(input);
  if (!opts.allowedOrigins.has(url.origin)) {
    throw new OutboundError(`Refusing to call ${url.origin}: not a configured Microsoft endpoint`, 'forbidden_origin');
  }
  const attempts = opts.attempts ?? 4;
  const wait = opts.wait ?? defaultWait;
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal, redirect: 'manual' });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const kind = timeout.aborted ? 'timeout' : 'network';
      if (attempt >= attempts) throw new OutboundError(`${url.origin} did not answer (${kind})`, kind);
      await wait(backoff(attempt), opts.signal);
      continue;
    }
    if (!RETRYABLE.has(res.status) || attempt >= attempts) return res;
    const ms = retryAfterMs(res.headers.get('retry-after')) ?? backoff(attempt);
    await res.body?.cancel();
    await wait(Math.min(ms, opts.maxWaitMs ?? 120_000), opts.signal);
  }
}

/** 1 s, 2 s, 4 s … with ±20 % jitter so parallel workers do not retry in step. */
export function backoff(attempt: number): number {
  const base = 1000 * 2 ** (attempt - 1);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
