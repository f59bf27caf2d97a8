// What a module declares about its background work; the job layer (worker.ts) assembles it and
// knows no module. A job's payload shape is a TypeBox schema: the one source of its type for the
// code that enqueues it and the handler that runs it, and checked when a job is taken, so a job
// written by an older version with another shape fails clearly instead of half-running.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { JobContext, RegisterOptions, RescheduleJob } from './queue.js';

/** A queue and the shape of its payloads: what the code that enqueues needs to know. */
export interface JobType<S extends TSchema = TSchema> {
  readonly queue: string;
  readonly payload: S;
  /** jobs of this queue carry a singleton key (pg-boss needs to know when it creates the queue) */
  readonly singleton?: boolean;
}

export const jobType = <S extends TSchema>(
  queue: string,
  payload: S,
  opts: { singleton?: boolean } = {},
): JobType<S> => ({
  queue,
  payload,
  ...opts,
});

// biome-ignore lint/suspicious/noConfusingVoidType: a handler that finished returns nothing; only a reschedule is an answer
export type TypedJobHandler<S extends TSchema> = (payload: Static<S>, ctx: JobContext) => Promise<void | RescheduleJob>;

/** A job type with its handler and queue settings: what a worker registers. */
export interface JobDefinition<S extends TSchema = TSchema> {
  readonly type: JobType<S>;
  // A method, so a definition of a narrower payload is still a JobDefinition<TSchema> in a list.
  // biome-ignore lint/suspicious/noConfusingVoidType: as TypedJobHandler
  handler(payload: Static<S>, ctx: JobContext): Promise<void | RescheduleJob>;
  readonly options?: RegisterOptions;
}

export const defineJob = <S extends TSchema>(def: JobDefinition<S>): JobDefinition<S> => def;

/**
 * Work a worker does on a timer (enqueue due syncs, purge expired rows). Several workers may run
 * the same schedule at once: `run` must be safe to run concurrently (conditional updates, deletes).
 */
export interface Schedule {
  readonly name: string;
  readonly everyMs: number;
  /** the first run, after the worker starts (default: one second) */
  readonly firstAfterMs?: number;
  run(): Promise<unknown>;
}

/** A job's payload as stored, checked against its type before the handler sees it. */
export class JobPayloadError extends Error {
  constructor(queue: string, detail: string) {
    super(`job payload for ${queue} does not match its type: ${detail}`);
  }
}

// biome-ignore lint/suspicious/noConfusingVoidType: as TypedJobHandler
export type RawJobHandler = (payload: unknown, ctx: JobContext) => Promise<void | RescheduleJob>;

/** The handler a runner calls with the stored payload: checked, then typed. */
export function checkedHandler<S extends TSchema>(def: JobDefinition<S>): RawJobHandler {
  return async (payload, ctx) => {
    if (!Value.Check(def.type.payload, payload)) {
      const first = Value.Errors(def.type.payload, payload).First();
      throw new JobPayloadError(def.type.queue, first ? `${first.path || '/'} ${first.message}` : 'invalid');
    }
    return def.handler(payload, ctx);
  };
}
