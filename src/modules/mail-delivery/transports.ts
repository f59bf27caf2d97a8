// How a message leaves, per profile kind. Every kind sends the same RFC 5322 message (our
// Message-ID, the profile's custom headers, the per-message headers): nodemailer over SMTP, and
// the MIME form of Graph's sendMail, which carries any header (the JSON form allows five `x-`).
//
// Office 365 SMTP authenticates with XOAUTH2 using an access token from the token service, never
// nodemailer's own refresh logic: Entra rotates refresh tokens on use and the token service must
// store the new one.
import { isIP } from 'node:net';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Config } from '../../config.js';
import type { AzureAppRow, SendingProfilesTable } from '../../db/types.js';
import { needsSmtpUtf8 } from '../../lib/email.js';
import { AppError } from '../../lib/errors.js';
import { outboundFetch, retryAfterMs } from '../../lib/outbound.js';
import { CLOUDS, cloudEndpoints } from '../../microsoft/clouds.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { classifySmtp, DeliveryError } from './delivery-error.js';
import { mailTiming } from './timing.js';

export interface OutgoingMessage {
  from: { address: string; name: string | null };
  to: { address: string; name: string | null };
  subject: string;
  html: string | null;
  text: string;
  /** without angle brackets */
  messageId: string;
  headers: { name: string; value: string }[];
}

export interface SendResult {
  /** the server's acceptance: SMTP reply or Graph request-id */
  providerId: string | null;
}

export interface Transport {
  /** the address mail is sent from (a mailbox for the Microsoft kinds) */
  readonly sender: { address: string; name: string | null };
  send(m: OutgoingMessage, signal?: AbortSignal): Promise<SendResult>;
  close(): void;
}

export interface TransportDeps {
  config: Pick<Config, 'microsoft'> & Partial<Pick<Config, 'mailSliceSeconds'>>;
  tokens: TokenService;
}

export interface ProfileSecrets {
  smtpPassword: string | null;
  dkimPrivateKey: string | null;
}

/** nodemailer's choice of encoding for a value (mime-node's _getTextEncoding, the same count). */
function encodingOf(value: string): 'Q' | 'B' {
  let nonLatin = 0;
  let latin = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) || c >= 0x80) nonLatin++;
    else if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) latin++;
  }
  return nonLatin < latin ? 'Q' : 'B';
}

/**
 * nodemailer chooses each text part's transfer encoding (and each encoded header's) by counting
 * the characters of the value — nine times over the parts of one message: a third of the CPU it
 * spends building a 10 KB mail. When every value it would choose for comes out the same, that
 * choice is given as `textEncoding`, which it then takes without counting: the same message,
 * byte for byte. Header values of printable ASCII are never encoded, so their choice does not
 * matter; where the values disagree, nodemailer chooses per value as before.
 */
export function textEncodingHint(m: OutgoingMessage): 'quoted-printable' | 'base64' | undefined {
  const choice = encodingOf(m.html ?? m.text);
  const headerValues = [m.subject, m.from.name ?? '', m.to.name ?? '', ...m.headers.map((h) => h.value)];
  const decided = [m.text, ...headerValues.filter((v) => /[^\x20-\x7e]/.test(v))];
  if (decided.some((v) => encodingOf(v) !== choice)) return undefined;
  return choice === 'Q' ? 'quoted-printable' : 'base64';
}

export const mailOptions = (m: OutgoingMessage): Mail.Options => {
  const textEncoding = textEncodingHint(m);
  return {
    from: { address: m.from.address, name: m.from.name ?? '' },
    to: { address: m.to.address, name: m.to.name ?? '' },
    subject: m.subject,
    text: m.text,
    ...(m.html !== null ? { html: m.html } : {}),
    messageId: `<${m.messageId}>`,
    headers: m.headers.map((h) => ({ key: h.name, value: h.value })),
    ...(textEncoding ? { textEncoding } : {}),
  };
};

/** The message as Graph's MIME form wants it: RFC 5322 bytes, base64. */
export async function mimeOf(m: OutgoingMessage): Promise<Buffer> {
  return new MailComposer(mailOptions(m)).compile().build();
}

/** A token-service failure is the profile's problem (not authorized, consent gone) or transient. */
function tokenFailure(err: unknown): DeliveryError {
  if (err instanceof AppError) {
    if (err.status === 503) return new DeliveryError('transient', 'microsoft_unavailable', err.message);
    return new DeliveryError('profile', err.code, err.message);
  }
  return new DeliveryError('transient', 'token_error', err instanceof Error ? err.message : String(err));
}

/** nodemailer's timeouts from the send timeout (see timing.ts). */
const timeouts = (sliceSeconds?: number) => {
  const t = mailTiming(sliceSeconds);
  return { connectionTimeout: t.connectTimeoutMs, greetingTimeout: t.connectTimeoutMs, socketTimeout: t.sendTimeoutMs };
};

/**
 * Whether the server offers SMTPUTF8 (RFC 6531), read from its EHLO reply (after STARTTLS, when
 * the profile uses it). nodemailer asks for SMTPUTF8 when the server offers it, but when it does
 * not, it sends the UTF-8 address anyway — which RFC 6531 forbids and a server may take and then
 * mangle or bounce — so an address that needs it is checked before it is handed over.
 */
function offersSmtpUtf8(options: SMTPTransport.Options): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const conn = new SMTPConnection(options);
    conn.once('error', (err) => {
      conn.close();
      reject(err);
    });
    conn.connect(() => {
      // the last reply at 'connect' is the EHLO that listed the extensions the session has
      const ehlo = String(conn.lastServerResponse || '');
      conn.quit();
      resolve(/[ -]SMTPUTF8\b/im.test(ehlo));
    });
  });
}

/** A message with a non-ASCII local part, refused before it reaches a server without SMTPUTF8. */
function smtpUtf8Refusal(m: OutgoingMessage): DeliveryError | null {
  const reason =
    'needs a server that offers SMTPUTF8 (RFC 6531), which this one does not: its characters before the @ are not ASCII';
  // The From address is the profile's: every message would fail, so the profile pauses.
  if (needsSmtpUtf8(m.from.address))
    return new DeliveryError('profile', 'smtputf8_unsupported', `The From address ${m.from.address} ${reason}.`);
  if (needsSmtpUtf8(m.to.address))
    return new DeliveryError('permanent', 'smtputf8_unsupported', `The address ${m.to.address} ${reason}.`);
  return null;
}

export function smtpRelay(p: SendingProfilesTable, s: ProfileSecrets, sliceSeconds?: number): Transport {
  const options: SMTPTransport.Options = {
    host: p.smtp_host ?? '',
    port: p.smtp_port ?? 25,
    secure: p.smtp_security === 'tls',
    requireTLS: p.smtp_security === 'starttls',
    ignoreTLS: p.smtp_security === 'none',
    tls: { rejectUnauthorized: p.smtp_tls_verify !== 0 },
    ...(p.smtp_username ? { auth: { user: p.smtp_username, pass: s.smtpPassword ?? '' } } : {}),
    ...(p.dkim_domain && p.dkim_selector && s.dkimPrivateKey
      ? { dkim: { domainName: p.dkim_domain, keySelector: p.dkim_selector, privateKey: s.dkimPrivateKey } }
      : {}),
    ...timeouts(sliceSeconds),
  };
  const transport = nodemailer.createTransport({
    ...options,
    pool: true,
    maxConnections: p.concurrency,
    maxMessages: 100,
  });
  // asked once per transport, and only when a message needs it
  let smtpUtf8: Promise<boolean> | undefined;
  return {
    sender: { address: p.from_address ?? '', name: p.from_name },
    async send(m) {
      try {
        const refusal = smtpUtf8Refusal(m);
        if (refusal) {
          smtpUtf8 ??= offersSmtpUtf8(options).catch((err) => {
            smtpUtf8 = undefined; // a failed connection says nothing about the server: ask again next time
            throw err;
          });
          if (!(await smtpUtf8)) throw refusal;
        }
        const info = await transport.sendMail(mailOptions(m));
        return { providerId: info.response ?? null };
      } catch (err) {
        if (err instanceof DeliveryError) throw err;
        throw classifySmtp(err);
      }
    },
    close: () => transport.close(),
  };
}

/** Exchange Online SMTP client submission with XOAUTH2, as the mailbox the token belongs to (or a shared one). */
export function office365Smtp(p: SendingProfilesTable, app: AzureAppRow, deps: TransportDeps): Transport {
  const endpoint = cloudEndpoints(app.cloud, deps.config).smtp;
  const user = p.mailbox ?? app.ms_upn ?? '';
  let current: { token: string; transport: Transporter<SMTPTransport.SentMessageInfo> } | undefined;
  const transportFor = (token: string) => {
    if (current?.token === token) return current.transport;
    current?.transport.close();
    const transport = nodemailer.createTransport({
      host: endpoint.host,
      port: endpoint.port,
      secure: false,
      requireTLS: true,
      tls: {
        ...(deps.config.microsoft.smtpCa ? { ca: deps.config.microsoft.smtpCa } : {}),
        // SNI takes a host name only (an IP there is deprecated, DEP0123): the emulator listens on one.
        ...(isIP(endpoint.host) ? {} : { servername: endpoint.host }),
      },
      auth: { type: 'OAuth2', user, accessToken: token },
      pool: true,
      // Exchange allows three concurrent sessions per mailbox.
      maxConnections: Math.min(p.concurrency, 3),
      maxMessages: 100,
      ...timeouts(deps.config.mailSliceSeconds),
    });
    current = { token, transport };
    return transport;
  };
  return {
    sender: { address: user, name: p.from_name },
    async send(m) {
      let token: string;
      try {
        token = await deps.tokens.accessToken(app.client_id, app.id, 'smtp');
      } catch (err) {
        throw tokenFailure(err);
      }
      try {
        const info = await transportFor(token).sendMail(mailOptions(m));
        return { providerId: info.response ?? null };
      } catch (err) {
        const failure = classifySmtp(err);
        // An access token revoked before its expiry: the next attempt gets a fresh one.
        if (failure.code === 'smtp.535.5.7.3') deps.tokens.forget(app.id);
        throw failure;
      }
    },
    close: () => current?.transport.close(),
  };
}

/** Graph sendMail (MIME form) as the authorized account, or a mailbox it may send as. */
export function graphSendMail(p: SendingProfilesTable, app: AzureAppRow, deps: TransportDeps): Transport {
  const graph = cloudEndpoints(app.cloud, deps.config).graphEndpoint;
  const allowedOrigins = new Set(CLOUDS.map((c) => new URL(cloudEndpoints(c, deps.config).graphEndpoint).origin));
  const path = p.mailbox ? `users/${encodeURIComponent(p.mailbox)}` : 'me';
  const post = async (token: string, body: string, signal?: AbortSignal) =>
    outboundFetch(
      `${graph}/v1.0/${path}/sendMail`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body },
      // One attempt: throttling is the dispatcher's to handle, across the whole profile.
      { allowedOrigins, timeoutMs: mailTiming(deps.config.mailSliceSeconds).sendTimeoutMs, attempts: 1, signal },
    );
  return {
    sender: { address: p.mailbox ?? app.ms_upn ?? '', name: p.from_name },
    async send(m, signal) {
      const body = (await mimeOf(m)).toString('base64');
      let res: Response | undefined;
      for (let attempt = 1; attempt <= 2; attempt++) {
        let token: string;
        try {
          token = await deps.tokens.accessToken(app.client_id, app.id, 'graph');
        } catch (err) {
          throw tokenFailure(err);
        }
        try {
          res = await post(token, body, signal);
        } catch (err) {
          if (signal?.aborted) throw err;
          throw new DeliveryError('transient', 'network.graph', `Microsoft Graph could not be reached: ${String(err)}`);
        }
        // An access token revoked before its expiry: drop it and try once with a fresh one.
        if (res.status !== 401 || attempt === 2) break;
        await res.body?.cancel();
        deps.tokens.forget(app.id);
      }
      if (!res) throw new DeliveryError('transient', 'network.graph', 'Microsoft Graph could not be reached');
      if (res.status === 202) {
        await res.body?.cancel();
        return { providerId: res.headers.get('request-id') };
      }
      throw await graphFailure(res);
    },
    close: () => undefined,
  };
}

async function graphFailure(res: Response): Promise<DeliveryError> {
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
  const gcode = body.error?.code ?? String(res.status);
  const reply = body.error?.message ?? res.statusText;
  const msg = `Microsoft Graph answered ${res.status} ${gcode}: ${reply}`;
  // Only a 429 says a limit was reached (and teaches the pace); a 503/504 is an outage, retried.
  if (res.status === 429) {
    const wait = retryAfterMs(res.headers.get('retry-after')) ?? 10_000;
    const code = /MailboxConcurrency/i.test(reply) ? 'graph.MailboxConcurrency' : `graph.${gcode}`;
    return new DeliveryError('throttled', code, msg, reply, wait);
  }
  // The mailbox itself (missing, not allowed, no Exchange) or the consent: every message would fail.
  const mailboxProblem = ['ErrorSendAsDenied', 'MailboxNotEnabledForRESTAPI', 'ErrorInvalidUser'].includes(gcode);
  if (res.status === 401 || res.status === 403 || mailboxProblem) {
    return new DeliveryError('profile', mailboxProblem ? `graph.${gcode}` : 'graph.403', msg, reply);
  }
  if (res.status >= 500) return new DeliveryError('transient', `graph.${gcode}`, msg, reply);
  return new DeliveryError('permanent', `graph.${gcode}`, msg, reply);
}
