// Bearer-token check for Graph. The token says who (tid/oid), which app (appid) and what it may
// do (scp for delegated, roles for app-only); every handler asks this module, never the claims.
import type { EmulatorContext } from '../context.js';
import { GRAPH_APP_ID, type User } from '../model.js';
import { directoryDenied, GraphError, mailDenied, WWW_AUTHENTICATE } from './errors.js';

export interface Principal {
  tenantId: string;
  /** null for app-only tokens */
  userId: string | null;
  appId: string;
  /** lower-cased delegated scopes and application roles together */
  permissions: Set<string>;
  appOnly: boolean;
}

const unauthorized = (message: string) =>
  new GraphError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': WWW_AUTHENTICATE });

export async function authenticate(ctx: EmulatorContext, authorization: string | undefined): Promise<Principal> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!m?.[1]) {
    throw unauthorized('Access token is empty.');
  }
  const now = ctx.store.clock.now();
  const result = await ctx.signer.verifyAccessToken(m[1], GRAPH_APP_ID, now);
  if ('error' in result) {
    if (result.error === 'expired') throw unauthorized('Lifetime validation failed, the token is expired.');
    if (result.error === 'audience') throw unauthorized('Invalid audience.');
    throw unauthorized('IDX14100: JWT is not well formed, there are no dots (.).');
  }
  const { claims, scopes } = result;
  const roles = (claims as unknown as { roles?: unknown }).roles;
  const permissions = new Set(scopes);
  if (Array.isArray(roles)) for (const r of roles) permissions.add(String(r).toLowerCase());
  // App-only (client credentials) tokens carry idtyp=app and no scp, with or without roles.
  const raw = claims as unknown as { idtyp?: string; scp?: string };
  const appOnly = raw.idtyp === 'app' || (raw.scp === undefined && Array.isArray(roles));
  if (!ctx.store.tenants.has(String(claims.tid).toLowerCase())) throw unauthorized('Invalid tenant.');
  return { tenantId: claims.tid, userId: appOnly ? null : claims.oid, appId: claims.appid, permissions, appOnly };
}

export function hasAny(p: Principal, perms: readonly string[]): boolean {
  return perms.some((s) => p.permissions.has(s.toLowerCase()));
}

export const USER_READ_ALL = [
  'User.Read.All',
  'User.ReadBasic.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const GROUP_READ = [
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'GroupMember.Read.All',
];
export const MEMBER_READ = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
// The .Shared variants cover the user's own mailbox too; other mailboxes need Full Access (mailbox.ts).
export const MAIL_READ = ['Mail.Read', 'Mail.ReadWrite', 'Mail.ReadBasic', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'];
export const MAIL_WRITE = ['Mail.ReadWrite', 'Mail.ReadWrite.Shared'];
export const MAIL_SEND = ['Mail.Send'];

export function requireDirectory(p: Principal, perms: readonly string[]): void {
  if (!hasAny(p, perms)) throw directoryDenied();
}

export function requireMail(p: Principal, perms: readonly string[]): void {
  if (!hasAny(p, perms)) throw mailDenied();
}

/** The signed-in user behind a delegated token (/me). */
export function signedInUser(ctx: EmulatorContext, p: Principal): User {
  if (!p.userId) {
    throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  }
  const u = ctx.store.users.get(p.userId);
  if (!u || u.tenantId !== p.tenantId) {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${p.userId}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
  return u;
}
