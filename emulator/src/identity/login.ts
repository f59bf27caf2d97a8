// The interactive steps behind the sign-in pages: username → password → (MFA) → consent or
// "Need admin approval" / "Approval required", plus the account picker and the
// "Return to the application without granting consent" link. All forms POST to /{tenant}/login.
import { randomInt, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { ADMIN_ONLY_SCOPES, type User } from '../model.js';
import {
  completeWithCode,
  loginAction,
  missingConsent,
  registerAuthorize,
  returnUrl,
  type StepHandlers,
  sessionAccounts,
  tenantUserByLogin,
} from './authorize.js';
import { html, now, readCookie, respond, respondError, SESSION_COOKIE, setSessionCookie } from './common.js';
import { buildError } from './errors.js';
import {
  approvalRequiredPage,
  consentPage,
  errorPage,
  mfaPage,
  needAdminApprovalPage,
  passwordPage,
  requestSentPage,
  signInPage,
} from './pages.js';
import { describeScope, isOidc } from './scopes.js';
import { type Flow, identityState } from './state.js';

type Body = Record<string, string | undefined>;

export function registerLogin(app: FastifyInstance, ctx: EmulatorContext): void {
  const st = identityState(ctx.store);
  const store = ctx.store;
  const target = (flow: Flow) => ({ action: loginAction(flow), flowId: flow.id });
  const appOf = (flow: Flow) => store.apps.get(flow.clientId);
  const appName = (flow: Flow) => appOf(flow)?.displayName ?? flow.clientId;
  const tenantName = (flow: Flow) => store.tenants.get(flow.tenantId)?.displayName ?? flow.tenantId;
  const perms = (keys: string[]) => keys.map((key) => ({ key, description: describeScope(key) }));

  const steps: StepHandlers = {
    startMfa(reply, flow, user) {
      flow.userId = user.id;
      flow.mfaCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
      return html(reply, mfaPage(target(flow), { username: user.userPrincipalName, code: flow.mfaCode }));
    },

    afterSignIn(reply, flow, user, session) {
      if (flow.kind === 'adminconsent') {
        if (!user.isAdmin) {
          return respondError(ctx, reply, flow, 90094, { appName: appName(flow), tenantName: tenantName(flow) });
        }
        const keys = flow.scopes.filter((k) => !isOidc(k));
        return html(
          reply,
          consentPage(target(flow), {
            appName: appName(flow),
            username: user.userPrincipalName,
            perms: perms(keys),
            orgCheckbox: false,
            forOrganization: true,
          }),
        );
      }
      const missing = missingConsent(ctx, flow, user);
      const mfa = session.accounts.find((a) => a.userId === user.id)?.mfa ?? false;
      if (missing.length === 0 && flow.prompt !== 'consent')
        return completeWithCode(ctx, reply, flow, user, mfa, session);
      const needsAdmin = missing.filter((k) => ADMIN_ONLY_SCOPES.has(k.toLowerCase()));
      if (needsAdmin.length > 0 && !user.isAdmin) return adminRequired(reply, flow, user);
      return html(
        reply,
        consentPage(target(flow), {
          appName: appName(flow),
          username: user.userPrincipalName,
          perms: perms(flow.scopes),
          orgCheckbox: user.isAdmin,
          forOrganization: false,
        }),
      );
    },
  };

  /** Non-admin meets admin-only permissions: 90094, or 90095 with the admin-consent workflow. */
  function adminRequired(reply: FastifyReply, flow: Flow, user: User): FastifyReply {
    const tenant = store.tenants.get(flow.tenantId);
    const params = { appName: appName(flow), tenantName: tenantName(flow) };
    if (!tenant?.adminConsentWorkflow.enabled) {
      const line = buildError(90094, params, now(ctx)).line;
      return html(
        reply,
        needAdminApprovalPage(target(flow), { appName: appName(flow), line, returnUrl: returnUrl(flow) }),
      );
    }
    const pending = [...store.consentRequests.values()].some(
      (r) =>
        r.tenantId === flow.tenantId && r.clientId === flow.clientId && r.userId === user.id && r.status === 'pending',
    );
    if (pending) {
      return html(reply, requestSentPage({ appName: appName(flow), returnUrl: returnUrl(flow), alreadyPending: true }));
    }
    const line = buildError(90095, params, now(ctx)).line;
    const keys = flow.scopes.filter((k) => !isOidc(k));
    return html(
      reply,
      approvalRequiredPage(target(flow), {
        appName: appName(flow),
        perms: perms(keys),
        line,
        returnUrl: returnUrl(flow),
      }),
    );
  }

  function signedIn(req: FastifyRequest, reply: FastifyReply, flow: Flow, user: User, mfa: boolean): FastifyReply {
    const session = st.ensureSession(readCookie(req, SESSION_COOKIE));
    session.accounts = session.accounts.filter((a) => a.userId !== user.id);
    session.accounts.push({ userId: user.id, tenantId: user.tenantId, mfa, signedInAt: now(ctx) });
    setSessionCookie(reply, session.id);
    return steps.afterSignIn(reply, flow, user, session);
  }

  function flowUser(flow: Flow): User | undefined {
    return flow.userId ? store.users.get(flow.userId) : undefined;
  }

  async function handle(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const body = (req.body ?? {}) as Body;
    const flow = body.flow ? st.flows.get(body.flow) : undefined;
    if (!flow) return html(reply, errorPage(buildError(9002313, {}, now(ctx))), 400);
    const t = target(flow);

    switch (body.action) {
      case 'username': {
        const login = (body.loginfmt ?? '').trim();
        const user = tenantUserByLogin(ctx, flow.tenantId, login);
        if (!user) {
          const foreign = login ? store.userByAddress(login) : undefined;
          if (foreign) {
            return respondError(ctx, reply, flow, 50020, {
              user: login,
              userTenant: foreign.tenantId,
              tenant: flow.tenantId,
              clientId: flow.clientId,
              appName: appName(flow),
            });
          }
          const error =
            "AADSTS50034: We couldn't find an account with that username. Try another, or get a new account.";
          return html(reply, signInPage(t, { appName: appName(flow), loginHint: login, error }));
        }
        flow.userId = user.id;
        return html(reply, passwordPage(t, { username: user.userPrincipalName }));
      }
      case 'password': {
        const user = flowUser(flow);
        if (!user) return html(reply, signInPage(t, { appName: appName(flow) }));
        if (body.passwd !== user.password) {
          const error =
            "Your account or password is incorrect. If you don't remember your password, reset it now. (AADSTS50126)";
          return html(reply, passwordPage(t, { username: user.userPrincipalName, error }));
        }
        if (!user.accountEnabled) {
          return html(reply, errorPage(buildError(50057, {}, now(ctx))), 400);
        }
        if (user.mfaRequired) return steps.startMfa(reply, flow, user);
        return signedIn(req, reply, flow, user, false);
      }
      case 'mfa': {
        const user = flowUser(flow);
        if (!user || !flow.mfaCode) return html(reply, signInPage(t, { appName: appName(flow) }));
        if ((body.otc ?? '').trim() !== flow.mfaCode) {
          const error = "That code didn't work. Check the code and try again.";
          return html(reply, mfaPage(t, { username: user.userPrincipalName, code: flow.mfaCode, error }));
        }
        return signedIn(req, reply, flow, user, true);
      }
      case 'pick': {
        const session = st.session(readCookie(req, SESSION_COOKIE));
        const chosen = sessionAccounts(ctx, session, flow.tenantId).find((a) => a.user.id === body.account);
        if (!chosen || !session) return html(reply, signInPage(t, { appName: appName(flow) }));
        flow.userId = chosen.user.id;
        if (chosen.user.mfaRequired && !chosen.account.mfa) return steps.startMfa(reply, flow, chosen.user);
        return steps.afterSignIn(reply, flow, chosen.user, session);
      }
      case 'another':
        return html(reply, signInPage(t, { appName: appName(flow) }));
      case 'consent':
        return consentDecision(req, reply, flow, body);
      case 'request-approval':
        return requestApproval(reply, flow, body);
      default:
        return html(reply, errorPage(buildError(900144, { param: 'action' }, now(ctx))), 400);
    }
  }

  function consentDecision(req: FastifyRequest, reply: FastifyReply, flow: Flow, body: Body): FastifyReply {
    const user = flowUser(flow);
    const session = st.session(readCookie(req, SESSION_COOKIE));
    if (!user || !session) return html(reply, signInPage(target(flow), { appName: appName(flow) }));
    if (body.decision !== 'accept') {
      st.flows.delete(flow.id);
      return respondError(ctx, reply, flow, 65004, {}, undefined, { error_subcode: 'cancel' });
    }
    const keys = flow.scopes.filter((k) => !isOidc(k));
    if (flow.kind === 'adminconsent') {
      store.grant(flow.tenantId, flow.clientId, null, keys);
      st.flows.delete(flow.id);
      // Entra reports admin-consented Graph permissions fully qualified.
      const scope = keys.map((k) => (k.includes('://') ? k : `https://graph.microsoft.com/${k}`)).join(' ');
      return respond(reply, flow, { admin_consent: 'True', tenant: flow.tenantId, scope });
    }
    const orgWide = user.isAdmin && body.ConsentForOrganization === 'true';
    store.grant(flow.tenantId, flow.clientId, orgWide ? null : user.id, flow.scopes);
    const mfa = session.accounts.find((a) => a.userId === user.id)?.mfa ?? false;
    return completeWithCode(ctx, reply, flow, user, mfa, session);
  }

  function requestApproval(reply: FastifyReply, flow: Flow, body: Body): FastifyReply {
    const user = flowUser(flow);
    if (!user) return html(reply, signInPage(target(flow), { appName: appName(flow) }));
    const id = randomUUID();
    store.consentRequests.set(id, {
      id,
      tenantId: flow.tenantId,
      clientId: flow.clientId,
      userId: user.id,
      scopes: flow.scopes.filter((k) => !isOidc(k)),
      justification: body.justification ?? '',
      status: 'pending',
      createdAt: now(ctx),
      decidedBy: null,
    });
    return html(reply, requestSentPage({ appName: appName(flow), returnUrl: returnUrl(flow), alreadyPending: false }));
  }

  app.post('/:tenant/login', handle);

  // "Return to the application without granting consent": the only way the app hears about 90094/90095.
  app.get('/:tenant/login/return', async (req, reply) => {
    const id = (req.query as Record<string, string | undefined>).flow;
    const flow = id ? st.flows.get(id) : undefined;
    if (!flow) return html(reply, errorPage(buildError(9002313, {}, now(ctx))), 400);
    st.flows.delete(flow.id);
    return respondError(ctx, reply, flow, 65004, {}, undefined, { error_subcode: 'cancel' });
  });

  registerAuthorize(app, ctx, steps);
}
