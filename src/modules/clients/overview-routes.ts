// GET /clients/:clientId/overview (the client page: its state at a glance and the onboarding
// checklist) and GET /clients/overview (the clients list's per-client columns). Read-only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import { actorOf } from '../../http/authenticate.js';
import { ClientParams, Uuid } from '../../http/schemas.js';
import { type ClientOverviewService, ONBOARDING_STEPS, type OnboardingStep } from './overview.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Count = Type.Integer({ minimum: 0 });
const Connection = Type.Union(
  [Type.Literal('none'), Type.Literal('not_authorized'), Type.Literal('connected'), Type.Literal('attention')],
  {
    description:
      'none: no Azure application; not_authorized: none authorized yet; connected: one is connected; attention: one needs re-authorizing or failed',
  },
);
const AppStatus = Type.Union([
  Type.Literal('not_authorized'),
  Type.Literal('connected'),
  Type.Literal('reauth_required'),
  Type.Literal('error'),
]);
const RunStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('paused'),
]);

const Onboarding = Type.Object({
  steps: Type.Array(
    Type.Object({
      key: Type.Unsafe<OnboardingStep>(Type.Union(ONBOARDING_STEPS.map((k) => Type.Literal(k)))),
      done: Type.Boolean(),
    }),
    {
      description: 'in the order they are taken; each is done as soon as its data exists',
    },
  ),
  done: Count,
  total: Count,
});

const OverviewSchema = Type.Object(
  {
    clientId: Uuid,
    microsoft365: Type.Object({
      connection: Connection,
      applications: Type.Array(
        Type.Object({
          id: Uuid,
          name: Type.String(),
          status: AppStatus,
          tenantDomain: Nullable(Type.String()),
          authorizedAt: Nullable(Type.String()),
          secretExpiresAt: Nullable(Type.String()),
        }),
      ),
    }),
    recipients: Type.Object({
      total: Count,
      groups: Count,
      imports: Type.Integer({ minimum: 0, description: 'Entra ID imports' }),
      heldChanges: Type.Integer({ minimum: 0, description: 'sync changes waiting for approval' }),
      lastSync: Nullable(
        Type.Object({ importId: Uuid, importName: Type.String(), status: RunStatus, finishedAt: Type.String() }),
      ),
    }),
    sendingProfiles: Type.Object({ total: Count, paused: Count }),
    training: Type.Object({
      campaigns: Count,
      active: Type.Integer({ minimum: 0, description: 'scheduled or running' }),
      drafts: Count,
    }),
    reportAddin: Type.Object({ configured: Type.Boolean() }),
    reportingMailbox: Type.Object({ enabled: Type.Boolean() }),
    incidents: Type.Object({ open: Type.Integer({ minimum: 0, description: 'not resolved' }) }),
    onboarding: Onboarding,
  },
  { $id: 'ClientOverview' },
);

const SummarySchema = Type.Object({
  clientId: Uuid,
  connection: Connection,
  recipients: Count,
  heldChanges: Count,
  lastSync: Nullable(Type.Object({ status: RunStatus, finishedAt: Type.String() })),
  onboarding: Type.Object({ done: Count, total: Count }),
});

export const clientOverviewRoutes =
  (overview: ClientOverviewService): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/clients/overview',
      {
        config: { access: 'authenticated' },
        schema: {
          tags: ['clients'],
          summary: "Each of your clients' connection, recipients, last sync and onboarding progress",
          response: { 200: Type.Object({ items: Type.Array(SummarySchema) }) },
        },
      },
      async (req) => ({ items: await overview.summaries(actorOf(req)) }),
    );

    app.get(
      '/clients/:clientId/overview',
      {
        config: { access: 'client' },
        schema: {
          tags: ['clients'],
          summary: "A client's state at a glance and its onboarding checklist",
          params: ClientParams,
          response: { 200: OverviewSchema },
        },
      },
      async (req) => overview.overview(actorOf(req), req.params.clientId),
    );
  };
