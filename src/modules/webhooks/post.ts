// One webhook request: a POST of the body with its headers, 10 s in all (connect, send, answer),
// no redirect followed (a 3xx is the endpoint's answer), and at most 1 KB of the answer kept for
// the delivery log. node:http(s) rather than fetch: it takes a lookup function, so the address
// actually connected to is the one checked (destination.ts).
import http from 'node:http';
import https from 'node:https';
import { checkLiteralHost, guardedLookup, type WebhookPolicy } from './destination.js';

export const TIMEOUT_MS = 10_000;
export const EXCERPT_BYTES = 1024;

export type PostResult =
  | { ok: true; status: number; retryAfter: string | null; excerpt: string; durationMs: number }
  | { ok: false; error: string; durationMs: number; retryable: boolean };

export function postWebhook(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  policy: WebhookPolicy,
): Promise<PostResult> {
  const started = Date.now();
  const failed = (error: string, retryable = true): PostResult => ({
    ok: false,
    error,
    retryable,
    durationMs: Date.now() - started,
  });
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(rawUrl);
      checkLiteralHost(url, policy);
    } catch (err) {
      return resolve(failed((err as Error).message, false));
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(policy) as never,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      const reason =
        err.name === 'AbortError' || err.name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : `${err.code ? `${err.code}: ` : ''}${err.message}`;
      // A refused destination stays refused: no retry.
      resolve(failed(reason, err.name !== 'DestinationRefusedError'));
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const retryAfter = res.headers['retry-after'];
        resolve({
          ok: true,
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8'),
          durationMs: Date.now() - started,
        });
      };
      res.on('data', (c: Buffer) => {
        if (size < EXCERPT_BYTES) chunks.push(c);
        size += c.length;
        // The rest of a long answer is not needed: stop reading it.
        if (size >= EXCERPT_BYTES) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.end(body);
  });
}
