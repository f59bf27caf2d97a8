// What each stage of sending one message costs on its own, on this machine, in this run: the
// ceiling each puts on bench:send's SMTP figure, set against smtp-source. No database, no outbox:
// 1. render: the Liquid template for one recipient (subject, HTML with its CSS inlined, text part);
// 2. mime: mime.ts building the RFC 5322 message from the rendered parts;
// 3. sendRaw: the SMTP pool (smtp-pool.ts) sending that message, built once, to the sink;
// 4. buildAndSend: building and sending each message, as the relay profile does.
// Stages 1 and 2 run one message at a time; 3 and 4 with `sessions` messages in flight.
import { performance } from 'node:perf_hooks';
import { buildMime, type OutgoingMessage } from '../src/modules/mail-delivery/mime.js';
import { type MessageTemplates, renderMessage } from '../src/modules/mail-delivery/render.js';
import { SmtpPool } from '../src/modules/mail-delivery/smtp-pool.js';

export interface StageFigure {
  messagesPerSecond: number;
  cpuMsPerMessage: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function timed(n: number, parallel: number, fn: (i: number) => unknown): Promise<StageFigure> {
  // warm up: the template parsed, the connections open, the code optimised
  for (let i = 0; i < Math.min(200, n); i++) await fn(i);
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    messagesPerSecond: Math.round(n / (ms / 1000)),
    cpuMsPerMessage: r3((used.user + used.system) / 1000 / n),
  };
}

export async function sendStages(opts: {
  sinkPort: number;
  content: MessageTemplates;
  variables: (i: number) => Record<string, unknown>;
  messages: number;
  sessions: number;
}) {
  const context = (i: number) => ({
    ...opts.variables(i),
    recipient: { email: `learner${i}@client.example`, name: `Learner ${i}` },
    message: { id: `0190f7a0-0000-7000-8000-${String(i).padStart(12, '0')}`, token: `bwm_${'x'.repeat(43)}` },
  });
  const message = async (i: number): Promise<OutgoingMessage> => {
    const r = await renderMessage(opts.content, context(i));
    return {
      from: { address: 'security@mail.example', name: 'Security Team' },
      to: { address: `learner${i}@client.example`, name: `Learner ${i}` },
      subject: r.subject,
      html: r.html,
      text: r.text,
      messageId: `0190f7a0-${i}@mail.example`,
      headers: [],
    };
  };
  const one = await message(1);
  const raw = buildMime(one);
  const pool = new SmtpPool(
    { host: '127.0.0.1', port: opts.sinkPort, security: 'none', connectTimeoutMs: 10_000, socketTimeoutMs: 60_000 },
    opts.sessions,
  );
  const send = (i: number, data: Buffer) =>
    pool.send(one.from.address, `learner${i}@client.example`, data, { smtpUtf8: false });
  try {
    return {
      render: await timed(opts.messages, 1, (i) => renderMessage(opts.content, context(i))),
      mime: await timed(opts.messages, 1, (i) => buildMime({ ...one, messageId: `m${i}@mail.example` })),
      sendRaw: await timed(opts.messages, opts.sessions, (i) => send(i, raw)),
      buildAndSend: await timed(opts.messages, opts.sessions, (i) =>
        send(i, buildMime({ ...one, messageId: `m${i}@mail.example` })),
      ),
    };
  } finally {
    pool.close();
  }
}
