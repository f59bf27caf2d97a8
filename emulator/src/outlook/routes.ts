// The emulated Outlook on the web (/_outlook/…) and its control endpoints (/_emulator/outlook/…).
// Signing in puts the account into the identity platform's browser session (ESTSAUTH), as
// signing in to Outlook does to login.microsoftonline.com; the mailbox is the emulator's mailbox
// model (mail delivered by SMTP, Graph sendMail and the control API). /_outlook/api/… serves the
// page's script (client/host.js): item contents for office.js, moves, and the nested app
// authentication broker (naa.ts).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.js';
import { readCookie, SESSION_COOKIE, setSessionCookie } from '../identity/common.js';
import { identityState } from '../identity/state.js';
import { ewsToRest } from '../mail/ids.js';
import { moveItem } from '../mail/move.js';
import { messageById } from '../mail/state.js';
import type { MailMessage, User } from '../model.js';
import { checkManifest } from './manifest.js';
import { handleBridgeRequest, type NaaRequest } from './naa.js';
import { addinsPage, FOLDERS, mailboxPage, signInPage } from './page.js';
import { installAddin, outlookState, ROAMING_SETTINGS_MAX_CHARS, tenantAddins } from './state.js';

const USER_COOKIE = 'OWA_USER';
const TICKET_LIFETIME_MS = 5 * 60_000;
// The page scripts are plain browser JavaScript beside this file, read once when first asked for
// (the emulator runs from source with tsx; the files are not part of a tsc build).
const scripts = new Map<string, string>();
const client = (name: string): string => {
  let s = scripts.get(name);
  if (s === undefined) {
    s = readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8');
    scripts.set(name, s);
  }
  return s;
};

type Body = Record<string, unknown>;

/** The add-in's view of its manifest: what the control API and tests see. */
function summary(a: ReturnType<typeof tenantAddins>[number]) {
  const { addin } = a;
  return {
    id: addin.id,
    version: addin.version,
    displayName: addin.displayName,
    versionOverrides: addin.versionOverrides,
    permissions: addin.permissions,
    functionFile: addin.functionFile,
    buttons: addin.buttons,
    reportPhishing: addin.reportPhishing,
  };
}

export async function registerOutlook(app: FastifyInstance, ctx: EmulatorContext): Promise<void> {
  const store = ctx.store;
  const ids = identityState(store);
  const ol = outlookState(store);
  const checkOpts = () => ({ allowLoopbackHttp: ctx.outlook?.allowHttpLoopback ?? false });

  /** The signed-in Outlook user: the OWA_USER account if it is in this browser's session, else the latest one. */
  function currentUser(req: FastifyRequest): User | undefined {
    const session = ids.session(readCookie(req, SESSION_COOKIE));
    if (!session) return undefined;
    const wanted = readCookie(req, USER_COOKIE);
    const accounts = [...session.accounts].reverse();
    const pick = accounts.find((a) => a.userId === wanted) ?? accounts[0];
    const user = pick ? store.users.get(pick.userId) : undefined;
    return user?.accountEnabled && user.hasMailbox ? user : undefined;
  }

  function signIn(req: FastifyRequest, reply: FastifyReply, user: User): void {
    const session = ids.ensureSession(readCookie(req, SESSION_COOKIE));
    session.accounts = session.accounts.filter((a) => a.userId !== user.id);
    session.accounts.push({ userId: user.id, tenantId: user.tenantId, mfa: false, signedInAt: store.clock.now() });
    setSessionCookie(reply, session.id);
    reply.header('set-cookie', `${USER_COOKIE}=${user.id}; Path=/_outlook; HttpOnly; SameSite=Lax`);
  }

  const page = (reply: FastifyReply, body: string, status = 200) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body);

  // ── static scripts ─────────────────────────────────────────────────────
  app.get('/_outlook/office.js', async (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').send(client('office.js')),
  );
  app.get('/_outlook/host.js', async (_req, reply) =>
    reply.header('content-type', 'text/javascript; charset=utf-8').send(client('host.js')),
  );

  // ── sign-in ────────────────────────────────────────────────────────────
  app.get('/_outlook/login', async (_req, reply) => page(reply, signInPage({})));
  app.post('/_outlook/login', async (req, reply) => {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    const login = (b.loginfmt ?? '').trim();
    const user = login ? store.userByAddress(login) : undefined;
    if (!user) {
      const error = "AADSTS50034: We couldn't find an account with that username.";
      return page(reply, signInPage({ error, login }), 400);
    }
    if (b.passwd !== user.password) {
      const error = "Your account or password is incorrect. If you don't remember your password, reset it now.";
      return page(reply, signInPage({ error, login }), 400);
    }
    if (!user.accountEnabled)
      return page(reply, signInPage({ error: 'AADSTS50057: The user account is disabled.', login }), 400);
    if (user.mfaRequired) {
      const error =
        'This account requires MFA, which this sign-in page does not emulate; use POST /_emulator/outlook/sign-in.';
      return page(reply, signInPage({ error, login }), 400);
    }
    if (!user.hasMailbox)
      return page(reply, signInPage({ error: 'This account has no Exchange Online mailbox.', login }), 400);
    signIn(req, reply, user);
    return reply.redirect('/_outlook/', 303);
  });
  app.get('/_outlook/ticket/:t', async (req, reply) => {
    const t = (req.params as { t: string }).t;
    const ticket = ol.tickets.get(t);
    ol.tickets.delete(t);
    const user = ticket && ticket.expiresAt > store.clock.now() ? store.users.get(ticket.userId) : undefined;
    if (!user) return page(reply, signInPage({ error: 'This sign-in link has expired or was used already.' }), 400);
    signIn(req, reply, user);
    const folder = (req.query as Record<string, string | undefined>).folder ?? 'inbox';
    return reply.redirect(`/_outlook/?folder=${encodeURIComponent(folder)}`, 303);
  });
  app.get('/_outlook/logout', async (req, reply) => {
    const user = currentUser(req);
    const session = ids.session(readCookie(req, SESSION_COOKIE));
    if (user && session) session.accounts = session.accounts.filter((a) => a.userId !== user.id);
    return reply.redirect('/_outlook/login', 303);
  });

  // ── mailbox ────────────────────────────────────────────────────────────
  function mailbox(user: User, folder: string): MailMessage[] {
    return [...store.messages.values()]
      .filter((m) => m.mailboxUserId === user.id && m.folder === folder && !m.isDraft)
      .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
  }

  app.get('/_outlook/', async (req, reply) => {
    const user = currentUser(req);
    if (!user) return reply.redirect('/_outlook/login', 303);
    const q = req.query as Record<string, string | undefined>;
    const folder = FOLDERS.some(([k]) => k === q.folder) ? (q.folder as string) : 'inbox';
    const messages = mailbox(user, folder);
    const counts = Object.fromEntries(FOLDERS.map(([k]) => [k, mailbox(user, k).length]));
    const found = q.item ? messageById(store, q.item) : undefined;
    const item = found && found.mailboxUserId === user.id && found.folder === folder ? found : null;
    const addins = tenantAddins(store, user.tenantId);
    const data = {
      folder,
      user: { displayName: user.displayName, emailAddress: user.mail ?? user.userPrincipalName },
      nestedAppAuth: ol.settings.nestedAppAuth,
      item: item && {
        itemId: item.ewsId,
        subject: item.subject,
        from: item.from && { displayName: item.from.name, emailAddress: item.from.address },
        to: item.toRecipients.map((r) => ({ displayName: r.name, emailAddress: r.address })),
        cc: item.ccRecipients.map((r) => ({ displayName: r.name, emailAddress: r.address })),
        internetMessageId: item.internetMessageId,
        dateTimeCreated: item.receivedDateTime,
      },
      addins: addins.map(summary),
      // What each add-in saved with roamingSettings.saveAsync: office.js starts from it in every frame.
      roaming: Object.fromEntries(addins.map((a) => [a.addin.id, ol.roaming.get(`${user.id}|${a.addin.id}`) ?? {}])),
    };
    return page(
      reply,
      mailboxPage({ user, folder, messages, counts, item, addins, nestedAppAuth: ol.settings.nestedAppAuth }, data),
    );
  });

  // ── add-in management (users of the tenant; the control API does the same) ──
  app.get('/_outlook/addins', async (req, reply) => {
    const user = currentUser(req);
    if (!user) return reply.redirect('/_outlook/login', 303);
    const installed = (req.query as Record<string, string | undefined>).installed;
    return page(
      reply,
      addinsPage({ user, addins: tenantAddins(store, user.tenantId), ...(installed ? { installed } : {}) }),
    );
  });
  app.post('/_outlook/addins', async (req, reply) => {
    const user = currentUser(req);
    if (!user) return reply.redirect('/_outlook/login', 303);
    const xml = String(((req.body ?? {}) as Body).manifestXml ?? '');
    const r = checkManifest(xml, checkOpts());
    if (!r.ok)
      return page(reply, addinsPage({ user, addins: tenantAddins(store, user.tenantId), errors: r.errors }), 400);
    installAddin(store, user.tenantId, r.addin, xml);
    return reply.redirect(`/_outlook/addins?installed=${encodeURIComponent(r.addin.displayName)}`, 303);
  });
  app.post('/_outlook/addins/:id/remove', async (req, reply) => {
    const user = currentUser(req);
    if (!user) return reply.redirect('/_outlook/login', 303);
    ol.addins.get(user.tenantId)?.delete((req.params as { id: string }).id);
    return reply.redirect('/_outlook/addins', 303);
  });

  // ── the page's API (same-origin JSON; cross-site requests are refused) ──
  function apiUser(req: FastifyRequest, reply: FastifyReply): User | undefined {
    const origin = req.headers.origin;
    const self = `${req.protocol}://${req.headers.host}`;
    if (origin !== self || !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      reply.code(403).send({ error: 'same-origin JSON requests only' });
      return undefined;
    }
    const user = currentUser(req);
    if (!user) reply.code(401).send({ error: 'not signed in' });
    return user;
  }

  /** The item an add-in names by its EWS id, in the signed-in user's mailbox. */
  function itemOf(user: User, itemId: unknown): MailMessage | undefined {
    if (typeof itemId !== 'string' || !itemId) return undefined;
    const m = messageById(store, ewsToRest(itemId));
    return m && m.mailboxUserId === user.id ? m : undefined;
  }

  const notFound = (reply: FastifyReply) =>
    reply.code(404).send({ error: { name: 'ItemNotFound', message: 'The specified item was not found.', code: 9014 } });

  app.post('/_outlook/api/item/:what', async (req, reply) => {
    const user = apiUser(req, reply);
    if (!user) return reply;
    const b = (req.body ?? {}) as Body;
    const m = itemOf(user, b.itemId);
    if (!m) return notFound(reply);
    const what = (req.params as { what: string }).what;
    if (what === 'eml') return { value: Buffer.from(m.mime, 'utf8').toString('base64') };
    if (what === 'headers') {
      const end = m.mime.search(/\r?\n\r?\n/);
      return { value: end < 0 ? m.mime : `${m.mime.slice(0, end)}\r\n` };
    }
    if (what === 'body') {
      const html = b.coercionType === 'html';
      const content = m.body.contentType === 'html' && !html ? m.body.content.replace(/<[^>]*>/g, '') : m.body.content;
      return { value: content };
    }
    if (what === 'move') {
      const folder = String(b.folder ?? '');
      if (!['junkemail', 'deleteditems', 'inbox'].includes(folder)) return reply.code(400).send({ error: 'folder' });
      moveItem(store, m, folder);
      return { folder, itemId: m.ewsId };
    }
    return reply.code(404).send({ error: `unknown item operation ${what}` });
  });

  // roamingSettings.saveAsync: the add-in's whole settings bag, for this user, kept in the mailbox.
  app.post('/_outlook/api/roaming', async (req, reply) => {
    const user = apiUser(req, reply);
    if (!user) return reply;
    const b = (req.body ?? {}) as Body;
    const addinId = String(b.addinId ?? '');
    if (!tenantAddins(store, user.tenantId).some((a) => a.addin.id === addinId))
      return reply
        .code(404)
        .send({ error: { name: 'AddinNotFound', message: 'The add-in is not installed.', code: 5001 } });
    const values = b.values;
    if (!values || typeof values !== 'object' || Array.isArray(values))
      return reply.code(400).send({ error: { name: 'InvalidArgument', message: 'values', code: 9001 } });
    if (JSON.stringify(values).length > ROAMING_SETTINGS_MAX_CHARS)
      return reply.code(400).send({
        error: { name: 'SettingsSizeExceeded', message: 'The roaming settings exceed 32 KB.', code: 9057 },
      });
    ol.roaming.set(`${user.id}|${addinId}`, values as Record<string, unknown>);
    return { saved: true };
  });

  app.post('/_outlook/api/naa', async (req, reply) => {
    const user = apiUser(req, reply);
    if (!user) return reply;
    const b = (req.body ?? {}) as Body;
    if (typeof b.origin !== 'string' || !/^https?:\/\//.test(b.origin))
      return reply.code(400).send({ error: 'origin' });
    let request: NaaRequest;
    try {
      request = JSON.parse(String(b.payload ?? '')) as NaaRequest;
    } catch {
      return reply.code(400).send({ error: 'payload must be a JSON string' });
    }
    if (!ol.settings.nestedAppAuth) {
      return {
        messageType: 'NestedAppAuthResponse',
        requestId: request.requestId ?? '',
        success: false,
        error: { status: 'NESTED_APP_AUTH_UNAVAILABLE', code: 'nested_app_auth_unavailable' },
      };
    }
    return handleBridgeRequest(ctx, user, b.origin, request);
  });

  // ── control API ────────────────────────────────────────────────────────
  app.post('/_emulator/outlook/install', async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const tenant = typeof b.tenant === 'string' ? store.tenantByIdOrDomain(b.tenant) : undefined;
    if (!tenant) return reply.code(404).send({ error: 'tenant: unknown tenant (give its id or domain)' });
    if (typeof b.manifestXml !== 'string' || !b.manifestXml)
      return reply.code(400).send({ error: 'manifestXml is required' });
    const r = checkManifest(b.manifestXml, checkOpts());
    if (!r.ok) return reply.code(400).send({ error: 'manifestXml: the manifest was refused', errors: r.errors });
    installAddin(store, tenant.id, r.addin, b.manifestXml);
    return reply.code(201).send(summary(tenantAddins(store, tenant.id).find((a) => a.addin.id === r.addin.id)!));
  });
  app.get('/_emulator/outlook/addins', async (req, reply) => {
    const t = (req.query as Record<string, string | undefined>).tenant;
    const tenant = t ? store.tenantByIdOrDomain(t) : undefined;
    if (!tenant) return reply.code(404).send({ error: 'tenant: unknown tenant' });
    return { value: tenantAddins(store, tenant.id).map(summary) };
  });
  app.delete('/_emulator/outlook/addins/:id', async (req, reply) => {
    const t = (req.query as Record<string, string | undefined>).tenant;
    const tenant = t ? store.tenantByIdOrDomain(t) : undefined;
    if (!tenant) return reply.code(404).send({ error: 'tenant: unknown tenant' });
    const gone = ol.addins.get(tenant.id)?.delete((req.params as { id: string }).id.toLowerCase());
    return gone ? reply.code(204).send() : reply.code(404).send({ error: 'add-in not installed' });
  });
  app.post('/_emulator/outlook/sign-in', async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    const user = typeof b.userPrincipalName === 'string' ? store.userByAddress(b.userPrincipalName) : undefined;
    if (!user) return reply.code(404).send({ error: 'userPrincipalName: unknown user' });
    if (!user.hasMailbox) return reply.code(400).send({ error: 'userPrincipalName: the user has no mailbox' });
    if (!user.accountEnabled) return reply.code(400).send({ error: 'userPrincipalName: the account is disabled' });
    const t = randomBytes(24).toString('base64url');
    for (const [k, v] of ol.tickets) if (v.expiresAt <= store.clock.now()) ol.tickets.delete(k);
    ol.tickets.set(t, { userId: user.id, expiresAt: store.clock.now() + TICKET_LIFETIME_MS });
    return { url: `${ctx.urls.authority}/_outlook/ticket/${t}` };
  });
  app.get('/_emulator/outlook/settings', async () => ol.settings);
  app.put('/_emulator/outlook/settings', async (req, reply) => {
    const b = (req.body ?? {}) as Body;
    if ('nestedAppAuth' in b && typeof b.nestedAppAuth !== 'boolean') {
      return reply.code(400).send({ error: 'nestedAppAuth must be a boolean' });
    }
    if (typeof b.nestedAppAuth === 'boolean') ol.settings.nestedAppAuth = b.nestedAppAuth;
    return ol.settings;
  });
}
