// Which mailbox a /me/… or /users/{id|upn}/… mail request addresses, and whether the token may
// touch it. Delegated: the signed-in user's own mailbox; another mailbox only with a `.Shared`
// permission (Mail.Read.Shared to read, Mail.ReadWrite.Shared to change) AND Full Access to it in
// Exchange — sending as another mailbox stays ErrorSendAsDenied (no Send As model). App-only: any
// mailbox of the tenant unless an application access policy leaves it out (mail/access.ts).
import { appMayAccess, hasFullAccess } from '../mail/access.js';
import type { User } from '../model.js';
import { hasAny, signedInUser } from './auth.js';
import { GraphError, mailDenied } from './errors.js';
import type { GraphReq } from './request.js';

export const sendAsDenied = () =>
  new GraphError(
    403,
    'ErrorSendAsDenied',
    'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
  );

/** Resolve the addressed user without permission checks (used for Outlook limits keys too). */
export function addressedUser(req: GraphReq): User | undefined {
  const first = req.segments[0]?.toLowerCase();
  if (first === 'me') return req.principal.userId ? req.ctx.store.users.get(req.principal.userId) : undefined;
  const key = req.segments[1];
  return key ? req.ctx.store.userByIdOrUpn(req.principal.tenantId, key) : undefined;
}

/** Graph's answer when an application access policy leaves the mailbox out. */
export const appPolicyDenied = () =>
  new GraphError(
    403,
    'ErrorAccessDenied',
    'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.',
  );

function delegatedMayReach(req: GraphReq, u: User, purpose: 'read' | 'write'): boolean {
  const p = req.principal;
  if (!p.userId || !hasFullAccess(req.ctx.store, u.id, p.userId)) return false;
  return hasAny(p, purpose === 'write' ? ['Mail.ReadWrite.Shared'] : ['Mail.Read.Shared', 'Mail.ReadWrite.Shared']);
}

export function targetMailbox(req: GraphReq, purpose: 'read' | 'write' | 'send'): User {
  let u: User | undefined;
  if (req.segments[0]?.toLowerCase() === 'me') {
    u = signedInUser(req.ctx, req.principal);
  } else {
    const key = req.segments[1] ?? '';
    u = req.ctx.store.userByIdOrUpn(req.principal.tenantId, key);
    if (!u) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
  }
  if (!req.principal.appOnly && u.id !== req.principal.userId) {
    if (purpose === 'send') throw sendAsDenied();
    if (!delegatedMayReach(req, u, purpose)) throw mailDenied();
  }
  if (req.principal.appOnly && !appMayAccess(req.ctx.store, req.principal.tenantId, req.principal.appId, u.id)) {
    throw appPolicyDenied();
  }
  if (!u.hasMailbox) {
    throw new GraphError(
      404,
      'MailboxNotEnabledForRESTAPI',
      'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
    );
  }
  return u;
}

/** How the request addressed the user, for @odata.context: users('…') */
export function userRef(req: GraphReq, u: User): string {
  return req.segments[0]?.toLowerCase() === 'me' ? u.id : (req.segments[1] ?? u.id);
}
