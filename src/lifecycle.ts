// How a Baitwise process lives: open the runtime and its container, run, close both whatever
// happens. Shared by `npm start` and every `baitwise` command.
import type { Container } from './composition.js';
import { openContainer } from './runtime.js';

/** Opens the container, runs `fn`, closes it even when `fn` fails. */
export async function withContainer<T>(fn: (c: Container) => Promise<T>): Promise<T> {
  const c = await openContainer();
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/**
 * A long-running process (server, worker): started with the container, stopped gracefully on
 * SIGINT or SIGTERM. The signal handlers are installed before start-up, so a signal that follows
 * the readiness message at once is not lost.
 */
export async function untilSignal(name: string, start: (c: Container) => Promise<{ stop(): Promise<void> }>) {
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await withContainer(async (c) => {
    const running = await start(c);
    const signal = await stopped;
    c.logger.info({ signal }, `${name} stopping`);
    await running.stop();
    c.logger.info(`${name} stopped`);
  });
}
