// The message buildMime writes reads back, through a real parser (mailparser), as what was given:
// names, addresses, subject, both parts and every header, for ASCII mail, accents, non-Latin
// scripts, emoji, and the awkward bodies (long lines, dots and spaces at line ends, `=` signs).
// And the wire rules hold: CRLF only, 7-bit outside SMTPUTF8 addresses, lines within 78 (76 in
// quoted-printable bodies), no line that is a lone dot.
import { isAscii } from 'node:buffer';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMime, type OutgoingMessage, quotedPrintable } from './mime.js';

const base: OutgoingMessage = {
  from: { address: 'security@mail.example', name: 'Security Team' },
  to: { address: 'learner@client.example', name: 'Learner One' },
  subject: 'Action needed: your training',
  html: `<html><body>${'<p style="padding: 8px">Attackers write messages that look like they come from colleagues.</p>\n'.repeat(20)}</body></html>`,
  text: 'Attackers write messages that look like they come from colleagues.\n'.repeat(20),
  messageId: '0190f7a0-0000-7000-8000-000000000000@mail.example',
  headers: [{ name: 'X-Campaign-Ref', value: 'awareness-2026' }],
};
const cjk = '攻撃者は同僚や取引先、IT部門からのように見えるメッセージを書きます。'.repeat(12);
const awkward = [
  `${'x'.repeat(200)} trailing space \n.\n..leading dots\n= equals =3D\n\ttab at end\t`,
  `${'word '.repeat(40)}\r\nwindows line\rold mac line\n`,
  `${'y'.repeat(74)}.${'z'.repeat(10)}`,
  `${'é'.repeat(100)} 🙂🙂 ${'ü'.repeat(30)}`,
].join('\n');

/** mailparser leaves encoded-words in headers it does not know: decoded here (RFC 2047 §6.2). */
const words = (v: string) =>
  v
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
const lf = (s: string) => s.replace(/\r\n|\r/g, '\n');

describe('buildMime', () => {
  it.each<[string, Partial<OutgoingMessage>]>([
    ['an ASCII mail', {}],
    [
      'accented names and subject',
      { to: { address: 'z@client.example', name: 'Zoë Ünal' }, subject: 'Für Zoë: Schulung zur Sicherheit' },
    ],
    [
      'a non-Latin template',
      {
        html: `<p>${cjk}</p>`,
        text: cjk,
        subject: `研修のお知らせ ${cjk.slice(0, 40)}`,
        from: { address: 'a@b.example', name: '情報セキュリティ' },
      },
    ],
    [
      'emoji in the subject',
      { subject: 'Your training 🙂 is ready 🎓🎓🎓 — do it today please, it only takes ten minutes' },
    ],
    ['awkward bodies', { text: awkward, html: `<pre>${awkward}</pre>` }],
    ['no HTML part', { html: null }],
    ['quotes in a name', { from: { address: 'a@b.example', name: 'Security "Awareness" \\ Team' } }],
    ['no names', { from: { address: 'a@b.example', name: null }, to: { address: 'c@d.example', name: '' } }],
    [
      'long and non-ASCII headers',
      {
        headers: [
          { name: 'X-Long', value: `ref ${'abcdefghij '.repeat(15)}end` },
          { name: 'X-Note', value: 'Schulung für Jürgen' },
        ],
      },
    ],
  ])('reads back %s as given, within the wire rules', async (_, change) => {
    const m = { ...base, ...change };
    const raw = buildMime(m, { date: new Date('2026-06-30T08:00:00Z') });
    const wire = raw.toString('latin1');
    expect(isAscii(raw)).toBe(true);
    expect(wire).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
    for (const line of wire.split('\r\n')) {
      expect(line.length, line).toBeLessThanOrEqual(78);
      expect(line).not.toBe('.');
    }
    const p = await simpleParser(raw);
    expect(p.subject).toBe(m.subject);
    expect(p.messageId).toBe(`<${m.messageId}>`);
    expect(p.date?.toISOString()).toBe('2026-06-30T08:00:00.000Z');
    const from = p.from?.value[0];
    expect(from).toMatchObject({ address: m.from.address, name: m.from.name ?? '' });
    const to = p.to && 'value' in p.to ? p.to.value[0] : undefined;
    expect(to).toMatchObject({ address: m.to.address, name: m.to.name ?? '' });
    expect(lf(p.text ?? '')).toBe(lf(m.text));
    if (m.html === null) expect(p.html).toBe(false);
    else expect(lf(p.html || '')).toBe(lf(m.html));
    for (const h of m.headers) expect(words(String(p.headers.get(h.name.toLowerCase())))).toBe(h.value);
  });

  it('writes an IDN domain as its A-label, and keeps a UTF-8 local part (SMTPUTF8) as it is', async () => {
    const raw = buildMime({
      ...base,
      to: { address: 'ann@müller.example', name: null },
      from: { address: 'jürgen@müller.example', name: 'Jürgen' },
    });
    const head = raw.toString('utf8').split('\r\n\r\n')[0] ?? '';
    expect(head).toMatch(/^To: <ann@xn--mller-kva\.example>$/m);
    expect(head).toMatch(/^From: =\?UTF-8\?B\?SsO8cmdlbg==\?= <jürgen@müller\.example>$/m);
  });

  it('keeps a header value on one header: line breaks in it cannot start another', async () => {
    const raw = buildMime({ ...base, subject: 'Hello\r\nBcc: victim@evil.example', headers: [] });
    const p = await simpleParser(raw);
    expect(p.bcc).toBeUndefined();
    expect(p.subject).toBe('Hello Bcc: victim@evil.example');
  });
});

describe('quotedPrintable', () => {
  it('encodes a space before a break, `=`, bytes over 127 and a leading dot, and breaks softly at 76', () => {
    expect(quotedPrintable('a \nb').toString()).toBe('a=20\r\nb');
    expect(quotedPrintable('1=2 é').toString()).toBe('1=3D2 =C3=A9');
    expect(quotedPrintable('.x\n.').toString()).toBe('=2Ex\r\n=2E');
    const long = quotedPrintable('a'.repeat(160)).toString().split('\r\n');
    expect(long.map((l) => l.length)).toEqual([76, 76, 10]);
    expect(long.join('').replace(/=/g, '')).toBe('a'.repeat(160));
  });

  it('keeps every rule on 3,000 mixes of the awkward characters, and decodes back to the text', () => {
    const pieces = ['a', 'Z', ' ', '\t', '.', '=', '\n', '\r\n', '\r', 'é', '€', '😀', 'x'.repeat(30), '<p>', '  '];
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const decode = (qp: string) =>
      Buffer.from(
        qp
          .replace(/=\r\n/g, '')
          .split(/(=[0-9A-F]{2})/)
          .flatMap((t) =>
            /^=[0-9A-F]{2}$/.test(t) ? [Number.parseInt(t.slice(1), 16)] : [...Buffer.from(t, 'latin1')],
          ),
      ).toString('utf8');
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = Math.floor(next() * 200);
      for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
      const out = quotedPrintable(text).toString('latin1');
      const lines = out.split('\r\n');
      expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(lines.every((l) => l.length <= 76 && !l.startsWith('.') && !/[ \t]$/.test(l))).toBe(true);
      expect(out).toMatch(/^[\x20-\x7e\t\r\n]*$/);
      expect(decode(out)).toBe(text.replace(/\r\n|\r|\n/g, '\r\n'));
    }
  });
});
