// One SMTP client session (RFC 5321): greeting, EHLO, STARTTLS (RFC 3207), AUTH (PLAIN, LOGIN,
// XOAUTH2), then any number of transactions. It replaces nodemailer's connection for sending
// because that one sends MAIL, RCPT and DATA one round trip at a time and writes each chunk of
// the message as its own socket write: with PIPELINING (RFC 2920, which every relay and Exchange
// offer) a transaction here is two round trips and two writes.
//
// Failures carry nodemailer's shape — `code` (EAUTH, EENVELOPE, EMESSAGE, ECONNECTION, ETIMEDOUT,
// ETLS, EPROTOCOL), `responseCode`, `response`, `command` — which classifySmtp reads.
import { isAscii } from 'node:buffer';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';

export interface SmtpOptions {
  host: string;
  port: number;
  /** none: plain text; starttls: upgraded before anything else is said, or no session; tls: implicit */
  security: 'none' | 'starttls' | 'tls';
  tls?: Pick<ConnectionOptions, 'rejectUnauthorized' | 'ca'>;
  auth?: { user: string; pass: string } | { user: string; accessToken: string };
  /** greeting and connection setup, then each reply */
  connectTimeoutMs: number;
  socketTimeoutMs: number;
}

export class SmtpError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly responseCode?: number,
    readonly response?: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
}

interface Reply {
  code: number;
  text: string;
}

interface Waiter {
  command: string;
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
}

/** nodemailer's EHLO name: this host's name when it is a domain, else an address literal. */
function ehloName(): string {
  const name = hostname();
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return `[${name}]`;
  return name.includes('.') ? name : '[127.0.0.1]';
}

const MAX_REPLY_CHARS = 64 * 1024;
const MAX_REPLY_LINES = 1000;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export class SmtpSession {
  private socket!: Socket | TLSSocket;
  private buffered = '';
  private replyLines: string[] = [];
  private readonly waiters: Waiter[] = [];
  private ended: Error | undefined;
  /** EHLO keywords, upper case (SIZE, PIPELINING, SMTPUTF8, 8BITMIME, AUTH …) */
  extensions = new Map<string, string>();
  secure = false;
  /** transactions this session completed, failed or not */
  transactions = 0;

  private constructor(private readonly opts: SmtpOptions) {}

  /** A session ready for its first transaction (authenticated when the options say so). */
  static async open(opts: SmtpOptions): Promise<SmtpSession> {
    const s = new SmtpSession(opts);
    const timer = setTimeout(
      () =>
        s.fail(
          new SmtpError('ETIMEDOUT', `No greeting within ${opts.connectTimeoutMs} ms`, undefined, undefined, 'CONN'),
        ),
      opts.connectTimeoutMs,
    );
    try {
      await s.connect();
      await s.hello();
      if (opts.security === 'starttls') await s.startTls();
      if (opts.auth) await s.authenticate(opts.auth);
      return s;
    } catch (err) {
      s.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get closed(): boolean {
    return this.ended !== undefined;
  }

  private tlsOptions(): ConnectionOptions {
    // SNI takes a host name only (an IP there is deprecated, DEP0123)
    return { ...this.opts.tls, ...(isIP(this.opts.host) ? {} : { servername: this.opts.host }) };
  }

  private connect(): Promise<void> {
    const { host, port, security } = this.opts;
    const socket = security === 'tls' ? tlsConnect({ host, port, ...this.tlsOptions() }) : netConnect({ host, port });
    this.secure = security === 'tls';
    this.attach(socket);
    return this.expect('CONN', 220).then(() => undefined);
  }

  private attach(socket: Socket | TLSSocket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.setTimeout(this.opts.socketTimeoutMs);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('timeout', () => {
      const idle = this.waiters.length === 0;
      this.fail(new SmtpError('ETIMEDOUT', idle ? 'Idle session timed out' : 'The server did not answer in time'));
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.fail(new SmtpError(err.code === 'ETIMEDOUT' ? 'ETIMEDOUT' : 'ECONNECTION', err.message)),
    );
    socket.on('close', () => this.fail(new SmtpError('ECONNECTION', 'Connection closed')));
  }

  private onData(chunk: string) {
    this.buffered += chunk;
    // A reply is a few lines of at most 512 characters (RFC 5321 §4.5.3.1.5): a server that
    // streams more without ending it is not speaking SMTP, and is not buffered without bound.
    if (this.buffered.length > MAX_REPLY_CHARS || this.replyLines.length > MAX_REPLY_LINES) {
      this.fail(new SmtpError('EPROTOCOL', 'The server sent a reply too long to be SMTP'));
      return;
    }
    let nl = this.buffered.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffered.slice(0, nl).replace(/\r$/, '');
      this.buffered = this.buffered.slice(nl + 1);
      this.replyLines.push(line);
      // `250-…` continues a reply, `250 …` (or a bare `250`) ends it
      if (!/^\d{3}-/.test(line)) {
        const lines = this.replyLines;
        this.replyLines = [];
        const code = Number(line.slice(0, 3));
        const text = lines.join('\n');
        const waiter = this.waiters.shift();
        if (!waiter || !Number.isInteger(code) || code < 200) {
          this.fail(new SmtpError('EPROTOCOL', `Unexpected reply: ${text}`, undefined, text));
          return;
        }
        waiter.resolve({ code, text });
      }
      nl = this.buffered.indexOf('\n');
    }
  }

  /** Ends the session for good: everything waiting for a reply fails with `err`. */
  private fail(err: Error) {
    this.ended ??= err;
    for (const w of this.waiters.splice(0)) w.reject(this.ended);
    this.socket?.destroy();
  }

  private reply(command: string): Promise<Reply> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ command, resolve, reject }));
  }

  /** The reply to `command`, which must have one of the codes `ok`, or an error of that command. */
  private async expect(command: string, ...ok: number[]): Promise<Reply> {
    const r = await this.reply(command);
    if (!ok.includes(r.code)) throw this.refusal(command, r);
    return r;
  }

  private refusal(command: string, r: Reply, code = 'EPROTOCOL'): SmtpError {
    const c = command.startsWith('AUTH') ? 'EAUTH' : code;
    return new SmtpError(c, `${command} refused: ${r.text}`, r.code, r.text, command);
  }

  private write(data: string | Buffer) {
    this.socket.write(data);
  }

  private async hello() {
    this.write(`EHLO ${ehloName()}\r\n`);
    const r = await this.reply('EHLO');
    if (r.code !== 250) {
      // a server from before ESMTP: no extensions at all
      this.write(`HELO ${ehloName()}\r\n`);
      await this.expect('HELO', 250);
      this.extensions = new Map();
      return;
    }
    this.extensions = new Map(
      r.text
        .split('\n')
        .slice(1)
        .map((l) => {
          const [keyword = '', ...params] = l.slice(4).trim().split(/\s+/);
          return [keyword.toUpperCase(), params.join(' ')] as const;
        }),
    );
  }

  private async startTls() {
    if (!this.extensions.has('STARTTLS'))
      throw new SmtpError(
        'ETLS',
        'The server does not offer STARTTLS, which the profile requires',
        undefined,
        undefined,
        'STARTTLS',
      );
    this.write('STARTTLS\r\n');
    await this.expect('STARTTLS', 220);
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    plain.removeAllListeners('close');
    plain.setTimeout(0);
    const secured = tlsConnect({ socket: plain, ...this.tlsOptions() });
    // a failed handshake may say so more than once: the first is the answer, none is left unheard
    secured.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      secured.once('secureConnect', resolve);
      secured.once('error', (err) => reject(new SmtpError('ETLS', err.message, undefined, undefined, 'STARTTLS')));
      secured.once('close', () =>
        reject(new SmtpError('ECONNECTION', 'Connection closed', undefined, undefined, 'STARTTLS')),
      );
    });
    plain.removeAllListeners('error');
    plain.on('error', () => undefined);
    this.secure = true;
    this.attach(secured);
    await this.hello();
  }

  private async authenticate(auth: NonNullable<SmtpOptions['auth']>) {
    const offered = (this.extensions.get('AUTH') ?? '').toUpperCase().split(' ');
    if ('accessToken' in auth) {
      // RFC 7628-style XOAUTH2: a refusal first answers 334 with details, then the 5xx after an empty line
      this.write(`AUTH XOAUTH2 ${b64(`user=${auth.user}\x01auth=Bearer ${auth.accessToken}\x01\x01`)}\r\n`);
      const r = await this.reply('AUTH XOAUTH2');
      if (r.code === 235) return;
      if (r.code !== 334) throw this.refusal('AUTH XOAUTH2', r);
      this.write('\r\n');
      throw this.refusal('AUTH XOAUTH2', await this.reply('AUTH XOAUTH2'));
    }
    if (offered.includes('PLAIN') || !offered.includes('LOGIN')) {
      this.write(`AUTH PLAIN ${b64(`\0${auth.user}\0${auth.pass}`)}\r\n`);
      await this.expect('AUTH PLAIN', 235);
      return;
    }
    this.write('AUTH LOGIN\r\n');
    await this.expect('AUTH LOGIN', 334);
    this.write(`${b64(auth.user)}\r\n`);
    await this.expect('AUTH LOGIN', 334);
    this.write(`${b64(auth.pass)}\r\n`);
    await this.expect('AUTH LOGIN', 235);
  }

  /**
   * One transaction: `data` (the message, CRLF line ends) to one recipient. With PIPELINING, MAIL,
   * RCPT and DATA go in one write and the message with its end in another. Returns the server's
   * acceptance. A refusal leaves the session usable (RSET); a broken connection ends it.
   */
  async send(from: string, to: string, data: Buffer, params: { smtpUtf8: boolean }): Promise<string> {
    // RFC 6531 forbids UTF-8 in an envelope the server did not offer SMTPUTF8 for: a server may
    // take it and then mangle or bounce it. Refused here, before anything is said.
    if (params.smtpUtf8 && !this.extensions.has('SMTPUTF8'))
      throw new SmtpError('ESMTPUTF8', 'The server does not offer SMTPUTF8', undefined, undefined, 'MAIL FROM');
    this.transactions++;
    const eightBit = !isAscii(data);
    const mailParams = [
      ...(params.smtpUtf8 ? ['SMTPUTF8'] : []),
      ...(eightBit && this.extensions.has('8BITMIME') ? ['BODY=8BITMIME'] : []),
    ];
    const commands: [string, string, number[]][] = [
      ['MAIL FROM', `MAIL FROM:<${from}>${mailParams.map((p) => ` ${p}`).join('')}\r\n`, [250]],
      ['RCPT TO', `RCPT TO:<${to}>\r\n`, [250, 251]],
      ['DATA', 'DATA\r\n', [354]],
    ];
    let refused: SmtpError | undefined;
    let dataOpen = false;
    try {
      if (this.extensions.has('PIPELINING')) {
        const replies = commands.map(([command]) => this.reply(command));
        // A server that hangs up after its first refusal fails the replies still awaited: each
        // has a handler before anything can fail, and the refusal is what the caller gets.
        for (const r of replies) r.catch(() => undefined);
        this.write(commands.map(([, line]) => line).join(''));
        for (const [i, [command, , ok]] of commands.entries()) {
          const r = await (replies[i] as Promise<Reply>);
          if (command === 'DATA') dataOpen = r.code === 354;
          if (!ok.includes(r.code)) refused ??= this.refusal(command, r, 'EENVELOPE');
        }
      } else {
        for (const [command, line, ok] of commands) {
          this.write(line);
          const r = await this.reply(command);
          if (command === 'DATA') dataOpen = r.code === 354;
          if (!ok.includes(r.code)) {
            refused = this.refusal(command, r, 'EENVELOPE');
            break;
          }
        }
      }
      if (refused && dataOpen) {
        // A server that opened DATA after refusing the recipient gets an empty message it will refuse.
        this.write('.\r\n');
        await this.reply('DATA');
      }
    } catch (err) {
      throw refused ?? err;
    }
    if (refused) {
      await this.reset();
      throw refused;
    }
    // one writev for the message and its end
    this.socket.cork();
    this.write(dotStuffed(data));
    this.write(data.length && data[data.length - 1] === 0x0a ? '.\r\n' : '\r\n.\r\n');
    this.socket.uncork();
    const r = await this.reply('DATA');
    if (r.code !== 250) {
      await this.reset();
      throw this.refusal('DATA', r, 'EMESSAGE');
    }
    return r.text;
  }

  private async reset() {
    this.write('RSET\r\n');
    await this.reply('RSET').catch(() => undefined);
  }

  /** Says goodbye and closes; nothing waits for the answer. */
  quit() {
    if (this.ended) return;
    this.ended = new SmtpError('ECONNECTION', 'Session closed');
    this.socket.end('QUIT\r\n');
  }

  destroy() {
    this.fail(new SmtpError('ECONNECTION', 'Session closed'));
  }
}

const DOT = Buffer.from('.');

/** Dot-stuffing (RFC 5321 §4.5.2): a line starting with `.` gets another; no copy when none does. */
export function dotStuffed(data: Buffer): Buffer {
  let at = data.indexOf('\n.');
  if (at < 0 && data[0] !== 0x2e) return data;
  const parts: Buffer[] = data[0] === 0x2e ? [DOT] : [];
  let from = 0;
  while (at >= 0) {
    parts.push(data.subarray(from, at + 1), DOT);
    from = at + 1;
    at = data.indexOf('\n.', from);
  }
  parts.push(data.subarray(from));
  return Buffer.concat(parts);
}
