// The emulated Microsoft identity platform v2.0, registered on the emulator's Fastify instance.
// Paths mirror login.microsoftonline.com: /{tenant}/oauth2/v2.0/{authorize,token,logout},
// /{tenant}/v2.0/adminconsent, discovery and keys; /{tenant}/login carries the sign-in forms.
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { readCookie, SESSION_COOKIE } from './common.js';
import { registerDiscovery } from './discovery.js';
import { registerLogin } from './login.js';
import { identityState } from './state.js';
import { registerToken } from './token.js';

export async function registerIdentity(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  registerDiscovery(app, ctx);
  registerLogin(app, ctx);
  registerToken(app, ctx);

  // Sign-out forgets the browser session (all accounts), then returns to the app if asked to.
  app.get('/:tenant/oauth2/v2.0/logout', async (req, reply) => {
    const id = readCookie(req, SESSION_COOKIE);
    if (id) identityState(ctx.store).sessions.delete(id);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax`);
    const back = (req.query as Record<string, string | undefined>).post_logout_redirect_uri;
    if (back && /^https?:\/\//.test(back)) return reply.redirect(back, 302);
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .send('<!DOCTYPE html><p>You signed out of your account.</p>');
  });
}
