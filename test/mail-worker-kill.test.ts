// A `baitwise worker` on PostgreSQL killed with SIGKILL while messages are in flight: the outbox's
// promise is that every message is delivered and that only the messages in flight at the kill can
// arrive twice — each of them recorded as in doubt, on the message and in the profile's count.
// The sink answers slowly only at the moment of the kill: it keeps each message it receives (it
// has them, as a real server would) and holds back its 250, so the worker has exactly its
// `concurrency` messages at the server, unanswered, when it dies. Another worker then finishes the
// queue once the dead one's job expires and the in-flight messages' lease ends
// (BAITWISE_MAIL_SLICE_SECONDS=2: a 10 s expiry and an 8 s lease, not minutes).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MailDispatchJob } from '../src/modules/mail-delivery/outbox.js';
import { mailTiming } from '../src/modules/mail-delivery/timing.js';
import type { Session, TestApp } from './helpers/app.js';
import { testDatabaseKind } from './helpers/db.js';
import { type MailWorkers, mailWorkers } from './helpers/mail-workers.js';
import type { SmtpSink } from './helpers/smtp-sink.js';
import { type BaitwiseProcess, baitwiseProcess } from './helpers/sync-fixture.js';

const MESSAGES = 300;
const CONCURRENCY = 4;
const SLICE_SECONDS = 2; // the smallest BAITWISE_MAIL_SLICE_SECONDS accepts
const PASSWORD = 'relay-password-kill-1';

let f: MailWorkers;
let t: TestApp;
let sys: Session;
let sink: SmtpSink;
let masterKey: string;
let clientId: string;
let dataDir: string;
let workers: BaitwiseProcess[];

describe.skipIf(testDatabaseKind() !== 'postgres')('a worker killed while messages are in flight', () => {
  beforeAll(async () => {
    f = await mailWorkers({ client: 'Killed Mail Ltd', password: PASSWORD });
    ({ t, sys, sink, masterKey, clientId, dataDir, workers } = f);
  }, 60_000);

  afterAll(async () => f?.close());

  const db = () => t.db.handle.db;
  const worker = () => {
    const w = baitwiseProcess({ t, masterKey }, ['worker'], dataDir, {
      BAITWISE_MAIL_SLICE_SECONDS: String(SLICE_SECONDS),
    });
    workers.push(w);
    return w;
  };
  const alive = (w: BaitwiseProcess) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) throw new Error(`the worker exited: ${w.output()}`);
  };

  it('delivers every message; only the in-flight ones twice, each recorded as in doubt', async () => {
    const created = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: 'Relay',
      kind: 'smtp',
      fromAddress: 'security@mail.example',
      smtp: {
        host: sink.host,
        port: sink.port,
        security: 'starttls',
        tlsVerify: false,
        username: 'relay-user',
        password: PASSWORD,
      },
      limits: { perMinute: 100_000, perDay: 100_000, concurrency: CONCURRENCY },
    });
    expect(created.statusCode, created.body).toBe(201);
    const profileId = created.json().id as string;

    const first = worker();
    // Ready once it has set the queue's expiry: a job keeps the expiry it was sent with.
    const expiry = mailTiming(SLICE_SECONDS).expireInSeconds;
    await vi.waitFor(
      async () => {
        alive(first);
        const q = await sql<{ expire_seconds: number }>`select expire_seconds from pgboss.queue
          where name = ${MailDispatchJob.queue}`
          .execute(db())
          .catch(() => ({ rows: [] }));
        if (q.rows[0]?.expire_seconds !== expiry) throw new Error('worker not ready');
      },
      { timeout: 30_000, interval: 50 },
    );

    await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId,
          profileId,
          purpose: 'test.kill',
          content: { subject: 'Hello {{ recipient.name }}', html: null, text: 'Dear {{ recipient.name }}' },
          messages: Array.from({ length: MESSAGES }, (_, i) => ({
            to: { address: `learner${i}@client.example`, name: `Learner ${i}` },
          })),
        }),
      );

    await vi.waitFor(
      () => {
        alive(first);
        if (sink.received.length < 60) throw new Error(`${sink.received.length} received`);
      },
      { timeout: 30_000, interval: 10 },
    );
    // From now the server keeps what it gets without answering: once the worker's every
    // connection has a message at the server, it can claim no other, and dies with those in flight.
    sink.hold(true);
    const sendingIds = async () =>
      (
        await db()
          .selectFrom('outbox_messages')
          .select('message_id')
          .where('profile_id', '=', profileId)
          .where('status', '=', 'sending')
          .execute()
      ).map((r) => `<${r.message_id}>`);
    await vi.waitFor(
      async () => {
        alive(first);
        const held = sink.held().sort();
        if (held.length !== CONCURRENCY) throw new Error(`${held.length} held`);
        expect(await sendingIds()).toEqual(expect.arrayContaining(held));
      },
      { timeout: 3_000, interval: 5 },
    );
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    const killedAt = Date.now();
    const inFlight = (await sendingIds()).sort();
    expect(inFlight).toEqual(sink.held().sort());
    sink.hold(false);
    const sentBefore = await db()
      .selectFrom('outbox_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('profile_id', '=', profileId)
      .where('status', '=', 'sent')
      .executeTakeFirstOrThrow();
    expect(Number(sentBefore.n)).toBeLessThan(MESSAGES - CONCURRENCY);

    const second = worker();
    await vi.waitFor(
      async () => {
        alive(second);
        const left = await db()
          .selectFrom('outbox_messages')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('profile_id', '=', profileId)
          .where('status', '!=', 'sent')
          .executeTakeFirstOrThrow();
        if (Number(left.n) > 0) throw new Error(`${left.n} not sent`);
      },
      { timeout: 60_000, interval: 100 },
    );
    const recoveredMs = Date.now() - killedAt;

    const rows = await db()
      .selectFrom('outbox_messages')
      .select(['message_id', 'in_doubt', 'attempts'])
      .where('profile_id', '=', profileId)
      .execute();
    expect(rows).toHaveLength(MESSAGES);
    const times = new Map<string, number>();
    for (const m of sink.received) {
      const id = m.parsed.messageId ?? '';
      times.set(id, (times.get(id) ?? 0) + 1);
    }
    // Every message arrived; nothing but our messages did.
    expect(rows.filter((r) => !times.has(`<${r.message_id}>`))).toEqual([]);
    expect(times.size).toBe(MESSAGES);
    const twice = [...times].filter(([, n]) => n > 1);
    expect(twice.every(([, n]) => n === 2)).toBe(true);
    // The duplicates are exactly the messages in flight at the kill, and each is recorded in doubt.
    expect(twice.map(([id]) => id).sort()).toEqual(inFlight);
    const inDoubt = rows
      .filter((r) => r.in_doubt === 1)
      .map((r) => `<${r.message_id}>`)
      .sort();
    expect(inDoubt).toEqual(inFlight);
    const profile = await db()
      .selectFrom('sending_profiles')
      .select('in_doubt_count')
      .where('id', '=', profileId)
      .executeTakeFirstOrThrow();
    expect(profile.in_doubt_count).toBe(inFlight.length);
    const status = (await t.as(sys, 'GET', `/api/v1/clients/${clientId}/sending-profiles/${profileId}/outbox`)).json();
    expect(status).toMatchObject({ queued: 0, sending: 0, failed: 0, inDoubt: CONCURRENCY });
    // The dead job's expiry and the in-flight lease, not minutes.
    expect(recoveredMs).toBeLessThan(45_000);

    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  }, 150_000);
});
