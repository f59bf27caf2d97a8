// An Entra user's address is keyed as a hand-added or imported one is (src/lib/email.ts), so a
// sync adopts the recipient a CSV created for the same person, whatever spelling Entra uses.
import { describe, expect, it } from 'vitest';
import { emailKey } from '../../lib/email.js';
import { mapUser } from './mapping.js';

describe('mapping an internationalised Entra address', () => {
  it('keys it as the API and CSV import do, and stores it in NFC', () => {
    const nfd = 'Zoe\u0308@xn--mller-kva.de';
    const m = mapUser({ id: 'z', mail: nfd });
    expect(m?.emailKey).toBe(emailKey('zoë@müller.de'));
    expect(m?.email).toBe(nfd.normalize('NFC'));
  });
});
