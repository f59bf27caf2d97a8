// One interface for background work, two engines: the embedded runner (a jobs table polled in
// process, for SQLite) and pg-boss (PostgreSQL, so several `baitwise worker` processes share the
// work). Jobs are enqueued with the transaction that records their work, so a committed change
// always has its job and a rolled-back one never does.
import type { Static, TSchema } from '@sinclair/typebox';
import type { Db } from '../db/connection.js';
import type { JobDefinition, JobType } from './definition.js';

export interface EnqueueOptions {
  /** at most one queued-or-active job with this key per queue (e.g. one sync per import) */
  singletonKey?: string;
  startAfterSeconds?: number;
  maxAttempts?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
}

/**
 * What a handler returns when it did part of the work and stopped on purpose (a time slice
 * ended): "run me again soon". Not a failure: it uses no attempt and waits for no backoff. The
 * work must be resumable (the job finds where it stopped in the database), because the runner
 * may hand the rest to another process.
 */
export class RescheduleJob {
  readonly reschedule = true;
  constructor(readonly reason: string) {}
}

export interface JobQueue {
  /** Enqueue inside `trx` (a Kysely transaction); returns the job id, or null when a singleton already waits. */
  enqueue<S extends TSchema>(
    trx: Db,
    job: JobType<S>,
    payload: Static<S>,
    opts?: EnqueueOptions,
  ): Promise<string | null>;
  close?(): Promise<void>;
}

export interface RegisterOptions {
  /**
   * How long a job of this queue may stay active before it is presumed dead (its worker gone)
   * and retried. pg-boss has no heartbeat, so this is how soon a crashed worker's job comes back;
   * it must exceed the longest a live handler runs (sliced handlers: a few slices). The embedded
   * runner renews its lease while the handler runs and ignores it.
   */
  expireInSeconds?: number;
}

export interface JobRunner {
  register<S extends TSchema>(job: JobDefinition<S>): void;
  start(): Promise<void>;
  /** Stops taking jobs, aborts running handlers' signals and waits for them to return. */
  stop(): Promise<void>;
}
