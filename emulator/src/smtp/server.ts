// Exchange Online SMTP client submission (smtp.office365.com:587) as MICROSOFT.md §4 describes
// it: STARTTLS first, then AUTH XOAUTH2 with an Outlook access token carrying SMTP.Send, MAIL FROM
// only as the authenticated mailbox, Exchange's sending limits, delivery via mail/deliver.ts.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { EmulatorContext } from '../context.js';
import { defer, flushDeferred, reserveSlot } from '../mail/deferred.js';
import { completeHeaders, deliver } from '../mail/deliver.js';
import { logRecipients, recipientsLast24h, userByAddress } from '../mail/state.js';
import { OUTLOOK_RESOURCE, type User } from '../model.js';
import { smtpCerts } from './certs.js';
import { patchSmtpConnection } from './patch.js';

export interface SmtpHandle {
  port: number;
  caPem: string;
  close(): Promise<void>;
}

export const MAX_RECIPIENTS_PER_MESSAGE = 500;
export const MAX_RECIPIENTS_PER_DAY = 10_000;

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });
const authFailed = () => smtpError(535, '5.7.3 Authentication unsuccessful [emulator]');

interface SessionUser {
  userId: string;
  tenantId: string;
}

const owns = (u: User, address: string) =>
  address.toLowerCase() === u.userPrincipalName.toLowerCase() || address.toLowerCase() === u.mail?.toLowerCase();

function headerFromAddresses(mime: string): string[] {
  const head = mime.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const m = /^From:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  if (!m) return [];
  return [...m[1]!.matchAll(/<([^>]+)>|([^\s<>,;"]+@[^\s<>,;"]+)/g)].map((x) => (x[1] ?? x[2])!.trim());
}

export async function startSmtp(ctx: EmulatorContext, opts: { host: string; port: number }): Promise<SmtpHandle> {
  patchSmtpConnection();
  const { store } = ctx;
  const certs = await smtpCerts();
  // authenticated sessions per mailbox, in connection order (Exchange allows 3 concurrent)
  const sessions = new Map<string, string[]>();

  const userOf = (session: SMTPServerSession): User | undefined => {
    const su = session.user as SessionUser | undefined;
    return su ? store.users.get(su.userId) : undefined;
  };

  const options: SMTPServerOptions & { exchangeWire: boolean } = {
    exchangeWire: true,
    secure: false,
    hideSTARTTLS: false,
    key: certs.key,
    cert: certs.cert,
    name: 'EMU01.outlook.office365.com',
    banner: 'Microsoft ESMTP MAIL Service ready',
    heloResponse: '%s Hello [%s]',
    // LOGIN is what Exchange advertises beside XOAUTH2 (PLAIN is parsed but not advertised, see patch.ts)
    authMethods: ['LOGIN', 'XOAUTH2', 'PLAIN'],
    allowInsecureAuth: false,
    authOptional: false,
    authRequiredMessage: '5.7.57 Client not authenticated to send mail. [emulator]',
    size: 157_286_400,
    hideENHANCEDSTATUSCODES: false,
    hideDSN: true,
    hideREQUIRETLS: true,
    closeTimeout: 500,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, session, callback) {
      void (async () => {
        // Basic authentication (LOGIN/PLAIN with a password) is not emulated: Exchange answers a
        // refused basic login with 535 5.7.3, which is what a client must handle.
        if (auth.method !== 'XOAUTH2' || !auth.accessToken) return callback(authFailed());
        const v = await ctx.signer.verifyAccessToken(auth.accessToken, OUTLOOK_RESOURCE, store.clock.now());
        if ('error' in v) return callback(authFailed());
        const claims = v.claims as typeof v.claims & { idtyp?: string; roles?: unknown };
        const appOnly = claims.idtyp === 'app';
        const roles = Array.isArray(claims.roles) ? claims.roles.map((r) => String(r).toLowerCase()) : [];
        // Delegated: SMTP.Send for the token's own mailbox. App-only: the SMTP.SendAsApp role, and
        // then any mailbox of the tenant (Exchange's service-principal mailbox permission is not modelled).
        if (appOnly ? !roles.includes('smtp.sendasapp') : !v.scopes.has('smtp.send')) return callback(authFailed());
        const tenant = store.tenants.get(String(v.claims.tid).toLowerCase());
        const user = appOnly ? userByAddress(store, auth.username ?? '') : store.users.get(v.claims.oid);
        if (!tenant || !user || user.tenantId !== tenant.id || !user.accountEnabled) return callback(authFailed());
        if (!tenant.smtpAuthEnabled) {
          return callback(
            smtpError(
              535,
              '5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
            ),
          );
        }
        // user= must name the token's own mailbox (no SendAs/shared mailbox model here)
        const named = userByAddress(store, auth.username ?? '');
        if (!named || named.id !== user.id || !user.hasMailbox) return callback(authFailed());
        const list = sessions.get(user.id) ?? [];
        list.push(session.id);
        sessions.set(user.id, list);
        const su: SessionUser = { userId: user.id, tenantId: tenant.id };
        callback(null, { user: su });
      })().catch((e: Error) => callback(e));
    },
    onMailFrom(address, session, callback) {
      const user = userOf(session);
      if (!user) return callback(authFailed());
      if (!owns(user, address.address)) {
        return callback(smtpError(550, '5.7.60 SMTP; Client does not have permissions to send as this sender'));
      }
      const order = sessions.get(user.id) ?? [];
      if (order.indexOf(session.id) >= store.faults.mailboxLimits.smtpSessions) {
        return callback(smtpError(432, '4.3.2 Concurrent connections limit exceeded.'));
      }
      callback();
    },
    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= MAX_RECIPIENTS_PER_MESSAGE) {
        return callback(smtpError(452, '4.5.3 Too many recipients'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => callback(e));
      stream.on('end', () => {
        void (async () => {
          const user = userOf(session);
          if (!user) return callback(authFailed());
          if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
            return callback(smtpError(552, '5.3.4 Message size exceeds fixed maximum message size'));
          }
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : user.userPrincipalName;
          let mime = Buffer.concat(chunks).toString('utf8');
          if (headerFromAddresses(mime).some((a) => !owns(user, a))) {
            return callback(smtpError(550, '5.7.60 SMTP; Client does not have permissions to send as this sender'));
          }
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          if (recipientsLast24h(store, user.id) + recipients.length > MAX_RECIPIENTS_PER_DAY) {
            return callback(
              smtpError(
                554,
                '5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message.',
              ),
            );
          }
          mime = completeHeaders(store, mime);
          const messageId = /^Message-ID:\s*(.+)$/im.exec(mime)?.[1]?.trim() ?? '';
          // counted at acceptance: held-back messages already use up the daily budget
          logRecipients(store, user.id, recipients.length);
          const run = async () => {
            await deliver(store, {
              via: 'smtp',
              sender: user,
              envelopeFrom: from,
              recipients,
              mime,
              saveToSentItems: true,
              countRecipients: false,
            });
          };
          const dueAt = reserveSlot(store, user.id);
          if (dueAt <= store.clock.now()) await run();
          else defer(store, dueAt, run);
          callback(null, `2.0.0 OK ${messageId} [Hostname=EMU01.outlook.office365.com]`);
        })().catch((e: Error) => callback(e));
      });
    },
    onClose(session) {
      const su = session.user as SessionUser | undefined;
      if (!su) return;
      const list = (sessions.get(su.userId) ?? []).filter((id) => id !== session.id);
      if (list.length) sessions.set(su.userId, list);
      else sessions.delete(su.userId);
    },
  };
  const server = new SMTPServer(options);
  server.on('error', () => {
    // client resets and TLS errors are per connection; the server keeps serving
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  // held-back submissions become due as the (possibly manual) clock advances
  const timer = setInterval(() => {
    flushDeferred(store).catch(() => {});
  }, 1000);
  timer.unref();
  return {
    port,
    caPem: certs.caPem,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}
