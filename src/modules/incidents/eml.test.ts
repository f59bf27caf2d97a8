// parseEml reads the header block with mailparser and walks the body itself: what it reads must be
// what a full mailparser parse reads (the incidents inbox lists it), and a Baitwise token must be
// found however the body is encoded.
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parseEml } from './eml.js';

const TOKEN_A = `bwm_${'A'.repeat(16)}${'b'.repeat(16)}`;
const TOKEN_B = `bwm_${'c'.repeat(16)}_-${'D'.repeat(14)}`;
const TOKEN_C = `bwm_${'e'.repeat(32)}`;
const crlf = (s: string) => s.replace(/\r?\n/g, '\r\n');
const b64lines = (s: string) =>
  (
    Buffer.from(s)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');

/** multipart/mixed ⊃ multipart/alternative (QP text with a token split by a soft break, base64 HTML) + an attachment. */
const nested = Buffer.from(
  crlf(`Received: from mx.example by mx.client.example; Tue, 3 Mar 2026 10:00:00 +0000
Message-ID: <nested-1@phish.example>
From: =?UTF-8?B?SVQgSGVscGRlc2sg4oCU?= <HelpDesk@Phish.Example>
To: someone@client.example
Subject: =?UTF-8?Q?Passwort_l=C3=A4uft_ab?=
 today
Date: Tue, 3 Mar 2026 11:00:00 +0100
X-Campaign: ${TOKEN_C}
MIME-Version: 1.0
Content-Type: multipart/mixed;
 boundary="outer"

preamble
--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Open https://track.example/p?t=${TOKEN_A.slice(0, 20)}=
${TOKEN_A.slice(20)} now =E2=80=94 thanks
--inner
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

${b64lines(`<p><a href="https://track.example/p?t=${TOKEN_B}">here</a></p>`)}
--inner--
--outer
Content-Type: application/pdf; name=invoice.pdf
Content-Transfer-Encoding: base64

${b64lines('%PDF-1.4 not really')}
--outer--
epilogue
`),
);

describe('parseEml', () => {
  it('reads the headers as a full mailparser parse does', async () => {
    const full = await simpleParser(nested);
    const p = await parseEml(nested);
    expect(p).toMatchObject({
      internetMessageId: full.messageId,
      subject: full.subject,
      fromAddress: full.from?.value[0]?.address?.toLowerCase(),
      fromName: full.from?.value[0]?.name,
      date: full.date?.toISOString(),
    });
    expect(p.subject).toBe('Passwort läuft ab today');
    expect(p.fromName).toBe('IT Helpdesk —');
    expect(p.date).toBe('2026-03-03T10:00:00.000Z');
  });

  it('finds tokens in a header, across a quoted-printable soft break, and in a base64 HTML part', async () => {
    expect((await parseEml(nested)).tokens.sort()).toEqual([TOKEN_A, TOKEN_B, TOKEN_C].sort());
  });

  it('finds a token in a single-part base64 body and in a plain 7bit one', async () => {
    const single = Buffer.from(
      crlf(
        `From: a@b.example\nSubject: x\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n${b64lines(
          `<a href="https://t.example/${TOKEN_B}">x</a>`,
        )}\n`,
      ),
    );
    expect((await parseEml(single)).tokens).toEqual([TOKEN_B]);
    const plain = Buffer.from(`From: a@b.example\nSubject: y\n\nvisit https://t.example/${TOKEN_A}\n`);
    expect((await parseEml(plain)).tokens).toEqual([TOKEN_A]);
  });

  it('identifies a message without a Message-ID by its content', async () => {
    const eml = Buffer.from('From: a@b.example\r\nSubject: no id\r\n\r\nbody\r\n');
    const p = await parseEml(eml);
    expect(p.internetMessageId).toBe(`sha256:${p.sha256}`);
    expect(p).toMatchObject({ subject: 'no id', fromAddress: 'a@b.example', date: null, tokens: [] });
  });
});
