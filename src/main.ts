// Entry point of `npm start`: configuration → database → migrations → services → server and worker.
import { openContainer } from './runtime.js';
import { serve } from './server.js';

const c = await openContainer();
const server = await serve(c);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  c.logger.info({ signal }, 'shutting down');
  await server.close();
  await c.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
