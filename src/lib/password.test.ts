// The stored hash names its own scrypt cost, so a hasher of any cost checks hashes of every cost.
// Production always hashes at OWASP's minimum; only tests build a cheaper hasher, to keep the
// suite from spending minutes of CPU on sign-ins that are not about password strength.
import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password.js';

const PRODUCTION = new PasswordHasher();
const CHEAP = new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 });

describe('password hashing', () => {
  it('hashes at OWASP’s minimum scrypt cost (N=2^17, r=8, p=1) unless told otherwise', async () => {
    const hash = await PRODUCTION.hash('a production password');
    expect(hash.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 17), '8', '1']);
    expect(await PRODUCTION.verify('a production password', hash)).toBe(true);
  });

  it('checks a hash by the cost stored in it, whatever cost the checking hasher hashes at', async () => {
    const cheap = await CHEAP.hash('a test password');
    expect(cheap.split('$').slice(0, 4)).toEqual(['scrypt', String(2 ** 10), '8', '1']);
    expect(await PRODUCTION.verify('a test password', cheap)).toBe(true);
    expect(await PRODUCTION.verify('another password', cheap)).toBe(false);
    const strong = await PRODUCTION.hash('a production password');
    expect(await CHEAP.verify('a production password', strong)).toBe(true);
  });

  it('keeps one dummy hash per hasher, at that hasher’s cost', async () => {
    expect(await CHEAP.dummy()).toBe(await CHEAP.dummy());
    expect((await CHEAP.dummy()).split('$')[1]).toBe(String(2 ** 10));
  });
});
