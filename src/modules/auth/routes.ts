// /auth: sign-in, sign-out, who am I, first-run setup, change password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, SESSION_COOKIE } from '../../http/authenticate.js';
import { Email, Name, Password, Strict } from '../../http/schemas.js';
import { csrfFor, sha256 } from '../../lib/tokens.js';
import type { OperatorService } from '../operators/service.js';
import { OperatorSchema } from '../operators/view.js';
import type { AuthService, NewSession } from './service.js';

const SessionBody = Type.Object({
  operator: OperatorSchema,
  csrfToken: Type.String(),
  previousSignInAt: Type.Union([Type.String(), Type.Null()], {
    description: "the operator's sign-in before this session; null on their first (the console says Welcome)",
  }),
});

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, s: NewSession): void {
  reply.setCookie(SESSION_COOKIE, s.cookieValue, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: req.protocol === 'https',
    expires: s.expiresAt,
  });
}

export const authRoutes =
  (services: { auth: AuthService; operators: OperatorService }): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/auth/setup',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Whether first-run setup is still required',
          response: { 200: Type.Object({ required: Type.Boolean() }) },
        },
      },
      async () => ({ required: await services.auth.setupRequired() }),
    );

    app.post(
      '/auth/setup',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Create the first system administrator with the one-time setup token',
          body: Strict({
            token: Type.String({ minLength: 1, maxLength: 200 }),
            email: Email,
            name: Name,
            password: Password,
          }),
          response: { 201: SessionBody },
        },
      },
      async (req, reply) => {
        const { token, ...input } = req.body;
        const s = await services.auth.completeSetup(token, input, req.ip, req.headers['user-agent'] ?? null);
        setSessionCookie(req, reply, s);
        return reply.status(201).send({
          operator: await services.operators.get(s.operatorId),
          csrfToken: s.csrfToken,
          previousSignInAt: await services.auth.previousSignIn(s.operatorId, sha256(s.cookieValue)),
        });
      },
    );

    app.post(
      '/auth/login',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password',
          body: Strict({ email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) }),
          response: { 200: SessionBody },
        },
      },
      async (req, reply) => {
        const s = await services.auth.login(
          req.body.email,
          req.body.password,
          req.ip,
          req.headers['user-agent'] ?? null,
        );
        setSessionCookie(req, reply, s);
        return {
          operator: await services.operators.get(s.operatorId),
          csrfToken: s.csrfToken,
          previousSignInAt: await services.auth.previousSignIn(s.operatorId, sha256(s.cookieValue)),
        };
      },
    );

    app.post(
      '/auth/logout',
      { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Sign out (revokes this session)' } },
      async (req, reply) => {
        await services.auth.logout(actorOf(req));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/auth/me',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'The signed-in operator and the CSRF token for writes',
          response: { 200: SessionBody },
        },
      },
      async (req) => {
        const actor = actorOf(req);
        const cookie = req.cookies[SESSION_COOKIE];
        const [operator, previousSignInAt] = await Promise.all([
          services.operators.get(actor.operatorId),
          services.auth.previousSignIn(actor.operatorId, actor.sessionId),
        ]);
        return { operator, csrfToken: actor.via === 'session' && cookie ? csrfFor(cookie) : '', previousSignInAt };
      },
    );

    app.post(
      '/auth/password',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['auth'],
          summary: 'Change your password (signs out your other sessions and revokes your API tokens)',
          body: Strict({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password }),
          response: {
            200: Type.Object({
              revokedSessions: Type.Integer({ description: 'other sessions signed out' }),
              revokedApiTokens: Type.Integer({ description: 'API tokens revoked' }),
            }),
          },
        },
      },
      async (req) => services.auth.changePassword(actorOf(req), req.body.currentPassword, req.body.newPassword),
    );
  };
