// Reading a reporting mailbox as Graph allows it: folders, message delta, attachments, move, and
// the access rules (own mailbox, shared mailbox with Full Access, application access policies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_APP_ID, type Tenant, type User } from '../model.js';
import { APP_ID, type Kit, startKit } from './testkit.js';

let kit: Kit;
let t: Tenant;
let soc: User; // the reporting mailbox
let alice: User;
let bob: User;
let socTok: string;

const control = (path: string, body: unknown) =>
  fetch(`${kit.emu.urls.control}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const err = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;
const original = (n: number) =>
  `From: Prize Desk <win@evil.example>\r\nTo: alice@contoso.example\r\nSubject: You won ${n}\r\nMessage-ID: <win-${n}@evil.example>\r\nDate: Mon, 05 Jan 2026 08:00:00 +0000\r\n\r\nClick here ${n}\r\n`;
const report = (reporter: User, n: number, extra: Record<string, unknown> = {}) =>
  control(`/mailboxes/${soc.userPrincipalName}/user-reported`, {
    reporter: reporter.userPrincipalName,
    mime: original(n),
    ...extra,
  });
type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
const page = async (r: Response) => {
  expect(r.status).toBe(200);
  return (await r.json()) as Page;
};
const appToken = (roles: string[]) =>
  kit.emu.ctx.signer.sign(
    {
      aud: GRAPH_APP_ID,
      iss: `https://sts.windows.net/${t.id}/`,
      tid: t.id,
      oid: '99999999-0000-0000-0000-000000000001',
      appid: APP_ID,
      idtyp: 'app',
      roles,
    },
    3600,
    kit.clock.now(),
  );

beforeAll(async () => {
  kit = await startKit();
  t = kit.tenant('Contoso');
  soc = kit.user(t, 'soc');
  alice = kit.user(t, 'alice');
  bob = kit.user(t, 'bob');
  socTok = await kit.token(soc);
});
afterAll(() => kit.close());

describe('mail folders', () => {
  it('lists the top level, creates a folder once (409 ErrorFolderExists) and lists child folders', async () => {
    const top = await page(await kit.get('me/mailFolders?$top=50', socTok));
    expect(top.value.map((f) => f.displayName)).toContain('Inbox');
    const made = await kit.send('POST', 'me/mailFolders', socTok, { displayName: 'Baitwise processed' });
    expect(made.status).toBe(201);
    const folder = (await made.json()) as { id: string; displayName: string };
    expect(folder.displayName).toBe('Baitwise processed');
    const again = await kit.send('POST', 'me/mailFolders', socTok, { displayName: 'baitwise PROCESSED' });
    expect(again.status).toBe(409);
    expect((await err(again)).code).toBe('ErrorFolderExists');
    const found = await page(await kit.get(`me/mailFolders?$filter=displayName eq 'Baitwise processed'`, socTok));
    expect(found.value.map((f) => f.id)).toEqual([folder.id]);
    const child = await kit.send('POST', 'me/mailFolders/inbox/childFolders', socTok, { displayName: 'Later' });
    expect(child.status).toBe(201);
    const kids = await page(await kit.get('me/mailFolders/inbox/childFolders', socTok));
    expect(kids.value.map((f) => f.displayName)).toEqual(['Later']);
    const byId = await kit.get(`me/mailFolders/${folder.id}`, socTok);
    expect(((await byId.json()) as { displayName: string }).displayName).toBe('Baitwise processed');
  });
});

describe('a user-reported submission, read through delta and attachments', () => {
  it('arrives from the reporter with the original attached unmodified, readable as an item attachment', async () => {
    expect((await report(alice, 1)).status).toBe(201);
    const p = await page(await kit.get('me/mailFolders/inbox/messages/delta?$select=subject,from', socTok));
    const sub = p.value.find((m) => String(m.subject).endsWith('You won 1'))!;
    expect(sub.subject).toBe('Phishing: You won 1');
    expect(sub.from).toMatchObject({ emailAddress: { address: alice.userPrincipalName } });
    const atts = await page(await kit.get(`me/messages/${sub.id}/attachments`, socTok));
    expect(atts.value).toHaveLength(1);
    expect(atts.value[0]).toMatchObject({ '@odata.type': '#microsoft.graph.itemAttachment', name: 'You won 1' });
    const raw = await kit.get(`me/messages/${sub.id}/attachments/${atts.value[0]!.id}/$value`, socTok);
    expect(raw.status).toBe(200);
    expect(await raw.text()).toBe(original(1));
    const one = await kit.get(`me/messages/${sub.id}/attachments/${atts.value[0]!.id}`, socTok);
    expect(one.status).toBe(200);
    const missing = await kit.get(`me/messages/${sub.id}/attachments/${sub.id}`, socTok);
    expect((await err(missing)).code).toBe('ErrorItemNotFound');
  });

  it('gives a numeric prefix when asked, and keeps an encoded subject readable', async () => {
    expect((await report(bob, 2, { prefix: 'numeric', reportType: 'junk' })).status).toBe(201);
    expect([...kit.emu.store.messages.values()].some((m) => m.subject === '1|You won 2')).toBe(true);
    // into bob's mailbox, so the delta rounds of soc's below are not affected
    const header = 'Subject: =?utf-8?B?R2V3aW5uc3BpZWwgw7xiZXJhbGw=?=';
    const encoded = original(90).replace('Subject: You won 90', header);
    const r = await control(`/mailboxes/${bob.userPrincipalName}/user-reported`, {
      reporter: alice.userPrincipalName,
      mime: encoded,
    });
    expect(((await r.json()) as { subject: string }).subject).toBe('Phishing: Gewinnspiel überall');
    const m = [...kit.emu.store.messages.values()].find((x) => x.subject === 'Phishing: Gewinnspiel überall')!;
    expect(m.mime).toContain(header); // the original travels unmodified
  });

  it('serves a file attachment as contentBytes and its bytes as $value', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake invoice\n');
    const mime = [
      'From: billing@evil.example',
      `To: ${bob.userPrincipalName}`,
      'Subject: Invoice',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'See attached',
      '--b1',
      'Content-Type: application/pdf; name="invoice.pdf"',
      'Content-Disposition: attachment; filename="invoice.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    const made = (await (await control(`/mailboxes/${bob.userPrincipalName}/messages`, { mime })).json()) as {
      restId: string;
    };
    const bobTok = await kit.token(bob);
    const atts = await page(await kit.get(`me/messages/${made.restId}/attachments`, bobTok));
    expect(atts.value[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      name: 'invoice.pdf',
      contentType: 'application/pdf',
      contentBytes: pdf.toString('base64'),
    });
    const raw = await kit.get(`me/messages/${made.restId}/attachments/${atts.value[0]!.id}/$value`, bobTok);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(pdf);
  });

  it('pages with odata.maxpagesize, then returns only new arrivals and @removed for moved-out messages', async () => {
    for (const n of [3, 4, 5]) await report(alice, n);
    const headers = { prefer: 'odata.maxpagesize=2' };
    let url = 'me/mailFolders/inbox/messages/delta?$select=subject';
    const seen: string[] = [];
    let deltaLink = '';
    for (;;) {
      const r = await kit.get(url, socTok, headers);
      expect(r.headers.get('preference-applied')).toBe('odata.maxpagesize=2');
      const p = await page(r);
      expect(p.value.length).toBeLessThanOrEqual(2);
      for (const m of p.value) {
        seen.push(String(m.subject));
        // moving each handled message out while paging must not make the round skip one
        const moved = await kit.send('POST', `me/messages/${m.id}/move`, socTok, { destinationId: 'archive' });
        expect(moved.status).toBe(201);
      }
      if (p['@odata.nextLink']) url = p['@odata.nextLink'];
      else {
        deltaLink = p['@odata.deltaLink']!;
        break;
      }
    }
    expect(seen.sort()).toEqual([
      '1|You won 2',
      'Phishing: You won 1',
      'Phishing: You won 3',
      'Phishing: You won 4',
      'Phishing: You won 5',
    ]);
    await report(bob, 6);
    const next = await page(await kit.get(deltaLink, socTok));
    const added = next.value.filter((m) => !m['@removed']);
    expect(added.map((m) => m.subject)).toEqual(['Phishing: You won 6']);
    // the five moved out during the first round are reported as removed
    expect(next.value.filter((m) => m['@removed'])).toHaveLength(5);
    expect(next['@odata.deltaLink']).toBeTruthy();
  });

  it('answers an expired or garbled delta token with 410 SyncStateNotFound', async () => {
    const p = await page(await kit.get('me/mailFolders/inbox/messages/delta', socTok));
    const link = p['@odata.deltaLink']!;
    await fetch(`${kit.emu.urls.control}/delta/invalidate`, { method: 'POST' });
    const expired = await kit.get(link, socTok);
    expect(expired.status).toBe(410);
    expect((await err(expired)).code).toBe('SyncStateNotFound');
    const garbled = await kit.get('me/mailFolders/inbox/messages/delta?$deltatoken=not-a-token', socTok);
    expect(garbled.status).toBe(410);
  });
});

describe('who may read the reporting mailbox', () => {
  it('refuses a delegated token of another user, unless it has Mail.ReadWrite.Shared and Full Access', async () => {
    const plain = await kit.token(alice, 'Mail.ReadWrite');
    const denied = await kit.get(`users/${soc.userPrincipalName}/mailFolders/inbox/messages/delta`, plain);
    expect(denied.status).toBe(403);
    expect((await err(denied)).code).toBe('ErrorAccessDenied');
    const shared = await kit.token(alice, 'Mail.ReadWrite.Shared');
    const noRights = await kit.get(`users/${soc.userPrincipalName}/mailFolders/inbox/messages/delta`, shared);
    expect(noRights.status).toBe(403);
    const granted = await control(`/mailboxes/${soc.userPrincipalName}/permissions`, {
      user: alice.userPrincipalName,
    });
    expect(granted.status).toBe(201);
    expect((await kit.get(`users/${soc.userPrincipalName}/mailFolders/inbox/messages/delta`, shared)).status).toBe(200);
    // Mail.Read.Shared reads but does not move
    const readOnly = await kit.token(alice, 'Mail.Read.Shared');
    const list = await page(await kit.get(`users/${soc.userPrincipalName}/mailFolders/archive/messages`, readOnly));
    const mv = await kit.send('POST', `users/${soc.userPrincipalName}/messages/${list.value[0]!.id}/move`, readOnly, {
      destinationId: 'inbox',
    });
    expect(mv.status).toBe(403);
  });

  it('lets an application token reach only the mailboxes its access policy allows', async () => {
    const tok = await appToken(['Mail.ReadWrite']);
    expect((await kit.get(`users/${bob.userPrincipalName}/mailFolders`, tok)).status).toBe(200);
    const policy = await control(`/tenants/${t.id}/application-access-policies`, {
      appId: APP_ID,
      accessRight: 'RestrictAccess',
      mailboxes: [soc.userPrincipalName],
    });
    expect(policy.status).toBe(201);
    expect((await kit.get(`users/${soc.userPrincipalName}/mailFolders`, tok)).status).toBe(200);
    const blocked = await kit.get(`users/${bob.userPrincipalName}/mailFolders`, tok);
    expect(blocked.status).toBe(403);
    expect(await err(blocked)).toMatchObject({
      code: 'ErrorAccessDenied',
      message: expect.stringContaining('AccessPolicy'),
    });
    const noRole = await appToken(['User.Read.All']);
    expect((await err(await kit.get(`users/${soc.userPrincipalName}/mailFolders`, noRole))).code).toBe(
      'ErrorAccessDenied',
    );
  });
});
