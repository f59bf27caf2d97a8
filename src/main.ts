// Entry point of `npm start`: configuration → database → migrations → server and worker.
import { openRuntime } from './runtime.js';
import { serve } from './server.js';

const rt = await openRuntime();
const server = await serve(rt);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  rt.logger.info({ signal }, 'shutting down');
  await server.close();
  await rt.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
