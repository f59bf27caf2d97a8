// The composition root: every service of a Baitwise process is built here, once, from the opened
// runtime (configuration, logger, database, secrets). The server, the worker, the CLI, the demo,
// the benchmarks and the tests all start from `compose`, so a process holds one of each service
// — one token cache, one job queue (one pg-boss client on PostgreSQL) — and a change made through
// one entry point is seen by the others.
//
// Adding a capability: build its services below, and add its Module (routes, jobs, schedules) to
// `modules`. Route files and the job layer never construct services. See docs/architecture.md.
import type { Config } from './config.js';
import type { DbHandle } from './db/connection.js';
import { ACTOR_TABLES, ActorCache, type ActorRows } from './http/actor-cache.js';
import type { JobDefinition, Schedule } from './jobs/definition.js';
import type { JobQueue } from './jobs/queue.js';
import { jobQueueFor } from './jobs/queue-for.js';
import { ClientKeys } from './lib/client-keys.js';
import type { SecretBox } from './lib/crypto.js';
import type { Logger } from './lib/logger.js';
import { PasswordHasher } from './lib/password.js';
import { EntraClient } from './microsoft/entra.js';
import { GraphClient } from './microsoft/graph.js';
import { apiTokenRoutes } from './modules/api-tokens/routes.js';
import { auditRoutes } from './modules/audit/routes.js';
import { authRoutes } from './modules/auth/routes.js';
import { AuthService } from './modules/auth/service.js';
import { AuthorizeFlow } from './modules/azure-apps/authorize.js';
import { azureAppsModule } from './modules/azure-apps/module.js';
import type { AzureServices } from './modules/azure-apps/routes.js';
import { AzureAppService } from './modules/azure-apps/service.js';
import { ConnectionTester } from './modules/azure-apps/test-connection.js';
import { TokenService } from './modules/azure-apps/token-service.js';
import { ClientOverviewService } from './modules/clients/overview.js';
import { clientOverviewRoutes } from './modules/clients/overview-routes.js';
import { clientRoutes } from './modules/clients/routes.js';
import { ClientService } from './modules/clients/service.js';
import { directorySyncModule } from './modules/directory-sync/module.js';
import { PreviewService } from './modules/directory-sync/preview.js';
import type { DirectorySyncServices } from './modules/directory-sync/routes.js';
import { DirectorySyncService } from './modules/directory-sync/service.js';
import { incidentFeedbackModule } from './modules/incident-feedback/module.js';
import { feedbackSideEffects, IncidentFeedbackService } from './modules/incident-feedback/service.js';
import { ReportAnalyser } from './modules/incidents/grouping.js';
import { LegacyReports } from './modules/incidents/legacy.js';
import { type IncidentServices, incidentsModule } from './modules/incidents/module.js';
import { ReportRecorder } from './modules/incidents/recorder.js';
import { Retention } from './modules/incidents/retention.js';
import { IncidentService } from './modules/incidents/service.js';
import { allSideEffects, type IncidentSideEffects } from './modules/incidents/side-effects.js';
import { MessageTokenKeys } from './modules/mail-delivery/message-token.js';
import { type MailServices, mailDeliveryModule } from './modules/mail-delivery/module.js';
import { OutboxService } from './modules/mail-delivery/outbox.js';
import { SendingProfileService } from './modules/mail-delivery/profiles.js';
import { RenderPool } from './modules/mail-delivery/render-pool.js';
import type { Module } from './modules/module.js';
import { operatorRoutes } from './modules/operators/routes.js';
import { OperatorService } from './modules/operators/service.js';
import { RecipientGroupService } from './modules/recipients/groups-service.js';
import { recipientRoutes } from './modules/recipients/routes.js';
import { SearchIndexer, searchIndexSchedule } from './modules/recipients/search-index.js';
import { RecipientService } from './modules/recipients/service.js';
import { ReportIntake } from './modules/report-addin/intake.js';
import { reportAddinModule } from './modules/report-addin/module.js';
import { ReportAddinService } from './modules/report-addin/service.js';
import { AppOnlyTokens } from './modules/reporting-mailbox/mailbox-graph.js';
import { type ReportingMailboxServices, reportingMailboxModule } from './modules/reporting-mailbox/module.js';
import { ReportingMailboxService } from './modules/reporting-mailbox/service.js';
import { TrainingCampaignService } from './modules/training/campaigns-service.js';
import { ContentLibrary } from './modules/training/content.js';
import { LearnerService } from './modules/training/learner.js';
import { LearnerLimits } from './modules/training/learner-limits.js';
import { type TrainingServices, trainingModule } from './modules/training/module.js';
import { PackageService } from './modules/training/packages.js';
import { TrainingResultsService } from './modules/training/results.js';
import { WebhookDeliveries } from './modules/webhooks/delivery.js';
import { webhooksModule } from './modules/webhooks/module.js';
import { WebhookService, webhookSideEffects } from './modules/webhooks/service.js';

/** What every entry point opens first (src/runtime.ts; tests open their own). */
export interface Core {
  config: Readonly<Config>;
  logger: Logger;
  db: DbHandle;
  secrets: SecretBox;
}

export interface Services {
  auth: AuthService;
  /** the rows behind a request's actor, a second per credential (http/actor-cache.ts) */
  actors: ActorCache<ActorRows>;
  operators: OperatorService;
  clients: ClientService;
  /** a client's state at a glance, read from every module's tables */
  clientOverview: ClientOverviewService;
  recipients: RecipientService;
  groups: RecipientGroupService;
  /** SQLite's recipient search index, caught up after writes (no-op on PostgreSQL) */
  searchIndex: SearchIndexer;
  azure: AzureServices;
  directorySync: DirectorySyncServices;
  mail: MailServices;
  reportAddin: ReportAddinService;
  reportIntake: ReportIntake;
  reportingMailbox: ReportingMailboxServices;
  incidents: IncidentServices;
  training: TrainingServices;
  incidentFeedback: IncidentFeedbackService;
  webhooks: WebhookService;
  /** what happens when an incident is created or classified: reporter feedback, then webhooks */
  incidentSideEffects: IncidentSideEffects;
}

export interface Container extends Core {
  /** the one job queue of the process: enqueue inside the transaction that records the work */
  queue: JobQueue;
  services: Services;
  modules: readonly Module[];
  /** every module's jobs and schedules, for the worker */
  jobs: readonly JobDefinition[];
  schedules: readonly Schedule[];
  /** releases what compose created (the queue's connections); the runtime is its opener's to close */
  close(): Promise<void>;
}

/**
 * `passwords` is for tests only: a cheaper scrypt cost keeps their many sign-ins from costing
 * minutes. Entry points leave it out and hash at the production cost.
 */
export function compose(core: Core, opts: { passwords?: PasswordHasher } = {}): Container {
  const { config, db, secrets, logger } = core;
  const passwords = opts.passwords ?? new PasswordHasher();
  const actors = new ActorCache<ActorRows>();
  // A write to any table an actor is made of drops the cache: the next request reads them anew.
  db.writes.on(ACTOR_TABLES, () => actors.clear());
  const queue = jobQueueFor(config.database, logger);
  const entra = new EntraClient(config);
  const graph = new GraphClient(config);
  const tokens = new TokenService(db, secrets, entra);
  const azure: AzureServices = {
    apps: new AzureAppService(db.db, secrets, entra),
    tokens,
    flow: new AuthorizeFlow(db.db, secrets, entra, tokens, config),
    graph,
    connection: new ConnectionTester(db.db, tokens, graph),
  };
  const keys = new MessageTokenKeys(db.db, secrets);
  const renderer = new RenderPool(config.renderThreads);
  const dispatch = { db: db.db, secrets, tokens, keys, config, logger, renderer };
  const outbox = new OutboxService(db.db, queue, keys);
  const library = new ContentLibrary(db.db, config.dataDir);
  const incidentFeedback = new IncidentFeedbackService(db.db, outbox);
  const webhookDeliveries = new WebhookDeliveries(db.db, queue, secrets, config.webhooks);
  // the one entry for a report, whichever way it came (add-in intake, reporting mailbox)
  const recorder = new ReportRecorder(db.db, config, new ClientKeys(db.db, secrets, 'reported-messages'), queue);
  // what happens when an incident is created or classified: reporter feedback, then webhooks
  const incidentEffects = allSideEffects(feedbackSideEffects(incidentFeedback), webhookSideEffects(webhookDeliveries));
  const services: Services = {
    auth: new AuthService(db.db, config, passwords),
    actors,
    operators: new OperatorService(db.db, passwords),
    clients: new ClientService(db.db),
    clientOverview: new ClientOverviewService(db.db),
    recipients: new RecipientService(db.db),
    groups: new RecipientGroupService(db.db),
    searchIndex: new SearchIndexer(db),
    azure,
    directorySync: {
      imports: new DirectorySyncService(db, queue),
      preview: new PreviewService(db.db, tokens, graph),
      engine: { db, tokens, graph, logger },
    },
    mail: {
      profiles: new SendingProfileService(db.db, secrets, dispatch),
      outbox,
      dispatch,
    },
    reportAddin: new ReportAddinService(db.db, config),
    reportIntake: new ReportIntake(db.db, graph, recorder, config, logger),
    reportingMailbox: {
      settings: new ReportingMailboxService(db.db, queue, config.reportingMailboxIntervalMinutes),
      intake: { db: db.db, graph, tokens, appOnly: new AppOnlyTokens(secrets, entra), recorder, logger },
    },
    incidents: {
      recorder,
      analyser: new ReportAnalyser(db, recorder, incidentEffects),
      inbox: new IncidentService(db.db, recorder, incidentEffects),
      retention: new Retention(db.db, recorder),
      legacy: new LegacyReports(db.db, config, recorder, queue),
    },
    training: {
      library,
      campaigns: new TrainingCampaignService(db.db, queue, outbox, library, config.publicUrl),
      results: new TrainingResultsService(db.db),
      packages: new PackageService(db.db, config),
      learner: new LearnerService(db.db, outbox, library),
      learnerPortal: { limits: new LearnerLimits(config.learnerRate), webDir: config.webDir },
    },
    incidentFeedback,
    webhooks: new WebhookService(db.db, secrets, config.webhooks, webhookDeliveries),
    incidentSideEffects: incidentEffects,
  };
  const modules: Module[] = [
    { name: 'auth', routes: authRoutes(services) },
    { name: 'clients', routes: clientRoutes(services.clients) },
    { name: 'client-overview', routes: clientOverviewRoutes(services.clientOverview) },
    { name: 'operators', routes: operatorRoutes(services) },
    { name: 'api-tokens', routes: apiTokenRoutes(db.db) },
    { name: 'audit', routes: auditRoutes(db.db) },
    azureAppsModule(azure, db.db),
    directorySyncModule(services.directorySync, queue, { sliceSeconds: config.syncSliceSeconds }),
    {
      name: 'recipients',
      routes: recipientRoutes(services.recipients, services.groups),
      schedules: [searchIndexSchedule(services.searchIndex)],
    },
    mailDeliveryModule(services.mail, db.db),
    reportAddinModule(services.reportAddin, services.reportIntake, config.officeJsUrl, config.publicUrl),
    reportingMailboxModule(services.reportingMailbox, queue, config.reportingMailboxIntervalMinutes),
    trainingModule(services.training),
    incidentFeedbackModule(services.incidentFeedback),
    webhooksModule(services.webhooks),
    incidentsModule(services.incidents),
  ];
  return {
    ...core,
    queue,
    services,
    modules,
    jobs: modules.flatMap((m) => m.jobs ?? []),
    schedules: modules.flatMap((m) => m.schedules ?? []),
    close: async () => {
      await queue.close?.();
      await renderer.close();
    },
  };
}
