// Drafts, attachments and upload sessions as Graph has them for large attachments: create a
// draft, attach (small: in the JSON; 3–150 MB: an upload session PUT in ranges without a token),
// send the draft; and the 4 MB limit on JSON requests.
import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage, Tenant, User } from '../model.js';
import { type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let alice: User;
let bob: User;
let aliceTok: string;

const msgs = (u: User, folder: string): MailMessage[] =>
  [...kit.emu.store.messages.values()].filter((m) => m.mailboxUserId === u.id && m.folder === folder);
const err = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  alice = kit.user(t, 'alice');
  bob = kit.user(t, 'bob');
  aliceTok = await kit.token(alice);
});
afterAll(() => kit.close());

async function draft(subject: string): Promise<{ id: string }> {
  const r = await kit.send('POST', 'me/messages', aliceTok, {
    subject,
    body: { contentType: 'Text', content: 'See attached' },
    toRecipients: [{ emailAddress: { address: bob.userPrincipalName } }],
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string };
}

async function session(id: string, size: number, name = 'big.bin') {
  const r = await kit.send('POST', `me/messages/${encodeURIComponent(id)}/attachments/createUploadSession`, aliceTok, {
    AttachmentItem: { attachmentType: 'file', name, size, contentType: 'application/octet-stream' },
  });
  return r;
}

const put = (url: string, bytes: Buffer, range: string) =>
  fetch(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-range': range },
    body: new Uint8Array(bytes),
  });

describe('drafts', () => {
  it('creates a draft in Drafts, attaches a small file, and sends it: delivered, draft gone, copy in Sent Items', async () => {
    const d = await draft('Small one');
    const inDrafts = msgs(alice, 'drafts').find((m) => m.subject === 'Small one');
    expect(inDrafts?.isDraft).toBe(true);
    const file = randomBytes(1000);
    const a = await kit.send('POST', `me/messages/${encodeURIComponent(d.id)}/attachments`, aliceTok, {
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'note.bin',
      contentType: 'application/octet-stream',
      contentBytes: file.toString('base64'),
    });
    expect(a.status).toBe(201);
    expect(await a.json()).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'note.bin',
      size: 1000,
    });
    const s = await kit.send('POST', `me/messages/${encodeURIComponent(d.id)}/send`, aliceTok);
    expect(s.status).toBe(202);
    expect(msgs(alice, 'drafts').find((m) => m.subject === 'Small one')).toBeUndefined();
    expect(msgs(alice, 'sentitems').find((m) => m.subject === 'Small one')?.isDraft).toBe(false);
    const got = msgs(bob, 'inbox').find((m) => m.subject === 'Small one');
    const parsed = await simpleParser(got?.mime ?? '');
    expect(parsed.attachments[0]?.content.equals(file)).toBe(true);
  });
});

describe('upload sessions', () => {
  it('takes a 5 MB file in ordered ranges without an Authorization header, then the sent draft carries it byte for byte', async () => {
    const d = await draft('Large one');
    const file = randomBytes(5 * 1024 * 1024 + 123);
    const r = await session(d.id, file.length);
    expect(r.status).toBe(201);
    const s = (await r.json()) as { uploadUrl: string; expirationDateTime: string; nextExpectedRanges: string[] };
    expect(s.nextExpectedRanges).toEqual(['0-']);
    expect(s.uploadUrl).toContain('/AttachmentSessions(');
    const chunk = 2 * 1024 * 1024;
    let answer: Response | undefined;
    for (let start = 0; start < file.length; start += chunk) {
      const end = Math.min(start + chunk, file.length) - 1;
      answer = await put(s.uploadUrl, file.subarray(start, end + 1), `bytes ${start}-${end}/${file.length}`);
      if (end + 1 < file.length) {
        expect(answer.status).toBe(200);
        expect(((await answer.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([
          String(end + 1),
        ]);
      }
    }
    expect(answer?.status).toBe(201);
    expect(answer?.headers.get('location')).toMatch(/\/Attachments\('[^']+'\)$/);
    expect((await kit.send('POST', `me/messages/${encodeURIComponent(d.id)}/send`, aliceTok)).status).toBe(202);
    const got = msgs(bob, 'inbox').find((m) => m.subject === 'Large one');
    const parsed = await simpleParser(got?.mime ?? '');
    expect(parsed.attachments[0]?.filename).toBe('big.bin');
    expect(parsed.attachments[0]?.content.equals(file)).toBe(true);
  }, 30_000);

  it('is only for files of 3 MB to 150 MB', async () => {
    const d = await draft('Sizes');
    const small = await session(d.id, 1024);
    expect(small.status).toBe(400);
    expect((await err(small)).code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
    const huge = await session(d.id, 150 * 1024 * 1024 + 1);
    expect(huge.status).toBe(413);
  });

  it('refuses a wrong token, a wrong total, a range out of order, a range over 4 MB and an expired session', async () => {
    const d = await draft('Refusals');
    const size = 9 * 1024 * 1024;
    const s = (await (await session(d.id, size)).json()) as { uploadUrl: string };
    const bytes = Buffer.alloc(1024, 1);
    const badToken = s.uploadUrl.replace(/authtoken=[^&]+/, 'authtoken=forged');
    expect((await put(badToken, bytes, `bytes 0-1023/${size}`)).status).toBe(401);
    const wrongTotal = await put(s.uploadUrl, bytes, 'bytes 0-1023/2048');
    expect(wrongTotal.status).toBe(400);
    expect((await err(wrongTotal)).message).toContain('not the size');
    expect((await put(s.uploadUrl, bytes, `bytes 1024-2047/${size}`)).status).toBe(416);
    expect((await put(s.uploadUrl, bytes, 'nonsense')).status).toBe(400);
    const over = Buffer.alloc(4 * 1024 * 1024 + 1);
    expect((await put(s.uploadUrl, over, `bytes 0-${over.length - 1}/${size}`)).status).toBe(413);
    // nothing was taken: the first range is still expected
    expect((await put(s.uploadUrl, bytes, `bytes 0-1023/${size}`)).status).toBe(200);
    kit.clock.advance(7 * 3600 * 1000);
    expect((await put(s.uploadUrl, bytes, `bytes 1024-2047/${size}`)).status).toBe(401);
    aliceTok = await kit.token(alice); // the Graph token of before has expired too
  }, 30_000);

  it('can be cancelled with DELETE on the upload URL', async () => {
    const d = await draft('Cancel');
    const s = (await (await session(d.id, 4_000_000)).json()) as { uploadUrl: string };
    expect((await fetch(s.uploadUrl, { method: 'DELETE' })).status).toBe(204);
    expect((await put(s.uploadUrl, Buffer.alloc(10), 'bytes 0-9/4000000')).status).toBe(404);
  });
});

describe('the 4 MB limit on JSON requests', () => {
  it('refuses sendMail, a new message and an attachment over 4 MB with 413', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 10).toString('base64');
    const att = { '@odata.type': '#microsoft.graph.fileAttachment', name: 'x', contentBytes: big };
    const message = {
      subject: 'Too big',
      toRecipients: [{ emailAddress: { address: bob.userPrincipalName } }],
      attachments: [att],
    };
    const r1 = await kit.send('POST', 'me/sendMail', aliceTok, { message });
    expect(r1.status).toBe(413);
    expect((await kit.send('POST', 'me/messages', aliceTok, message)).status).toBe(413);
    const d = await draft('Attach too big');
    expect((await kit.send('POST', `me/messages/${encodeURIComponent(d.id)}/attachments`, aliceTok, att)).status).toBe(
      413,
    );
    expect(msgs(bob, 'inbox').find((m) => m.subject === 'Too big')).toBeUndefined();
  });
});
