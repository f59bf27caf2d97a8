// Reporter feedback: the client's settings, and the replies enqueued when an incident is
// classified. Replies go through the outbox inside the classification's transaction (so a
// classification that rolls back sends nothing), one per reporter, never twice for one verdict:
// `incident_feedback_replies` holds who was told what, and its unique index decides a race.
import type { Db } from '../../db/connection.js';
import type { Actor } from '../../http/actor.js';
import { NotReadyError, ValidationError } from '../../lib/errors.js';
import { newId, nowIso } from '../../lib/ids.js';
import { recordAudit } from '../audit/record.js';
import type { ClassifiedIncident, IncidentSideEffects, Verdict } from '../incidents/side-effects.js';
import type { OutboxService } from '../mail-delivery/outbox.js';
import { checkTemplates, renderMessage, TemplateError } from '../mail-delivery/render.js';
import { findProfile } from '../mail-delivery/repository.js';
import {
  DEFAULT_TEMPLATES,
  type FeedbackTemplate,
  type FeedbackTemplates,
  type FeedbackVariables,
  SAMPLE_VARIABLES,
  VERDICTS,
} from './templates.js';
import type { FeedbackInput, FeedbackView } from './view.js';

export const FEEDBACK_PURPOSE = 'incident_feedback';
export const INCIDENT_REF = 'incident';
const CHUNK = 500;

/** Reply asked for, but the client's feedback has no sending profile (none chosen, or deleted). */
export class FeedbackProfileMissingError extends NotReadyError {
  constructor() {
    super(
      'feedback_profile_missing',
      'Replies to reporters need a sending profile: choose one in the reporter feedback settings (profileId), or classify without a reply.',
      { field: 'profileId' },
    );
  }
}

type Row = { enabled: number; profile_id: string | null; templates: string; updated_at: string };

const customOf = (row: Row | undefined): Partial<FeedbackTemplates> =>
  row ? (JSON.parse(row.templates) as Partial<FeedbackTemplates>) : {};
const effective = (custom: Partial<FeedbackTemplates>): FeedbackTemplates =>
  Object.fromEntries(VERDICTS.map((v) => [v, custom[v] ?? DEFAULT_TEMPLATES[v]])) as FeedbackTemplates;

/** A template as the outbox takes it: plain text only (a reply needs no HTML, and is safer without). */
const content = (t: FeedbackTemplate) => ({ subject: t.subject, html: null, text: t.body });

function check(verdict: Verdict, t: FeedbackTemplate): void {
  try {
    checkTemplates(content(t));
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    const part = err.details?.field === 'subject' ? 'subject' : 'body';
    throw new ValidationError(`templates.${verdict}.${part}`, err.message.replace(/^The \w+ template/, `The ${part}`));
  }
}

export class IncidentFeedbackService {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
  ) {}

  private find(db: Db, clientId: string): Promise<Row | undefined> {
    return db
      .selectFrom('incident_feedback_settings')
      .select(['enabled', 'profile_id', 'templates', 'updated_at'])
      .where('client_id', '=', clientId)
      .executeTakeFirst();
  }

  async get(clientId: string): Promise<FeedbackView> {
    const row = await this.find(this.db, clientId);
    const custom = customOf(row);
    return {
      clientId,
      enabled: row?.enabled === 1,
      profileId: row?.profile_id ?? null,
      templates: effective(custom),
      customized: VERDICTS.filter((v) => custom[v]),
      defaults: DEFAULT_TEMPLATES,
      updatedAt: row?.updated_at ?? null,
    };
  }

  async save(actor: Actor, clientId: string, input: FeedbackInput): Promise<FeedbackView> {
    if (input.enabled && !input.profileId)
      throw new ValidationError('profileId', 'Choose the sending profile replies to reporters go out through.');
    const custom: Partial<FeedbackTemplates> = {};
    for (const v of VERDICTS) {
      const t = input.templates?.[v];
      if (!t) continue;
      check(v, t);
      const d = DEFAULT_TEMPLATES[v];
      if (t.subject !== d.subject || t.body !== d.body) custom[v] = { subject: t.subject, body: t.body };
    }
    await this.db.transaction().execute(async (trx) => {
      if (input.profileId && !(await findProfile(trx, clientId, input.profileId)))
        throw new ValidationError('profileId', 'No sending profile of this client has this id.');
      const values = {
        enabled: input.enabled ? 1 : 0,
        profile_id: input.profileId,
        templates: JSON.stringify(custom),
        updated_at: nowIso(),
      };
      await trx
        .insertInto('incident_feedback_settings')
        .values({ client_id: clientId, ...values })
        .onConflict((oc) => oc.column('client_id').doUpdateSet(values))
        .execute();
      await recordAudit(trx, actor, {
        clientId,
        action: 'incident_feedback.update',
        targetType: 'client',
        targetId: clientId,
        details: { enabled: input.enabled, profileId: input.profileId, customized: Object.keys(custom) },
      });
    });
    return this.get(clientId);
  }

  /** A template (given, or the one in effect) rendered with made-up values. */
  async preview(clientId: string, verdict: Verdict, template?: FeedbackTemplate) {
    const t = template ?? effective(customOf(await this.find(this.db, clientId)))[verdict];
    check(verdict, t);
    const vars = { ...SAMPLE_VARIABLES, verdict };
    const r = await renderMessage(content(t), {
      ...vars,
      recipient: { email: vars.reporter.address, name: vars.reporter.name },
    }).catch((err: unknown) => {
      if (err instanceof TemplateError) throw new ValidationError(`templates.${verdict}`, err.message);
      throw err;
    });
    return { subject: r.subject, text: r.text };
  }

  /**
   * Enqueues the verdict's reply to each reporter not yet told of this verdict, in `trx`. Returns
   * how many were enqueued: 0 when no reply was asked for or feedback is off.
   */
  async incidentClassified(trx: Db, change: ClassifiedIncident): Promise<{ replies: number }> {
    if (!change.reply || change.reporters.length === 0) return { replies: 0 };
    const { incident, verdict } = change;
    const clientId = incident.client_id;
    const row = await this.find(trx, clientId);
    if (row?.enabled !== 1) return { replies: 0 }; // off: the analyst's tick sends nothing
    const profileId = row.profile_id;
    if (!profileId || !(await findProfile(trx, clientId, profileId))) {
      // An analyst asked: refuse the classification, so they learn why nobody will be told. Baitwise
      // itself (a simulation classified on arrival) has nobody to tell: the report is grouped
      // without a reply rather than failing its analysis for good.
      if (change.actorId === null) return { replies: 0 };
      throw new FeedbackProfileMissingError();
    }

    const fresh = await this.claimReporters(trx, clientId, incident.id, verdict, change.reporters);
    if (fresh.length === 0) return { replies: 0 };
    const names = await this.recipientsOf(trx, clientId, fresh);
    const template = effective(customOf(row))[verdict];
    await this.outbox.enqueue(trx, {
      clientId,
      profileId,
      purpose: FEEDBACK_PURPOSE,
      content: content(template),
      messages: fresh.map((address) => {
        const known = names.get(address);
        const variables: FeedbackVariables = {
          reporter: { address, name: known?.name ?? null },
          report: {
            subject: incident.subject ?? '(no subject)',
            from: incident.from_address ?? '(unknown sender)',
            fromName: incident.from_name,
            reportedAt: incident.first_reported_at,
          },
          verdict,
          incident: { id: incident.id },
        };
        return {
          to: { address, name: known?.name ?? null },
          recipientId: known?.id ?? null,
          variables: { ...variables },
          ref: { type: INCIDENT_REF, id: incident.id },
        };
      }),
    });
    return { replies: fresh.length };
  }

  /** Records each reporter as told of `verdict`; returns those not told before (insert wins). */
  private async claimReporters(
    trx: Db,
    clientId: string,
    incidentId: string,
    verdict: Verdict,
    reporters: ClassifiedIncident['reporters'],
  ): Promise<string[]> {
    const addresses = [...new Set(reporters.map((r) => r.address.trim().toLowerCase()))];
    const now = nowIso();
    const fresh: string[] = [];
    for (let i = 0; i < addresses.length; i += CHUNK) {
      const rows = await trx
        .insertInto('incident_feedback_replies')
        .values(
          addresses.slice(i, i + CHUNK).map((reporter_address) => ({
            id: newId(),
            client_id: clientId,
            incident_id: incidentId,
            verdict,
            reporter_address,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['client_id', 'incident_id', 'verdict', 'reporter_address']).doNothing())
        .returning('reporter_address')
        .execute();
      fresh.push(...rows.map((r) => r.reporter_address));
    }
    return fresh;
  }

  /** The reporters who are known recipients of the client, for their names. */
  private async recipientsOf(trx: Db, clientId: string, addresses: string[]) {
    const out = new Map<string, { id: string; name: string | null }>();
    for (let i = 0; i < addresses.length; i += CHUNK) {
      const rows = await trx
        .selectFrom('recipients')
        .select(['id', 'email_key', 'display_name', 'first_name', 'last_name'])
        .where('client_id', '=', clientId)
        .where('email_key', 'in', addresses.slice(i, i + CHUNK))
        .execute();
      for (const r of rows)
        out.set(r.email_key, {
          id: r.id,
          name: r.display_name ?? ([r.first_name, r.last_name].filter(Boolean).join(' ') || null),
        });
    }
    return out;
  }
}

/** The feedback side effect of incidents: replies on classification, nothing on creation. */
export const feedbackSideEffects = (feedback: IncidentFeedbackService): IncidentSideEffects => ({
  incidentCreated: async () => {},
  incidentClassified: (trx, change) => feedback.incidentClassified(trx, change),
});
