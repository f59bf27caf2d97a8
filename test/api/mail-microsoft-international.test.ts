// The Microsoft sending kinds and internationalised recipients, against the emulator: Graph's
// MIME sendMail and Exchange's SMTP (which offers SMTPUTF8, as Exchange Online's EHLO does) take
// `jürgen.müller@müller.example`, and the message leaves addressed to it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileDispatch } from '../../src/modules/mail-delivery/dispatcher.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { connectedApp, type EmulatedTenant } from '../helpers/azure.js';
import { startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

const PUBLIC_URL = 'http://baitwise.test';
const REDIRECT_URI = `${PUBLIC_URL}/api/v1/azure-apps/callback`;
const TO = 'jürgen.müller@müller.example';

let emu: TestEmulator;
let t: TestApp;
let sys: Session;
let clientId: string;
let tenant: EmulatedTenant;
let appId: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  t = await createTestApp({ env: { ...emu.env, BAITWISE_PUBLIC_URL: PUBLIC_URL } });
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientId = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Intl Microsoft Ltd' })).json().id;
  tenant = await emu.tenantWithApp(REDIRECT_URI, { users: 3, name: 'Fabrikam' });
  appId = await connectedApp(t, emu, sys, clientId, tenant, 'Fabrikam mail', { smtpSending: true });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await emu?.close();
});

const outbox = () =>
  emu.control<{ value: { via: string; to: string[]; mime: string }[] }>('GET', '/outbox').then((r) => r.value);

describe.each(['graph', 'office365'] as const)('a %s profile', (kind) => {
  it('delivers to an address with a non-ASCII local part and domain', async () => {
    const res = await t.as(sys, 'POST', `/api/v1/clients/${clientId}/sending-profiles`, {
      name: `Intl ${kind}`,
      kind,
      azureAppId: appId,
      limits: { perMinute: 600, perDay: 100_000, concurrency: 2 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const profileId = res.json().id as string;
    await t.db.handle.db.transaction().execute((trx) =>
      t.app.services.mail.outbox.enqueue(trx, {
        clientId,
        profileId,
        purpose: 'test.microsoft',
        content: { subject: `Hallo ${kind}`, html: null, text: 'Grüße' },
        messages: [{ to: { address: TO, name: 'Jürgen Müller' } }],
      }),
    );
    const outcome = await new ProfileDispatch(t.app.services.mail.dispatch, clientId, profileId).run(
      AbortSignal.timeout(20_000),
    );
    expect(outcome).toMatchObject({ sent: 1, failed: 0, paused: false });
    const left = (await outbox()).filter((m) => m.mime.includes(`Hallo ${kind}`));
    expect(left).toHaveLength(1);
    expect(left[0]?.to.map((a) => a.normalize('NFC'))).toEqual([TO]);
  });
});
