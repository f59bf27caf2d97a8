// Shared setup for identity tests: a tenant and an app registration created through the control
// API (so the API is exercised too), plus helpers to build authorize URLs.
import { createHash, randomBytes } from 'node:crypto';
import type { Harness } from './harness.js';

export interface Account {
  id: string;
  userPrincipalName: string;
  password: string;
}

export interface Fixture {
  tid: string;
  domain: string;
  admin: Account;
  user: Account;
  clientId: string;
  clientSecret: string;
  secretKeyId: string;
  redirectUri: string;
}

export const BAITWISE_SCOPE =
  'openid offline_access email User.Read User.Read.All GroupMember.Read.All Mail.ReadWrite Mail.Send';

export async function control<T = Record<string, unknown>>(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${h.urls.control}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export async function setupTenant(
  h: Harness,
  name = 'Contoso',
  seed = 'test',
  redirectUri = 'http://127.0.0.1:59999/auth/callback',
): Promise<Fixture> {
  const t = await control<{ id: string; domains: string[]; admin: Account; user: Account }>(h, 'POST', '/tenants', {
    name,
    users: 20,
    groups: 5,
    seed,
  });
  const a = await control<{ clientId: string; clientSecret: string; secretKeyId: string }>(h, 'POST', '/applications', {
    tenantId: t.id,
    displayName: 'Baitwise Test',
    redirectUris: [redirectUri],
    requiredScopes: ['User.Read', 'User.Read.All', 'GroupMember.Read.All', 'Mail.ReadWrite', 'Mail.Send'],
  });
  return {
    tid: t.id,
    domain: t.domains[0] as string,
    admin: t.admin,
    user: t.user,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    secretKeyId: a.secretKeyId,
    redirectUri,
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function authorizeUrl(h: Harness, f: Fixture, params: Record<string, string> = {}): string {
  const u = new URL(`${h.urls.authority}/${f.tid}/oauth2/v2.0/authorize`);
  const all = {
    client_id: f.clientId,
    response_type: 'code',
    redirect_uri: f.redirectUri,
    scope: BAITWISE_SCOPE,
    state: 'st-1',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) u.searchParams.set(k, v);
  return u.toString();
}

export async function tokenPost(
  h: Harness,
  tid: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${h.urls.authority}/${tid}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
