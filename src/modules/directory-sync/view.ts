// What the API returns for imports, runs and held changes (TypeBox schemas + row mappers).
import { type Static, Type } from '@sinclair/typebox';
import { entraGroupsOf, filtersOf } from './engine.js';
import type { HeldRow, ImportRow, RunRow } from './repository.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

export const FiltersSchema = Type.Object(
  {
    departments: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 }),
    jobTitles: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100 }),
    userType: Type.Union([Type.Literal('all'), Type.Literal('Member'), Type.Literal('Guest')]),
    enabledOnly: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const EntraGroupSchema = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }), displayName: Type.String({ maxLength: 300 }) },
  { additionalProperties: false },
);

/**
 * How many removals one run may apply before all of them wait for approval: a number of users, or
 * a percentage of the import's members. "More than" the threshold holds; 0 holds every removal.
 */
export const DeletionThresholdSchema = Type.Object(
  {
    unit: Type.Union([Type.Literal('users'), Type.Literal('percent')]),
    value: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  },
  { additionalProperties: false },
);
export type DeletionThreshold = Static<typeof DeletionThresholdSchema>;
export const DEFAULT_DELETION_THRESHOLD: DeletionThreshold = { unit: 'percent', value: 10 };

const SkippedUserSchema = Type.Object({
  entraObjectId: Type.String(),
  displayName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  /** no_address | email_conflict | rejected | awaiting_approval */
  reason: Type.String(),
});

export const RunSchema = Type.Object({
  id: Type.String(),
  importId: Type.String(),
  trigger: Type.String(),
  kind: Nullable(Type.String()),
  status: Type.String(),
  total: NullableInt,
  pages: Type.Integer(),
  usersSeen: Type.Integer(),
  added: Type.Integer(),
  updated: Type.Integer(),
  removed: Type.Integer(),
  held: Type.Integer(),
  skipped: Type.Integer(),
  /** the first 200 skipped users, each with the reason */
  skippedUsers: Type.Array(SkippedUserSchema),
  /** listed by Graph but outside the import's filters (not skipped: left out by choice) */
  filtered: Type.Integer(),
  /** set when the run's removals went over the deletion threshold and were held instead */
  removalsHeld: Type.Union([
    Type.Object({
      removals: Type.Integer(),
      members: Type.Integer(),
      unit: Type.Union([Type.Literal('users'), Type.Literal('percent')]),
      threshold: Type.Integer(),
    }),
    Type.Null(),
  ]),
  errors: Type.Array(
    Type.Object({
      at: Type.String(),
      code: Type.String(),
      message: Type.String(),
      entraObjectId: Type.Optional(Type.String()),
    }),
  ),
  /** 0..1 when the total is known; 1 once succeeded */
  progress: NullableNumber,
  usersPerSecond: NullableNumber,
  etaSeconds: NullableNumber,
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});
export type RunView = Static<typeof RunSchema>;

export const ImportSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  azureAppId: Type.String(),
  targetGroupId: Type.String(),
  source: Type.Union([Type.Literal('all_users'), Type.Literal('groups')]),
  entraGroups: Type.Array(EntraGroupSchema),
  filters: FiltersSchema,
  syncEnabled: Type.Boolean(),
  syncIntervalMinutes: Type.Integer(),
  nextSyncAt: Nullable(Type.String()),
  newUserPolicy: Type.Union([Type.Literal('add'), Type.Literal('hold')]),
  removedUserPolicy: Type.Union([Type.Literal('delete'), Type.Literal('keep'), Type.Literal('hold')]),
  deletionThreshold: DeletionThresholdSchema,
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
  statusReason: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String(), at: Type.String() }),
    Type.Null(),
  ]),
  deltaLinkSaved: Type.Boolean(),
  initializedAt: Nullable(Type.String()),
  pendingHeld: Type.Integer(),
  lastRun: Type.Union([RunSchema, Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type ImportView = Static<typeof ImportSchema>;

export const HeldSchema = Type.Object({
  id: Type.String(),
  importId: Type.String(),
  runId: Nullable(Type.String()),
  kind: Type.Union([Type.Literal('add'), Type.Literal('remove')]),
  entraObjectId: Type.String(),
  displayName: Nullable(Type.String()),
  email: Nullable(Type.String()),
  reason: Type.String(),
  status: Type.String(),
  decidedAt: Nullable(Type.String()),
  createdAt: Type.String(),
});

const MEANINGFUL_SECONDS = 5;

export function runView(r: RunRow, now = Date.now()): RunView {
  const started = r.started_at ? Date.parse(r.started_at) : null;
  const end = r.finished_at ? Date.parse(r.finished_at) : now;
  const secs = started ? Math.max(0.001, (end - started) / 1000) : null;
  // A rate over a few seconds or a few users says nothing (a 20-user delta "runs" at 10,000 users/s).
  const rate = secs && secs >= MEANINGFUL_SECONDS && r.users_seen > 0 ? r.users_seen / secs : null;
  const done = r.status === 'succeeded';
  const progress = done ? 1 : r.total ? Math.min(0.99, r.users_seen / r.total) : r.status === 'queued' ? 0 : null;
  const eta = done ? 0 : rate && r.total && r.total > r.users_seen ? Math.round((r.total - r.users_seen) / rate) : null;
  return {
    id: r.id,
    importId: r.import_id,
    trigger: r.trigger,
    kind: r.kind,
    status: r.status,
    total: r.total,
    pages: r.pages,
    usersSeen: r.users_seen,
    added: r.added,
    updated: r.updated,
    removed: r.removed,
    held: r.held,
    skipped: r.skipped,
    skippedUsers: JSON.parse(r.skipped_users),
    filtered: r.filtered,
    removalsHeld: r.removals_held ? JSON.parse(r.removals_held) : null,
    errors: JSON.parse(r.errors),
    progress,
    usersPerSecond: rate === null ? null : Math.round(rate),
    etaSeconds: eta,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    createdAt: r.created_at,
  };
}

export function importView(i: ImportRow, lastRun: RunRow | undefined, pendingHeld: number): ImportView {
  return {
    id: i.id,
    clientId: i.client_id,
    name: i.name,
    azureAppId: i.azure_app_id,
    targetGroupId: i.target_group_id,
    source: i.source,
    entraGroups: entraGroupsOf(i),
    filters: filtersOf(i),
    syncEnabled: i.sync_enabled === 1,
    syncIntervalMinutes: i.sync_interval_minutes,
    nextSyncAt: i.next_sync_at,
    newUserPolicy: i.new_user_policy,
    removedUserPolicy: i.removed_user_policy,
    deletionThreshold: { unit: i.deletion_threshold_unit, value: i.deletion_threshold },
    status: i.status,
    statusReason: i.status_reason ? JSON.parse(i.status_reason) : null,
    deltaLinkSaved: i.delta_link !== null,
    initializedAt: i.initialized_at,
    pendingHeld,
    lastRun: lastRun ? runView(lastRun) : null,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  };
}

export const heldView = (h: HeldRow) => ({
  id: h.id,
  importId: h.import_id,
  runId: h.run_id,
  kind: h.kind,
  entraObjectId: h.entra_object_id,
  displayName: h.display_name,
  email: h.email,
  reason: h.reason,
  status: h.status,
  decidedAt: h.decided_at,
  createdAt: h.created_at,
});
