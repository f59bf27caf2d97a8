// `baitwise serve`: the HTTP server (API + console), and the job worker unless disabled.
import { buildApp } from './app.js';
import { startWorker } from './jobs/worker.js';
import type { Runtime } from './runtime.js';

export async function serve(rt: Runtime): Promise<{ close(): Promise<void> }> {
  const app = await buildApp({ config: rt.config, db: rt.db, secrets: rt.secrets, logger: rt.logger });
  const { config, logger } = rt;
  if (config.admin) {
    if (await app.services.operators.bootstrapAdmin(config.admin)) {
      logger.info({ email: config.admin.email }, 'created the first system administrator from BAITWISE_ADMIN_EMAIL');
    }
  } else if (await app.services.auth.setupRequired()) {
    const token = await app.services.auth.createSetupToken();
    // The one place a secret is printed on purpose: the person starting Baitwise needs it once.
    process.stdout.write(
      `\n  No administrator exists yet. Open this one-time link to create the first one (valid 24 hours):\n\n    ${config.publicUrl}/setup?token=${token}\n\n`,
    );
  }
  await app.listen({ host: config.host, port: config.port });
  const worker = config.runWorker ? await startWorker(rt) : undefined;
  logger.info({ url: config.publicUrl, database: rt.db.kind, worker: Boolean(worker) }, 'Baitwise is running');
  return {
    async close() {
      await worker?.stop();
      await app.close();
    },
  };
}
