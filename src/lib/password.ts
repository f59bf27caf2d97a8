// Password hashing with scrypt (node:crypto, no native add-on). Parameters are stored in the
// hash so they can be raised later without invalidating existing passwords, and so a hash is
// always checked at the cost it was made with, whatever cost new hashes use.
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt. Every Baitwise process hashes at this cost; nothing configures it lower. */
export const PRODUCTION_SCRYPT: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });
const KEYLEN = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * Hashes new passwords at one cost and checks any stored hash. The composition root builds the
 * production one; the test helpers hand a cheaper one to compose() so that hundreds of sign-ins
 * do not each spend a production-strength scrypt (tests about timing use the production cost).
 */
export class PasswordHasher {
  /** A hash to verify against when the account does not exist, so timing does not reveal it. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly cost: Readonly<ScryptCost> = PRODUCTION_SCRYPT) {}

  async hash(password: string): Promise<string> {
    const { N, r, p } = this.cost;
    const salt = randomBytes(16);
    const key = await derive(password, salt, { N, r, p });
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [alg, n, r, p, salt, key] = stored.split('$');
    if (alg !== 'scrypt' || !n || !r || !p || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await derive(password, Buffer.from(salt, 'base64'), { N: Number(n), r: Number(r), p: Number(p) });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

export const PASSWORD_MIN_LENGTH = 12;
