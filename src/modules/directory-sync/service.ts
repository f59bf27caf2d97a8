// Imports: create, edit, delete, "Sync now", runs and held changes. Each change is recorded with
// its audit entry and, where it needs background work, its job — in one transaction.
import type { Db, DbHandle } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import type { JobQueue } from '../../jobs/queue.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import { findApp } from '../azure-apps/repository.js';
import { deleteRecipients, forgetMembers, writeRecipients } from './apply.js';
import { engineOf } from './bulk.js';
import { filtersOf } from './engine.js';
import { enqueueSync } from './jobs.js';
import type { Filters, MappedUser } from './mapping.js';
import type { HeldRow, ImportRow } from './repository.js';
import * as repo from './repository.js';
import { type DeletionThreshold, heldView, importView, runView } from './view.js';

export interface ImportInput {
  name: string;
  azureAppId: string;
  /** an existing recipient group, or the name of one to create */
  targetGroupId?: string;
  newGroupName?: string;
  source: 'all_users' | 'groups';
  entraGroups: { id: string; displayName: string }[];
  filters: Filters;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  newUserPolicy: 'add' | 'hold';
  removedUserPolicy: 'delete' | 'keep' | 'hold';
  deletionThreshold: DeletionThreshold;
}

export type ImportPatch = Partial<Omit<ImportInput, 'azureAppId' | 'targetGroupId' | 'newGroupName'>>;

/** A percentage above 100 could never be reached: the protection would be off without saying so. */
function checkThreshold(t: DeletionThreshold | undefined) {
  if (t?.unit === 'percent' && t.value > 100) {
    throw new ValidationError('deletionThreshold.value', 'A percentage is at most 100.');
  }
}

export class DirectorySyncService {
  constructor(
    private readonly db: DbHandle,
    private readonly queue: JobQueue,
  ) {}

  private get kdb() {
    return this.db.db;
  }

  async list(clientId: string) {
    const rows = await repo.listImports(this.kdb, clientId);
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async get(clientId: string, importId: string) {
    return this.view(await this.load(clientId, importId));
  }

  private async load(clientId: string, importId: string): Promise<ImportRow> {
    const imp = await repo.findImport(this.kdb, clientId, importId);
    if (!imp) throw new NotFoundError('Import');
    return imp;
  }

  private async view(imp: ImportRow) {
    const [last] = await repo.listRuns(this.kdb, imp.client_id, imp.id, 1);
    return importView(imp, last, await repo.countPendingHeld(this.kdb, imp.client_id, imp.id));
  }

  async create(actor: Actor, clientId: string, input: ImportInput) {
    const app = await findApp(this.kdb, clientId, input.azureAppId);
    if (!app) throw new ValidationError('azureAppId', 'No such Azure application for this client.');
    checkSource(input.source, input.entraGroups);
    checkThreshold(input.deletionThreshold);
    const now = nowIso();
    const id = newId();
    await this.kdb.transaction().execute(async (trx) => {
      const targetGroupId = await resolveGroup(trx, clientId, input, now);
      const row: ImportRow = {
        id,
        client_id: clientId,
        name: input.name.trim(),
        azure_app_id: app.id,
        target_group_id: targetGroupId,
        source: input.source,
        entra_groups: JSON.stringify(input.source === 'groups' ? input.entraGroups : []),
        filters: JSON.stringify(input.filters),
        sync_enabled: input.syncEnabled ? 1 : 0,
        sync_interval_minutes: input.syncIntervalMinutes,
        new_user_policy: input.newUserPolicy,
        removed_user_policy: input.removedUserPolicy,
        deletion_threshold_unit: input.deletionThreshold.unit,
        deletion_threshold: input.deletionThreshold.value,
        delta_link: null,
        status: 'active',
        status_reason: null,
        initialized_at: null,
        next_sync_at: null, // set when the first run completes
        lock_owner: null,
        lock_until: null,
        created_at: now,
        updated_at: now,
      };
      await repo.insertImport(trx, row);
      await recordAudit(trx, actor, {
        clientId,
        action: 'directory_import.create',
        targetType: 'directory_import',
        targetId: id,
        details: { source: input.source, groups: input.entraGroups.length, targetGroupId },
      });
      await enqueueSync(trx, this.queue, clientId, id, 'create');
    });
    return this.get(clientId, id);
  }

  async update(actor: Actor, clientId: string, importId: string, patch: ImportPatch) {
    const imp = await this.load(clientId, importId);
    const source = patch.source ?? imp.source;
    const groups = patch.entraGroups ?? JSON.parse(imp.entra_groups);
    checkSource(source, groups);
    checkThreshold(patch.deletionThreshold);
    // A different scope cannot continue from the old delta link: the next run lists everyone.
    const scopeChanged = patch.source !== undefined || patch.entraGroups !== undefined || patch.filters !== undefined;
    const set: Partial<ImportRow> = {
      ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
      ...(patch.source !== undefined ? { source: patch.source } : {}),
      ...(patch.entraGroups !== undefined ? { entra_groups: JSON.stringify(source === 'groups' ? groups : []) } : {}),
      ...(patch.filters !== undefined ? { filters: JSON.stringify({ ...filtersOf(imp), ...patch.filters }) } : {}),
      ...(patch.syncEnabled !== undefined ? { sync_enabled: patch.syncEnabled ? 1 : 0 } : {}),
      ...(patch.syncIntervalMinutes !== undefined ? { sync_interval_minutes: patch.syncIntervalMinutes } : {}),
      ...(patch.newUserPolicy !== undefined ? { new_user_policy: patch.newUserPolicy } : {}),
      ...(patch.removedUserPolicy !== undefined ? { removed_user_policy: patch.removedUserPolicy } : {}),
      ...(patch.deletionThreshold !== undefined
        ? { deletion_threshold_unit: patch.deletionThreshold.unit, deletion_threshold: patch.deletionThreshold.value }
        : {}),
      ...(scopeChanged ? { delta_link: null } : {}),
    };
    const enabled = patch.syncEnabled ?? imp.sync_enabled === 1;
    const interval = patch.syncIntervalMinutes ?? imp.sync_interval_minutes;
    if (patch.syncEnabled !== undefined || patch.syncIntervalMinutes !== undefined) {
      set.next_sync_at = enabled && imp.initialized_at ? new Date(Date.now() + interval * 60_000).toISOString() : null;
    }
    await this.kdb.transaction().execute(async (trx) => {
      await repo.updateImport(trx, clientId, importId, set);
      await recordAudit(trx, actor, {
        clientId,
        action: 'directory_import.update',
        targetType: 'directory_import',
        targetId: importId,
        details: { fields: Object.keys(patch) },
      });
    });
    return this.get(clientId, importId);
  }

  /** Deleting an import keeps the recipients it brought in (they may be in campaigns). */
  async delete(actor: Actor, clientId: string, importId: string) {
    await this.load(clientId, importId);
    await this.kdb.transaction().execute(async (trx) => {
      await repo.deleteImport(trx, clientId, importId);
      await recordAudit(trx, actor, {
        clientId,
        action: 'directory_import.delete',
        targetType: 'directory_import',
        targetId: importId,
      });
    });
  }

  async syncNow(actor: Actor | null, clientId: string, importId: string) {
    await this.load(clientId, importId);
    const runId = await this.kdb.transaction().execute(async (trx) => {
      const id = await enqueueSync(trx, this.queue, clientId, importId, 'manual');
      if (actor) {
        await recordAudit(trx, actor, {
          clientId,
          action: 'directory_import.sync',
          targetType: 'directory_import',
          targetId: importId,
        });
      }
      return id;
    });
    const run = await repo.findRun(this.kdb, clientId, importId, runId);
    if (!run) throw new NotFoundError('Run');
    return runView(run);
  }

  async runs(clientId: string, importId: string) {
    await this.load(clientId, importId);
    return (await repo.listRuns(this.kdb, clientId, importId, 50)).map((r) => runView(r));
  }

  async run(clientId: string, importId: string, runId: string) {
    const run = await repo.findRun(this.kdb, clientId, importId, runId);
    if (!run) throw new NotFoundError('Run');
    return runView(run);
  }

  async held(clientId: string, importId: string, status: 'pending' | 'approved' | 'rejected' | 'superseded' | null) {
    await this.load(clientId, importId);
    return (await repo.listHeld(this.kdb, clientId, importId, status)).map(heldView);
  }

  /** Approve or reject a held change: an approved addition imports the user, an approved removal deletes them. */
  async decide(actor: Actor, clientId: string, importId: string, changeId: string, approve: boolean) {
    const imp = await this.load(clientId, importId);
    const h = await repo.findHeld(this.kdb, clientId, importId, changeId);
    if (!h) throw new NotFoundError('Held change');
    if (h.status !== 'pending') throw new ConflictError('status', `This change was already ${h.status}.`);
    await this.kdb.transaction().execute(async (trx) => {
      const conflict = await this.applyDecision(trx, imp, h, approve, actor);
      if (conflict)
        throw new ConflictError('email', `${conflict} already belongs to another recipient of this client.`);
      await recordAudit(trx, actor, {
        clientId,
        action: approve ? 'directory_import.held_approve' : 'directory_import.held_reject',
        targetType: 'directory_import',
        targetId: importId,
        details: { kind: h.kind, entraObjectId: h.entra_object_id },
      });
    });
    const after = await repo.findHeld(this.kdb, clientId, importId, changeId);
    if (!after) throw new NotFoundError('Held change');
    return heldView(after);
  }

  /**
   * Decide every pending change at once (of one kind, of one run): what an administrator does
   * after a mass removal was held by the deletion threshold. One transaction and one audit entry;
   * an addition whose address another recipient holds stays pending (counted in `left`).
   */
  async decideAll(
    actor: Actor,
    clientId: string,
    importId: string,
    opts: { approve: boolean; kind: 'add' | 'remove' | null; runId: string | null },
  ) {
    const imp = await this.load(clientId, importId);
    return this.kdb.transaction().execute(async (trx) => {
      const pending = (await repo.listHeld(trx, clientId, importId, 'pending', 100_000)).filter(
        (h) => (!opts.kind || h.kind === opts.kind) && (!opts.runId || h.run_id === opts.runId),
      );
      let decided = 0;
      for (const h of pending) if (!(await this.applyDecision(trx, imp, h, opts.approve, actor))) decided++;
      await recordAudit(trx, actor, {
        clientId,
        action: opts.approve ? 'directory_import.held_approve_all' : 'directory_import.held_reject_all',
        targetType: 'directory_import',
        targetId: importId,
        details: { kind: opts.kind, runId: opts.runId, decided, left: pending.length - decided },
      });
      return { decided, left: pending.length - decided };
    });
  }

  /** One decision inside the caller's transaction; returns the conflicting address when an addition cannot be made. */
  private async applyDecision(trx: Db, imp: ImportRow, h: HeldRow, approve: boolean, actor: Actor) {
    const clientId = imp.client_id;
    const now = nowIso();
    const member = await trx
      .selectFrom('directory_import_members')
      .select('recipient_id')
      .where('client_id', '=', clientId)
      .where('import_id', '=', imp.id)
      .where('entra_object_id', '=', h.entra_object_id)
      .executeTakeFirst();
    if (h.kind === 'add' && approve && h.payload) {
      const m = JSON.parse(h.payload) as MappedUser;
      const existing = await trx
        .selectFrom('recipients')
        .select(['id', 'entra_object_id', 'created_at'])
        .where('client_id', '=', clientId)
        .where((eb) => eb.or([eb('entra_object_id', '=', m.entraObjectId), eb('email_key', '=', m.emailKey)]))
        .execute();
      const own =
        existing.find((r) => r.entra_object_id === m.entraObjectId) ?? existing.find((r) => !r.entra_object_id);
      if (existing.some((r) => r.id !== own?.id)) return m.email;
      await writeRecipients(trx, { imp, runId: null, filters: filtersOf(imp), now, engine: engineOf(this.db) }, [
        { m, id: own?.id ?? newId(), created: own?.created_at ?? now, member: Boolean(member) },
      ]);
    } else if (h.kind === 'remove' && member) {
      await forgetMembers(trx, imp, [h.entra_object_id]);
      if (approve) await deleteRecipients(trx, imp, [member.recipient_id]);
    }
    await repo.decideHeld(trx, clientId, [h.id], approve ? 'approved' : 'rejected', actor.operatorId);
    return null;
  }
}

function checkSource(source: string, groups: unknown[]) {
  if (source === 'groups' && groups.length === 0) {
    throw new ValidationError('entraGroups', 'Choose at least one Entra group, or import all users.');
  }
}

async function resolveGroup(trx: DbHandle['db'], clientId: string, input: ImportInput, now: string) {
  if (input.targetGroupId) {
    const g = await trx
      .selectFrom('recipient_groups')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', '=', input.targetGroupId)
      .executeTakeFirst();
    if (!g) throw new ValidationError('targetGroupId', 'No such recipient group for this client.');
    return g.id;
  }
  const name = input.newGroupName?.trim();
  if (!name) throw new ValidationError('targetGroupId', 'Choose a recipient group or name a new one.');
  const existing = await trx
    .selectFrom('recipient_groups')
    .select('id')
    .where('client_id', '=', clientId)
    .where('name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  if (existing) return existing.id;
  const id = newId();
  await trx
    .insertInto('recipient_groups')
    .values({
      id,
      client_id: clientId,
      name,
      name_key: name.toLowerCase(),
      description: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
