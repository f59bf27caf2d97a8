// A thin typed Microsoft Graph client: bearer token, only to the configured Graph endpoints,
// Retry-After honoured (lib/outbound.ts), Graph's error JSON turned into GraphError.
import type { Config } from '../config.js';
import { outboundFetch } from '../lib/outbound.js';
import { CLOUDS, type Cloud, cloudEndpoints } from './clouds.js';

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export class GraphClient {
  private readonly allowedOrigins: Set<string>;
  /** Upload sessions' URLs are on Outlook's host (outlook.office.com), or Graph's where it is emulated. */
  private readonly uploadOrigins: Set<string>;

  constructor(private readonly config: Pick<Config, 'microsoft'>) {
    this.allowedOrigins = new Set(CLOUDS.map((c) => new URL(cloudEndpoints(c, config).graphEndpoint).origin));
    this.uploadOrigins = new Set([
      ...this.allowedOrigins,
      ...CLOUDS.map((c) => new URL(cloudEndpoints(c, config).outlookResource).origin),
    ]);
  }

  /**
   * GET a Graph v1.0 path (or an absolute nextLink) and parse the JSON. `signal` also ends the
   * retries' Retry-After waits: a stopped sync does not sit out Microsoft's throttling first.
   */
  async get<T>(
    cloud: Cloud,
    token: string,
    pathOrUrl: string,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<T> {
    const url = pathOrUrl.startsWith('http')
      ? pathOrUrl
      : `${cloudEndpoints(cloud, this.config).graphEndpoint}/v1.0${pathOrUrl}`;
    const res = await outboundFetch(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers } },
      { allowedOrigins: this.allowedOrigins, timeoutMs: 30_000, attempts: 5, signal },
    );
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } } & T;
    if (!res.ok)
      throw new GraphError(res.status, body.error?.code ?? `http_${res.status}`, body.error?.message ?? res.statusText);
    return body;
  }

  /**
   * Any Graph v1.0 call whose answer is not (only) JSON: the raw body as bytes (`/$value` is a
   * message's MIME, kept byte for byte), a JSON request body when given. Graph's error JSON still
   * becomes a GraphError. Fewer attempts than `get`: a person is waiting for the answer.
   */
  async request(
    cloud: Cloud,
    token: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    opts: { attempts?: number; timeoutMs?: number } = {},
  ): Promise<{ status: number; bytes: Buffer }> {
    const url = `${cloudEndpoints(cloud, this.config).graphEndpoint}/v1.0${path}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await outboundFetch(
      url,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
      { allowedOrigins: this.allowedOrigins, timeoutMs: opts.timeoutMs ?? 30_000, attempts: opts.attempts ?? 3 },
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    if (!res.ok) {
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(bytes.toString('utf8')) as { error?: { code?: string; message?: string } }).error;
      } catch {
        error = undefined;
      }
      throw new GraphError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText);
    }
    return { status: res.status, bytes };
  }

  /**
   * PUT one range of a file to an upload session's URL (createUploadSession). The URL carries its
   * own token: no Authorization header goes with it. 429/503 are retried after Retry-After like
   * every other call; the answer says which byte the session expects next (null once complete).
   */
  async uploadRange(
    uploadUrl: string,
    chunk: Buffer,
    start: number,
    total: number,
  ): Promise<{ status: number; nextExpected: number | null }> {
    const res = await outboundFetch(
      uploadUrl,
      {
        method: 'PUT',
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${start}-${start + chunk.length - 1}/${total}`,
        },
        body: new Uint8Array(chunk),
      },
      { allowedOrigins: this.uploadOrigins, timeoutMs: 60_000, attempts: 3 },
    );
    const text = await res.text();
    let body: { error?: { code?: string; message?: string }; nextExpectedRanges?: string[] } = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = {};
    }
    if (!res.ok)
      throw new GraphError(res.status, body.error?.code ?? `http_${res.status}`, body.error?.message ?? res.statusText);
    if (res.status === 201) return { status: 201, nextExpected: null };
    const next = Number.parseInt(body.nextExpectedRanges?.[0] ?? '', 10);
    return { status: res.status, nextExpected: Number.isFinite(next) ? next : start + chunk.length };
  }
}
