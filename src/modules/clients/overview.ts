// A client's state at a glance (the console's client page, the hub) and the clients list's
// per-client columns. Both are reads of what the other modules store; nothing here is kept in
// a table of its own, so the onboarding checklist ticks itself the moment a step's data exists.
import type { Db } from '../../db/connection.js';
import type { AzureAppStatus } from '../../db/types.js';
import { type Actor, visibleClientIds } from '../../http/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import * as q from './overview-repository.js';
import { findClient, type Visible } from './repository.js';

/** The steps from a new client to a protected one, in the order an operator takes them. */
export const ONBOARDING_STEPS = [
  'azure_app', // an Azure application registered for the client's tenant
  'authorize', // one of them connected (authorized against Microsoft)
  'recipients', // at least one recipient (Entra sync or CSV import)
  'sending_profile', // a way to send mail
  'training_campaign', // a training campaign launched (scheduled, running or completed)
  'report_addin', // the Outlook report add-in set up
] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

/**
 * One word for a client's Microsoft 365 connection: `attention` when any application needs
 * re-authorizing or failed (that is what an operator must act on, even if another works),
 * `connected` when one is connected, `not_authorized` when none is yet, `none` without any.
 */
export type Connection = 'none' | 'not_authorized' | 'connected' | 'attention';

export function connectionOf(statuses: AzureAppStatus[]): Connection {
  if (statuses.length === 0) return 'none';
  if (statuses.some((s) => s === 'reauth_required' || s === 'error')) return 'attention';
  if (statuses.includes('connected')) return 'connected';
  return 'not_authorized';
}

const LAUNCHED = ['scheduled', 'running', 'completed'];

interface Facts {
  apps: q.AppRow[];
  recipients: number;
  groups: number;
  imports: number;
  lastSync: q.LastSyncRow | undefined;
  heldChanges: number;
  profiles: number;
  pausedProfiles: number;
  campaigns: Record<string, number>;
  reportAddin: boolean;
  reportingMailbox: boolean;
  openIncidents: number;
}

function onboarding(f: Facts) {
  const done: Record<OnboardingStep, boolean> = {
    azure_app: f.apps.length > 0,
    authorize: f.apps.some((a) => a.status === 'connected'),
    recipients: f.recipients > 0,
    sending_profile: f.profiles > 0,
    training_campaign: LAUNCHED.some((s) => (f.campaigns[s] ?? 0) > 0),
    report_addin: f.reportAddin,
  };
  const steps = ONBOARDING_STEPS.map((key) => ({ key, done: done[key] }));
  return { steps, done: steps.filter((s) => s.done).length, total: steps.length };
}

const count = (m: q.Counts, id: string) => m.get(id) ?? 0;

export class ClientOverviewService {
  constructor(private readonly db: Db) {}

  /** Everything a client page shows, for one client the actor may see (404 otherwise). */
  async overview(actor: Actor, clientId: string) {
    if (!(await findClient(this.db, visibleClientIds(actor), clientId))) throw new NotFoundError('Client');
    const f = (await this.facts([clientId])).get(clientId) as Facts;
    const campaign = (s: string) => f.campaigns[s] ?? 0;
    return {
      clientId,
      microsoft365: {
        connection: connectionOf(f.apps.map((a) => a.status)),
        applications: f.apps.map((a) => ({
          id: a.id,
          name: a.name,
          status: a.status,
          tenantDomain: a.tenant_domain,
          authorizedAt: a.authorized_at,
          secretExpiresAt: a.secret_expires_at,
        })),
      },
      recipients: {
        total: f.recipients,
        groups: f.groups,
        imports: f.imports,
        heldChanges: f.heldChanges,
        lastSync: f.lastSync
          ? {
              importId: f.lastSync.import_id,
              importName: f.lastSync.import_name,
              status: f.lastSync.status,
              finishedAt: f.lastSync.finished_at,
            }
          : null,
      },
      sendingProfiles: { total: f.profiles, paused: f.pausedProfiles },
      training: {
        campaigns: Object.values(f.campaigns).reduce((a, b) => a + b, 0),
        active: campaign('scheduled') + campaign('running'),
        drafts: campaign('draft'),
      },
      reportAddin: { configured: f.reportAddin },
      reportingMailbox: { enabled: f.reportingMailbox },
      incidents: { open: f.openIncidents },
      onboarding: onboarding(f),
    };
  }

  /** One row per client the actor may see (archived ones too): the clients list's columns. */
  async summaries(actor: Actor) {
    const visible = visibleClientIds(actor);
    if (visible !== null && visible.length === 0) return [];
    const facts = await this.facts(visible);
    return [...facts].map(([clientId, f]) => {
      const o = onboarding(f);
      return {
        clientId,
        connection: connectionOf(f.apps.map((a) => a.status)),
        recipients: f.recipients,
        heldChanges: f.heldChanges,
        lastSync: f.lastSync ? { status: f.lastSync.status, finishedAt: f.lastSync.finished_at } : null,
        onboarding: { done: o.done, total: o.total },
      };
    });
  }

  /** The facts of every client in `visible` (null: all), keyed by client id. */
  private async facts(visible: Visible): Promise<Map<string, Facts>> {
    const db = this.db;
    let clientQuery = db.selectFrom('clients').select('id').orderBy('name_key');
    if (visible !== null) clientQuery = clientQuery.where('id', 'in', visible);
    const [clients, apps, recipients, groups, imports, syncs, held, profiles, paused, campaigns, addin, mailbox, open] =
      await Promise.all([
        clientQuery.execute(),
        q.azureApps(db, visible),
        q.recipientCounts(db, visible),
        q.groupCounts(db, visible),
        q.importCounts(db, visible),
        q.lastSyncs(db, visible),
        q.pendingHeldChangeCounts(db, visible),
        q.profileCounts(db, visible),
        q.pausedProfileCounts(db, visible, nowIso()),
        q.campaignCounts(db, visible),
        q.reportAddinClients(db, visible),
        q.reportingMailboxClients(db, visible),
        q.openIncidentCounts(db, visible),
      ]);
    const out = new Map<string, Facts>();
    for (const { id } of clients) {
      out.set(id, {
        apps: apps.filter((a) => a.client_id === id),
        recipients: count(recipients, id),
        groups: count(groups, id),
        imports: count(imports, id),
        lastSync: syncs.find((s) => s.client_id === id),
        heldChanges: count(held, id),
        profiles: count(profiles, id),
        pausedProfiles: count(paused, id),
        campaigns: campaigns.get(id) ?? {},
        reportAddin: addin.has(id),
        reportingMailbox: mailbox.has(id),
        openIncidents: count(open, id),
      });
    }
    return out;
  }
}
