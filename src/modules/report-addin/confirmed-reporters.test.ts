// The cache of reporters Graph confirmed: per token, until the token expires, bounded.
import { describe, expect, it } from 'vitest';
import { ConfirmedReporters } from './reporter-token.js';

const who = (n: number) => ({ objectId: `oid-${n}`, address: `u${n}@client.example` });

describe('ConfirmedReporters', () => {
  it('answers for the token Graph confirmed until it expires, and not for another token', () => {
    const c = new ConfirmedReporters();
    c.set('token-1', who(1), 10_000);
    expect(c.get('token-1', 9_999)).toEqual(who(1));
    expect(c.get('token-2', 9_999)).toBeNull();
    expect(c.get('token-1', 10_000)).toBeNull();
  });

  it('forgets a token Graph refused', () => {
    const c = new ConfirmedReporters();
    c.set('token-1', who(1), 10_000);
    c.forget('token-1');
    expect(c.get('token-1', 0)).toBeNull();
  });

  it('keeps at most `max` tokens, dropping the least recently used', () => {
    const c = new ConfirmedReporters(2);
    c.set('a', who(1), 10_000);
    c.set('b', who(2), 10_000);
    expect(c.get('a', 0)).toEqual(who(1)); // a used: b is the oldest now
    c.set('c', who(3), 10_000);
    expect(c.get('b', 0)).toBeNull();
    expect(c.get('a', 0)).toEqual(who(1));
    expect(c.get('c', 0)).toEqual(who(3));
  });
});
