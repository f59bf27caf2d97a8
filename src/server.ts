// `baitwise serve`: the HTTP server (API + console), and the job worker unless disabled, both
// from one composed container (one token cache, one job queue).
import { buildApp } from './app.js';
import type { Container } from './composition.js';
import { startWorker } from './jobs/worker.js';

export async function serve(c: Container): Promise<{ close(): Promise<void> }> {
  const app = await buildApp(c);
  const { config, logger } = c;
  if (config.admin) {
    if (await c.services.operators.bootstrapAdmin(config.admin)) {
      logger.info({ email: config.admin.email }, 'created the first system administrator from BAITWISE_ADMIN_EMAIL');
    }
  } else if (await c.services.auth.setupRequired()) {
    const token = await c.services.auth.createSetupToken();
    // The one place a secret is printed on purpose: the person starting Baitwise needs it once.
    process.stdout.write(
      `\n  No administrator exists yet. Open this one-time link to create the first one (valid 24 hours):\n\n    ${config.publicUrl}/setup?token=${token}\n\n`,
    );
  }
  await app.listen({ host: config.host, port: config.port });
  const worker = config.runWorker ? await startWorker(c) : undefined;
  logger.info({ url: config.publicUrl, database: c.db.kind, worker: Boolean(worker) }, 'Baitwise is running');
  return {
    async close() {
      await worker?.stop();
      await app.close();
    },
  };
}
