// Reads that must not queue behind a flood of others: signing in, the session, health. The
// overload guard runs those requests inside `urgentReads`; the database layer then gives their
// queries a lane of their own — on SQLite the read-write connection instead of the reader threads
// (sqlite-readers.ts), on PostgreSQL a small pool of its own (connection.ts) — so `/auth/me`
// answers while every reader or pooled connection is busy with searches.
import { AsyncLocalStorage } from 'node:async_hooks';

const urgent = new AsyncLocalStorage<true>();

/** Runs `next` (and everything it starts) as urgent. */
export const urgentReads = (next: () => void) => urgent.run(true, next);

export const isUrgent = (): boolean => urgent.getStore() === true;
