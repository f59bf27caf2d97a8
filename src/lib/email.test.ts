// The one email rule (API format, CSV rows, directory sync): what passes, and the lookup key.
import { describe, expect, it } from 'vitest';
import { emailKey, isValidEmail, needsSmtpUtf8, normaliseEmail } from './email.js';

describe('isValidEmail', () => {
  it('takes ASCII addresses as before, and SMTPUTF8 local parts and IDN domains', () => {
    for (const ok of [
      'ada@example.com',
      "o'brien+tag@sub.example.co.uk",
      'jürgen.müller@müller.de',
      'zoë@example.com',
      'δοκιμή@παράδειγμα.δοκιμή',
      '用户@例子.广告',
      'ann@xn--mller-kva.de',
    ]) {
      expect({ ok, valid: isValidEmail(ok) }).toEqual({ ok, valid: true });
    }
  });

  it('refuses what is not an address, or lets one pass for another', () => {
    for (const bad of [
      'plain',
      '@example.com',
      'ann@',
      'ann@localhost',
      'a..b@example.com',
      '.a@example.com',
      '"quoted"@example.com',
      'ann@[127.0.0.1]',
      'ann@exa mple.com',
      'ann@example.com/x',
      'ann@-example.com',
      'ann@xn--zz.com',
      'a\u202Eb@example.com',
      'a\u200Db@example.com',
      'a\u00A0b@example.com',
      '😀@example.com',
      `${'a'.repeat(65)}@example.com`,
      `${'ü'.repeat(33)}@example.com`,
      `a@${'b'.repeat(250)}.com`,
    ]) {
      expect({ bad, valid: isValidEmail(bad) }).toEqual({ bad, valid: false });
    }
  });
});

describe('emailKey', () => {
  it('is the same for every spelling of one address', () => {
    const key = emailKey('zoë@müller.de');
    for (const same of ['Zoë@Müller.DE', 'zoe\u0308@müller.de', 'ZOË@xn--mller-kva.de', ' zoë@MÜLLER.de ']) {
      expect({ same, key: emailKey(same) }).toEqual({ same, key });
    }
    expect(emailKey('Ann@Contoso.com')).toBe('ann@contoso.com');
  });

  it('keys text that is not an address too (Entra data is not checked)', () => {
    expect(emailKey(' Odd Value ')).toBe('odd value');
  });
});

describe('normaliseEmail and needsSmtpUtf8', () => {
  it('keeps the address as written, in NFC', () => {
    expect(normaliseEmail(' Zoe\u0308@Example.com ')).toBe('Zoë@Example.com');
  });

  it('needs SMTPUTF8 only for a non-ASCII local part: a domain has its A-label', () => {
    expect(needsSmtpUtf8('zoë@example.com')).toBe(true);
    expect(needsSmtpUtf8('ann@müller.de')).toBe(false);
    expect(needsSmtpUtf8('ann@example.com')).toBe(false);
  });
});
