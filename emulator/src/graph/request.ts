// What a Graph handler gets and returns. Handlers are plain functions of this request so the
// router (routes.ts) can apply auth, faults and headers uniformly.
import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorContext } from '../context.js';
import type { Principal } from './auth.js';

export interface GraphReq {
  ctx: EmulatorContext;
  method: string;
  /** decoded path segments after /v1.0 */
  segments: string[];
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** raw request body for text/plain (MIME sendMail) */
  rawBody: string | null;
  principal: Principal;
  /** base for @odata.nextLink/deltaLink, e.g. http://127.0.0.1:5000/graph/v1.0 */
  linkBase: string;
}

export interface GraphRes {
  status: number;
  /** objects are serialised as OData JSON; strings are sent as-is with contentType */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

export const CONTEXT_BASE = 'https://graph.microsoft.com/v1.0/$metadata';

export const json = (body: unknown, status = 200, headers?: Record<string, string>): GraphRes => ({
  status,
  body,
  headers,
});

export function q(req: GraphReq, name: string): string | null {
  // OData option names are case-insensitive ($TOP and $top); first match wins.
  const lower = name.toLowerCase();
  for (const [k, v] of req.query) if (k.toLowerCase() === lower) return v;
  return null;
}

/** Re-serialise query options for a nextLink, replacing/adding the given ones. */
export function linkWith(req: GraphReq, path: string, set: Record<string, string>, drop: string[] = []): string {
  const out = new URLSearchParams();
  const skip = new Set([...Object.keys(set), ...drop].map((k) => k.toLowerCase()));
  for (const [k, v] of req.query) if (!skip.has(k.toLowerCase())) out.append(k, v);
  for (const [k, v] of Object.entries(set)) out.append(k, v);
  // Graph leaves '$', ',' , '(' , ')' and quotes readable in its links.
  const qs = out
    .toString()
    .replace(/\+/g, '%20')
    .replace(/%24/g, '$')
    .replace(/%2C/gi, ',')
    .replace(/%28/g, '(')
    .replace(/%29/g, ')')
    .replace(/%27/g, "'");
  return `${req.linkBase}/${path}${qs ? `?${qs}` : ''}`;
}
