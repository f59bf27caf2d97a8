// The reporting mailbox's settings, its "Sync now" and its run log, per client. Changing where
// Baitwise reads (application, mailbox, access, folder) forgets the delta cursor: the next reading
// starts a full round of the new place (recording is idempotent, so nothing is counted twice).
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { JobQueue } from '../../jobs/queue.js';
import { NotReadyError, ValidationError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { findApp } from '../azure-apps/repository.js';
import { enqueueReading } from './jobs.js';
import * as repo from './repository.js';
import {
  DEFAULT_PROCESSED_FOLDER,
  DEFAULT_SOURCE_FOLDER,
  type RunView,
  runView,
  type SettingsInput,
  type SettingsView,
  settingsView,
} from './view.js';

const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CONTROL = /\p{Cc}/u;

function folderName(field: string, value: string | undefined, fallback: string): string {
  const v = (value ?? fallback).trim();
  if (!v || CONTROL.test(v)) throw new ValidationError(field, 'A folder name must be one line of printable text.');
  return v;
}

export class ReportingMailboxService {
  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly intervalMinutes: number,
  ) {}

  async get(clientId: string): Promise<SettingsView> {
    const row = await repo.findSettings(this.db, clientId);
    const [last] = await repo.latestRuns(this.db, clientId, 1);
    return settingsView(clientId, row, last, this.intervalMinutes);
  }

  async save(actor: Actor, clientId: string, input: SettingsInput): Promise<SettingsView> {
    const mailbox = input.mailbox.trim().toLowerCase();
    if (!ADDRESS.test(mailbox))
      throw new ValidationError('mailbox', 'The reporting mailbox must be an email address (its UPN).');
    const sourceFolder = folderName('sourceFolder', input.sourceFolder, DEFAULT_SOURCE_FOLDER);
    const processedFolder = folderName('processedFolder', input.processedFolder, DEFAULT_PROCESSED_FOLDER);
    await this.db.transaction().execute(async (trx) => {
      if (!(await findApp(trx, clientId, input.azureAppId)))
        throw new ValidationError('azureAppId', 'This client has no Azure application with this id.');
      const before = await repo.findSettings(trx, clientId);
      const now = nowIso();
      const samePlace =
        before?.azure_app_id === input.azureAppId &&
        before.mailbox === mailbox &&
        before.access_mode === input.accessMode &&
        before.source_folder === sourceFolder;
      const row: repo.SettingsRow = {
        client_id: clientId,
        enabled: input.enabled ? 1 : 0,
        azure_app_id: input.azureAppId,
        mailbox,
        access_mode: input.accessMode,
        source_folder: sourceFolder,
        processed_folder: processedFolder,
        processed_folder_id:
          samePlace && before?.processed_folder === processedFolder ? before.processed_folder_id : null,
        delta_cursor: samePlace ? (before?.delta_cursor ?? null) : null,
        // enabling reads soon; an enabled mailbox keeps its time; disabling stops the schedule
        next_run_at: input.enabled ? (before?.enabled === 1 && before.next_run_at ? before.next_run_at : now) : null,
        created_at: before?.created_at ?? now,
        updated_at: now,
      };
      await repo.upsertSettings(trx, row);
      await recordAudit(trx, actor, {
        clientId,
        action: before ? 'reporting_mailbox.update' : 'reporting_mailbox.create',
        targetType: 'reporting_mailbox',
        targetId: clientId,
        details: { enabled: input.enabled, accessMode: input.accessMode, mailbox, restartsRound: !samePlace },
      });
    });
    return this.get(clientId);
  }

  /** Queue a reading now ("Sync now"). */
  async sync(actor: Actor, clientId: string): Promise<RunView> {
    const run = await this.db.transaction().execute(async (trx) => {
      const s = await repo.findSettings(trx, clientId);
      if (!s?.enabled) {
        throw new NotReadyError(
          'reporting_mailbox_disabled',
          'Enable the reporting mailbox and save its settings before reading it.',
        );
      }
      const r = await enqueueReading(trx, this.queue, clientId, 'manual');
      await recordAudit(trx, actor, {
        clientId,
        action: 'reporting_mailbox.sync',
        targetType: 'reporting_mailbox',
        targetId: clientId,
        details: { runId: r.id },
      });
      return r;
    });
    return runView(run);
  }

  async runs(clientId: string, limit = 20): Promise<RunView[]> {
    return (await repo.latestRuns(this.db, clientId, limit)).map(runView);
  }
}
