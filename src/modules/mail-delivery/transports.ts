// How a message leaves, per profile kind. Every kind sends the same RFC 5322 message (mime.ts: our
// Message-ID, the profile's custom headers, the per-message headers): over SMTP through our own
// pipelining client (smtp-session.ts, smtp-pool.ts), and as the MIME form of Graph's sendMail,
// which carries any header (the JSON form allows five `x-`). DKIM signing is nodemailer's signer.
//
// Office 365 SMTP authenticates with XOAUTH2 using an access token from the token service, never
// a library's own refresh logic: Entra rotates refresh tokens on use and the token service must
// store the new one.
import DKIM from 'nodemailer/lib/dkim/index.js';
import type { Config } from '../../config.js';
import type { AzureAppRow, SendingProfilesTable } from '../../db/types.js';
import { needsSmtpUtf8 } from '../../lib/email.js';
import { AppError } from '../../lib/errors.js';
import { outboundFetch, retryAfterMs } from '../../lib/outbound.js';
import { CLOUDS, cloudEndpoints } from '../../microsoft/clouds.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { classifySmtp, DeliveryError } from './delivery-error.js';
import { wireAddress } from './mime.js';
import { SmtpPool } from './smtp-pool.js';
import { SmtpError } from './smtp-session.js';
import { mailTiming } from './timing.js';

/** A message ready to go: its envelope's addresses (as given) and its bytes (mime.ts). */
export interface PreparedMessage {
  from: string;
  to: string;
  mime: Buffer;
}

export interface SendResult {
  /** the server's acceptance: SMTP reply or Graph request-id */
  providerId: string | null;
}

export interface SendOptions {
  /**
   * Asked right before the request goes out, after the access token and the DKIM signature (an
   * SMTP send asks before it takes a session): true holds the message back (HeldBack) instead of
   * sending it. The dispatcher says true once a 429 has come back: a request started after that
   * would only be refused too.
   */
  held?: () => boolean;
}

/** The message was held back before anything was sent (SendOptions.held). */
export class HeldBack extends Error {
  constructor() {
    super('held back: the server asked to wait');
    this.name = 'HeldBack';
  }
}

export interface Transport {
  /** the address mail is sent from (a mailbox for the Microsoft kinds) */
  readonly sender: { address: string; name: string | null };
  send(m: PreparedMessage, opts?: SendOptions): Promise<SendResult>;
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

/** A token-service failure is the profile's problem (not authorized, consent gone) or transient. */
function tokenFailure(err: unknown): DeliveryError {
  if (err instanceof AppError) {
    if (err.status === 503) return new DeliveryError('transient', 'microsoft_unavailable', err.message);
    return new DeliveryError('profile', err.code, err.message);
  }
  return new DeliveryError('transient', 'token_error', err instanceof Error ? err.message : String(err));
}

/** The session's timeouts from the send timeout (see timing.ts). */
const timeouts = (sliceSeconds?: number) => {
  const t = mailTiming(sliceSeconds);
  return { connectTimeoutMs: t.connectTimeoutMs, socketTimeoutMs: t.sendTimeoutMs };
};

/** A message with a non-ASCII local part, refused before it reaches a server without SMTPUTF8. */
function smtpUtf8Refusal(m: PreparedMessage): DeliveryError | null {
  const reason =
    'needs a server that offers SMTPUTF8 (RFC 6531), which this one does not: its characters before the @ are not ASCII';
  // The From address is the profile's: every message would fail, so the profile pauses.
  if (needsSmtpUtf8(m.from))
    return new DeliveryError('profile', 'smtputf8_unsupported', `The From address ${m.from} ${reason}.`);
  if (needsSmtpUtf8(m.to))
    return new DeliveryError('permanent', 'smtputf8_unsupported', `The address ${m.to} ${reason}.`);
  return null;
}

/** Sends `m` through `pool` (its envelope's addresses as they go on the wire); a failure classified (see delivery-error.ts). */
async function sendThrough(pool: SmtpPool, m: PreparedMessage, data: Buffer, opts: SendOptions): Promise<SendResult> {
  const smtpUtf8 = needsSmtpUtf8(m.from) || needsSmtpUtf8(m.to);
  if (opts.held?.()) throw new HeldBack();
  try {
    return { providerId: await pool.send(wireAddress(m.from), wireAddress(m.to), data, { smtpUtf8 }) };
  } catch (err) {
    if (err instanceof SmtpError && err.code === 'ESMTPUTF8') throw smtpUtf8Refusal(m) ?? classifySmtp(err);
    throw classifySmtp(err);
  }
}

async function signed(dkim: DKIM, data: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of dkim.sign(data)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function smtpRelay(p: SendingProfilesTable, s: ProfileSecrets, sliceSeconds?: number): Transport {
  const security = p.smtp_security === 'tls' ? 'tls' : p.smtp_security === 'starttls' ? 'starttls' : 'none';
  const pool = new SmtpPool(
    {
      host: p.smtp_host ?? '',
      port: p.smtp_port ?? 25,
      security,
      tls: { rejectUnauthorized: p.smtp_tls_verify !== 0 },
      ...(p.smtp_username ? { auth: { user: p.smtp_username, pass: s.smtpPassword ?? '' } } : {}),
      ...timeouts(sliceSeconds),
    },
    p.concurrency,
  );
  const dkim =
    p.dkim_domain && p.dkim_selector && s.dkimPrivateKey
      ? new DKIM({ domainName: p.dkim_domain, keySelector: p.dkim_selector, privateKey: s.dkimPrivateKey })
      : undefined;
  return {
    sender: { address: p.from_address ?? '', name: p.from_name },
    async send(m, opts = {}) {
      return sendThrough(pool, m, dkim ? await signed(dkim, m.mime) : m.mime, opts);
    },
    close: () => pool.close(),
  };
}

/** Exchange Online SMTP client submission with XOAUTH2, as the mailbox the token belongs to (or a shared one). */
export function office365Smtp(p: SendingProfilesTable, app: AzureAppRow, deps: TransportDeps): Transport {
  const endpoint = cloudEndpoints(app.cloud, deps.config).smtp;
  const user = p.mailbox ?? app.ms_upn ?? '';
  // Sessions authenticate with the token they were opened with: a new token, new sessions.
  let current: { token: string; pool: SmtpPool } | undefined;
  const poolFor = (token: string) => {
    if (current?.token === token) return current.pool;
    current?.pool.close();
    const pool = new SmtpPool(
      {
        host: endpoint.host,
        port: endpoint.port,
        security: 'starttls',
        tls: deps.config.microsoft.smtpCa ? { ca: deps.config.microsoft.smtpCa } : {},
        auth: { user, accessToken: token },
        ...timeouts(deps.config.mailSliceSeconds),
      },
      // Exchange allows three concurrent sessions per mailbox.
      Math.min(p.concurrency, 3),
    );
    current = { token, pool };
    return pool;
  };
  return {
    sender: { address: user, name: p.from_name },
    async send(m, opts = {}) {
      let token: string;
      try {
        token = await deps.tokens.accessToken(app.client_id, app.id, 'smtp');
      } catch (err) {
        throw tokenFailure(err);
      }
      try {
        return await sendThrough(poolFor(token), m, m.mime, opts);
      } catch (err) {
        // An access token revoked before its expiry: the next attempt gets a fresh one.
        if (err instanceof DeliveryError && err.code === 'smtp.535.5.7.3') deps.tokens.forget(app.id);
        throw err;
      }
    },
    close: () => current?.pool.close(),
  };
}

/** Graph sendMail (MIME form) as the authorized account, or a mailbox it may send as. */
export function graphSendMail(p: SendingProfilesTable, app: AzureAppRow, deps: TransportDeps): Transport {
  const graph = cloudEndpoints(app.cloud, deps.config).graphEndpoint;
  const allowedOrigins = new Set(CLOUDS.map((c) => new URL(cloudEndpoints(c, deps.config).graphEndpoint).origin));
  const path = p.mailbox ? `users/${encodeURIComponent(p.mailbox)}` : 'me';
  const post = async (token: string, body: string) =>
    outboundFetch(
      `${graph}/v1.0/${path}/sendMail`,
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body },
      // One attempt: throttling is the dispatcher's to handle, across the whole profile.
      { allowedOrigins, timeoutMs: mailTiming(deps.config.mailSliceSeconds).sendTimeoutMs, attempts: 1 },
    );
  return {
    sender: { address: p.mailbox ?? app.ms_upn ?? '', name: p.from_name },
    async send(m, opts = {}) {
      const body = m.mime.toString('base64');
      let res: Response | undefined;
      for (let attempt = 1; attempt <= 2; attempt++) {
        let token: string;
        try {
          token = await deps.tokens.accessToken(app.client_id, app.id, 'graph');
        } catch (err) {
          throw tokenFailure(err);
        }
        // Getting the token can take a database round trip (PostgreSQL): a 429 may have come
        // back meanwhile to a request of this profile that was already on its way.
        if (attempt === 1 && opts.held?.()) throw new HeldBack();
        try {
          res = await post(token, body);
        } catch (err) {
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
