// Two processes setting up pg-boss's queues at once: a lost race (deadlock, or the other made the
// queue first) is looked at again and the other's queue taken; any other error still fails start.
import type PgBoss from 'pg-boss';
import { expect, it } from 'vitest';
import { setUpQueue } from './queue-setup.js';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });
const OPTIONS = { name: 'q', policy: 'standard' } as PgBoss.Queue;

function fakeBoss(createFails: string[]) {
  const calls: string[] = [];
  let exists = false;
  return {
    calls,
    boss: {
      getQueue: async () => {
        calls.push('get');
        return exists ? OPTIONS : null;
      },
      createQueue: async () => {
        calls.push('create');
        const code = createFails.shift();
        // the other process made it meanwhile (or we deadlocked with it): it exists now
        exists = true;
        if (code) throw pgError(code);
      },
      updateQueue: async () => {
        calls.push('update');
      },
    } as unknown as Pick<PgBoss, 'getQueue' | 'createQueue' | 'updateQueue'>,
  };
}

it('takes the queue another process made when it loses the race, and updates it', async () => {
  for (const code of ['40P01', '23505', '42P07']) {
    const f = fakeBoss([code]);
    await setUpQueue(f.boss, 'q', OPTIONS, true);
    expect(f.calls).toEqual(['get', 'create', 'get', 'update']);
  }
});

it('fails on any other error, and after a few lost races', async () => {
  await expect(setUpQueue(fakeBoss(['42501']).boss, 'q', OPTIONS, true)).rejects.toThrow('pg 42501');
  const always = {
    getQueue: async () => null,
    createQueue: async () => {
      throw pgError('40P01');
    },
    updateQueue: async () => {},
  } as unknown as Pick<PgBoss, 'getQueue' | 'createQueue' | 'updateQueue'>;
  await expect(setUpQueue(always, 'q', OPTIONS, true, 3)).rejects.toThrow('pg 40P01');
});
