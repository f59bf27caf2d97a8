// The emulator's state: one in-memory Microsoft 365 "cloud" with many tenants.
// Identity (identity/), Graph (graph/), SMTP (smtp/) and the control API (control/) all read
// and write this one Store, so that a user created through the control API can sign in,
// be listed by Graph and receive mail over SMTP without any module knowing the others.

export interface Clock {
  now(): number; // epoch milliseconds
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests can move forward (code expiry, RT inactivity, secret expiry). */
export class ManualClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
}

export interface Tenant {
  id: string; // GUID
  displayName: string;
  domains: string[]; // verified domains; domains[0] is the default (e.g. contoso.onmicrosoft.com)
  /** "Users can request admin consent to apps they are unable to consent to" */
  adminConsentWorkflow: { enabled: boolean; reviewerIds: string[] };
  /** false → SMTP AUTH answers 535 5.7.139 for every mailbox of the tenant */
  smtpAuthEnabled: boolean;
}

export interface ClientSecret {
  keyId: string; // the "secret ID" shown in the portal, never accepted as the secret
  value: string;
  expiresAt: number; // epoch ms
}

export interface RedirectUri {
  uri: string;
  type: 'web' | 'spa';
}

export interface Application {
  clientId: string; // app (client) id GUID
  tenantId: string; // home tenant
  displayName: string;
  redirectUris: RedirectUri[];
  secrets: ClientSecret[];
  /** statically configured "API permissions" (used by /.default and the admin consent endpoint) */
  requiredScopes: string[];
  /** true → the app may be used by users of other tenants (not needed by Baitwise; kept for 50020/50194) */
  multiTenant: boolean;
}

export interface User {
  id: string; // object id (oid) GUID
  tenantId: string;
  userPrincipalName: string;
  mail: string | null;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  accountEnabled: boolean;
  userType: 'Member' | 'Guest';
  password: string;
  isAdmin: boolean; // Global Administrator (may consent for the organization)
  mfaRequired: boolean; // token/authorize answer AADSTS50076 until satisfied
  hasMailbox: boolean;
  createdDateTime: string;
  /** Store.seq value of the last change (for /users/delta) */
  changeSeq: number;
}

/** A deleted user, remembered for /users/delta (`@removed`). */
export interface Tombstone {
  id: string;
  tenantId: string;
  reason: 'changed' | 'deleted'; // changed = soft-deleted (restorable), deleted = permanent
  changeSeq: number;
  user: User; // kept for restore
}

export interface Group {
  id: string;
  tenantId: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[]; // ['Unified'] for Microsoft 365 groups
  memberUserIds: string[];
  memberGroupIds: string[]; // nested groups
  changeSeq: number;
}

/** An OAuth2PermissionGrant: delegated consent for one client in one tenant. */
export interface ConsentGrant {
  tenantId: string;
  clientId: string;
  /** null = tenant-wide ("AllPrincipals", granted by an admin on behalf of the organization) */
  userId: string | null;
  scopes: string[]; // bare Graph names (User.Read) or fully-qualified for other resources
}

/**
 * Admin consent of application permissions (an appRoleAssignment to the app's service principal
 * in a tenant): what the `roles` claim of a client-credentials token carries.
 */
export interface AppRoleGrant {
  tenantId: string;
  clientId: string;
  resource: string; // GRAPH_RESOURCE or OUTLOOK_RESOURCE
  roles: string[]; // Microsoft's spelling (User.Read.All, SMTP.SendAsApp)
}

export interface ConsentRequest {
  id: string;
  tenantId: string;
  clientId: string;
  userId: string; // who asked
  scopes: string[];
  justification: string;
  status: 'pending' | 'approved' | 'denied';
  createdAt: number;
  decidedBy: string | null;
}

export interface AuthCode {
  code: string;
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | 'plain' | null;
  issuedAt: number;
  redeemed: boolean;
}

export interface RefreshToken {
  token: string;
  tenantId: string;
  clientId: string;
  userId: string;
  scopes: string[]; // everything consented in the authorize request (all resources)
  issuedAt: number;
  lastUsedAt: number;
  revoked: boolean;
  spa: boolean;
}

export interface MailMessage {
  id: string; // immutable id (what Prefer: IdType="ImmutableId" returns)
  restId: string; // mutable REST id, changes on move
  ewsId: string; // what Office.context.mailbox.item.itemId gives
  mailboxUserId: string;
  folder: string; // well-known name: inbox, sentitems, deleteditems, junkemail, drafts, …
  internetMessageId: string;
  subject: string;
  from: { name: string; address: string } | null;
  toRecipients: { name: string; address: string }[];
  ccRecipients: { name: string; address: string }[];
  bccRecipients: { name: string; address: string }[];
  receivedDateTime: string;
  internetMessageHeaders: { name: string; value: string }[];
  body: { contentType: 'text' | 'html'; content: string };
  mime: string; // RFC 822 source
  isDraft: boolean;
}

/** Mail to addresses outside every emulated tenant, kept for inspection. */
export interface OutboxEntry {
  id: string;
  via: 'smtp' | 'graph';
  from: string;
  to: string[];
  mime: string;
  at: number;
}

/** Injected faults, set through the control API. */
export interface Faults {
  /** Graph: answer 429 with Retry-After to every n-th request (0 = off) */
  graphThrottleEvery: number;
  graphRetryAfterSeconds: number;
  /** Graph: answer 503 (with Retry-After) to every n-th request (0 = off) */
  graph503Every: number;
  /** extra latency on every Graph/identity request, ms */
  latencyMs: number;
  /** enforce the directory resource-unit budget (MICROSOFT.md §3.7) */
  directoryBudget: boolean;
  /** enforce Outlook per-mailbox limits on Graph mail calls (mailboxLimits.graph*) */
  outlookLimits: boolean;
  /**
   * The per-mailbox limits, Microsoft's by default. A benchmark scales them (same shape: a count
   * per sliding window and a concurrency) to measure a sender against them without waiting hours.
   */
  mailboxLimits: MailboxLimits;
  /** force an AADSTS error on the next token request(s) for a client id: code → remaining count */
  forcedTokenErrors: { clientId: string; aadsts: number; remaining: number }[];
  /**
   * id_tokens for this client id are issued as if by another tenant (iss and tid of tenantId):
   * what a mixed-up or malicious token endpoint would return. Clients must refuse them.
   */
  foreignIdTokens: { clientId: string; tenantId: string }[];
}

export interface MailboxLimits {
  /** Graph (with outlookLimits): requests per app and mailbox per window: 10,000 per 600 s */
  graphRequests: number;
  graphWindowSeconds: number;
  /** Graph (with outlookLimits): concurrent requests per app and mailbox: 4 */
  graphConcurrent: number;
  /** SMTP AUTH: messages per mailbox per window, excess carried over: 30 per 60 s (always on) */
  smtpMessages: number;
  smtpWindowSeconds: number;
  /** SMTP AUTH: concurrent authenticated sessions per mailbox: 3 (always on) */
  smtpSessions: number;
}

export const MICROSOFT_MAILBOX_LIMITS: Readonly<MailboxLimits> = Object.freeze({
  graphRequests: 10_000,
  graphWindowSeconds: 600,
  graphConcurrent: 4,
  smtpMessages: 30,
  smtpWindowSeconds: 60,
  smtpSessions: 3,
});

export const defaultFaults = (): Faults => ({
  graphThrottleEvery: 0,
  graphRetryAfterSeconds: 1,
  graph503Every: 0,
  latencyMs: 0,
  directoryBudget: false,
  outlookLimits: false,
  mailboxLimits: { ...MICROSOFT_MAILBOX_LIMITS },
  forcedTokenErrors: [],
  foreignIdTokens: [],
});

/** Delegated scopes that only an administrator can consent to. */
export const ADMIN_ONLY_SCOPES = new Set(
  [
    'User.Read.All',
    'User.ReadWrite.All',
    'GroupMember.Read.All',
    'Group.Read.All',
    'Directory.Read.All',
    'Member.Read.Hidden',
    'Mail.Read.Shared',
  ].map((s) => s.toLowerCase()),
);

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const OUTLOOK_RESOURCE = 'https://outlook.office.com';
export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export class Store {
  seq = 0; // monotonically increasing change sequence for delta queries
  tenants = new Map<string, Tenant>();
  apps = new Map<string, Application>(); // by clientId
  users = new Map<string, User>(); // by object id
  /** per tenant: users in creation order, for stable paging; rebuilt lazily */
  usersByTenant = new Map<string, User[]>();
  tombstones = new Map<string, Tombstone>(); // by object id
  /**
   * Per user: model field → Store.seq of its last change, and '' → the seq at which the user
   * (re)appeared. /users/delta uses it to send changed properties only (Prefer: return=minimal)
   * and to tell "changed to null" (sent as null) from "never set" (left out).
   */
  userFieldSeq = new Map<string, Map<string, number>>();
  groups = new Map<string, Group>();
  groupsByTenant = new Map<string, Group[]>();
  grants: ConsentGrant[] = [];
  appRoleGrants: AppRoleGrant[] = [];
  consentRequests = new Map<string, ConsentRequest>();
  codes = new Map<string, AuthCode>();
  refreshTokens = new Map<string, RefreshToken>();
  messages = new Map<string, MailMessage>(); // by immutable id
  outbox: OutboxEntry[] = [];
  faults: Faults = defaultFaults();
  /** when true, every refresh revokes the refresh token it consumed (tests rotation logic) */
  revokeOldRefreshTokens = false;
  /** /users/delta tokens issued before this seq answer 400 syncStateNotFound (tests "restart full sync") */
  deltaTokensValidFromSeq = 0;

  constructor(readonly clock: Clock = systemClock) {}

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  tenantByIdOrDomain(idOrDomain: string): Tenant | undefined {
    const key = idOrDomain.toLowerCase();
    const byId = this.tenants.get(key);
    if (byId) return byId;
    for (const t of this.tenants.values()) {
      if (t.domains.some((d) => d.toLowerCase() === key)) return t;
    }
    return undefined;
  }

  addTenant(t: Tenant): Tenant {
    this.tenants.set(t.id.toLowerCase(), t);
    this.usersByTenant.set(t.id, this.usersByTenant.get(t.id) ?? []);
    this.groupsByTenant.set(t.id, this.groupsByTenant.get(t.id) ?? []);
    return t;
  }

  addUser(u: Omit<User, 'changeSeq'>): User {
    const user: User = { ...u, changeSeq: this.nextSeq() };
    this.users.set(user.id, user);
    this.userFieldSeq.set(user.id, new Map([['', user.changeSeq]]));
    this.tombstones.delete(user.id);
    const list = this.usersByTenant.get(user.tenantId) ?? [];
    list.push(user);
    this.usersByTenant.set(user.tenantId, list);
    return user;
  }

  /** Apply a change to a user and stamp it for delta queries. */
  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'tenantId' | 'changeSeq'>>): User | undefined {
    const user = this.users.get(id);
    if (!user) return undefined;
    const changed = Object.entries(patch).filter(
      ([k, v]) => JSON.stringify(user[k as keyof User]) !== JSON.stringify(v),
    );
    // Writing the values a user already has is no change: delta does not report it.
    if (changed.length === 0) return user;
    const seq = this.nextSeq();
    const fields = this.userFieldSeq.get(id) ?? new Map<string, number>();
    for (const [k] of changed) fields.set(k, seq);
    this.userFieldSeq.set(id, fields);
    Object.assign(user, patch, { changeSeq: seq });
    return user;
  }

  deleteUser(id: string, reason: 'changed' | 'deleted'): boolean {
    const user = this.users.get(id);
    if (!user) return false;
    this.users.delete(id);
    const list = this.usersByTenant.get(user.tenantId);
    if (list) {
      const i = list.indexOf(user);
      if (i >= 0) list.splice(i, 1);
    }
    for (const g of this.groupsByTenant.get(user.tenantId) ?? []) {
      const i = g.memberUserIds.indexOf(id);
      if (i >= 0) {
        g.memberUserIds.splice(i, 1);
        g.changeSeq = this.nextSeq();
      }
    }
    this.tombstones.set(id, { id, tenantId: user.tenantId, reason, changeSeq: this.nextSeq(), user });
    return true;
  }

  /** Restore a soft-deleted user (reason "changed"); it reappears in delta without annotation. */
  restoreUser(id: string): User | undefined {
    const t = this.tombstones.get(id);
    if (t?.reason !== 'changed') return undefined;
    this.tombstones.delete(id);
    const { changeSeq: _old, ...rest } = t.user;
    return this.addUser(rest);
  }

  addGroup(g: Omit<Group, 'changeSeq'>): Group {
    const group: Group = { ...g, changeSeq: this.nextSeq() };
    this.groups.set(group.id, group);
    const list = this.groupsByTenant.get(group.tenantId) ?? [];
    list.push(group);
    this.groupsByTenant.set(group.tenantId, list);
    return group;
  }

  userByIdOrUpn(tenantId: string, idOrUpn: string): User | undefined {
    const byId = this.users.get(idOrUpn.toLowerCase());
    if (byId && byId.tenantId === tenantId) return byId;
    const key = idOrUpn.toLowerCase();
    for (const u of this.usersByTenant.get(tenantId) ?? []) {
      if (u.userPrincipalName.toLowerCase() === key) return u;
    }
    return undefined;
  }

  /** Find the user (in any tenant) whose UPN or mail matches — sign-in and mail delivery. */
  userByAddress(address: string): User | undefined {
    const key = address.toLowerCase();
    for (const u of this.users.values()) {
      if (u.userPrincipalName.toLowerCase() === key || u.mail?.toLowerCase() === key) return u;
    }
    return undefined;
  }

  /** Scopes consented for this user and client (tenant-wide grants plus the user's own). */
  consentedScopes(tenantId: string, clientId: string, userId: string): Set<string> {
    const out = new Set<string>();
    for (const g of this.grants) {
      if (g.tenantId !== tenantId || g.clientId !== clientId) continue;
      if (g.userId !== null && g.userId !== userId) continue;
      for (const s of g.scopes) out.add(s.toLowerCase());
    }
    return out;
  }

  grant(tenantId: string, clientId: string, userId: string | null, scopes: string[]): void {
    let g = this.grants.find((x) => x.tenantId === tenantId && x.clientId === clientId && x.userId === userId);
    if (!g) {
      g = { tenantId, clientId, userId, scopes: [] };
      this.grants.push(g);
    }
    const have = new Set(g.scopes.map((s) => s.toLowerCase()));
    for (const s of scopes) if (!have.has(s.toLowerCase())) g.scopes.push(s);
  }

  /** Remove consent (all grants of a client in a tenant), as an admin would in Entra. */
  revokeConsent(tenantId: string, clientId: string): void {
    this.grants = this.grants.filter((g) => !(g.tenantId === tenantId && g.clientId === clientId));
    this.appRoleGrants = this.appRoleGrants.filter((g) => !(g.tenantId === tenantId && g.clientId === clientId));
  }

  /** Admin consent of application permissions of one resource for a client in a tenant (additive). */
  grantAppRoles(tenantId: string, clientId: string, resource: string, roles: string[]): AppRoleGrant {
    let g = this.appRoleGrants.find(
      (x) => x.tenantId === tenantId && x.clientId === clientId && x.resource === resource,
    );
    if (!g) {
      g = { tenantId, clientId, resource, roles: [] };
      this.appRoleGrants.push(g);
    }
    for (const r of roles) if (!g.roles.some((x) => x.toLowerCase() === r.toLowerCase())) g.roles.push(r);
    return g;
  }

  appRolesOf(tenantId: string, clientId: string, resource: string): string[] {
    return (
      this.appRoleGrants.find((x) => x.tenantId === tenantId && x.clientId === clientId && x.resource === resource)
        ?.roles ?? []
    );
  }
}
