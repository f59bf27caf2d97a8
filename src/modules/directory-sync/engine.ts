// One sync run, page by page. Each Graph page is applied in one transaction together with the
// run's counters and its cursor (the next page to fetch), so a run interrupted anywhere — a
// killed worker, an abort, a crash — resumes from its last committed page without duplicates.
//
// Kinds: "full" lists every user in scope (/users, or the selected groups' transitive user
// members) and, once complete, removes members it did not see; "delta" replays /users/delta from
// the saved link and removes only users Graph marks @removed. An expired delta link falls back to
// a full listing. Group imports always list their groups in full: /users/delta says nothing about
// group membership.
import type { Db, DbHandle } from '../../db/connection.js';
import { refreshStatistics } from '../../db/statistics.js';
import { AppError, ClientArchivedError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import { OutboundError } from '../../lib/outbound.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import { type GraphSubject, graphFailure } from '../../microsoft/graph-errors.js';
import { findApp } from '../azure-apps/repository.js';
import type { TokenService } from '../azure-apps/token-service.js';
import { isClientArchived } from '../clients/repository.js';
import { RECIPIENT_TABLES } from '../recipients/repository.js';
import {
  type ApplyContext,
  applyRemovals,
  applyUsers,
  type Counters,
  insertHeldRemovals,
  type Removal,
  type RemovalReason,
} from './apply.js';
import { type Engine, engineOf } from './bulk.js';
import {
  type Cursor,
  DirectoryReader,
  GRAPH_USERS,
  groupMembersUrl,
  groupSubject,
  isResyncError,
  type Page,
  usersUrl,
} from './graph-source.js';
import { DEFAULT_FILTERS, type Filters } from './mapping.js';
import { type Fetched, PageFeed } from './page-feed.js';
import type { ImportRow, RunRow } from './repository.js';
import * as repo from './repository.js';

export interface EngineDeps {
  db: DbHandle;
  tokens: TokenService;
  graph: GraphClient;
  logger?: Logger;
}

export interface RunOptions {
  /** who runs it: a job id, or the CLI; a retried job with the same owner takes the import again */
  owner: string;
  signal?: AbortSignal;
  /** after each commit (CLI progress bar); a returned promise is awaited before the next page */
  onProgress?: (run: RunRow) => void | Promise<void>;
  /** pages applied per transaction at most (default 10; fewer keeps resume finer, more writes faster) */
  maxPagesPerCommit?: number;
  trigger?: RunRow['trigger'];
}

const LEASE_MS = 2 * 60_000;
// Graph pages fetched ahead of the writer (page-feed.ts). Each commit takes what has arrived, up
// to 10 pages: one page per commit rewrites every leaf page that random keys (emails, Entra ids)
// touch, once per page — on a 100,000-user import most of each index, every time.
const PAGES_AHEAD = 10;
// How long a commit waits for more pages once one has arrived. Graph keeps being read meanwhile,
// so waiting loses nothing; an interrupted run loses at most this much work.
const HOLD_MS = 1_000;

// A run lists its first 200 skipped users (the count is exact): enough to see what went wrong, and
// a run row stays small when a whole tenant is skipped.
const MAX_SKIPPED_LISTED = 200;

interface RemovalsHeld {
  removals: number;
  members: number;
  unit: 'users' | 'percent';
  threshold: number;
}

/** How many removals one run may apply: the number, or the percentage of the import's members (rounded down). */
export function allowedRemovals(
  imp: Pick<ImportRow, 'deletion_threshold_unit' | 'deletion_threshold'>,
  members: number,
) {
  return imp.deletion_threshold_unit === 'users'
    ? imp.deletion_threshold
    : Math.floor((members * imp.deletion_threshold) / 100);
}

const transient = (err: unknown) =>
  err instanceof OutboundError || (err instanceof GraphError && (err.status === 429 || err.status >= 500));

export class ImportBusyError extends AppError {
  constructor() {
    super(409, 'sync_in_progress', 'Another sync of this import is running.');
  }
}

export const entraGroupsOf = (imp: ImportRow): { id: string; displayName: string }[] => JSON.parse(imp.entra_groups);
export const filtersOf = (imp: ImportRow): Filters => ({ ...DEFAULT_FILTERS, ...JSON.parse(imp.filters) });

/** Run (or resume) the import's pending sync. Returns the finished run, or undefined if there was none. */
export async function runSync(
  deps: EngineDeps,
  clientId: string,
  importId: string,
  opts: RunOptions,
): Promise<RunRow | undefined> {
  const db = deps.db.db;
  // An archived client's syncs are paused: stop before writing anything, the lease included. The
  // run stays as it is and resumes once the client is restored (makeWaitingImportsDue).
  if (await isClientArchived(db, clientId)) throw new ClientArchivedError();
  if (!(await repo.claimImport(db, clientId, importId, opts.owner, LEASE_MS))) throw new ImportBusyError();
  try {
    let run = await repo.unfinishedRun(db, clientId, importId);
    if (!run) {
      if (!opts.trigger) return undefined;
      run = await createRun(deps, clientId, importId, opts.trigger);
    }
    return await new RunExecution(deps, clientId, importId, run, opts).execute();
  } finally {
    await repo.releaseImport(db, clientId, importId, opts.owner);
  }
}

export async function createRun(deps: EngineDeps, clientId: string, importId: string, trigger: RunRow['trigger']) {
  const now = nowIso();
  const run = newRunRow(clientId, importId, trigger, now);
  await repo.insertRun(deps.db.db, run);
  return run;
}

export function newRunRow(clientId: string, importId: string, trigger: RunRow['trigger'], now: string): RunRow {
  return {
    id: newId(),
    client_id: clientId,
    import_id: importId,
    trigger,
    kind: null,
    status: 'queued',
    cursor: null,
    pending_delta_link: null,
    total: null,
    pages: 0,
    users_seen: 0,
    added: 0,
    updated: 0,
    removed: 0,
    held: 0,
    skipped: 0,
    filtered: 0,
    skipped_users: '[]',
    removals_held: null,
    errors: '[]',
    started_at: null,
    finished_at: null,
    created_at: now,
    updated_at: now,
  };
}

class RunExecution {
  private imp!: ImportRow;
  private reader!: DirectoryReader;
  // how a page's statements reach the database (bulk.ts), decided once per run
  private readonly engine: Engine;

  constructor(
    private readonly deps: EngineDeps,
    private readonly clientId: string,
    private readonly importId: string,
    private run: RunRow,
    private readonly opts: RunOptions,
  ) {
    this.engine = engineOf(deps.db);
  }

  private get db() {
    return this.deps.db.db;
  }

  async execute(): Promise<RunRow> {
    const imp = await repo.findImport(this.db, this.clientId, this.importId);
    if (!imp) throw new AppError(404, 'not_found', 'Import not found.');
    this.imp = imp;
    const app = await findApp(this.db, this.clientId, imp.azure_app_id);
    if (!app)
      return this.finish('failed', { code: 'azure_app_missing', message: 'The Azure application was deleted.' });
    this.reader = new DirectoryReader(this.deps.graph, this.deps.tokens, {
      clientId: this.clientId,
      appId: app.id,
      cloud: app.cloud,
    });
    try {
      // No kind yet: not started. A kind and no cursor: every page is committed (the run stopped
      // between its last page and completion), so it completes without listing anything again.
      if (!this.run.kind) await this.start();
      await this.pages();
      const done = await this.complete();
      await refreshStatistics(this.db, RECIPIENT_TABLES, done.added + done.updated + done.removed, this.deps.logger);
      return done;
    } catch (err) {
      return this.failed(err);
    }
  }

  /** Decide the kind and the first page; committed before any page so a resume knows them. */
  private async start(): Promise<void> {
    const groups = entraGroupsOf(this.imp).map((g) => g.id);
    let kind: 'full' | 'delta' = this.imp.source === 'all_users' && this.imp.delta_link ? 'delta' : 'full';
    let cursor: Cursor;
    let pending: string | null = null;
    let total: number | null = null;
    if (kind === 'delta') {
      cursor = { kind: 'delta', url: this.imp.delta_link as string };
    } else if (this.imp.source === 'all_users') {
      pending = (await this.reader.latestDeltaLink()) ?? null;
      total = (await this.reader.countUsers()) ?? null;
      // An import with no members and no held changes yet: every listed user is new to it, so the
      // pages skip looking up members (a /users listing names each user once).
      cursor = {
        kind: 'users',
        url: usersUrl(),
        fresh: await repo.isEmptyImport(this.db, this.clientId, this.importId),
      };
    } else {
      const first = groups[0];
      if (!first) throw new AppError(400, 'no_groups', 'The import selects no Entra group.');
      cursor = { kind: 'groups', group: 0, url: groupMembersUrl(first) };
    }
    if (kind === 'delta') total = null;
    kind = cursor.kind === 'delta' ? 'delta' : 'full';
    await this.saveRun({
      kind,
      status: 'running',
      cursor: JSON.stringify(cursor),
      pending_delta_link: pending,
      total,
      started_at: this.run.started_at ?? nowIso(),
    });
  }

  private async pages(): Promise<void> {
    const filters = filtersOf(this.imp);
    const groupIds = entraGroupsOf(this.imp).map((g) => g.id);
    if (this.run.status !== 'running') {
      await this.saveRun({ status: 'running', finished_at: null, started_at: this.run.started_at ?? nowIso() });
    }
    const fetch = (c: string) => this.reader.page(JSON.parse(c) as Cursor, groupIds, this.opts.signal);
    const maxPages = this.opts.maxPagesPerCommit ?? 10;
    while (this.run.cursor) {
      const feed = new PageFeed(this.run.cursor, fetch, PAGES_AHEAD);
      let failure: unknown;
      try {
        for (;;) {
          this.opts.signal?.throwIfAborted();
          let batch: Fetched[];
          try {
            // Whatever has arrived, up to 10 pages: one commit for pages that wait anyway.
            batch = await feed.take(maxPages, 10_000, maxPages > 1 ? HOLD_MS : 0);
          } catch (err) {
            failure = err;
            break;
          }
          if (batch.length === 0) break;
          this.opts.signal?.throwIfAborted();
          const last = batch[batch.length - 1] as Fetched;
          await this.commit(
            batch.map((b) => ({ cursor: JSON.parse(b.cursor) as Cursor, page: b.page })),
            last.next,
            filters,
          );
        }
      } finally {
        await feed.stop();
      }
      if (failure === undefined) break;
      // What was fetched before the failure is committed; the failed page is the cursor now.
      const at = JSON.parse(this.run.cursor ?? '{}') as Cursor;
      if (at.kind === 'delta' && isResyncError(failure)) {
        await this.restartFull('The saved delta link expired; listing every user again.');
        continue;
      }
      throw failure;
    }
  }

  private async commit(batch: { cursor: Cursor; page: Page }[], next: string | null, filters: Filters) {
    const now = nowIso();
    const run = await this.owned(async (trx) => {
      let patch: Partial<RunRow> = {};
      let current = this.run;
      for (const { cursor, page } of batch) {
        const fresh = cursor.kind === 'users' && cursor.fresh === true;
        const ctx: ApplyContext = { imp: this.imp, runId: this.run.id, filters, now, fresh, engine: this.engine };
        const c = await applyUsers(trx, ctx, page.users);
        patch = this.add(current, c, {
          pages: current.pages + 1,
          users_seen: current.users_seen + page.users.length,
          pending_delta_link: page.deltaLink ?? current.pending_delta_link,
        });
        current = { ...current, ...patch };
      }
      patch = { ...patch, cursor: next };
      await repo.updateRun(trx, this.clientId, this.run.id, patch);
      return { ...this.run, ...patch };
    });
    this.run = run;
    await this.opts.onProgress?.(run);
  }

  private async restartFull(message: string): Promise<void> {
    const errors = [...JSON.parse(this.run.errors), { at: nowIso(), code: 'delta_expired', message }];
    // Back to "not started" in one write: a stop before start() commits lists every user again.
    const patch = { kind: null, cursor: null, errors: JSON.stringify(errors) };
    await this.owned(async (trx) => {
      await repo.updateImport(trx, this.clientId, this.importId, { delta_link: null });
      await repo.updateRun(trx, this.clientId, this.run.id, patch);
      // The full listing decides again who leaves: a user the delta pages saw leave may be listed.
      await repo.clearLeaving(trx, this.clientId, this.importId, this.run.id);
    });
    this.imp = { ...this.imp, delta_link: null };
    this.run = { ...this.run, ...patch };
    await this.start();
  }

  /**
   * All pages committed: the run's removals are decided. A complete full listing removes the
   * members it did not see. Under the delete policy, the members seen leaving (marked by the pages)
   * and those not listed are counted first: more than the import's deletion threshold, and every
   * one of them is held for approval instead, the run recording why.
   */
  private async complete(): Promise<RunRow> {
    const now = nowIso();
    return this.owned(async (trx) => {
      const ctx: ApplyContext = {
        imp: this.imp,
        runId: this.run.id,
        filters: filtersOf(this.imp),
        now,
        engine: this.engine,
      };
      let counters: Partial<RunRow> = {};
      if (this.imp.removed_user_policy === 'delete') {
        const leavers = await this.leavers(trx);
        const pending = new Set(
          (
            await repo.pendingRemovals(
              trx,
              this.clientId,
              this.importId,
              leavers.map((l) => l.entraObjectId),
            )
          ).map((h) => h.entra_object_id),
        );
        const removals = leavers.filter((l) => !pending.has(l.entraObjectId));
        let held: RemovalsHeld | null = null;
        if (removals.length > 0) {
          const members = await repo.countMembers(trx, this.clientId, this.importId);
          if (removals.length > allowedRemovals(this.imp, members)) {
            held = {
              removals: removals.length,
              members,
              unit: this.imp.deletion_threshold_unit,
              threshold: this.imp.deletion_threshold,
            };
          }
        }
        let removed = 0;
        let heldCount = 0;
        // Held: exactly what the hold policy does with each of them (the decision comes later).
        const as = held ? { ...ctx, imp: { ...this.imp, removed_user_policy: 'hold' as const } } : ctx;
        for (let i = 0; i < removals.length; i += 1000) {
          const r = await applyRemovals(trx, as, removals.slice(i, i + 1000), new Map());
          removed += r.removed;
          heldCount += r.held;
          if (held) await insertHeldRemovals(trx, as, r.hold);
        }
        counters = {
          removed: this.run.removed + removed,
          held: this.run.held + heldCount,
          removals_held: held ? JSON.stringify(held) : null,
        };
      } else {
        // Keep or hold: each leaver as the policy says (pages already did so for those they saw,
        // unless the policy changed while the run was marking them for deletion).
        let removed = 0;
        let held = 0;
        const leavers = await this.leavers(trx);
        for (let i = 0; i < leavers.length; i += 1000) {
          const r = await applyRemovals(trx, ctx, leavers.slice(i, i + 1000));
          removed += r.removed;
          held += r.held;
        }
        counters = { removed: this.run.removed + removed, held: this.run.held + held };
      }
      const finished = { ...counters, status: 'succeeded' as const, cursor: null, finished_at: now };
      await repo.updateRun(trx, this.clientId, this.run.id, finished);
      await repo.updateImport(trx, this.clientId, this.importId, {
        delta_link: this.imp.source === 'all_users' ? (this.run.pending_delta_link ?? null) : null,
        initialized_at: this.imp.initialized_at ?? now,
        status: 'active',
        status_reason: null,
        next_sync_at: this.imp.sync_enabled
          ? new Date(Date.now() + this.imp.sync_interval_minutes * 60_000).toISOString()
          : null,
      });
      this.run = { ...this.run, ...finished };
      return this.run;
    });
  }

  /** Who leaves in this run: members its pages saw leaving, and (full listing) members it did not list. */
  private async leavers(trx: Db): Promise<Removal[]> {
    const out: Removal[] = [];
    if (this.run.kind !== 'full') {
      for (const m of await repo.membersLeaving(trx, this.clientId, this.importId, this.run.id)) {
        out.push({
          entraObjectId: m.entra_object_id,
          recipientId: m.recipient_id,
          reason: (m.leaving_reason ?? 'removed') as RemovalReason,
        });
      }
      return out;
    }
    let after = '';
    for (;;) {
      const unseen = await repo.membersNotSeen(trx, this.clientId, this.importId, this.run.id, after, 1000);
      if (unseen.length === 0) return out;
      for (const m of unseen) {
        const marked = m.leaving_run_id === this.run.id && m.leaving_reason;
        out.push({
          entraObjectId: m.entra_object_id,
          recipientId: m.recipient_id,
          reason: (marked ? m.leaving_reason : 'not_listed') as RemovalReason,
        });
      }
      after = unseen[unseen.length - 1]?.entra_object_id ?? after;
    }
  }

  private async failed(err: unknown): Promise<RunRow> {
    if (this.opts.signal?.aborted) throw err; // stopped, not failed: the job resumes from the cursor
    if (err instanceof ImportBusyError) throw err; // the run is another owner's now: leave it be
    if (err instanceof ClientArchivedError) throw err; // archived mid-run: write nothing more
    if (transient(err)) {
      // Microsoft unreachable or still throttling after the retries: the job is retried and the
      // run resumes from its cursor.
      const errors = [...JSON.parse(this.run.errors), { at: nowIso(), code: 'transient', message: String(err) }];
      await this.saveRun({ errors: JSON.stringify(errors.slice(-100)) });
      throw err;
    }
    // What Graph refused, said the way the API says it (graph-errors.ts): which group, what to do.
    const failure = err instanceof GraphError ? graphFailure(err, this.graphSubject()) : err;
    const code = failure instanceof AppError ? failure.code : 'sync_failed';
    const message = failure instanceof Error ? failure.message : String(failure);
    if (
      code === 'reauthorization_required' ||
      code === 'not_authorized' ||
      code === 'azure_app_error' ||
      code === 'microsoft_permission_missing'
    ) {
      // The application needs an administrator: pause the import with the reason. The run keeps
      // its cursor and resumes once the application is connected again.
      return this.finish(
        'paused',
        { code, message },
        { status: 'paused', status_reason: JSON.stringify({ code, message, at: nowIso() }) },
      );
    }
    this.deps.logger?.warn({ err, importId: this.importId, runId: this.run.id }, 'directory sync failed');
    return this.finish('failed', { code, message });
  }

  /** What the page being read was about: one of the import's groups, or the tenant's users. */
  private graphSubject(): GraphSubject {
    const at = JSON.parse(this.run.cursor ?? '{}') as Partial<Cursor>;
    if (at.kind === 'groups') {
      const g = entraGroupsOf(this.imp)[at.group ?? 0];
      if (g) return groupSubject(`entraGroups.${at.group ?? 0}.id`, g.id, g.displayName);
    }
    return {
      field: 'filters',
      what: "the tenant's users",
      fix: "Check the import's filters.",
      permissions: GRAPH_USERS,
    };
  }

  private async finish(
    status: 'failed' | 'paused',
    e: { code: string; message: string },
    importPatch: Partial<ImportRow> = {},
  ): Promise<RunRow> {
    const errors = [...JSON.parse(this.run.errors), { at: nowIso(), ...e }];
    const patch = { status, errors: JSON.stringify(errors.slice(-100)), finished_at: nowIso() };
    const next = this.imp?.sync_enabled
      ? { next_sync_at: new Date(Date.now() + this.imp.sync_interval_minutes * 60_000).toISOString() }
      : {};
    await this.owned(async (trx) => {
      await repo.updateRun(trx, this.clientId, this.run.id, patch);
      const imp = { ...importPatch, ...next };
      if (Object.keys(imp).length > 0) await repo.updateImport(trx, this.clientId, this.importId, imp);
    });
    this.run = { ...this.run, ...patch };
    return this.run;
  }

  private add(run: RunRow, c: Counters, patch: Partial<RunRow>): Partial<RunRow> {
    const errors = c.errors.length
      ? JSON.stringify([...JSON.parse(run.errors), ...c.errors.map((e) => ({ at: nowIso(), ...e }))].slice(-100))
      : run.errors;
    return {
      ...patch,
      added: run.added + c.added,
      updated: run.updated + c.updated,
      removed: run.removed + c.removed,
      held: run.held + c.held,
      skipped: run.skipped + c.skipped,
      filtered: run.filtered + c.filtered,
      skipped_users: c.skippedUsers.length
        ? JSON.stringify([...JSON.parse(run.skipped_users), ...c.skippedUsers].slice(0, MAX_SKIPPED_LISTED))
        : run.skipped_users,
      errors,
    };
  }

  private async saveRun(patch: Partial<RunRow>): Promise<void> {
    await this.owned((trx) => repo.updateRun(trx, this.clientId, this.run.id, patch));
    this.run = { ...this.run, ...patch };
  }

  /**
   * Every write of a run, in a transaction whose first statement renews the import's lease for
   * this owner. Lost (this process stalled past the lease and another owner took the import, or
   * took and released it): nothing is written and ImportBusyError ends this execution, so two
   * owners never both write a run. Renewing first also takes SQLite's write lock before any read,
   * so another process's commit makes it wait (busy_timeout) rather than fail on a stale snapshot.
   * A client archived meanwhile is read-only: the transaction rolls back (renewal included) and
   * ClientArchivedError ends the execution where it stands.
   */
  private owned<T>(fn: (trx: Db) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.renewImport(trx, this.clientId, this.importId, this.opts.owner, LEASE_MS))) {
        throw new ImportBusyError();
      }
      if (await isClientArchived(trx, this.clientId)) throw new ClientArchivedError();
      return fn(trx);
    });
  }
}
