// Creating pg-boss's queues when several processes start at once (two `baitwise worker`s; a worker
// and a server sending its first job). Each queue is a partition made by DDL: two processes making
// or updating the same queues at the same moment can have PostgreSQL abort one with a deadlock
// (40P01), or find the queue the other just made (23505 unique violation, 42P07 duplicate table).
// That is a race lost, not a failure: look again and take what the other made. A worker died of it
// in a CI run of mail-shared-rate.test.ts (two workers starting on one database).
import type PgBoss from 'pg-boss';
import { retryOnPgCodes } from '../db/retry.js';

const RACE = new Set(['40P01', '40001', '23505', '42P07']);

type QueueApi = Pick<PgBoss, 'getQueue' | 'createQueue' | 'updateQueue'>;

/** The queue exists with `options` (updated when `update`: the worker's settings win). */
export async function setUpQueue(
  boss: QueueApi,
  queue: string,
  options: PgBoss.Queue,
  update: boolean,
  tries = 5,
): Promise<void> {
  await retryOnPgCodes(
    RACE,
    async () => {
      if (!(await boss.getQueue(queue))) await boss.createQueue(queue, options);
      else if (update) await boss.updateQueue(queue, options);
    },
    tries,
  );
}
