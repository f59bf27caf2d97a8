import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage, Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let admin: User;
let alice: User;
let bob: User;
let noBox: User;
let adminTok: string;
let aliceTok: string;

const msgs = (u: User, folder?: string): MailMessage[] =>
  [...kit.emu.store.messages.values()].filter((m) => m.mailboxUserId === u.id && (!folder || m.folder === folder));
const err = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;
const mail = (over: Record<string, unknown> = {}) => ({
  message: {
    subject: 'Hello',
    body: { contentType: 'Text', content: 'Hi there' },
    toRecipients: [{ emailAddress: { address: alice.userPrincipalName } }],
    ...over,
  },
});

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  admin = kit.user(t, 'admin');
  alice = kit.user(t, 'alice');
  bob = kit.user(t, 'bob');
  noBox = kit.user(t, 'printer', { hasMailbox: false });
  adminTok = await kit.token(admin);
  aliceTok = await kit.token(alice);
});
afterAll(() => kit.close());

describe('sendMail validation', () => {
  it('accepts with 202 and an empty body', async () => {
    const r = await kit.send('POST', 'me/sendMail', adminTok, mail());
    expect(r.status).toBe(202);
    expect(await r.text()).toBe('');
  });

  it('enforces the x- prefix and the 5-header limit on internetMessageHeaders', async () => {
    const bad = await kit.send(
      'POST',
      'me/sendMail',
      adminTok,
      mail({ internetMessageHeaders: [{ name: 'Campaign', value: '1' }] }),
    );
    expect(bad.status).toBe(400);
    expect(await err(bad)).toMatchObject({
      code: 'InvalidInternetMessageHeader',
      message: "The internet message header name 'Campaign' should start with 'x-' or 'X-'.",
    });
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `x-h${i}`, value: String(i) }));
    const many = await kit.send('POST', 'me/sendMail', adminTok, mail({ internetMessageHeaders: six }));
    expect(await err(many)).toMatchObject({
      code: 'InvalidInternetMessageHeaderCollection',
      message: 'Maximum number of headers in one message should be less than or equal to 5.',
    });
  });

  it('rejects missing, malformed and too many recipients, and bad body content types', async () => {
    expect((await err(await kit.send('POST', 'me/sendMail', adminTok, mail({ toRecipients: [] })))).code).toBe(
      'ErrorInvalidRecipients',
    );
    expect(
      (
        await err(
          await kit.send(
            'POST',
            'me/sendMail',
            adminTok,
            mail({ toRecipients: [{ emailAddress: { address: 'nope' } }] }),
          ),
        )
      ).code,
    ).toBe('ErrorInvalidRecipients');
    const to = Array.from({ length: 300 }, (_, i) => ({ emailAddress: { address: `x${i}@example.test` } }));
    const bcc = Array.from({ length: 201 }, (_, i) => ({ emailAddress: { address: `y${i}@example.test` } }));
    const tooMany = await kit.send('POST', 'me/sendMail', adminTok, mail({ toRecipients: to, bccRecipients: bcc }));
    expect(tooMany.status).toBe(400);
    expect((await err(tooMany)).code).toBe('ErrorExceededMaxRecipientLimit');
    expect(
      (await err(await kit.send('POST', 'me/sendMail', adminTok, mail({ body: { contentType: 'rtf', content: 'x' } }))))
        .code,
    ).toBe('RequestBodyRead');
    expect((await err(await kit.send('POST', 'me/sendMail', adminTok, {}))).code).toBe('ErrorInvalidParameter');
  });

  it('needs Mail.Send and refuses to send as another mailbox', async () => {
    const noSend = await kit.send('POST', 'me/sendMail', await kit.token(admin, 'Mail.ReadWrite'), mail());
    expect(noSend.status).toBe(403);
    expect((await err(noSend)).code).toBe('ErrorAccessDenied');
    const other = await kit.send('POST', `users/${bob.userPrincipalName}/sendMail`, adminTok, mail());
    expect(other.status).toBe(403);
    expect((await err(other)).code).toBe('ErrorSendAsDenied');
    const spoof = await kit.send(
      'POST',
      'me/sendMail',
      adminTok,
      mail({ from: { emailAddress: { address: bob.userPrincipalName } } }),
    );
    expect((await err(spoof)).code).toBe('ErrorSendAsDenied');
    expect((await kit.send('POST', `users/${admin.userPrincipalName}/sendMail`, adminTok, mail())).status).toBe(202);
    expect((await kit.send('POST', `users/${admin.id}/sendMail`, adminTok, mail())).status).toBe(202);
  });
});

describe('delivery', () => {
  it('delivers to tenant mailboxes, queues the rest in the outbox and keeps a Sent Items copy', async () => {
    await fetch(`${kit.emu.urls.control}/outbox`, { method: 'DELETE' });
    const before = msgs(bob, 'inbox').length;
    const r = await kit.send(
      'POST',
      'me/sendMail',
      adminTok,
      mail({
        subject: 'Delivery check',
        toRecipients: [{ emailAddress: { address: 'ext@partner.example' } }],
        ccRecipients: [{ emailAddress: { address: alice.userPrincipalName } }],
        bccRecipients: [
          { emailAddress: { address: bob.userPrincipalName } },
          { emailAddress: { address: noBox.userPrincipalName } },
        ],
        internetMessageHeaders: [{ name: 'x-baitwise-tracking', value: 't-1' }],
      }),
    );
    expect(r.status).toBe(202);
    const bobs = msgs(bob, 'inbox');
    expect(bobs.length).toBe(before + 1);
    const got = bobs.find((m) => m.subject === 'Delivery check')!;
    expect(got.mime).not.toMatch(/^Bcc:/im);
    expect(got.mime).toMatch(/^x-baitwise-tracking: t-1$/m);
    expect(got.internetMessageHeaders).toContainEqual({ name: 'x-baitwise-tracking', value: 't-1' });
    const outbox = (await (await fetch(`${kit.emu.urls.control}/outbox`)).json()) as {
      value: { to: string[]; via: string; mime: string }[];
    };
    expect(outbox.value).toHaveLength(1);
    expect(outbox.value[0]!.to.sort()).toEqual(['ext@partner.example', noBox.userPrincipalName].sort());
    expect(outbox.value[0]!.via).toBe('graph');
    const sent = msgs(admin, 'sentitems').find((m) => m.subject === 'Delivery check')!;
    expect(sent.bccRecipients.map((a) => a.address)).toEqual([bob.userPrincipalName, noBox.userPrincipalName]);

    await kit.send('POST', 'me/sendMail', adminTok, { ...mail({ subject: 'No copy' }), saveToSentItems: false });
    expect(msgs(admin, 'sentitems').some((m) => m.subject === 'No copy')).toBe(false);
    expect(msgs(alice, 'inbox').some((m) => m.subject === 'No copy')).toBe(true);
  });

  it('accepts the MIME form (base64 text/plain) with arbitrary headers', async () => {
    const mime = [
      `From: Admin <${admin.userPrincipalName}>`,
      `To: ${alice.userPrincipalName}`,
      'Subject: MIME form',
      'Precedence: bulk',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Body via MIME',
      '',
    ].join('\r\n');
    const r = await kit.send('POST', 'me/sendMail', adminTok, Buffer.from(mime).toString('base64'));
    expect(r.status).toBe(202);
    const m = msgs(alice, 'inbox').find((x) => x.subject === 'MIME form')!;
    expect(m.internetMessageHeaders).toContainEqual({ name: 'Precedence', value: 'bulk' });
    expect(m.body.content.trim()).toBe('Body via MIME');
    const bad = await kit.send('POST', 'me/sendMail', adminTok, 'this is not base64!');
    expect(bad.status).toBe(400);
    expect(await err(bad)).toMatchObject({
      code: 'ErrorMimeContentInvalidBase64String',
      message: 'Invalid base64 string for MIME content.',
    });
  });
});

describe('messages', () => {
  let restId: string;
  let immutableId: string;

  beforeAll(async () => {
    await kit.send(
      'POST',
      'me/sendMail',
      adminTok,
      mail({ subject: 'Suspicious invoice', internetMessageHeaders: [{ name: 'X-Baitwise-Id', value: 'abc' }] }),
    );
    const m = msgs(alice, 'inbox').find((x) => x.subject === 'Suspicious invoice')!;
    restId = m.restId;
    immutableId = m.id;
  });

  it('gets a message; internetMessageHeaders only when selected', async () => {
    const full = (await (await kit.get(`me/messages/${restId}`, aliceTok)).json()) as Record<string, unknown>;
    expect(full.id).toBe(restId);
    expect(full.subject).toBe('Suspicious invoice');
    expect(full).not.toHaveProperty('internetMessageHeaders');
    expect(full.from).toEqual({ emailAddress: { name: 'Admin', address: admin.userPrincipalName } });
    const sel = (await (
      await kit.get(`me/messages/${restId}?$select=subject,internetMessageHeaders`, aliceTok)
    ).json()) as {
      internetMessageHeaders: { name: string; value: string }[];
    };
    expect(Object.keys(sel).sort()).toEqual([
      '@odata.context',
      '@odata.etag',
      'id',
      'internetMessageHeaders',
      'subject',
    ]);
    expect(sel.internetMessageHeaders).toContainEqual({ name: 'X-Baitwise-Id', value: 'abc' });
  });

  it('returns immutable ids with Prefer: IdType="ImmutableId" and accepts both id kinds', async () => {
    const r = await kit.get(`me/messages/${restId}?$select=id`, aliceTok, { Prefer: 'IdType="ImmutableId"' });
    expect(r.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
    expect(((await r.json()) as { id: string }).id).toBe(immutableId);
    expect((await kit.get(`users/${alice.userPrincipalName}/messages/${immutableId}`, aliceTok)).status).toBe(200);
  });

  it('serves raw MIME at /$value', async () => {
    const r = await kit.get(`me/messages/${restId}/$value`, aliceTok);
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toMatch(/^Subject: Suspicious invoice$/m);
    expect(text).toMatch(/^X-Baitwise-Id: abc$/m);
  });

  it('distinguishes malformed ids, unknown ids and other mailboxes', async () => {
    expect(await err(await kit.get('me/messages/not*an*id', aliceTok))).toMatchObject({
      code: 'ErrorInvalidIdMalformed',
    });
    const adminCopy = msgs(admin, 'sentitems').find((m) => m.subject === 'Suspicious invoice')!;
    const r = await kit.get(`me/messages/${adminCopy.restId}`, aliceTok);
    expect(r.status).toBe(404);
    expect((await err(r)).code).toBe('ErrorItemNotFound');
    expect((await kit.get(`users/${bob.id}/messages/${restId}`, aliceTok)).status).toBe(403);
    expect(await err(await kit.get('me/messages', await kit.token(noBox)))).toMatchObject({
      code: 'MailboxNotEnabledForRESTAPI',
    });
  });

  it('moves with 201 and a new REST id (folder by name or id)', async () => {
    const junk = (await (await kit.get('me/mailFolders/junkemail', aliceTok)).json()) as {
      id: string;
      displayName: string;
    };
    expect(junk.displayName).toBe('Junk Email');
    const r = await kit.send('POST', `me/messages/${restId}/move`, aliceTok, { destinationId: junk.id });
    expect(r.status).toBe(201);
    const moved = (await r.json()) as { id: string; parentFolderId: string };
    expect(moved.id).not.toBe(restId);
    expect(moved.parentFolderId).toBe(junk.id);
    expect((await kit.get(`me/messages/${restId}`, aliceTok)).status).toBe(404);
    const back = await kit.send('POST', `me/messages/${moved.id}/move`, aliceTok, { destinationId: 'Inbox' });
    restId = ((await back.json()) as { id: string }).id;
    expect(kit.emu.store.messages.get(immutableId)!.folder).toBe('inbox');
  });

  it('translates the add-in EWS id to REST and immutable ids', async () => {
    const ews = kit.emu.store.messages.get(immutableId)!.ewsId;
    for (const [targetIdType, want] of [
      ['restId', restId],
      ['restImmutableEntryId', immutableId],
    ] as const) {
      const r = await kit.send('POST', 'me/translateExchangeIds', aliceTok, {
        inputIds: [ews],
        sourceIdType: 'ewsId',
        targetIdType,
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { value: unknown[] }).value).toEqual([{ sourceId: ews, targetId: want }]);
    }
  });

  it('creates a forward draft and sends it; one-shot forward too', async () => {
    const draftRes = await kit.send('POST', `me/messages/${restId}/createForward`, aliceTok, {
      toRecipients: [{ emailAddress: { address: bob.userPrincipalName } }],
      comment: 'Looks like phishing',
    });
    expect(draftRes.status).toBe(201);
    const draft = (await draftRes.json()) as { id: string; isDraft: boolean; subject: string };
    expect(draft).toMatchObject({ isDraft: true, subject: 'FW: Suspicious invoice' });
    expect((await kit.send('POST', `me/messages/${draft.id}/send`, aliceTok)).status).toBe(202);
    const fw = msgs(bob, 'inbox').find((m) => m.subject === 'FW: Suspicious invoice')!;
    expect(fw.body.content).toContain('Looks like phishing');
    expect(msgs(alice, 'sentitems').some((m) => m.subject === 'FW: Suspicious invoice' && !m.isDraft)).toBe(true);
    expect(msgs(alice, 'drafts')).toHaveLength(0);

    const one = await kit.send('POST', `me/messages/${restId}/forward`, aliceTok, {
      comment: 'again',
      toRecipients: [{ emailAddress: { address: 'soc@partner.example' } }],
    });
    expect(one.status).toBe(202);
    expect(kit.emu.store.outbox.some((o) => o.to.includes('soc@partner.example'))).toBe(true);
  });

  it('lists a folder newest first with $top/$skip paging', async () => {
    for (let i = 0; i < 12; i++) {
      kit.clock.advance(1000);
      await kit.send(
        'POST',
        'me/sendMail',
        adminTok,
        mail({ subject: `Batch ${i}`, toRecipients: [{ emailAddress: { address: bob.userPrincipalName } }] }),
      );
    }
    const bobTok = await kit.token(bob);
    const seen: string[] = [];
    let link: string | undefined =
      `${kit.graph}/me/mailFolders/inbox/messages?$top=5&$select=subject&$filter=${encodeURIComponent("startswith(subject,'Batch')")}`;
    while (link) {
      const p = (await (await kit.get(link, bobTok)).json()) as {
        '@odata.nextLink'?: string;
        value: { subject: string }[];
      };
      seen.push(...p.value.map((m) => m.subject));
      link = p['@odata.nextLink'];
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `Batch ${11 - i}`));
  });
});

describe('mail control endpoints', () => {
  it('injects a message from fields or raw MIME and lists the mailbox', async () => {
    const ctl = kit.emu.urls.control;
    const a = await fetch(`${ctl}/mailboxes/${alice.userPrincipalName}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        from: { name: 'IT Support', address: 'it@evil.example' },
        subject: 'Reset your password',
        html: '<a href="https://evil.example/login">Reset</a>',
        headers: { 'X-Phish': 'yes' },
      }),
    });
    expect(a.status).toBe(201);
    const injected = (await a.json()) as { id: string; restId: string; ewsId: string; folder: string };
    expect(injected.folder).toBe('inbox');
    const viaGraph = (await (
      await kit.get(`me/messages/${injected.restId}?$select=internetMessageHeaders,from`, aliceTok)
    ).json()) as {
      from: unknown;
      internetMessageHeaders: unknown[];
    };
    expect(viaGraph.from).toEqual({ emailAddress: { name: 'IT Support', address: 'it@evil.example' } });
    expect(viaGraph.internetMessageHeaders).toContainEqual({ name: 'X-Phish', value: 'yes' });

    const raw = await fetch(`${ctl}/mailboxes/${alice.userPrincipalName}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: `From: x@evil.example\r\nTo: ${alice.userPrincipalName}\r\nSubject: Raw one\r\n\r\nbody\r\n`,
    });
    expect(raw.status).toBe(201);
    const list = (await (await fetch(`${ctl}/mailboxes/${alice.userPrincipalName}/messages?folder=inbox`)).json()) as {
      value: { subject: string; mime: string }[];
    };
    expect(list.value.map((m) => m.subject)).toEqual(expect.arrayContaining(['Reset your password', 'Raw one']));
    expect(list.value.find((m) => m.subject === 'Raw one')!.mime).toMatch(/^Message-ID: /m);
  });
});
