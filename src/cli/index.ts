// The `baitwise` command line: serve, worker, migrate, operators and key rotation.
import { Command, InvalidArgumentError } from 'commander';
import { startWorker } from '../jobs/worker.js';
import { AppError } from '../lib/errors.js';
import { PASSWORD_MIN_LENGTH } from '../lib/password.js';
import { untilSignal, withContainer } from '../lifecycle.js';
import { findOperatorByEmail } from '../modules/operators/repository.js';
import { openRuntime } from '../runtime.js';
import { serve } from '../server.js';
import { outboxCommand } from './outbox.js';
import { readPassword } from './prompt.js';
import { rotateMasterKey } from './rotate-master-key.js';
import { syncCommand } from './sync.js';

const program = new Command('baitwise').description('Baitwise security-awareness platform').showHelpAfterError();

async function password(fromStdin: boolean): Promise<string> {
  const pw = await readPassword('Password', fromStdin);
  if (pw.length < PASSWORD_MIN_LENGTH)
    throw new InvalidArgumentError(`the password must have at least ${PASSWORD_MIN_LENGTH} characters`);
  return pw;
}

program
  .command('serve')
  .description('serve the API and the admin console (and run jobs unless BAITWISE_RUN_WORKER=false)')
  .action(() =>
    untilSignal('server', async (c) => {
      const server = await serve(c);
      return { stop: () => server.close() };
    }),
  );

program
  .command('worker')
  .description('run background jobs only (several workers may share a PostgreSQL database)')
  .action(() =>
    untilSignal('worker', async (c) => {
      const worker = await startWorker(c);
      c.logger.info({ database: c.db.kind }, 'worker started');
      return worker;
    }),
  );

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => {
    const rt = await openRuntime({ migrate: false });
    const { migrateToLatest } = await import('../db/migrations/index.js');
    const applied = await migrateToLatest(rt.db.db, rt.db.kind);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
    await rt.close();
  });

program
  .command('create-operator')
  .description('create an operator; the password is read from the terminal or stdin')
  .requiredOption('--email <email>')
  .option('--name <name>', 'display name', 'Administrator')
  .option('--role <role>', 'system_admin or client_admin', 'system_admin')
  .option('--client <id...>', 'client ids (client administrators)')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (opts: { email: string; name: string; role: string; client?: string[]; passwordStdin?: boolean }) => {
    const role = opts.role;
    if (role !== 'system_admin' && role !== 'client_admin')
      throw new InvalidArgumentError('--role must be system_admin or client_admin');
    const pw = await password(Boolean(opts.passwordStdin));
    await withContainer(async (c) => {
      const op = await c.services.operators.create(null, {
        email: opts.email,
        name: opts.name,
        role,
        password: pw,
        clientIds: opts.client ?? [],
      });
      console.log(`Created ${op.role} ${op.email} (${op.id}).`);
    });
  });

program
  .command('reset-password')
  .description("set an operator's password, sign them out everywhere and revoke their API tokens")
  .requiredOption('--email <email>')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (opts: { email: string; passwordStdin?: boolean }) => {
    const pw = await password(Boolean(opts.passwordStdin));
    await withContainer(async (c) => {
      const op = await findOperatorByEmail(c.db.db, opts.email);
      if (!op) throw new InvalidArgumentError(`no operator with email ${opts.email}`);
      const r = await c.services.operators.resetPassword(null, op.id, pw);
      const n = (count: number, what: string) => `${count} ${what}${count === 1 ? '' : 's'}`;
      console.log(
        `Password reset for ${op.email}: ${n(r.revokedSessions, 'session')} signed out, ` +
          `${n(r.revokedApiTokens, 'API token')} revoked, sign-in locks lifted.`,
      );
    });
  });

program
  .command('rotate-master-key')
  .description(
    're-wrap every stored secret under a new master key (BAITWISE_NEW_MASTER_KEY, or a generated one in the data directory)',
  )
  .action(async () => {
    const rt = await openRuntime();
    const r = await rotateMasterKey(rt, process.env.BAITWISE_NEW_MASTER_KEY || undefined);
    console.log(
      `Re-wrapped ${r.rewrapped} secret(s) under key ${r.keyId}.` +
        (r.keyFile
          ? ' The new key is in the data directory (master.key); the old one is kept as master.key.previous.'
          : ' Now set BAITWISE_MASTER_KEY to the new key.'),
    );
    await rt.close();
  });

program
  .command('sync')
  .description('sync an Entra ID import now, with a progress bar (resumes an interrupted run)')
  .argument('<import-id>', 'the import (see the Entra sync page or GET /clients/{id}/directory-imports)')
  .action((importId: string) =>
    withContainer(async (c) => {
      process.exitCode = await syncCommand(c, importId);
    }),
  );

program
  .command('purge-reported-messages')
  .description(
    "delete raw reported messages past each client's retention now (the worker does it daily); their summaries stay",
  )
  .action(() =>
    withContainer(async (c) => {
      const n = await c.services.incidents.retention.run();
      console.log(`Deleted ${n} raw reported message(s) past their client's retention; their summaries are kept.`);
    }),
  );

program
  .command('outbox')
  .description("each sending profile's queue: counts, pace, next send, and why it is paused")
  .option('--client <id>', 'only this client')
  .action((opts: { client?: string }) => withContainer((c) => outboxCommand(c, opts)));

program.parseAsync().catch((err: unknown) => {
  const msg =
    err instanceof AppError
      ? `${err.message}${err.details?.field ? ` (${err.details.field})` : ''}`
      : err instanceof Error
        ? err.message
        : String(err);
  console.error(`baitwise: ${msg}`);
  process.exit(1);
});
