// Exchange-side access rules Graph enforces on mailboxes, beyond the token's permissions:
// - mailbox permissions (Add-MailboxPermission -AccessRights FullAccess): a delegated token with
//   Mail.Read.Shared / Mail.ReadWrite.Shared reaches a mailbox its user has Full Access to;
// - application access policies (New-ApplicationAccessPolicy): an app-only token of an app with a
//   RestrictAccess policy reaches only the policy's mailboxes, with DenyAccess all but those.
// RBAC for Applications (management scopes) narrows an app the same way; the emulator models it
// as this one policy list (see emulator/README.md).
import type { Store } from '../model.js';

export interface AppAccessPolicy {
  tenantId: string;
  appId: string;
  accessRight: 'RestrictAccess' | 'DenyAccess';
  mailboxUserIds: Set<string>;
}

interface AccessState {
  /** mailbox user id → user ids with Full Access */
  fullAccess: Map<string, Set<string>>;
  policies: AppAccessPolicy[];
}

const states = new WeakMap<Store, AccessState>();

export function accessState(store: Store): AccessState {
  let s = states.get(store);
  if (!s) {
    s = { fullAccess: new Map(), policies: [] };
    states.set(store, s);
  }
  return s;
}

export function grantFullAccess(store: Store, mailboxUserId: string, userId: string): void {
  const s = accessState(store);
  const set = s.fullAccess.get(mailboxUserId) ?? new Set<string>();
  set.add(userId);
  s.fullAccess.set(mailboxUserId, set);
}

export const hasFullAccess = (store: Store, mailboxUserId: string, userId: string): boolean =>
  accessState(store).fullAccess.get(mailboxUserId)?.has(userId) ?? false;

/** Whether the app's policies (if any) let an app-only token reach the mailbox. */
export function appMayAccess(store: Store, tenantId: string, appId: string, mailboxUserId: string): boolean {
  const mine = accessState(store).policies.filter(
    (p) => p.tenantId === tenantId && p.appId.toLowerCase() === appId.toLowerCase(),
  );
  if (mine.length === 0) return true;
  // Exchange: a RestrictAccess match grants; otherwise any DenyAccess policy that does not list the
  // mailbox grants; a mailbox a RestrictAccess policy does not list is refused.
  if (mine.some((p) => p.accessRight === 'RestrictAccess' && p.mailboxUserIds.has(mailboxUserId))) return true;
  if (mine.some((p) => p.accessRight === 'DenyAccess' && p.mailboxUserIds.has(mailboxUserId))) return false;
  return !mine.some((p) => p.accessRight === 'RestrictAccess');
}
