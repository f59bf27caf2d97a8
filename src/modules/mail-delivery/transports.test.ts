// The encoding hint given to nodemailer (textEncodingHint): the message it builds is the same,
// byte for byte, as the one it builds choosing each encoding itself, for ASCII mail, accented
// names, non-Latin templates and mixes where the parts would be encoded differently.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { mailOptions, type OutgoingMessage, textEncodingHint } from './transports.js';

const build = async (options: ReturnType<typeof mailOptions>) =>
  (await new MailComposer({ ...options, date: new Date('2026-06-30T08:00:00Z') }).compile().build())
    .toString()
    .replace(/_NmP-[0-9a-f]+-Part_/g, '_NmP-x-Part_');

const base: OutgoingMessage = {
  from: { address: 'security@mail.example', name: 'Security Team' },
  to: { address: 'learner@client.example', name: 'Learner One' },
  subject: 'Action needed: your training',
  html: `<html><body>${'<p style="padding: 8px">Attackers write messages that look like they come from colleagues, suppliers or IT.</p>\n'.repeat(20)}</body></html>`,
  text: 'Attackers write messages that look like they come from colleagues.\n'.repeat(20),
  messageId: '0190f7a0-0000-7000-8000-000000000000@mail.example',
  headers: [{ name: 'X-Campaign-Ref', value: 'awareness-2026' }],
};
const cjk = '<p>攻撃者は同僚や取引先、IT部門からのように見えるメッセージを書きます。</p>'.repeat(30);

describe('the transfer encoding hint', () => {
  it.each<[string, Partial<OutgoingMessage>, string | undefined]>([
    ['an ASCII mail', {}, 'quoted-printable'],
    [
      'accented names and subject',
      { to: { address: 'z@client.example', name: 'Zoë Ünal' }, subject: 'Für Zoë: Schulung' },
      'quoted-printable',
    ],
    ['a non-Latin template', { html: cjk, text: cjk.replace(/<\/?p>/g, '\n'), subject: '研修のお知らせ' }, 'base64'],
    ['a non-Latin subject on a Latin body', { subject: '研修のお知らせ' }, undefined],
    ['a non-Latin body with a Latin text part', { html: cjk }, undefined],
    ['no HTML part', { html: null }, 'quoted-printable'],
  ])('builds %s exactly as nodemailer would choose itself', async (_, change, hint) => {
    const m = { ...base, ...change };
    expect(textEncodingHint(m)).toBe(hint);
    const hinted = mailOptions(m);
    const { textEncoding: _unused, ...unhinted } = hinted;
    expect(await build(hinted)).toBe(await build(unhinted));
  });
});
