// The incidents inbox through its API: storage (compressed, encrypted, byte-identical), the analysis,
// grouping (Message-ID, content key within a day, a concurrent wave of 300), simulations credited to
// their campaign, the safe body, a malformed message, retention, triage and tenancy. Runs on SQLite
// and on PostgreSQL (scripts/test.sh).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageToken } from '../../src/modules/mail-delivery/message-token.js';
import { ADMIN, createTestApp, type Session, type TestApp } from '../helpers/app.js';
import { eml, recordReport, report } from '../helpers/incidents.js';

let t: TestApp;
let sys: Session;
let adminA: Session;
let adminB: Session;
let clientA: string;
let clientB: string;
const db = () => t.db.handle.db;
const base = (c: string) => `/api/v1/clients/${c}/incidents`;

beforeAll(async () => {
  t = await createTestApp();
  sys = await t.login(ADMIN.email, ADMIN.password);
  clientA = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Alpha' })).json().id;
  clientB = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Bravo' })).json().id;
  for (const [email, c] of [
    ['a@inc.test', clientA],
    ['b@inc.test', clientB],
  ] as const) {
    const r = await t.as(sys, 'POST', '/api/v1/operators', {
      email,
      name: `Admin ${email[0]}`,
      role: 'client_admin',
      password: 'incidents test password',
      clientIds: [c],
    });
    expect(r.statusCode).toBe(201);
  }
  adminA = await t.login('a@inc.test', 'incidents test password');
  adminB = await t.login('b@inc.test', 'incidents test password');
}, 60_000);
afterAll(async () => t?.close());

const RICH = Buffer.from(
  [
    'Received: from mail.phish.example (mail.phish.example [203.0.113.5])',
    ' by mx.client.example with ESMTPS id abc; Tue, 3 Mar 2026 10:00:02 +0000',
    'Received: from [10.0.0.1] by mail.phish.example with SMTP; Tue, 3 Mar 2026 10:00:01 +0000',
    'Authentication-Results: mx.client.example; spf=softfail smtp.mailfrom=phish.example;',
    ' dkim=fail header.d=phish.example; dmarc=fail header.from=bank.example',
    'From: "Your Bank" <Security@Bank.Example>',
    'Reply-To: collect@phish.example',
    'To: alice@client.example, Bob <bob@client.example>',
    'Cc: carol@client.example',
    'Subject: Confirm your account',
    'Date: Tue, 3 Mar 2026 10:00:00 +0000',
    'Message-ID: <rich-1@phish.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    '--outer',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Dear customer, <a href="https://login.phish.example/bank?id=7">https://www.bank.example/login</a></p>',
    '--outer',
    'Content-Type: application/pdf; name="statement.pdf"',
    'Content-Disposition: attachment; filename="statement.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 statement').toString('base64'),
    '--outer--',
    '',
  ].join('\r\n'),
);

describe('storage and analysis', () => {
  it('stores the message compressed and encrypted (no plaintext on disk) and reads it back byte for byte', async () => {
    const big = eml({ subject: 'Quarterly bonus statement', text: 'Lorem ipsum dolor sit amet. '.repeat(4000) });
    const id = await recordReport(t, clientA, 'storage@client.example', big);
    const row = await db().selectFrom('reported_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const file = readFileSync(join(t.config.dataDir, row.eml_path));
    expect(file.includes(Buffer.from('Quarterly bonus statement'))).toBe(false);
    expect(file.includes(Buffer.from('Lorem ipsum'))).toBe(false);
    expect(file.length).toBeLessThan(big.length / 10); // compressed
    expect((await t.app.services.incidents.recorder.readEml(row)).equals(big)).toBe(true);
    // The report's analysis job was queued with the row (same transaction).
    if (t.db.handle.kind === 'sqlite') {
      const jobs = await db().selectFrom('jobs').select('payload').where('queue', '=', 'incidents.analyse').execute();
      expect(jobs.map((j) => JSON.parse(j.payload).reportId)).toContain(id);
    }
    // Bound to its report: the same file under another report id does not open.
    await expect(t.app.services.incidents.recorder.readEml({ ...row, id: clientB })).rejects.toThrow(/decrypted/);
  });

  it('seals a report stored in plaintext before encryption, and analyses it', async () => {
    const message = eml({ subject: 'Legacy plaintext report' });
    const id = await recordReport(t, clientA, 'legacy@client.example', message);
    // As an older version left it: a plaintext .eml, no analysis job.
    const legacyPath = join('reports', clientA, `${id}.eml`);
    writeFileSync(join(t.config.dataDir, legacyPath), message);
    await db().updateTable('reported_messages').set({ eml_path: legacyPath }).where('id', '=', id).execute();
    const sealed = await t.app.services.incidents.legacy.run();
    expect(sealed).toBe(1);
    expect(existsSync(join(t.config.dataDir, legacyPath))).toBe(false);
    const row = await db().selectFrom('reported_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.eml_path.endsWith('.eml.bwr')).toBe(true);
    expect(readFileSync(join(t.config.dataDir, row.eml_path)).includes(Buffer.from('Legacy plaintext'))).toBe(false);
    expect((await t.app.services.incidents.recorder.readEml(row)).equals(message)).toBe(true);
    expect(await t.app.services.incidents.legacy.run()).toBe(0);
  });

  it('analyses the message once: addresses, Received chain, authentication, URLs, attachments', async () => {
    const incidentId = await report(t, clientA, 'alice@client.example', RICH);
    const d = (await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}`)).json();
    expect(d).toMatchObject({
      clientName: 'Alpha',
      subject: 'Confirm your account',
      fromAddress: 'security@bank.example',
      fromName: 'Your Bank',
      fromDomain: 'bank.example',
      status: 'new',
      verdict: null,
      reportCount: 1,
    });
    const m = d.message;
    expect(m.from).toEqual({ address: 'security@bank.example', name: 'Your Bank' });
    expect(m.to.map((a: { address: string }) => a.address)).toEqual(['alice@client.example', 'bob@client.example']);
    expect(m.cc).toEqual([{ address: 'carol@client.example', name: null }]);
    expect(m.replyTo.address).toBe('collect@phish.example');
    expect(m.messageId).toBe('<rich-1@phish.example>');
    expect(m.receivedChain).toEqual([
      { from: 'mail.phish.example', by: 'mx.client.example', with: 'ESMTPS', date: 'Tue, 3 Mar 2026 10:00:02 +0000' },
      { from: '[10.0.0.1]', by: 'mail.phish.example', with: 'SMTP', date: 'Tue, 3 Mar 2026 10:00:01 +0000' },
    ]);
    expect(m.authentication).toMatchObject({ spf: 'softfail', dkim: 'fail', dmarc: 'fail' });
    expect(m.urls).toEqual([
      {
        text: 'https://www.bank.example/login',
        href: 'https://login.phish.example/bank?id=7',
        defanged: 'hxxps://login[.]phish[.]example/bank?id=7',
        domain: 'login.phish.example',
      },
    ]);
    expect(m.attachments).toEqual([
      {
        filename: 'statement.pdf',
        contentType: 'application/pdf',
        size: 18,
        sha256: createHash('sha256').update('%PDF-1.4 statement').digest('hex'),
      },
    ]);
    expect(m.headers.find((h: { name: string }) => h.name === 'Subject').value).toBe('Confirm your account');
    expect(m.parseErrors).toEqual([]);
    expect(m.rawAvailable).toBe(true);
    expect(d.reports).toHaveLength(1);
    expect(d.timeline.map((e: { type: string }) => e.type)).toEqual(['reported']);
    // Viewing is recorded once an hour per operator.
    await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}`);
    const again = (await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}`)).json();
    expect(again.timeline.map((e: { type: string }) => e.type)).toEqual(['reported', 'viewed']);
    expect(again.timeline[1].actorName).toBe('Admin a');
  });

  it('stores a malformed MIME message and shows what could be parsed', async () => {
    const broken = Buffer.from(
      [
        'From: Broken <broken@phish.example>',
        'Subject: Invoice overdue',
        'Message-ID: <broken-1@phish.example>',
        'Content-Type: multipart/mixed; boundary="never-closed"',
        '',
        '--never-closed',
        'Content-Type: text/plain',
        '',
        'Pay at https://pay.phish.example/now',
        '--never-closed',
        'Content-Type: multipart/alternative',
        '',
        'no boundary here',
        '',
      ].join('\r\n'),
    );
    const incidentId = await report(t, clientA, 'bob@client.example', broken);
    const d = (await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}`)).json();
    expect(d.subject).toBe('Invoice overdue');
    expect(d.message.from.address).toBe('broken@phish.example');
    expect(d.message.urls.map((u: { href: string }) => u.href)).toEqual(['https://pay.phish.example/now']);
    expect(d.message.parseErrors).toEqual([
      'The multipart body with boundary "never-closed" is not closed (no "--never-closed--").',
      'A multipart/alternative part has no boundary: its body was read as one part.',
    ]);
    const raw = await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}/reports/${d.reports[0].id}/eml`);
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('message/rfc822');
    expect(raw.headers['content-disposition']).toMatch(/^attachment;/);
    expect(raw.rawPayload.equals(broken)).toBe(true);
  });
});

describe('grouping', () => {
  it('groups reports of the same Message-ID, from any reporter', async () => {
    const m = eml({ subject: 'Same id', messageId: '<same-id@phish.example>' });
    const first = await report(t, clientA, 'one@client.example', m);
    const second = await report(t, clientA, 'two@client.example', m);
    expect(second).toBe(first);
    const d = (await t.as(adminA, 'GET', `${base(clientA)}/${first}`)).json();
    expect(d.reportCount).toBe(2);
    expect(d.reports.map((r: { reporterAddress: string }) => r.reporterAddress)).toEqual([
      'one@client.example',
      'two@client.example',
    ]);
    // Another client's report of the same message is that client's own incident.
    expect(await report(t, clientB, 'one@client.example', m)).not.toBe(first);
  });

  it('groups by sender, subject and URL set within a day of the last report, not after', async () => {
    const wave = (n: number) =>
      eml({
        from: 'Payroll <Payroll@Phish.Example>',
        subject: n === 1 ? 'Salary  update' : 'RE: salary update',
        html: `<a href="https://payroll.phish.example/form?recipient=${n}">Open</a>`,
        text: 'Open the form',
      });
    const first = await report(t, clientA, 'w1@client.example', wave(1));
    await db()
      .updateTable('incidents')
      .set({ last_reported_at: new Date(Date.now() - 23 * 3_600_000).toISOString() })
      .where('id', '=', first)
      .execute();
    expect(await report(t, clientA, 'w2@client.example', wave(2))).toBe(first);
    await db()
      .updateTable('incidents')
      .set({ last_reported_at: new Date(Date.now() - 25 * 3_600_000).toISOString() })
      .where('id', '=', first)
      .execute();
    expect(await report(t, clientA, 'w3@client.example', wave(3))).not.toBe(first);
    // A different URL set is a different message.
    const other = eml({
      from: 'Payroll <payroll@phish.example>',
      subject: 'Salary update',
      html: '<a href="https://other.phish.example/form">Open</a>',
      text: 'Open the form',
    });
    expect(await report(t, clientA, 'w4@client.example', other)).not.toBe(first);
  });

  it('makes a wave of 300 reports analysed concurrently one incident of 300', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 300; i++) {
      ids.push(
        await recordReport(
          t,
          clientB,
          `wave${i}@client.example`,
          eml({
            subject: 'Wave',
            html: `<a href="https://wave.phish.example/x?i=${i}">x</a>`,
            text: 'x',
          }),
        ),
      );
    }
    await Promise.all(ids.map((id) => t.app.services.incidents.analyser.analyse(clientB, id)));
    const incidents = await db()
      .selectFrom('reported_messages')
      .select('incident_id')
      .distinct()
      .where('id', 'in', ids)
      .execute();
    expect(incidents).toHaveLength(1);
    const inc = await db()
      .selectFrom('incidents')
      .selectAll()
      .where('id', '=', incidents[0]?.incident_id ?? '')
      .executeTakeFirstOrThrow();
    expect(inc.report_count).toBe(300);
    const events = await db()
      .selectFrom('incident_events')
      .select('id')
      .where('incident_id', '=', inc.id)
      .where('type', '=', 'reported')
      .execute();
    expect(events).toHaveLength(300);
  }, 120_000);

  it('classifies a reported Baitwise message as a simulation, resolved and credited to its campaign', async () => {
    const profile = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientA}/sending-profiles`, {
        name: 'Relay',
        kind: 'smtp',
        fromAddress: 'training@relay.test',
        smtp: { host: 'relay.test', port: 25, security: 'none' },
      })
    ).json();
    const [outboxId] = await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId: clientA,
          profileId: profile.id,
          purpose: 'simulation',
          content: { subject: 'Hi', html: null, text: 'Hi' },
          messages: [{ to: { address: 'sim@client.example' }, ref: { type: 'phishing_campaign', id: 'camp-1' } }],
          notBefore: '2999-01-01T00:00:00.000Z',
        }),
      );
    const token = messageToken(await t.app.services.mail.dispatch.keys.key(clientA), outboxId ?? '');
    const incidentId = await report(
      t,
      clientA,
      'sim@client.example',
      eml({ subject: 'Simulated', html: `<a href="https://baitwise.test/l/${token}">Open</a>` }),
    );
    const d = (await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}`)).json();
    expect(d).toMatchObject({
      verdict: 'simulation',
      status: 'resolved',
      campaign: { refType: 'phishing_campaign', refId: 'camp-1' },
    });
    expect(d.timeline.map((e: { type: string }) => e.type)).toEqual(['reported', 'classified', 'resolved']);
  });

  it('groups a simulation report without a reply when feedback is on but its sending profile was deleted', async () => {
    // Baitwise classifies a simulation on arrival; with nobody to tell why no reply can go out, the
    // report must still be grouped (an analyst's classification is refused instead: incident-feedback).
    const relay = {
      kind: 'smtp',
      fromAddress: 'training@relay.test',
      smtp: { host: 'relay.test', port: 25, security: 'none' },
    };
    const sending = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientB}/sending-profiles`, { name: 'Sim', ...relay })
    ).json();
    const feedback = (
      await t.as(sys, 'POST', `/api/v1/clients/${clientB}/sending-profiles`, { name: 'Feedback', ...relay })
    ).json();
    expect(
      (
        await t.as(sys, 'PUT', `/api/v1/clients/${clientB}/incident-feedback`, {
          enabled: true,
          profileId: feedback.id,
        })
      ).statusCode,
    ).toBe(200);
    expect((await t.as(sys, 'DELETE', `/api/v1/clients/${clientB}/sending-profiles/${feedback.id}`)).statusCode).toBe(
      204,
    );
    const [outboxId] = await db()
      .transaction()
      .execute((trx) =>
        t.app.services.mail.outbox.enqueue(trx, {
          clientId: clientB,
          profileId: sending.id,
          purpose: 'simulation',
          content: { subject: 'Hi', html: null, text: 'Hi' },
          messages: [{ to: { address: 'sim@b.example' }, ref: { type: 'phishing_campaign', id: 'camp-2' } }],
          notBefore: '2999-01-01T00:00:00.000Z',
        }),
      );
    const token = messageToken(await t.app.services.mail.dispatch.keys.key(clientB), outboxId ?? '');
    const incidentId = await report(
      t,
      clientB,
      'sim@b.example',
      eml({ subject: 'Simulated again', html: `<a href="https://baitwise.test/l/${token}">Open</a>` }),
    );
    const d = (await t.as(adminB, 'GET', `${base(clientB)}/${incidentId}`)).json();
    expect(d).toMatchObject({ verdict: 'simulation', status: 'resolved' });
    expect(d.timeline.map((e: { type: string }) => e.type)).toEqual(['reported', 'classified', 'resolved']);
  });
});

describe('the safe body', () => {
  const HOSTILE = `<html><head><script>alert(1)</script><style>body{background:url(https://track.example/css)}</style></head>
<body onload="steal()"><p style="color:red">Hello</p>
<img src="https://track.example/pixel.gif" onerror="alert(2)"><img src="http://track.example/p2.gif">
<a href="https://evil.example/login" onclick="x()">Sign in</a>
<form action="https://evil.example/collect"><input name="password" type="password"><button>Go</button></form>
<iframe src="https://evil.example/frame"></iframe><object data="https://evil.example/o"></object>
<svg><script>alert(3)</script></svg><a href="javascript:alert(4)">js</a></body></html>`;
  let incidentId: string;

  beforeAll(async () => {
    incidentId = await report(t, clientA, 'body@client.example', eml({ subject: 'Hostile body', html: HOSTILE }));
  });

  it('renders scripts, handlers, forms, frames and remote images inert, in a sandbox', async () => {
    const r = await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}/body`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(
      "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
    );
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    const html = r.body.toLowerCase();
    for (const bad of [
      '<script',
      'alert(',
      'onload',
      'onerror',
      'onclick',
      '<form',
      '<input',
      '<button',
      '<iframe',
      '<object',
      '<style',
      'href=',
      'javascript:',
      'src="http',
    ]) {
      expect({ bad, found: html.includes(bad) }).toEqual({ bad, found: false });
    }
    expect(r.body).toContain('<p style="color:red">Hello</p>');
    expect(r.body).toContain('title="Link (not followed): hxxps://evil[.]example/login"');
    expect(r.body).toContain('remote image blocked: hxxps://track[.]example/pixel.gif');
  });

  it('shows https images only when asked (remote=1), and a text view', async () => {
    const r = await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}/body?remote=1`);
    expect(r.headers['content-security-policy']).toContain('img-src data: https:;');
    expect(r.body).toContain('<img src="https://track.example/pixel.gif" />');
    expect(r.body).not.toContain('http://track.example/p2.gif"');
    expect(r.body).not.toContain('onerror');
    const text = await t.as(adminA, 'GET', `${base(clientA)}/${incidentId}/body?view=text`);
    expect(text.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(text.body).toContain('Mailbox full'.length > 0 ? 'Your mailbox is full' : '');
  });
});

describe('retention', () => {
  it('deletes raw messages past the client’s retention and keeps the summary', async () => {
    const old = await report(t, clientB, 'old@client.example', eml({ subject: 'Old news' }));
    const fresh = await report(t, clientB, 'fresh@client.example', eml({ subject: 'Fresh news' }));
    expect((await t.as(adminB, 'GET', `/api/v1/clients/${clientB}/incident-settings`)).json()).toEqual({
      retentionDays: 90,
    });
    const put = await t.as(adminB, 'PUT', `/api/v1/clients/${clientB}/incident-settings`, { retentionDays: 2 });
    expect(put.json()).toEqual({ retentionDays: 2 });
    expect(
      (await t.as(adminB, 'PUT', `/api/v1/clients/${clientB}/incident-settings`, { retentionDays: 0 })).json().error,
    ).toMatchObject({ code: 'validation_failed' });
    const oldRow = await db()
      .selectFrom('reported_messages')
      .selectAll()
      .where('incident_id', '=', old)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable('reported_messages')
      .set({ created_at: new Date(Date.now() - 3 * 86_400_000).toISOString() })
      .where('id', '=', oldRow.id)
      .execute();
    await t.app.services.incidents.retention.run();
    expect(existsSync(join(t.config.dataDir, oldRow.eml_path))).toBe(false);
    const d = (await t.as(adminB, 'GET', `${base(clientB)}/${old}`)).json();
    expect(d.message).toMatchObject({ subject: 'Old news', rawAvailable: false });
    expect(d.message.urls.length).toBeGreaterThan(0);
    const gone = await t.as(adminB, 'GET', `${base(clientB)}/${old}/reports/${oldRow.id}/eml`);
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('raw_message_deleted');
    expect((await t.as(adminB, 'GET', `${base(clientB)}/${old}/body`)).statusCode).toBe(410);
    // The fresh one, and client A's (90 days), are untouched.
    const f = (await t.as(adminB, 'GET', `${base(clientB)}/${fresh}`)).json();
    expect(f.message.rawAvailable).toBe(true);
    expect((await t.as(adminB, 'GET', `${base(clientB)}/${fresh}/reports/${f.reports[0].id}/eml`)).statusCode).toBe(
      200,
    );
  });
});

describe('the inbox', () => {
  it('filters, searches, sorts and pages by keyset', async () => {
    const c = (await t.as(sys, 'POST', '/api/v1/clients', { name: 'Paging' })).json().id;
    for (let i = 0; i < 7; i++) {
      await report(
        t,
        c,
        `p${i}@client.example`,
        eml({ subject: `Parcel ${i} waiting`, from: `post${i % 2}@courier${i % 2}.example` }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { subject: string }[]; nextCursor: string | null } = (
        await t.as(sys, 'GET', `${base(c)}?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((x) => x.subject));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Parcel ${i} waiting`));
    const asc = (await t.as(sys, 'GET', `${base(c)}?sort=first_reported_at&order=asc&limit=2`)).json();
    expect(asc.items.map((x: { subject: string }) => x.subject)).toEqual(['Parcel 0 waiting', 'Parcel 1 waiting']);
    const q = (await t.as(sys, 'GET', `${base(c)}?q=PARCEL%203`)).json();
    expect(q.items.map((x: { subject: string }) => x.subject)).toEqual(['Parcel 3 waiting']);
    const pct = (await t.as(sys, 'GET', `${base(c)}?q=%25`)).json();
    expect(pct.items).toEqual([]);
    const domain = (await t.as(sys, 'GET', `${base(c)}?senderDomain=courier1.example`)).json();
    expect(domain.items).toHaveLength(3);
    const reporter = (await t.as(sys, 'GET', `${base(c)}?reporter=P4@client.example`)).json();
    expect(reporter.items.map((x: { subject: string }) => x.subject)).toEqual(['Parcel 4 waiting']);
    const first = q.items[0].id;
    await t.as(sys, 'PATCH', `${base(c)}/${first}`, { verdict: 'spam', status: 'resolved' });
    const resolved = (await t.as(sys, 'GET', `${base(c)}?status=resolved,in_review&verdict=spam`)).json();
    expect(resolved.items.map((x: { id: string }) => x.id)).toEqual([first]);
    expect((await t.as(sys, 'GET', `${base(c)}?verdict=none`)).json().items).toHaveLength(6);
    const repeated = (await t.as(sys, 'GET', `${base(c)}?status=resolved&status=in_review`)).json();
    expect(repeated.items.map((x: { id: string }) => x.id)).toEqual([first]);
    const badStatus = await t.as(sys, 'GET', `${base(c)}?status=open`);
    expect(badStatus.statusCode).toBe(400);
    const bad = await t.as(sys, 'GET', `${base(c)}?cursor=bm9wZQ`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('cursor');
  });

  it('shows a system administrator every client’s incidents, named; a client administrator gets 403', async () => {
    const all = (await t.as(sys, 'GET', '/api/v1/incidents?limit=200')).json();
    const names = new Set(all.items.map((x: { clientName: string }) => x.clientName));
    expect(names.has('Alpha') && names.has('Bravo')).toBe(true);
    const onlyB = (await t.as(sys, 'GET', `/api/v1/incidents?clientId=${clientB}&limit=200`)).json();
    expect(onlyB.items.length).toBeGreaterThan(0);
    expect(onlyB.items.every((x: { clientId: string }) => x.clientId === clientB)).toBe(true);
    expect((await t.as(adminA, 'GET', '/api/v1/incidents')).statusCode).toBe(403);
    expect(
      (await t.as(adminA, 'POST', '/api/v1/incidents/bulk', { ids: [clientA], action: 'resolve' })).statusCode,
    ).toBe(403);
  });

  it('triages: classify, assign (only someone who sees the client), note, resolve, reopen; audited', async () => {
    const id = await report(t, clientA, 'triage@client.example', eml({ subject: 'Triage me' }));
    const url = `${base(clientA)}/${id}`;
    const opB = (await t.as(adminB, 'GET', '/api/v1/auth/me')).json().operator.id;
    const refused = await t.as(adminA, 'PATCH', url, { assigneeId: opB });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.field).toBe('assigneeId');
    const opA = (await t.as(adminA, 'GET', '/api/v1/auth/me')).json().operator.id;
    const d = (await t.as(adminA, 'PATCH', url, { verdict: 'phishing', assigneeId: opA, status: 'resolved' })).json();
    expect(d).toMatchObject({ verdict: 'phishing', status: 'resolved', assigneeId: opA, assigneeName: 'Admin a' });
    const note = await t.as(adminA, 'POST', `${url}/notes`, { text: 'Blocked the sender domain.' });
    expect(note.statusCode).toBe(201);
    expect(note.json()).toMatchObject({
      type: 'noted',
      actorName: 'Admin a',
      detail: { text: 'Blocked the sender domain.' },
    });
    const reopened = (await t.as(adminA, 'PATCH', url, { status: 'in_review' })).json();
    expect(reopened.timeline.map((e: { type: string }) => e.type)).toEqual([
      'reported',
      'classified',
      'resolved',
      'assigned',
      'noted',
      'reopened',
    ]);
    const audit = (await t.as(adminA, 'GET', `/api/v1/audit?clientId=${clientA}&limit=500`)).json();
    const actions = audit.items
      .filter((e: { targetId: string }) => e.targetId === id)
      .map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['incident.triage', 'incident.note']));
    expect(JSON.stringify(audit)).not.toContain('Blocked the sender domain');
  });

  it('applies a bulk action to all or none', async () => {
    const a1 = await report(t, clientA, 'bulk1@client.example', eml({ subject: 'Bulk one' }));
    const a2 = await report(t, clientA, 'bulk2@client.example', eml({ subject: 'Bulk two' }));
    const b1 = await report(t, clientB, 'bulk3@client.example', eml({ subject: 'Bulk three' }));
    // B's id among A's: nothing changes.
    const mixed = await t.as(adminA, 'POST', `${base(clientA)}/bulk`, { ids: [a1, a2, b1], action: 'resolve' });
    expect(mixed.statusCode).toBe(404);
    const statuses = await db().selectFrom('incidents').select('status').where('id', 'in', [a1, a2, b1]).execute();
    expect(statuses.every((s) => s.status === 'new')).toBe(true);
    const ok = await t.as(adminA, 'POST', `${base(clientA)}/bulk`, {
      ids: [a1, a2],
      action: 'classify',
      verdict: 'clean',
    });
    expect(ok.json()).toEqual({ updated: 2 });
    expect(
      (await t.as(adminA, 'POST', `${base(clientA)}/bulk`, { ids: [a1], action: 'classify' })).json().error.details
        .field,
    ).toBe('verdict');
    // A system administrator across clients.
    const across = await t.as(sys, 'POST', '/api/v1/incidents/bulk', { ids: [a1, b1], action: 'resolve' });
    expect(across.json()).toEqual({ updated: 2 });
    const after = await db()
      .selectFrom('incidents')
      .select(['id', 'status', 'verdict'])
      .where('id', 'in', [a1, a2, b1])
      .execute();
    expect(Object.fromEntries(after.map((r) => [r.id, `${r.status}/${r.verdict}`]))).toEqual({
      [a1]: 'resolved/clean',
      [a2]: 'new/clean',
      [b1]: 'resolved/null',
    });
  });

  it("answers another client's administrator 404 on every incident route", async () => {
    const id = await report(t, clientA, 'tenancy@client.example', eml({ subject: 'Tenancy' }));
    const reportId = (await t.as(adminA, 'GET', `${base(clientA)}/${id}`)).json().reports[0].id;
    const routes: [string, string, unknown?][] = [
      ['GET', base(clientA)],
      ['GET', `${base(clientA)}/${id}`],
      ['GET', `${base(clientA)}/${id}/body`],
      ['GET', `${base(clientA)}/${id}/reports/${reportId}/eml`],
      ['PATCH', `${base(clientA)}/${id}`, { status: 'resolved' }],
      ['POST', `${base(clientA)}/${id}/notes`, { text: 'x' }],
      ['POST', `${base(clientA)}/bulk`, { ids: [id], action: 'resolve' }],
      ['GET', `/api/v1/clients/${clientA}/incident-settings`],
      ['PUT', `/api/v1/clients/${clientA}/incident-settings`, { retentionDays: 1 }],
    ];
    for (const [method, url, body] of routes) {
      expect({ url, status: (await t.as(adminB, method, url, body)).statusCode }).toEqual({ url, status: 404 });
    }
    // B's own routes with A's incident id: 404 too, and nothing changed.
    expect((await t.as(adminB, 'GET', `${base(clientB)}/${id}`)).statusCode).toBe(404);
    expect((await t.as(adminB, 'POST', `${base(clientB)}/bulk`, { ids: [id], action: 'resolve' })).statusCode).toBe(
      404,
    );
    expect((await t.as(adminB, 'GET', `${base(clientB)}/${id}/reports/${reportId}/eml`)).statusCode).toBe(404);
    const row = await db().selectFrom('incidents').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('new');
    expect((await t.as(adminA, 'GET', `/api/v1/clients/${clientA}/incident-settings`)).json().retentionDays).toBe(90);
  });
});
