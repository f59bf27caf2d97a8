// GET /{tenant}/oauth2/v2.0/authorize and GET /{tenant}/v2.0/adminconsent: validation of the
// request (fatal errors as HTML, the rest redirected) and the decision where the browser goes
// first (silent code, account picker, sign-in form). The form steps live in login.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import type { Tenant, User } from '../model.js';
import {
  clientRequestId,
  fatalPage,
  findApp,
  html,
  now,
  readCookie,
  resolveTenant,
  respond,
  respondError,
  SESSION_COOKIE,
} from './common.js';
import { issueCode } from './mint.js';
import { accountPickerPage, passwordPage, signInPage } from './pages.js';
import { expandToKeys, isOidc, parseScopes, scopeProblem } from './scopes.js';
import { type Flow, identityState, type Session, type SessionAccount } from './state.js';

type Query = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account', 'create', 'no_session']);

export const loginAction = (flow: Flow) => `/${flow.tenantId}/login`;
export const returnUrl = (flow: Flow) => `/${flow.tenantId}/login/return?flow=${encodeURIComponent(flow.id)}`;

/** Resource scopes of the flow the user has not consented to yet (OIDC scopes never need consent here). */
export function missingConsent(ctx: EmulatorContext, flow: Flow, user: User): string[] {
  const have = ctx.store.consentedScopes(flow.tenantId, flow.clientId, user.id);
  return flow.scopes.filter((k) => !isOidc(k) && !have.has(k.toLowerCase()));
}

/** Redirect with a fresh code and finish the flow. */
export function completeWithCode(
  ctx: EmulatorContext,
  reply: FastifyReply,
  flow: Flow,
  user: User,
  mfa: boolean,
  session: Session,
): FastifyReply {
  const code = issueCode(ctx, {
    tenantId: flow.tenantId,
    clientId: flow.clientId,
    userId: user.id,
    redirectUri: flow.redirectUri,
    scopes: flow.scopes,
    nonce: flow.nonce,
    codeChallenge: flow.codeChallenge,
    codeChallengeMethod: flow.codeChallengeMethod,
    mfa,
  });
  identityState(ctx.store).flows.delete(flow.id);
  return respond(reply, flow, { code, session_state: session.state });
}

/** Accounts of this session that belong to the flow's tenant and still can sign in. */
export function sessionAccounts(ctx: EmulatorContext, session: Session | undefined, tenantId: string) {
  const out: { account: SessionAccount; user: User }[] = [];
  for (const a of session?.accounts ?? []) {
    const user = ctx.store.users.get(a.userId);
    if (a.tenantId === tenantId && user?.accountEnabled) out.push({ account: a, user });
  }
  return out;
}

export function tenantUserByLogin(ctx: EmulatorContext, tenantId: string, login: string): User | undefined {
  const key = login.trim().toLowerCase();
  for (const u of ctx.store.usersByTenant.get(tenantId) ?? []) {
    if (u.userPrincipalName.toLowerCase() === key || u.mail?.toLowerCase() === key) return u;
  }
  return undefined;
}

type Validated = { flow: Flow; tenant: Tenant } | { done: FastifyReply };

/** Shared validation of authorize and adminconsent requests. */
function startFlow(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
  kind: Flow['kind'],
  segment: string,
): Validated {
  const q = req.query as Query;
  const clientId = first(q.client_id);
  const redirectUri = first(q.redirect_uri);
  const correlationId = clientRequestId(req);
  const lookup = resolveTenant(ctx, segment);
  if ('code' in lookup) return { done: fatalPage(ctx, reply, lookup.code, { tenant: segment }, correlationId) };
  if ('multi' in lookup) {
    // Baitwise always uses tenant-specific authorities; /common etc. only get their error pages.
    const app = clientId ? ctx.store.apps.get(clientId.toLowerCase()) : undefined;
    if (!app)
      return { done: fatalPage(ctx, reply, 700016, { clientId: clientId ?? '', tenantName: segment }, correlationId) };
    if (kind === 'adminconsent' && lookup.multi === 'common' && app.redirectUris.some((r) => r.uri === redirectUri)) {
      const flow = bareFlow(ctx, kind, app.tenantId, app.clientId, redirectUri as string, first(q.state));
      flow.correlationId = correlationId;
      return { done: respondError(ctx, reply, flow, 900144, { param: 'response_type' }) };
    }
    return { done: fatalPage(ctx, reply, 50194, { clientId: app.clientId, appName: app.displayName }, correlationId) };
  }
  const tenant = lookup.tenant;
  if (!clientId) return { done: fatalPage(ctx, reply, 900144, { param: 'client_id' }, correlationId) };
  const app = findApp(ctx, tenant, clientId);
  if (!app) return { done: fatalPage(ctx, reply, 700016, { clientId, tenantName: tenant.displayName }, correlationId) };
  if (!redirectUri) return { done: fatalPage(ctx, reply, 500113, {}, correlationId) };
  if (!app.redirectUris.some((r) => r.uri === redirectUri)) {
    return { done: fatalPage(ctx, reply, 50011, { uri: redirectUri, clientId: app.clientId }, correlationId) };
  }

  const prompt = first(q.prompt);
  if (kind === 'authorize' && prompt !== undefined) {
    if (prompt === 'admin_consent') return { done: fatalPage(ctx, reply, 901001, { prompt }, correlationId) };
    if (/\s/.test(prompt.trim()) || !PROMPTS.has(prompt))
      return { done: fatalPage(ctx, reply, 90023, { prompt }, correlationId) };
  }
  const mode = first(q.response_mode);
  const flow = bareFlow(ctx, kind, tenant.id, app.clientId, redirectUri, first(q.state));
  flow.correlationId = correlationId;
  if (mode === 'form_post' || mode === 'fragment') flow.responseMode = mode;

  if (kind === 'authorize') {
    const responseType = first(q.response_type);
    if (!responseType) return { done: respondError(ctx, reply, flow, 900144, { param: 'response_type' }) };
    if (responseType !== 'code') return { done: respondError(ctx, reply, flow, 700054, {}) };
  }
  const scope = first(q.scope);
  if (!scope) return { done: respondError(ctx, reply, flow, 900144, { param: 'scope' }) };
  const parsed = parseScopes(scope);
  if (!parsed.ok) {
    return {
      done: respondError(ctx, reply, flow, 500011, {
        resource: parsed.unknownResource,
        tenantName: tenant.displayName,
      }),
    };
  }
  // Unknown permissions and /.default mixed with explicit ones are refused, never consented.
  const problem = scopeProblem(parsed.scopes, scope);
  if (problem) {
    return { done: respondError(ctx, reply, flow, problem.code, { ...problem.params, appName: app.displayName }) };
  }
  flow.scopes = expandToKeys(parsed.scopes, app.requiredScopes);
  if (!flow.scopes.some((k) => !isOidc(k))) flow.scopes.push('User.Read'); // Entra's default permission

  const challenge = first(q.code_challenge);
  if (challenge) {
    const method = first(q.code_challenge_method) ?? 'plain';
    if (method !== 'S256' && method !== 'plain') {
      return { done: respondError(ctx, reply, flow, 900144, { param: 'code_challenge_method' }) };
    }
    flow.codeChallenge = challenge;
    flow.codeChallengeMethod = method;
  }
  flow.nonce = first(q.nonce) ?? null;
  flow.prompt = prompt;
  flow.loginHint = first(q.login_hint);
  return { flow, tenant };
}

function bareFlow(
  ctx: EmulatorContext,
  kind: Flow['kind'],
  tenantId: string,
  clientId: string,
  redirectUri: string,
  state: string | undefined,
): Flow {
  return identityState(ctx.store).newFlow({
    kind,
    tenantId,
    clientId,
    redirectUri,
    responseMode: 'query',
    state,
    nonce: null,
    scopes: [],
    codeChallenge: null,
    codeChallengeMethod: null,
    prompt: undefined,
    loginHint: undefined,
    createdAt: now(ctx),
  });
}

export interface StepHandlers {
  /** continue after the user is known and authenticated (consent decisions) */
  afterSignIn(reply: FastifyReply, flow: Flow, user: User, session: Session): FastifyReply;
  /** user is known but must still do MFA */
  startMfa(reply: FastifyReply, flow: Flow, user: User): FastifyReply;
}

export function registerAuthorize(app: FastifyInstance, ctx: EmulatorContext, steps: StepHandlers): void {
  const st = identityState(ctx.store);
  const target = (flow: Flow) => ({ action: loginAction(flow), flowId: flow.id });
  const appName = (flow: Flow) => ctx.store.apps.get(flow.clientId)?.displayName ?? flow.clientId;

  function route(req: FastifyRequest, reply: FastifyReply, flow: Flow): FastifyReply {
    const session = st.session(readCookie(req, SESSION_COOKIE));
    const accounts = sessionAccounts(ctx, session, flow.tenantId);
    const hint = flow.loginHint?.toLowerCase();
    const hinted = hint
      ? accounts.find((a) => a.user.userPrincipalName.toLowerCase() === hint || a.user.mail?.toLowerCase() === hint)
      : undefined;

    if (flow.prompt === 'none') {
      const chosen = hinted ?? (accounts.length === 1 ? accounts[0] : undefined);
      if (!chosen || !session) {
        const code = accounts.length > 1 ? 16000 : 50058;
        return respondError(
          ctx,
          reply,
          flow,
          code,
          {},
          accounts.length > 1 ? 'interaction_required' : 'login_required',
        );
      }
      if (chosen.user.mfaRequired && !chosen.account.mfa) {
        return respondError(ctx, reply, flow, 50076, {}, 'interaction_required');
      }
      if (missingConsent(ctx, flow, chosen.user).length > 0) {
        const a = ctx.store.apps.get(flow.clientId);
        return respondError(
          ctx,
          reply,
          flow,
          65001,
          { clientId: flow.clientId, appName: a?.displayName ?? '' },
          'consent_required',
        );
      }
      return completeWithCode(ctx, reply, flow, chosen.user, chosen.account.mfa, session);
    }

    const chooseAccount = (a: { account: SessionAccount; user: User }) => {
      flow.userId = a.user.id;
      if (a.user.mfaRequired && !a.account.mfa) return steps.startMfa(reply, flow, a.user);
      return steps.afterSignIn(reply, flow, a.user, session as Session);
    };

    if (flow.prompt === 'login' || flow.prompt === 'create') return firstStep(reply, flow);
    if (flow.prompt === 'select_account' || flow.kind === 'adminconsent') {
      if (accounts.length === 0) return firstStep(reply, flow);
      const list = accounts.map((a) => ({ id: a.user.id, upn: a.user.userPrincipalName, name: a.user.displayName }));
      return html(reply, accountPickerPage(target(flow), list));
    }
    if (hinted) return chooseAccount(hinted);
    if (!hint && accounts.length === 1) return chooseAccount(accounts[0] as (typeof accounts)[number]);
    if (!hint && accounts.length > 1) {
      const list = accounts.map((a) => ({ id: a.user.id, upn: a.user.userPrincipalName, name: a.user.displayName }));
      return html(reply, accountPickerPage(target(flow), list));
    }
    return firstStep(reply, flow);
  }

  /** Sign-in form; with a login_hint of a known account Entra goes straight to the password. */
  function firstStep(reply: FastifyReply, flow: Flow): FastifyReply {
    const hinted = flow.loginHint ? tenantUserByLogin(ctx, flow.tenantId, flow.loginHint) : undefined;
    if (hinted) {
      flow.userId = hinted.id;
      return html(reply, passwordPage(target(flow), { username: hinted.userPrincipalName }));
    }
    return html(reply, signInPage(target(flow), { appName: appName(flow), loginHint: flow.loginHint ?? '' }));
  }

  app.get('/:tenant/oauth2/v2.0/authorize', async (req, reply) => {
    const v = startFlow(ctx, req, reply, 'authorize', (req.params as { tenant: string }).tenant);
    return 'done' in v ? v.done : route(req, reply, v.flow);
  });

  app.get('/:tenant/v2.0/adminconsent', async (req, reply) => {
    const v = startFlow(ctx, req, reply, 'adminconsent', (req.params as { tenant: string }).tenant);
    return 'done' in v ? v.done : route(req, reply, v.flow);
  });
}
