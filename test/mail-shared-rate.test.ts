// Two `baitwise worker` processes on one PostgreSQL database share one profile's pace: the pace
// lives in the profile row (next_slot_at, moved on by 60 s / rate with one conditional update per
// send), so however the dispatch jobs move between the processes (a 2 s slice hands over often),
// the server never sees more than the profile's rate. pg-boss runs one dispatch job per profile
// at a time, so the workers mostly take turns; a dispatcher in the test process runs beside them
// the whole time (as a job retried while a stalled one still sends would), so two processes
// really do send on the profile at once. Checked from the sink's receive times and
// the recorded sent_at: in any window of W seconds at most ceil(W × rate / 60) + 1 messages (the
// +1: a send's own duration can move one message across a window edge), and overall no faster
// than the rate (less half an interval: see the span below).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ProfileDispatch } from '../src/modules/mail-delivery/dispatcher.js';
import { LATE_SLOT_FRACTION } from '../src/modules/mail-delivery/pacing.js';
import type { Session, TestApp } from './helpers/app.js';
import { testDatabaseKind } from './helpers/db.js';
import { type MailWorkers, mailWorkers } from './helpers/mail-workers.js';
import type { SmtpSink } from './helpers/smtp-sink.js';
import { type BaitwiseProcess, baitwiseProcess } from './helpers/sync-fixture.js';

const RATE = 120; // per minute: one every 500 ms
const MESSAGES = 40; // ~20 s
const PASSWORD = 'relay-password-rate-1';

let f: MailWorkers;
let t: TestApp;
let sys: Session;
let sink: SmtpSink;
let masterKey: string;
let clientId: string;
let dataDir: string;
let workers: BaitwiseProcess[];

/** The most timestamps (ms) inside any window [x, x + w). */
function busiestWindow(times: number[], w: number): number {
  const s = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while ((s[i] ?? 0) - (s[j] ?? 0) >= w) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe.skipIf(testDatabaseKind() !== 'postgres')('two workers on one profile', () => {
  beforeAll(async () => {
    f = await mailWorkers({ client: 'Paced Ltd', password: PASSWORD });
    ({ t, sys, sink, masterKey, clientId, dataDir, workers } = f);
  }, 60_000);

  afterAll(async () => f?.close());

  const db = () => t.db.handle.db;

  it('never send faster than the profile’s rate', async () => {
    const created = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: 'Shared relay',
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
      limits: { perMinute: RATE, perDay: 100_000, concurrency: 4 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const profileId = created.json().id as string;
    for (let i = 0; i < 2; i++)
      workers.push(
        baitwiseProcess({ t, masterKey }, ['worker'], dataDir, {
          BAITWISE_MAIL_SLICE_SECONDS: '2',
          LOG_LEVEL: 'debug',
        }),
      );

    await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId,
          profileId,
          purpose: 'test.rate',
          content: { subject: 'Hello', html: null, text: 'Dear {{ recipient.name }}' },
          messages: Array.from({ length: MESSAGES }, (_, i) => ({
            to: { address: `paced${i}@client.example`, name: `Paced ${i}` },
          })),
        }),
      );
    const beside = new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(
      AbortSignal.timeout(60_000),
    );
    await vi.waitFor(
      () => {
        for (const w of workers) if (w.child.exitCode !== null) throw new Error(`a worker exited: ${w.output()}`);
        if (sink.received.length < MESSAGES) throw new Error(`${sink.received.length} received`);
      },
      { timeout: 60_000, interval: 100 },
    );
    // Both sides sent part of the queue.
    const local = await beside;
    expect(local.sent).toBeGreaterThan(0);
    expect(local.sent).toBeLessThan(MESSAGES);
    const rows = await db()
      .selectFrom('outbox_messages')
      .select(['status', 'sent_at'])
      .where('profile_id', '=', profileId)
      .execute();
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(new Set(sink.received.map((m) => m.parsed.messageId)).size).toBe(MESSAGES);

    const received = sink.received.map((m) => m.receivedAt);
    const sentAt = rows.map((r) => Date.parse(r.sent_at ?? ''));
    for (const times of [received, sentAt]) {
      for (const w of [1, 2, 5, 10]) {
        const most = busiestWindow(times, w * 1000);
        expect(most, `${most} messages in ${w} s`).toBeLessThanOrEqual(Math.ceil((w * RATE) / 60) + 1);
      }
      // Overall: MESSAGES slots 60 s / RATE apart, less one send's duration of slack, and less the
      // part of an interval by which the first slot may have been taken late and kept its place
      // on the schedule (LATE_SLOT_FRACTION: the schedule starts where that slot was due).
      const interval = 60_000 / RATE;
      const span = Math.max(...times) - Math.min(...times);
      expect(span).toBeGreaterThanOrEqual((MESSAGES - 1) * interval - interval * LATE_SLOT_FRACTION - 250);
    }
    // Which processes took part (pg-boss gives a singleton's next slice to whichever asks first).
    const slices = workers.map((w) => (w.output().match(/job rescheduled/g) ?? []).length);
    console.info(`sent in the test process: ${local.sent}; slices handed over per worker: ${slices.join(', ')}`);
  }, 120_000);
});
