// What the mail tests with real `baitwise worker` processes start from: a test app with its own
// master key (so a child reads the secrets it stored), a client, a real SMTP sink and a data
// directory for the children; close() kills any child still running and removes it all.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateMasterKey } from '../../src/lib/crypto.js';
import { ADMIN, createTestApp, type Session, type TestApp } from './app.js';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';
import type { BaitwiseProcess } from './sync-fixture.js';

export interface MailWorkers {
  t: TestApp;
  sys: Session;
  sink: SmtpSink;
  masterKey: string;
  clientId: string;
  dataDir: string;
  /** children started by the test, killed at close */
  workers: BaitwiseProcess[];
  close(): Promise<void>;
}

export async function mailWorkers(opts: { client: string; password: string }): Promise<MailWorkers> {
  const sink = await startSmtpSink({ user: 'relay-user', pass: opts.password });
  const masterKey = generateMasterKey();
  const t = await createTestApp({ env: { BAITWISE_MASTER_KEY: masterKey } });
  const sys = await t.login(ADMIN.email, ADMIN.password);
  const clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: opts.client })).json().id as string;
  const dataDir = mkdtempSync(join(tmpdir(), 'baitwise-mail-workers-'));
  const workers: BaitwiseProcess[] = [];
  return {
    t,
    sys,
    sink,
    masterKey,
    clientId,
    dataDir,
    workers,
    async close() {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exit));
      await t.close();
      await sink.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
