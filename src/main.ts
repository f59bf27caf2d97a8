// Entry point of `npm start`: configuration → database → migrations → services → server and
// worker, until SIGINT or SIGTERM (the same life as `baitwise serve`).
import { untilSignal } from './lifecycle.js';
import { serve } from './server.js';

await untilSignal('server', async (c) => {
  const server = await serve(c);
  return { stop: () => server.close() };
});
process.exit(0);
