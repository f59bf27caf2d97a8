// Exchange Online SMTP AUTH emulation, driven by nodemailer (the way Baitwise will send) and by
// a raw client where the exact wire matters.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Kit, outlookToken, startKit } from '../graph/testkit.js';
import { logRecipients } from '../mail/state.js';
import { defaultFaults, type Tenant, type User } from '../model.js';
import { RawSmtp } from './raw-client.js';

let kit: Kit;
let t: Tenant;
let alice: User;
let bob: User;

const port = () => kit.emu.urls.smtp.port;
const transport = (user: string, accessToken: string, pool = false) =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port: port(),
    secure: false,
    requireTLS: true,
    tls: { ca: kit.emu.urls.caPem },
    auth: { type: 'OAuth2', user, accessToken },
    ...(pool ? { pool: true, maxConnections: 1 } : {}),
  });
const inbox = (u: User) =>
  [...kit.emu.store.messages.values()].filter((m) => m.mailboxUserId === u.id && m.folder === 'inbox');

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  alice = kit.user(t, 'alice');
  bob = kit.user(t, 'bob');
});
afterAll(() => kit.close());

describe('AUTH XOAUTH2', () => {
  it('sends with an Outlook SMTP.Send token over STARTTLS and delivers through the shared path', async () => {
    const tx = transport(alice.userPrincipalName, await outlookToken(kit, alice));
    const info = await tx.sendMail({
      from: alice.userPrincipalName,
      to: [bob.userPrincipalName, 'someone@partner.example'],
      subject: 'Over SMTP',
      text: 'hello',
      headers: { 'X-Baitwise-Campaign': 'smtp-1' },
    });
    expect(info.response).toMatch(/^250 2\.0\.0 OK <.+> \[Hostname=/);
    const got = inbox(bob).find((m) => m.subject === 'Over SMTP')!;
    expect(got.internetMessageHeaders).toContainEqual({ name: 'X-Baitwise-Campaign', value: 'smtp-1' });
    expect(kit.emu.store.outbox.at(-1)).toMatchObject({ via: 'smtp', to: ['someone@partner.example'] });
    expect(
      [...kit.emu.store.messages.values()].some((m) => m.mailboxUserId === alice.id && m.folder === 'sentitems'),
    ).toBe(true);
    tx.close();
  });

  it('answers 535 5.7.3 for a Graph token, a token without SMTP.Send and a foreign user=', async () => {
    for (const [user, token] of [
      [alice.userPrincipalName, await kit.token(alice)],
      [alice.userPrincipalName, await outlookToken(kit, alice, 'EWS.AccessAsUser.All')],
      [bob.userPrincipalName, await outlookToken(kit, alice)],
      [alice.userPrincipalName, 'garbage'],
    ]) {
      const tx = transport(user!, token!);
      await expect(tx.sendMail({ from: user, to: bob.userPrincipalName, text: 'x' })).rejects.toMatchObject({
        responseCode: 535,
        response: expect.stringMatching(/^535 5\.7\.3 Authentication unsuccessful/),
      });
      tx.close();
    }
  });

  it('answers 535 5.7.139 when SMTP AUTH is disabled for the tenant', async () => {
    const off = kit.tenant('Lockedown', { smtpAuthEnabled: false });
    const carol = kit.user(off, 'carol');
    const tx = transport(carol.userPrincipalName, await outlookToken(kit, carol));
    await expect(
      tx.sendMail({ from: carol.userPrincipalName, to: bob.userPrincipalName, text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 535,
      response:
        '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
    });
    tx.close();
  });

  it('refuses MAIL FROM other than the authenticated mailbox with 550 5.7.60', async () => {
    const tx = transport(alice.userPrincipalName, await outlookToken(kit, alice));
    await expect(
      tx.sendMail({ from: bob.userPrincipalName, to: bob.userPrincipalName, text: 'x' }),
    ).rejects.toMatchObject({
      responseCode: 550,
      response: '550 5.7.60 SMTP; Client does not have permissions to send as this sender',
    });
    tx.close();
  });
});

describe('wire details', () => {
  it('offers AUTH LOGIN XOAUTH2 only after STARTTLS', async () => {
    const { conn, greeting } = await RawSmtp.open(port());
    expect(greeting).toMatch(/^220 .*Microsoft ESMTP MAIL Service ready/);
    const before = await conn.cmd('EHLO client.example');
    expect(before).toContain('STARTTLS');
    expect(before).not.toMatch(/AUTH/);
    expect(before).toContain('SIZE 157286400');
    expect(await conn.cmd(`AUTH XOAUTH2 ${RawSmtp.xoauth2(alice.userPrincipalName, 'x')}`)).toBe(
      '504 5.7.4 Unrecognized authentication type',
    );
    await conn.startTls(kit.emu.urls.caPem);
    const after = await conn.cmd('EHLO client.example');
    expect(after.split(/\r?\n/)).toContain('250-AUTH LOGIN XOAUTH2');
    expect(after).not.toContain('STARTTLS');
    expect(await conn.cmd('MAIL FROM:<x@y.z>')).toMatch(/^530 5\.7\.57/);
    const ok = await conn.cmd(
      `AUTH XOAUTH2 ${RawSmtp.xoauth2(alice.userPrincipalName, await outlookToken(kit, alice))}`,
    );
    expect(ok).toBe('235 2.7.0 Authentication successful');
    expect(await conn.cmd(`MAIL FROM:<${alice.userPrincipalName}>`)).toBe('250 2.1.0 Sender OK');
    expect(await conn.cmd(`RCPT TO:<${bob.userPrincipalName}>`)).toBe('250 2.1.5 Recipient OK');
    conn.close();
  });

  it('AUTH LOGIN and AUTH PLAIN (basic authentication) → 535 5.7.3, as Exchange refuses them', async () => {
    const { conn } = await RawSmtp.open(port());
    await conn.cmd('EHLO client.example');
    await conn.startTls(kit.emu.urls.caPem);
    await conn.cmd('EHLO client.example');
    expect(await conn.cmd('AUTH LOGIN')).toBe('334 VXNlcm5hbWU6');
    expect(await conn.cmd(Buffer.from(alice.userPrincipalName).toString('base64'))).toBe('334 UGFzc3dvcmQ6');
    expect(await conn.cmd(Buffer.from('pw').toString('base64'))).toBe(
      '535 5.7.3 Authentication unsuccessful [emulator]',
    );
    const plain = Buffer.from(`\0${alice.userPrincipalName}\0pw`).toString('base64');
    expect(await conn.cmd(`AUTH PLAIN ${plain}`)).toBe('535 5.7.3 Authentication unsuccessful [emulator]');
    conn.close();
    const tx = nodemailer.createTransport({
      host: '127.0.0.1',
      port: port(),
      secure: false,
      requireTLS: true,
      tls: { ca: kit.emu.urls.caPem },
      auth: { user: alice.userPrincipalName, pass: 'pw' },
    });
    await expect(tx.verify()).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    tx.close();
  });

  it('allows 3 concurrent sessions per mailbox; the 4th gets 432 4.3.2', async () => {
    const token = await outlookToken(kit, alice);
    const conns: RawSmtp[] = [];
    for (let i = 0; i < 4; i++) {
      const { conn } = await RawSmtp.open(port());
      await conn.cmd('EHLO c');
      await conn.startTls(kit.emu.urls.caPem);
      await conn.cmd('EHLO c');
      expect(await conn.cmd(`AUTH XOAUTH2 ${RawSmtp.xoauth2(alice.userPrincipalName, token)}`)).toMatch(/^235/);
      conns.push(conn);
    }
    expect(await conns[3]!.cmd(`MAIL FROM:<${alice.userPrincipalName}>`)).toBe(
      '432 4.3.2 Concurrent connections limit exceeded.',
    );
    expect(await conns[0]!.cmd(`MAIL FROM:<${alice.userPrincipalName}>`)).toMatch(/^250/);
    for (const c of conns) c.close();
  });
});

describe('sending limits', () => {
  it('holds messages beyond 30 per minute and delivers them in the next minute', async () => {
    const dave = kit.user(t, 'dave');
    const erin = kit.user(t, 'erin');
    const tx = transport(dave.userPrincipalName, await outlookToken(kit, dave), true);
    for (let i = 0; i < 32; i++) {
      const info = await tx.sendMail({
        from: dave.userPrincipalName,
        to: erin.userPrincipalName,
        subject: `n${i}`,
        text: 'x',
      });
      expect(info.response).toMatch(/^250 /); // accepted, not rejected
    }
    tx.close();
    expect(inbox(erin)).toHaveLength(30);
    const ctl = `${kit.emu.urls.control}/mailboxes/${erin.userPrincipalName}/messages?folder=inbox`;
    expect(((await (await fetch(ctl)).json()) as { value: unknown[] }).value).toHaveLength(30);
    kit.clock.advance(60_000);
    expect(((await (await fetch(ctl)).json()) as { value: unknown[] }).value).toHaveLength(32);
  });

  it('scales the per-mailbox window and session limits with faults.mailboxLimits', async () => {
    const gina = kit.user(t, 'gina');
    const hank = kit.user(t, 'hank');
    kit.emu.store.faults.mailboxLimits = {
      ...kit.emu.store.faults.mailboxLimits,
      smtpMessages: 3,
      smtpWindowSeconds: 10,
      smtpSessions: 1,
    };
    try {
      const token = await outlookToken(kit, gina);
      const tx = transport(gina.userPrincipalName, token, true);
      for (let i = 0; i < 4; i++) {
        await tx.sendMail({ from: gina.userPrincipalName, to: hank.userPrincipalName, subject: `s${i}`, text: 'x' });
      }
      tx.close();
      const ctl = `${kit.emu.urls.control}/mailboxes/${hank.userPrincipalName}/messages?folder=inbox`;
      // three in this 10-second window, the fourth carried over to the next one
      expect(((await (await fetch(ctl)).json()) as { value: unknown[] }).value).toHaveLength(3);
      kit.clock.advance(10_000);
      expect(((await (await fetch(ctl)).json()) as { value: unknown[] }).value).toHaveLength(4);
      const conns: RawSmtp[] = [];
      for (let i = 0; i < 2; i++) {
        const { conn } = await RawSmtp.open(port());
        await conn.cmd('EHLO c');
        await conn.startTls(kit.emu.urls.caPem);
        await conn.cmd('EHLO c');
        expect(await conn.cmd(`AUTH XOAUTH2 ${RawSmtp.xoauth2(gina.userPrincipalName, token)}`)).toMatch(/^235/);
        conns.push(conn);
      }
      expect(await conns[1]!.cmd(`MAIL FROM:<${gina.userPrincipalName}>`)).toMatch(/^432 4\.3\.2/);
      for (const c of conns) c.close();
    } finally {
      kit.emu.store.faults = defaultFaults();
    }
  });

  it('rejects with 554 5.2.0 once 10,000 recipients were sent in 24 hours', async () => {
    const frank = kit.user(t, 'frank');
    logRecipients(kit.emu.store, frank.id, 9_999);
    const tx = transport(frank.userPrincipalName, await outlookToken(kit, frank));
    await tx.sendMail({ from: frank.userPrincipalName, to: bob.userPrincipalName, text: 'one more is fine' });
    await expect(
      tx.sendMail({ from: frank.userPrincipalName, to: bob.userPrincipalName, text: 'over' }),
    ).rejects.toMatchObject({
      responseCode: 554,
      response: expect.stringMatching(/^554 5\.2\.0 STOREDRV\.Submission\.Exception:SubmissionQuotaExceededException/),
    });
    kit.clock.advance(24 * 3600 * 1000 + 1);
    const fresh = transport(frank.userPrincipalName, await outlookToken(kit, frank));
    await expect(
      fresh.sendMail({ from: frank.userPrincipalName, to: bob.userPrincipalName, text: 'next day' }),
    ).resolves.toBeTruthy();
    tx.close();
    fresh.close();
  });

  it('takes at most 500 recipients per message', async () => {
    const tx = transport(alice.userPrincipalName, await outlookToken(kit, alice));
    const to = Array.from({ length: 501 }, (_, i) => `r${i}@partner.example`);
    const info = await tx.sendMail({ from: alice.userPrincipalName, to, text: 'bulk' });
    expect(info.accepted).toHaveLength(500);
    expect(info.rejected).toEqual(['r500@partner.example']);
    expect(info.rejectedErrors?.[0]).toMatchObject({ responseCode: 452 });
    tx.close();
  });
});
