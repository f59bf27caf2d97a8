// WAL checkpoints off the event loop. SQLite copies the WAL back into the database file (a
// checkpoint) inside the commit that takes the WAL past 1,000 pages, on the connection that
// commits: the read-write connection, on the main thread. In bench:send's SMTP run that was one
// commit in a hundred, 10 ms each, and 60% of all the time commits took (951 of 1,551 ms for
// 10,000 messages): the event loop stood still for each, whatever requests were waiting.
//
// A thread of its own checkpoints instead, every CHECKPOINT_EVERY_MS, PASSIVE: it copies what no
// reader still needs and never waits for the writer or a reader. The read-write connection keeps
// an automatic checkpoint only far past where the thread would have run (WRITER_BACKSTOP_PAGES),
// should the thread fall behind or end.
import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints (a checkpoint with nothing to copy costs a few microseconds). */
export const CHECKPOINT_EVERY_MS = 100;

/** The read-write connection's own automatic checkpoint, a backstop: 40 MB of WAL (4 KB pages). */
export const WRITER_BACKSTOP_PAGES = 10_000;

// Evaluated, not loaded from a file, like the reader threads (sqlite-readers.ts). The connection
// writes nothing but the checkpoint; synchronous NORMAL as the writer's, so a checkpoint syncs the
// WAL before it copies and the database file after.
const SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // busy (another process's checkpoint, a schema change): the next turn tries again
  }
}, workerData.everyMs);
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(file: string, driverPath: string) {
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { file, driver: driverPath, everyMs: CHECKPOINT_EVERY_MS },
    });
    this.worker.unref();
    // A thread that ends leaves checkpoints to the backstop; nothing else depends on it.
    this.worker.on('error', () => undefined);
  }

  /** Ends the thread, so that closing the read-write connection (the last one) can checkpoint and remove the WAL. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
