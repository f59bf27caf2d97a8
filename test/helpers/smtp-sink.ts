// A real SMTP server for delivery tests: STARTTLS (the emulator's generated certificate), AUTH
// PLAIN/LOGIN with one account, and per-address answers at RCPT TO (a 4xx deferral, a 5xx
// refusal). Every accepted message is kept raw and parsed.
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { smtpCerts } from '../../emulator/src/smtp/certs.js';

export interface ReceivedMessage {
  raw: string;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] /** MAIL FROM carried SMTPUTF8 (RFC 6531) */; smtpUtf8: boolean };
  authenticatedAs: string | undefined;
  secure: boolean;
  /** when the message's data had arrived (Date.now()) */
  receivedAt: number;
}

export interface SmtpSink {
  host: string;
  port: number;
  received: ReceivedMessage[];
  /** answer RCPT TO for `address` with this SMTP reply (e.g. `451 4.7.1 Try later`) */
  refuse(address: string, reply: string | null): void;
  /** answer MAIL FROM for the sender `address` with this SMTP reply */
  refuseSender(address: string, reply: string | null): void;
  /**
   * While holding, each message is kept (it is in `received`: the server has it) but its 250 is
   * not answered until `hold(false)`: the sender has it in flight, as with a slow server.
   */
  hold(on: boolean): void;
  /** Message-IDs of the messages received and not answered yet (held) */
  held(): string[];
  close(): Promise<void>;
}

export async function startSmtpSink(
  account = { user: 'relay-user', pass: 'relay-password-123' },
  /** smtpUtf8 false: a server that does not offer SMTPUTF8 (many older relays) */
  opts: { smtpUtf8?: boolean } = {},
): Promise<SmtpSink> {
  const { key, cert } = await smtpCerts();
  const received: ReceivedMessage[] = [];
  const refusals = new Map<string, string>();
  const senderRefusals = new Map<string, string>();
  const answer = (reply: string) => {
    const [code, ...text] = reply.split(' ');
    return Object.assign(new Error(text.join(' ')), { responseCode: Number(code) });
  };
  let holding = false;
  const heldNow = new Map<string, () => void>();
  const server = new SMTPServer({
    key,
    cert,
    logger: false,
    hideSMTPUTF8: opts.smtpUtf8 === false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === account.user && auth.password === account.pass) return cb(null, { user: auth.username });
      return cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
    },
    onMailFrom(address, _session, cb) {
      const reply = senderRefusals.get(address.address.toLowerCase());
      return reply ? cb(answer(reply)) : cb();
    },
    onRcptTo(address, _session, cb) {
      const reply = refusals.get(address.address.toLowerCase());
      return reply ? cb(answer(reply)) : cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const receivedAt = Date.now();
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              raw,
              parsed,
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                smtpUtf8: session.envelope.smtpUtf8 === true,
              },
              authenticatedAs: session.user as string | undefined,
              secure: session.secure,
              receivedAt,
            });
            const id = parsed.messageId ?? '';
            if (holding) heldNow.set(id, () => cb());
            else cb();
          })
          .catch(cb);
      });
    },
  });
  // A sender that dies mid-transaction resets its connection: smtp-server reports that as an
  // 'error' event, which must not take the test process down.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    host: '127.0.0.1',
    port,
    received,
    refuse: (address, reply) => {
      if (reply) refusals.set(address.toLowerCase(), reply);
      else refusals.delete(address.toLowerCase());
    },
    refuseSender: (address, reply) => {
      if (reply) senderRefusals.set(address.toLowerCase(), reply);
      else senderRefusals.delete(address.toLowerCase());
    },
    hold: (on) => {
      holding = on;
      if (on) return;
      for (const release of heldNow.values()) release();
      heldNow.clear();
    },
    held: () => [...heldNow.keys()],
    close: () => {
      for (const release of heldNow.values()) release();
      heldNow.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
