// The control API (/_emulator/…): what a test or the demo uses to shape the emulated cloud —
// tenants, users, apps and secrets, consent, MFA, revocation, clock and faults. JSON in and out;
// errors are {error} with a 4xx status. Documented in emulator/README.md.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { addSecret, createApplication, type NewApplication } from '../apps.js';
import type { EmulatorContext } from '../context.js';
import { generateTenant } from '../generate.js';
import { appRole, delegatedScope } from '../identity/permissions.js';
import { parseScopes, type Resource } from '../identity/scopes.js';
import { identityState } from '../identity/state.js';
import {
  type Application,
  type Faults,
  type MailboxLimits,
  ManualClock,
  MICROSOFT_MAILBOX_LIMITS,
  type Store,
  type Tenant,
  type User,
} from '../model.js';
import { registerConsentReview } from './consent.js';

type Json = Record<string, unknown>;

const fail = (reply: FastifyReply, status: number, error: string) => reply.code(status).send({ error });

/** Users as the control API shows them: everything but the password. */
export function publicUser(u: User): Json {
  const { password: _p, ...rest } = u;
  return rest;
}

export function publicApp(a: Application): Json {
  return {
    ...a,
    secrets: a.secrets.map((s) => ({
      keyId: s.keyId,
      expiresAt: new Date(s.expiresAt).toISOString(),
      hint: s.value.slice(0, 3),
    })),
  };
}

function tenantSummary(store: Store, t: Tenant): Json {
  return {
    ...t,
    users: store.usersByTenant.get(t.id)?.length ?? 0,
    groups: store.groupsByTenant.get(t.id)?.length ?? 0,
    applications: [...store.apps.values()].filter((a) => a.tenantId === t.id).map((a) => a.clientId),
  };
}

function revokeRefreshTokens(store: Store, userId: string): number {
  let revoked = 0;
  for (const rt of store.refreshTokens.values()) {
    if (rt.userId === userId && !rt.revoked) {
      rt.revoked = true;
      revoked++;
    }
  }
  return revoked;
}

const USER_FIELDS = [
  'userPrincipalName',
  'mail',
  'displayName',
  'givenName',
  'surname',
  'jobTitle',
  'department',
  'officeLocation',
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
  'accountEnabled',
  'userType',
  'password',
  'isAdmin',
  'mfaRequired',
  'hasMailbox',
] as const;

function pickUserFields(body: Json): Partial<User> {
  const out: Json = {};
  for (const k of USER_FIELDS) if (k in body) out[k] = body[k];
  return out as Partial<User>;
}

/**
 * The first entry of a permission list that the resource does not publish (the portal only
 * offers existing permissions), or null. `roles` also allows application permissions.
 */
function unknownPermission(list: unknown, roles: boolean): string | null {
  if (!Array.isArray(list)) return 'not a list';
  for (const item of list) {
    const parsed = parseScopes(String(item));
    if (!parsed.ok || parsed.scopes.length !== 1) return String(item);
    const s = parsed.scopes[0]!;
    if (s.resource === null) continue;
    if (!delegatedScope(s.resource, s.name) && !(roles && appRole(s.resource, s.name))) return String(item);
  }
  return null;
}

export async function registerControl(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const store = ctx.store;
  const tenantOf = (id: string) => store.tenantByIdOrDomain(id);

  app.get('/_emulator/ca.pem', async (_req, reply) =>
    reply.header('content-type', 'application/x-pem-file').send(ctx.urls.caPem),
  );

  // ── tenants ──────────────────────────────────────────────────────────────
  app.post('/_emulator/tenants', async (req, reply) => {
    const b = (req.body ?? {}) as { name?: string; domain?: string; users?: number; groups?: number; seed?: string };
    const name = b.name ?? `Tenant ${store.tenants.size + 1}`;
    if (b.domain && store.tenantByIdOrDomain(b.domain)) return fail(reply, 409, `domain ${b.domain} already exists`);
    const users = Number(b.users ?? 10);
    const groups = Number(b.groups ?? 3);
    if (!Number.isInteger(users) || users < 0 || users > 1_000_000) return fail(reply, 400, 'users must be 0…1000000');
    if (!Number.isInteger(groups) || groups < 0 || groups > 10_000) return fail(reply, 400, 'groups must be 0…10000');
    const g = generateTenant(store, {
      name,
      users,
      groups,
      seed: b.seed ?? randomUUID(),
      ...(b.domain ? { domain: b.domain } : {}),
    });
    return reply
      .code(201)
      .send({ ...tenantSummary(store, g.tenant), admin: g.admin, user: g.user, defaultPassword: g.defaultPassword });
  });

  app.get('/_emulator/tenants', async () => ({
    value: [...store.tenants.values()].map((t) => tenantSummary(store, t)),
  }));

  app.get('/_emulator/tenants/:tid', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    return t ? tenantSummary(store, t) : fail(reply, 404, 'tenant not found');
  });

  app.put('/_emulator/tenants/:tid/admin-consent-workflow', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    if (!t) return fail(reply, 404, 'tenant not found');
    const b = (req.body ?? {}) as { enabled?: boolean; reviewerIds?: string[] };
    t.adminConsentWorkflow = {
      enabled: b.enabled ?? t.adminConsentWorkflow.enabled,
      reviewerIds: b.reviewerIds ?? t.adminConsentWorkflow.reviewerIds,
    };
    return t.adminConsentWorkflow;
  });

  app.put('/_emulator/tenants/:tid/smtp-auth', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    if (!t) return fail(reply, 404, 'tenant not found');
    t.smtpAuthEnabled = Boolean((req.body as { enabled?: boolean } | undefined)?.enabled);
    return { smtpAuthEnabled: t.smtpAuthEnabled };
  });

  app.get('/_emulator/tenants/:tid/users', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    if (!t) return fail(reply, 404, 'tenant not found');
    const q = req.query as { skip?: string; top?: string };
    const skip = Number(q.skip ?? 0);
    const top = Math.min(Number(q.top ?? 100), 1000);
    const list = store.usersByTenant.get(t.id) ?? [];
    return { count: list.length, value: list.slice(skip, skip + top).map(publicUser) };
  });

  // ── users ────────────────────────────────────────────────────────────────
  app.post('/_emulator/tenants/:tid/users', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    if (!t) return fail(reply, 404, 'tenant not found');
    const b = (req.body ?? {}) as Json;
    const fields = pickUserFields(b);
    const local = String(fields.displayName ?? `user${store.seq}`)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '.');
    const upn = (fields.userPrincipalName ?? `${local}@${t.domains[0]}`).toLowerCase();
    if (store.userByIdOrUpn(t.id, upn)) return fail(reply, 409, `user ${upn} already exists`);
    const user = store.addUser({
      id: typeof b.id === 'string' ? b.id : randomUUID(),
      tenantId: t.id,
      userPrincipalName: upn,
      mail: upn,
      displayName: upn.split('@')[0] as string,
      givenName: null,
      surname: null,
      jobTitle: null,
      department: null,
      officeLocation: null,
      mobilePhone: null,
      businessPhones: [],
      preferredLanguage: 'en-US',
      accountEnabled: true,
      userType: 'Member',
      password: `Pw-${randomUUID().slice(0, 8)}!`,
      isAdmin: false,
      mfaRequired: false,
      hasMailbox: true,
      createdDateTime: new Date(store.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      ...fields,
    });
    return reply.code(201).send({ ...publicUser(user), password: user.password });
  });

  app.get('/_emulator/users/:id', async (req, reply) => {
    const u = store.users.get((req.params as { id: string }).id);
    return u ? publicUser(u) : fail(reply, 404, 'user not found');
  });

  app.patch('/_emulator/users/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const fields = pickUserFields((req.body ?? {}) as Json);
    const before = store.users.get(id)?.password;
    const u = store.updateUser(id, fields);
    if (!u) return fail(reply, 404, 'user not found');
    // A password reset revokes the user's refresh tokens in Entra (MICROSOFT.md §1.7).
    if (fields.password !== undefined && fields.password !== before) revokeRefreshTokens(store, id);
    return publicUser(u);
  });

  app.delete('/_emulator/users/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    const q = req.query as { reason?: string };
    const body = (req.body ?? {}) as { reason?: string };
    const reason = (body.reason ?? q.reason ?? 'changed') === 'deleted' ? 'deleted' : 'changed';
    return store.deleteUser(id, reason) ? { id, reason } : fail(reply, 404, 'user not found');
  });

  app.post('/_emulator/users/:id/restore', async (req, reply) => {
    const u = store.restoreUser((req.params as { id: string }).id);
    return u ? publicUser(u) : fail(reply, 404, 'no soft-deleted user with this id');
  });

  // MFA is a sign-in policy, not a directory property: no delta change stamp.
  app.put('/_emulator/users/:id/mfa', async (req, reply) => {
    const u = store.users.get((req.params as { id: string }).id);
    if (!u) return fail(reply, 404, 'user not found');
    u.mfaRequired = (req.body as { required?: boolean } | undefined)?.required !== false;
    return { id: u.id, mfaRequired: u.mfaRequired };
  });

  // "Revoke sessions" in Entra: every refresh token and browser session of the user dies.
  app.post('/_emulator/users/:id/revoke-sessions', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!store.users.get(id)) return fail(reply, 404, 'user not found');
    const revoked = revokeRefreshTokens(store, id);
    identityState(store).signOutEverywhere(id);
    return { id, revokedRefreshTokens: revoked };
  });

  // ── groups ───────────────────────────────────────────────────────────────
  app.post('/_emulator/tenants/:tid/groups', async (req, reply) => {
    const t = tenantOf((req.params as { tid: string }).tid);
    if (!t) return fail(reply, 404, 'tenant not found');
    const b = (req.body ?? {}) as Json;
    const unified = b.unified === true;
    const displayName = String(b.displayName ?? 'New group');
    const group = store.addGroup({
      id: typeof b.id === 'string' ? b.id : randomUUID(),
      tenantId: t.id,
      displayName,
      description: typeof b.description === 'string' ? b.description : null,
      mail: unified ? `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '')}@${t.domains[0]}` : null,
      mailEnabled: unified,
      securityEnabled: !unified,
      groupTypes: unified ? ['Unified'] : [],
      memberUserIds: Array.isArray(b.memberUserIds) ? (b.memberUserIds as string[]) : [],
      memberGroupIds: Array.isArray(b.memberGroupIds) ? (b.memberGroupIds as string[]) : [],
    });
    return reply.code(201).send(group);
  });

  // ── applications ─────────────────────────────────────────────────────────
  app.post('/_emulator/applications', async (req, reply) => {
    const b = (req.body ?? {}) as NewApplication;
    const t = b.tenantId ? tenantOf(b.tenantId) : undefined;
    if (!t) return fail(reply, 400, 'tenantId must name an existing tenant');
    if (b.clientId && store.apps.has(b.clientId.toLowerCase())) return fail(reply, 409, 'clientId already registered');
    const badScope = b.requiredScopes === undefined ? null : unknownPermission(b.requiredScopes, true);
    if (badScope)
      return fail(reply, 400, `requiredScopes: ${badScope} is not a permission of Microsoft Graph or Exchange`);
    const { app: a, secrets } = createApplication(store, { ...b, tenantId: t.id });
    const first = secrets[0];
    return reply.code(201).send({
      ...publicApp(a),
      clientSecret: first?.value,
      secretKeyId: first?.keyId,
      secrets: secrets.map((s) => ({ ...s, expiresAt: new Date(s.expiresAt).toISOString() })),
    });
  });

  app.get('/_emulator/applications/:clientId', async (req, reply) => {
    const a = store.apps.get((req.params as { clientId: string }).clientId.toLowerCase());
    return a ? publicApp(a) : fail(reply, 404, 'application not found');
  });

  app.patch('/_emulator/applications/:clientId', async (req, reply) => {
    const a = store.apps.get((req.params as { clientId: string }).clientId.toLowerCase());
    if (!a) return fail(reply, 404, 'application not found');
    const b = (req.body ?? {}) as Partial<NewApplication>;
    const badScope = b.requiredScopes === undefined ? null : unknownPermission(b.requiredScopes, true);
    if (badScope)
      return fail(reply, 400, `requiredScopes: ${badScope} is not a permission of Microsoft Graph or Exchange`);
    if (b.displayName) a.displayName = b.displayName;
    if (b.redirectUris)
      a.redirectUris = b.redirectUris.map((r) => (typeof r === 'string' ? { uri: r, type: 'web' } : r));
    if (b.requiredScopes) a.requiredScopes = b.requiredScopes;
    if (b.multiTenant !== undefined) a.multiTenant = b.multiTenant;
    return publicApp(a);
  });

  app.post('/_emulator/applications/:clientId/secrets', async (req, reply) => {
    const a = store.apps.get((req.params as { clientId: string }).clientId.toLowerCase());
    if (!a) return fail(reply, 404, 'application not found');
    const s = addSecret(store, a, (req.body ?? {}) as { value?: string; expiresInSeconds?: number });
    return reply.code(201).send({ ...s, expiresAt: new Date(s.expiresAt).toISOString() });
  });

  app.post('/_emulator/applications/:clientId/secrets/:keyId/expire', async (req, reply) => {
    const { clientId, keyId } = req.params as { clientId: string; keyId: string };
    const s = store.apps.get(clientId.toLowerCase())?.secrets.find((x) => x.keyId === keyId);
    if (!s) return fail(reply, 404, 'secret not found');
    s.expiresAt = store.clock.now() - 1000;
    return { keyId, expiresAt: new Date(s.expiresAt).toISOString() };
  });

  // ── consent ──────────────────────────────────────────────────────────────
  app.get('/_emulator/grants', async (req) => {
    const q = req.query as { tenantId?: string; clientId?: string };
    return {
      value: store.grants.filter(
        (g) => (!q.tenantId || g.tenantId === q.tenantId) && (!q.clientId || g.clientId === q.clientId),
      ),
    };
  });

  app.post('/_emulator/grants', async (req, reply) => {
    const b = (req.body ?? {}) as { tenantId?: string; clientId?: string; userId?: string | null; scopes?: string[] };
    const t = b.tenantId ? tenantOf(b.tenantId) : undefined;
    if (!t || !b.clientId || !Array.isArray(b.scopes))
      return fail(reply, 400, 'tenantId, clientId and scopes are required');
    const badScope = unknownPermission(b.scopes, false);
    if (badScope)
      return fail(reply, 400, `scopes: ${badScope} is not a delegated permission of Microsoft Graph or Exchange`);
    store.grant(t.id, b.clientId.toLowerCase(), b.userId ?? null, b.scopes);
    return reply
      .code(201)
      .send({ value: store.grants.filter((g) => g.tenantId === t.id && g.clientId === b.clientId) });
  });

  app.delete('/_emulator/grants', async (req, reply) => {
    const q = req.query as { tenantId?: string; clientId?: string };
    const t = q.tenantId ? tenantOf(q.tenantId) : undefined;
    if (!t || !q.clientId) return fail(reply, 400, 'tenantId and clientId are required');
    store.revokeConsent(t.id, q.clientId.toLowerCase());
    return { removed: true };
  });

  // Admin consent of application permissions (app roles): what client-credentials tokens carry.
  app.get('/_emulator/app-role-grants', async (req) => {
    const q = req.query as { tenantId?: string; clientId?: string };
    return {
      value: store.appRoleGrants.filter(
        (g) => (!q.tenantId || g.tenantId === q.tenantId) && (!q.clientId || g.clientId === q.clientId),
      ),
    };
  });

  app.post('/_emulator/app-role-grants', async (req, reply) => {
    const b = (req.body ?? {}) as { tenantId?: string; clientId?: string; roles?: unknown };
    const t = b.tenantId ? tenantOf(b.tenantId) : undefined;
    if (!t) return fail(reply, 400, 'tenantId must name an existing tenant');
    const a = b.clientId ? store.apps.get(b.clientId.toLowerCase()) : undefined;
    if (!a || (a.tenantId !== t.id && !a.multiTenant))
      return fail(reply, 400, 'clientId must name an application of the tenant');
    if (!Array.isArray(b.roles) || b.roles.length === 0) return fail(reply, 400, 'roles must be a non-empty list');
    const byResource = new Map<Resource, string[]>();
    for (const item of b.roles) {
      const parsed = parseScopes(String(item));
      const s = parsed.ok && parsed.scopes.length === 1 ? parsed.scopes[0] : undefined;
      const role = s?.resource ? appRole(s.resource, s.name) : undefined;
      if (!s?.resource || !role) {
        return fail(
          reply,
          400,
          `roles: ${String(item)} is not an application permission of Microsoft Graph or Exchange`,
        );
      }
      byResource.set(s.resource, [...(byResource.get(s.resource) ?? []), role]);
    }
    for (const [resource, roles] of byResource) store.grantAppRoles(t.id, a.clientId, resource, roles);
    return reply.code(201).send({
      value: store.appRoleGrants.filter((g) => g.tenantId === t.id && g.clientId === a.clientId),
    });
  });

  app.delete('/_emulator/app-role-grants', async (req, reply) => {
    const q = req.query as { tenantId?: string; clientId?: string };
    const t = q.tenantId ? tenantOf(q.tenantId) : undefined;
    if (!t || !q.clientId) return fail(reply, 400, 'tenantId and clientId are required');
    const clientId = q.clientId.toLowerCase();
    store.appRoleGrants = store.appRoleGrants.filter((g) => !(g.tenantId === t.id && g.clientId === clientId));
    return { removed: true };
  });

  registerConsentReview(app, ctx);

  // ── refresh-token policy, clock, faults ──────────────────────────────────
  app.put('/_emulator/refresh-tokens/policy', async (req) => {
    store.revokeOldRefreshTokens = Boolean((req.body as { revokeOld?: boolean } | undefined)?.revokeOld);
    return { revokeOld: store.revokeOldRefreshTokens };
  });

  app.get('/_emulator/clock', async () => ({
    now: new Date(store.clock.now()).toISOString(),
    manual: store.clock instanceof ManualClock,
  }));

  app.post('/_emulator/clock/advance', async (req, reply) => {
    if (!(store.clock instanceof ManualClock)) {
      return fail(
        reply,
        409,
        'the emulator runs on the system clock; start it with --manual-clock (or a ManualClock in-process) to move time',
      );
    }
    const seconds = Number((req.body as { seconds?: number } | undefined)?.seconds ?? 0);
    if (!Number.isFinite(seconds) || seconds < 0) return fail(reply, 400, 'seconds must be a non-negative number');
    store.clock.advance(seconds * 1000);
    return { now: new Date(store.clock.now()).toISOString() };
  });

  app.get('/_emulator/faults', async () => store.faults);

  app.put('/_emulator/faults', async (req, reply) => {
    const b = (req.body ?? {}) as Partial<Faults>;
    // mailboxLimits merges by limit, so a bench can scale one without restating the others
    let mailboxLimits = store.faults.mailboxLimits;
    if (b.mailboxLimits !== undefined) {
      mailboxLimits = { ...mailboxLimits };
      for (const [k, v] of Object.entries(b.mailboxLimits ?? {})) {
        if (!(k in MICROSOFT_MAILBOX_LIMITS)) return fail(reply, 400, `mailboxLimits.${k} is not a limit`);
        if (!Number.isInteger(v) || (v as number) < 1)
          return fail(reply, 400, `mailboxLimits.${k} must be a positive integer`);
        mailboxLimits[k as keyof MailboxLimits] = v as number;
      }
    }
    Object.assign(store.faults, b, { mailboxLimits });
    return store.faults;
  });
}
