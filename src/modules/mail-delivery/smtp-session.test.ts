// The SMTP client against real servers: smtp-server (sessions, AUTH LOGIN, refusals, hang-ups)
// and a scripted one that shows what goes over the wire before each reply (PIPELINING).
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpCerts } from '../../../emulator/src/smtp/certs.js';
import { SmtpPool } from './smtp-pool.js';
import { dotStuffed, SmtpError, type SmtpOptions, SmtpSession } from './smtp-session.js';

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

const options = (port: number, more: Partial<SmtpOptions> = {}): SmtpOptions => ({
  host: '127.0.0.1',
  port,
  security: 'none',
  connectTimeoutMs: 5000,
  socketTimeoutMs: 5000,
  ...more,
});

interface Got {
  session: string;
  to: string;
  data: string;
}

async function sink(settings: Partial<ConstructorParameters<typeof SMTPServer>[0]> = {}) {
  const got: Got[] = [];
  let sessions = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onConnect(_s, cb) {
      sessions++;
      cb();
    },
    onRcptTo(address, _s, cb) {
      if (address.address.startsWith('refused'))
        return cb(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        got.push({
          session: session.id,
          to: session.envelope.rcptTo[0]?.address ?? '',
          data: Buffer.concat(chunks).toString(),
        });
        cb(null, 'Queued as 42');
      });
    },
    ...settings,
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  closers.push(() => new Promise((r) => server.close(() => r(undefined))));
  const { port } = server.server.address() as { port: number };
  return { port, got, sessions: () => sessions };
}

const message = (body: string) => Buffer.from(`Subject: test\r\n\r\n${body}`);

describe('the SMTP pool', () => {
  it('sends many messages over its sessions, each line intact (dot-stuffing), and replaces a session after its share', async () => {
    const s = await sink();
    const pool = new SmtpPool(options(s.port), 2, 5);
    closers.push(() => pool.close());
    const body = '.\r\n..two dots\r\nplain\r\n.';
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        pool.send('a@b.example', `r${i}@c.example`, message(body), { smtpUtf8: false }),
      ),
    );
    expect(replies.every((r) => /^250 .*Queued as 42/.test(r))).toBe(true);
    expect(s.got.map((g) => g.to).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `r${i}@c.example`).sort());
    for (const g of s.got) expect(g.data).toBe(`Subject: test\r\n\r\n${body}\r\n`);
    // 12 messages, 2 at a time, at most 5 a session: at least 3 sessions, and no session carried more than 5
    expect(s.sessions()).toBeGreaterThanOrEqual(3);
    const perSession = new Map<string, number>();
    for (const g of s.got) perSession.set(g.session, (perSession.get(g.session) ?? 0) + 1);
    expect(Math.max(...perSession.values())).toBeLessThanOrEqual(5);
  });

  it('keeps its session after a refused recipient: the refusal is that message’s, the next one goes', async () => {
    const s = await sink();
    const pool = new SmtpPool(options(s.port), 1);
    closers.push(() => pool.close());
    const refused = await pool
      .send('a@b.example', 'refused@c.example', message('x'), { smtpUtf8: false })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(SmtpError);
    expect(refused).toMatchObject({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO' });
    await pool.send('a@b.example', 'ok@c.example', message('y'), { smtpUtf8: false });
    expect(s.got.map((g) => g.to)).toEqual(['ok@c.example']);
    expect(s.sessions()).toBe(1);
  });

  it('opens a new session when the server hung up an idle one', async () => {
    const s = await sink({ socketTimeout: 300 });
    const pool = new SmtpPool(options(s.port), 1);
    closers.push(() => pool.close());
    await pool.send('a@b.example', 'one@c.example', message('1'), { smtpUtf8: false });
    // the server says 421 and closes after 300 ms of silence; wait until it has
    await expect.poll(() => (pool as unknown as { idle: SmtpSession[] }).idle[0]?.closed, { timeout: 5000 }).toBe(true);
    await pool.send('a@b.example', 'two@c.example', message('2'), { smtpUtf8: false });
    expect(s.got.map((g) => g.to)).toEqual(['one@c.example', 'two@c.example']);
    expect(s.sessions()).toBe(2);
  });

  it('signs in with AUTH LOGIN where that is all the server offers, and names the command a refusal answered', async () => {
    const s = await sink({
      authOptional: false,
      allowInsecureAuth: true,
      authMethods: ['LOGIN'],
      onAuth(auth, _s, cb) {
        if (auth.username === 'u' && auth.password === 'p') return cb(null, { user: 'u' });
        cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
    });
    const ok = new SmtpPool(options(s.port, { auth: { user: 'u', pass: 'p' } }), 1);
    closers.push(() => ok.close());
    await ok.send('a@b.example', 'c@d.example', message('z'), { smtpUtf8: false });
    expect(s.got).toHaveLength(1);
    const bad = await SmtpSession.open(options(s.port, { auth: { user: 'u', pass: 'wrong' } })).catch((e) => e);
    expect(bad).toMatchObject({ code: 'EAUTH', responseCode: 535, command: 'AUTH LOGIN' });
    expect(bad.response).toMatch(/5\.7\.8/);
  });
});

/**
 * A server that writes down, for each reply it gives, the commands it had received by then. With
 * PIPELINING it answers a transaction's commands only once DATA has come (a client that waited
 * for the MAIL reply would wait forever); without, it answers each command as it comes.
 */
async function scripted(pipelining: boolean, opts: { mailReply?: string } = {}) {
  const seenBeforeReply: string[][] = [];
  const server: Server = createServer((socket: Socket) => {
    let buf = '';
    let pending: string[] = [];
    let inData = false;
    const say = (s: string) => socket.write(`${s}\r\n`);
    say('220 scripted ESMTP');
    socket.on('data', (chunk) => {
      buf += chunk.toString();
      for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            say('250 2.0.0 Ok: queued');
          }
          continue;
        }
        const verb = line.split(/[ :]/)[0]?.toUpperCase() ?? '';
        if (verb === 'EHLO') say(pipelining ? '250-scripted\r\n250 PIPELINING' : '250 scripted');
        else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else {
          pending.push(verb);
          if (pipelining && verb !== 'DATA') continue;
          seenBeforeReply.push([...pending]);
          if (opts.mailReply) {
            // refuses the transaction and hangs up, as a server shutting down does (421)
            socket.end(`${opts.mailReply}\r\n`);
            return;
          }
          for (const v of pending) say(v === 'DATA' ? '354 go ahead' : '250 2.1.0 Ok');
          inData = pending.includes('DATA');
          pending = [];
        }
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((r) => server.close(() => r(undefined))));
  return { port: (server.address() as { port: number }).port, seenBeforeReply };
}

describe('TLS', () => {
  it('speaks implicit TLS (port 465 style), verifying the server against the CA it is given', async () => {
    const { key, cert, caPem } = await smtpCerts();
    const s = await sink({ key, cert, secure: true, disabledCommands: [] });
    const session = await SmtpSession.open(options(s.port, { security: 'tls', tls: { ca: caPem } }));
    closers.push(() => session.quit());
    expect(session.secure).toBe(true);
    await session.send('a@b.example', 'tls@c.example', message('t'), { smtpUtf8: false });
    expect(s.got.map((g) => g.to)).toEqual(['tls@c.example']);
  });

  it('upgrades with STARTTLS, and refuses a server whose certificate it cannot verify', async () => {
    const { key, cert, caPem } = await smtpCerts();
    const s = await sink({ key, cert, disabledCommands: [] });
    const session = await SmtpSession.open(options(s.port, { security: 'starttls', tls: { ca: caPem } }));
    closers.push(() => session.quit());
    expect(session.secure).toBe(true);
    await session.send('a@b.example', 'starttls@c.example', message('s'), { smtpUtf8: false });
    expect(s.got.map((g) => g.to)).toEqual(['starttls@c.example']);
    const untrusted = await SmtpSession.open(options(s.port, { security: 'starttls' })).catch((e) => e);
    expect(untrusted).toMatchObject({ code: 'ETLS', command: 'STARTTLS' });
    expect(untrusted.message).toMatch(/certificate/i);
  });

  it('refuses a server that does not offer STARTTLS when the profile requires it', async () => {
    const s = await sink();
    const err = await SmtpSession.open(options(s.port, { security: 'starttls' })).catch((e) => e);
    expect(err).toMatchObject({ code: 'ETLS', command: 'STARTTLS' });
    expect(s.got).toEqual([]);
  });
});

describe('PIPELINING', () => {
  it('sends MAIL, RCPT and DATA together when the server offers it', async () => {
    const s = await scripted(true);
    const session = await SmtpSession.open(options(s.port));
    closers.push(() => session.quit());
    await session.send('a@b.example', 'c@d.example', message('p'), { smtpUtf8: false });
    expect(s.seenBeforeReply).toEqual([['MAIL', 'RCPT', 'DATA']]);
  });

  it('waits for each reply when it does not', async () => {
    const s = await scripted(false);
    const session = await SmtpSession.open(options(s.port));
    closers.push(() => session.quit());
    await session.send('a@b.example', 'c@d.example', message('q'), { smtpUtf8: false });
    expect(s.seenBeforeReply).toEqual([['MAIL'], ['RCPT'], ['DATA']]);
  });
});

describe('a server that hangs up', () => {
  it('after refusing MAIL FROM: the refusal is what the send gets, and the session is over', async () => {
    const s = await scripted(true, { mailReply: '421 4.3.2 Service shutting down' });
    const session = await SmtpSession.open(options(s.port));
    const err = await session.send('a@b.example', 'c@d.example', message('r'), { smtpUtf8: false }).catch((e) => e);
    expect(err).toMatchObject({ responseCode: 421, command: 'MAIL FROM', response: '421 4.3.2 Service shutting down' });
    expect(session.closed).toBe(true);
  });
});

describe('a server that is not speaking SMTP', () => {
  it('is dropped when it streams a reply without end, not buffered without bound', async () => {
    const server = createServer((socket) => {
      socket.on('error', () => undefined); // the client hangs up on it
      socket.write('220-');
      socket.write('x'.repeat(200_000));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((r) => server.close(() => r(undefined))));
    const err = await SmtpSession.open(options((server.address() as { port: number }).port)).catch((e) => e);
    expect(err).toMatchObject({ code: 'EPROTOCOL' });
    expect(err.message).toMatch(/too long/);
  });
});

describe('dotStuffed', () => {
  it('doubles a dot that starts a line, and copies nothing when none does', () => {
    const plain = Buffer.from('a.b\r\nc');
    expect(dotStuffed(plain)).toBe(plain);
    expect(dotStuffed(Buffer.from('.a\r\n.\r\nb.\r\n..c')).toString()).toBe('..a\r\n..\r\nb.\r\n...c');
  });
});
