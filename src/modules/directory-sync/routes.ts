// /clients/:clientId/directory-imports: importing and syncing recipients from Entra ID.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { Name, Strict, Uuid } from '../../http/schemas.js';
import type { EngineDeps } from './engine.js';
import { DEFAULT_FILTERS } from './mapping.js';
import type { PreviewService } from './preview.js';
import type { DirectorySyncService } from './service.js';
import {
  DEFAULT_DELETION_THRESHOLD,
  DeletionThresholdSchema,
  EntraGroupSchema,
  FiltersSchema,
  HeldSchema,
  ImportSchema,
  RunSchema,
} from './view.js';

const tags = ['directory-sync'];
const ClientParams = Strict({ clientId: Uuid });
const ImportParams = Strict({ clientId: Uuid, importId: Uuid });
const RunParams = Strict({ clientId: Uuid, importId: Uuid, runId: Uuid });
const ChangeParams = Strict({ clientId: Uuid, importId: Uuid, changeId: Uuid });
const Interval = Type.Integer({ minimum: 5, maximum: 7 * 24 * 60 });
const NewPolicy = Type.Union([Type.Literal('add'), Type.Literal('hold')]);
const RemovedPolicy = Type.Union([Type.Literal('delete'), Type.Literal('keep'), Type.Literal('hold')]);
const Source = Type.Union([Type.Literal('all_users'), Type.Literal('groups')]);
const Groups = Type.Array(EntraGroupSchema, { maxItems: 200 });
const PartialFilters = Type.Partial(FiltersSchema, { additionalProperties: false });

/** Built once by the composition root. */
export interface DirectorySyncServices {
  imports: DirectorySyncService;
  preview: PreviewService;
  /** what a sync run needs (the job, `baitwise sync`, the benchmark) */
  engine: EngineDeps;
}

export const directorySyncRoutes =
  (svc: DirectorySyncServices): FastifyPluginAsyncTypebox =>
  async (app) => {
    const base = '/clients/:clientId/directory-imports';

    app.get(
      base,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Imports from Entra ID',
          params: ClientParams,
          response: { 200: Type.Object({ items: Type.Array(ImportSchema) }) },
        },
      },
      async (req) => ({ items: await svc.imports.list(req.params.clientId) }),
    );

    app.post(
      base,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Create an import (its first run is queued at once)',
          params: ClientParams,
          body: Strict({
            name: Name,
            azureAppId: Uuid,
            targetGroupId: Type.Optional(Uuid),
            newGroupName: Type.Optional(Name),
            source: Source,
            entraGroups: Type.Optional(Groups),
            filters: Type.Optional(PartialFilters),
            syncEnabled: Type.Optional(Type.Boolean()),
            syncIntervalMinutes: Type.Optional(Interval),
            newUserPolicy: Type.Optional(NewPolicy),
            removedUserPolicy: Type.Optional(RemovedPolicy),
            deletionThreshold: Type.Optional(DeletionThresholdSchema),
          }),
          response: { 201: ImportSchema },
        },
      },
      async (req, reply) => {
        const b = req.body;
        // Chosen groups must exist in the tenant (a Graph look-up each) before anything is written.
        if (b.source === 'groups')
          await svc.preview.checkGroups(req.params.clientId, b.azureAppId, b.entraGroups ?? []);
        const created = await svc.imports.create(actorOf(req), req.params.clientId, {
          ...b,
          entraGroups: b.entraGroups ?? [],
          filters: { ...DEFAULT_FILTERS, ...b.filters },
          syncEnabled: b.syncEnabled ?? true,
          syncIntervalMinutes: b.syncIntervalMinutes ?? 10,
          newUserPolicy: b.newUserPolicy ?? 'add',
          // The safe default: nobody leaves the recipients without an administrator's approval.
          removedUserPolicy: b.removedUserPolicy ?? 'hold',
          deletionThreshold: b.deletionThreshold ?? DEFAULT_DELETION_THRESHOLD,
        });
        return reply.status(201).send(created);
      },
    );

    app.post(
      `${base}/preview`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'How many users an import would bring in, with a sample of ten (nothing is written)',
          params: ClientParams,
          body: Strict({
            azureAppId: Uuid,
            source: Source,
            groupIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200 })),
            filters: Type.Optional(PartialFilters),
          }),
          response: {
            200: Type.Object({
              count: Type.Integer(),
              exact: Type.Boolean(),
              sample: Type.Array(
                Type.Object({
                  entraObjectId: Type.String(),
                  email: Type.String(),
                  displayName: Type.Union([Type.String(), Type.Null()]),
                  department: Type.Union([Type.String(), Type.Null()]),
                  jobTitle: Type.Union([Type.String(), Type.Null()]),
                  userType: Type.Union([Type.String(), Type.Null()]),
                  enabled: Type.Boolean(),
                }),
              ),
            }),
          },
        },
      },
      async (req) =>
        svc.preview.preview(req.params.clientId, {
          azureAppId: req.body.azureAppId,
          source: req.body.source,
          groupIds: req.body.groupIds ?? [],
          filters: { ...DEFAULT_FILTERS, ...req.body.filters },
        }),
    );

    app.post(
      `${base}/entra-groups/search`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: "Search the client's Entra groups by display name (through Graph)",
          params: ClientParams,
          body: Strict({ azureAppId: Uuid, search: Type.String({ maxLength: 120 }) }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  displayName: Type.String(),
                  description: Type.Union([Type.String(), Type.Null()]),
                  mail: Type.Union([Type.String(), Type.Null()]),
                  unified: Type.Boolean(),
                }),
              ),
            }),
          },
        },
      },
      async (req) => ({
        items: await svc.preview.searchGroups(req.params.clientId, req.body.azureAppId, req.body.search),
      }),
    );

    app.get(
      `${base}/:importId`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'An import, with its last run',
          params: ImportParams,
          response: { 200: ImportSchema },
        },
      },
      async (req) => svc.imports.get(req.params.clientId, req.params.importId),
    );

    app.patch(
      `${base}/:importId`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Edit an import (a new scope makes the next run a full listing)',
          params: ImportParams,
          body: Strict({
            name: Type.Optional(Name),
            source: Type.Optional(Source),
            entraGroups: Type.Optional(Groups),
            filters: Type.Optional(PartialFilters),
            syncEnabled: Type.Optional(Type.Boolean()),
            syncIntervalMinutes: Type.Optional(Interval),
            newUserPolicy: Type.Optional(NewPolicy),
            removedUserPolicy: Type.Optional(RemovedPolicy),
            deletionThreshold: Type.Optional(DeletionThresholdSchema),
          }),
          response: { 200: ImportSchema },
        },
      },
      async (req) => {
        const { clientId, importId } = req.params;
        if (req.body.entraGroups) {
          const imp = await svc.imports.get(clientId, importId);
          if ((req.body.source ?? imp.source) === 'groups') {
            await svc.preview.checkGroups(clientId, imp.azureAppId, req.body.entraGroups);
          }
        }
        return svc.imports.update(actorOf(req), clientId, importId, req.body as never);
      },
    );

    app.delete(
      `${base}/:importId`,
      {
        config: { access: 'client' },
        schema: { tags, summary: 'Delete an import (its recipients stay)', params: ImportParams },
      },
      async (req, reply) => {
        await svc.imports.delete(actorOf(req), req.params.clientId, req.params.importId);
        return reply.status(204).send();
      },
    );

    app.post(
      `${base}/:importId/sync`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Sync now: queue a run (or return the one already waiting)',
          params: ImportParams,
          response: { 202: RunSchema },
        },
      },
      async (req, reply) =>
        reply.status(202).send(await svc.imports.syncNow(actorOf(req), req.params.clientId, req.params.importId)),
    );

    app.get(
      `${base}/:importId/runs`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Runs of an import, newest first',
          params: ImportParams,
          response: { 200: Type.Object({ items: Type.Array(RunSchema) }) },
        },
      },
      async (req) => ({ items: await svc.imports.runs(req.params.clientId, req.params.importId) }),
    );

    app.get(
      `${base}/:importId/runs/:runId`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'One run: progress, counters and errors',
          params: RunParams,
          response: { 200: RunSchema },
        },
      },
      async (req) => svc.imports.run(req.params.clientId, req.params.importId, req.params.runId),
    );

    app.get(
      `${base}/:importId/held-changes`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary: 'Changes held for approval (pending by default)',
          params: ImportParams,
          querystring: Strict({
            status: Type.Optional(
              Type.Union([
                Type.Literal('pending'),
                Type.Literal('approved'),
                Type.Literal('rejected'),
                Type.Literal('superseded'),
                Type.Literal('all'),
              ]),
            ),
          }),
          response: { 200: Type.Object({ items: Type.Array(HeldSchema) }) },
        },
      },
      async (req) => {
        const s = req.query.status ?? 'pending';
        return { items: await svc.imports.held(req.params.clientId, req.params.importId, s === 'all' ? null : s) };
      },
    );

    app.post(
      `${base}/:importId/held-changes/decide`,
      {
        config: { access: 'client' },
        schema: {
          tags,
          summary:
            "Approve or reject pending held changes at once (all, or one kind, or one run's); an addition whose address another recipient took meanwhile stays pending",
          params: ImportParams,
          body: Strict({
            decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
            kind: Type.Optional(Type.Union([Type.Literal('add'), Type.Literal('remove')])),
            runId: Type.Optional(Uuid),
          }),
          response: { 200: Type.Object({ decided: Type.Integer(), left: Type.Integer() }) },
        },
      },
      async (req) =>
        svc.imports.decideAll(actorOf(req), req.params.clientId, req.params.importId, {
          approve: req.body.decision === 'approve',
          kind: req.body.kind ?? null,
          runId: req.body.runId ?? null,
        }),
    );

    for (const decision of ['approve', 'reject'] as const) {
      app.post(
        `${base}/:importId/held-changes/:changeId/${decision}`,
        {
          config: { access: 'client' },
          schema: {
            tags,
            summary:
              decision === 'approve'
                ? 'Approve a held change (apply it)'
                : 'Reject a held change (the recipient stays as it is)',
            params: ChangeParams,
            response: { 200: HeldSchema },
          },
        },
        async (req) =>
          svc.imports.decide(
            actorOf(req),
            req.params.clientId,
            req.params.importId,
            req.params.changeId,
            decision === 'approve',
          ),
      );
    }
  };
