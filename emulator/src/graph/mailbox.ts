// Which mailbox a /me/… or /users/{id|upn}/… mail request addresses, and whether the token may
// touch it: delegated tokens only reach the signed-in user's own mailbox here (no Exchange
// delegation model), app-only tokens reach any mailbox of their tenant.
import type { User } from '../model.js';
import { signedInUser } from './auth.js';
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

export function targetMailbox(req: GraphReq, purpose: 'read' | 'send'): User {
  let u: User | undefined;
  if (req.segments[0]?.toLowerCase() === 'me') {
    u = signedInUser(req.ctx, req.principal);
  } else {
    const key = req.segments[1] ?? '';
    u = req.ctx.store.userByIdOrUpn(req.principal.tenantId, key);
    if (!u) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
  }
  if (!req.principal.appOnly && u.id !== req.principal.userId) {
    throw purpose === 'send' ? sendAsDenied() : mailDenied();
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
