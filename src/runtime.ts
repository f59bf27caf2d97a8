// Opening what every entry point needs (server, worker, CLI commands): configuration, logger,
// master keys and a migrated database. `openContainer` adds the composition root's services.
import { type Container, compose } from './composition.js';
import { type Config, loadConfig } from './config.js';
import { type DbHandle, openDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrations/index.js';
import { SecretBox } from './lib/crypto.js';
import { createLogger, type Logger } from './lib/logger.js';
import { type LoadedKeys, loadMasterKeys } from './lib/master-key.js';

export interface Runtime {
  config: Readonly<Config>;
  logger: Logger;
  db: DbHandle;
  keys: LoadedKeys;
  secrets: SecretBox;
  close(): Promise<void>;
}

export async function openRuntime(opts: { migrate?: boolean; config?: Readonly<Config> } = {}): Promise<Runtime> {
  const config = opts.config ?? loadConfig();
  const logger = createLogger(config.logLevel);
  const keys = loadMasterKeys(config.masterKey, config.dataDir, (msg) => logger.warn(msg));
  const db = openDatabase(config.database, (err) =>
    logger.warn({ err }, 'an idle database connection was closed by the server; the pool opens a new one'),
  );
  if (opts.migrate !== false) {
    const applied = await migrateToLatest(db.db, db.kind);
    if (applied.length > 0) logger.info({ applied, database: db.kind }, 'database migrated');
  }
  return {
    config,
    logger,
    db,
    keys,
    secrets: new SecretBox(keys.current, keys.previous),
    close: () => db.close(),
  };
}

/** The runtime and every service built on it; close() releases both. */
export async function openContainer(
  opts: { config?: Readonly<Config> } = {},
): Promise<Container & { keys: LoadedKeys }> {
  const rt = await openRuntime(opts);
  const c = compose(rt);
  return {
    ...c,
    keys: rt.keys,
    async close() {
      await c.close();
      await rt.close();
    },
  };
}
