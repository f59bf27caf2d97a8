// A claim PostgreSQL aborts with a deadlock (two senders on one profile) is run again instead of
// killing the worker; any other error still ends the claim.
import { expect, it } from 'vitest';
import { retryDeadlock } from './repository.js';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

it('runs a claim again after a deadlock, and gives up after a few', async () => {
  let calls = 0;
  const claimed = await retryDeadlock(async () => {
    calls++;
    if (calls < 3) throw pgError('40P01');
    return ['m1', 'm2'];
  });
  expect({ claimed, calls }).toEqual({ claimed: ['m1', 'm2'], calls: 3 });

  let always = 0;
  await expect(
    retryDeadlock(async () => {
      always++;
      throw pgError('40P01');
    }, 4),
  ).rejects.toThrow('pg 40P01');
  expect(always).toBe(4);
});

it('does not repeat a claim that failed for another reason', async () => {
  let calls = 0;
  await expect(
    retryDeadlock(async () => {
      calls++;
      throw pgError('23505');
    }),
  ).rejects.toThrow('pg 23505');
  expect(calls).toBe(1);
});
