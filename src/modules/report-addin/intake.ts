// The report intake: what happens when an employee clicks the add-in's Report button.
//
// The add-in names itself (its add-in id → the client) and, where nested app authentication
// works, sends the reporter's Graph token. Then the token must be the client's (tenant,
// application, audience, not expired) and Graph must accept it (/me); Baitwise fetches the message
// from the reporter's mailbox with it (`$value`, which proves the message is there), falling back
// to the add-in's EML, stores the report, moves the message out of the inbox and forwards it to
// the security mailbox in Defender's format. Without a token the add-in's EML and mailbox are
// stored as an unverified report that counts only if the client says so; the add-in moves the
// message itself then (the answer's moveItemTo).
//
// The report row is written before any change in the mailbox: a second report of the same message
// by the same person — retried, double-clicked, concurrent — finds it (or loses the unique key to
// it) and answers the same, without moving or forwarding twice.
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import { AppError, ClientArchivedError, NotReadyError, RateLimitedError, ValidationError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import { SlidingWindowLimiter } from '../../lib/rate-limit.js';
import { cloudEndpoints } from '../../microsoft/clouds.js';
import { type GraphClient, GraphError } from '../../microsoft/graph.js';
import type { ReportRecorder } from '../incidents/recorder.js';
import * as reports from '../incidents/reports-repository.js';
import { sendDefenderForward } from './forward.js';
import * as repo from './intake-repository.js';
import {
  ConfirmedReporters,
  checkClaims,
  type ExpectedApp,
  type Reporter,
  ReporterTokenError,
  readClaims,
  whoAmI,
} from './reporter-token.js';

/** A 25 MB message with its attachments is accepted (Outlook's own sending limit is about that). */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
/** The request that carries it as base64 in JSON, with room for the other fields. */
export const REPORT_BODY_LIMIT = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4 + 64 * 1024;
export const TOO_LARGE_MESSAGE =
  'The reported message is larger than 25 MB, the most Baitwise accepts. Forward it to your security team as an attachment instead.';

export class MessageTooLargeError extends AppError {
  constructor() {
    super(413, 'message_too_large', TOO_LARGE_MESSAGE, { field: 'eml', maxBytes: MAX_MESSAGE_BYTES });
  }
}

export interface ReportInput {
  addinId: string;
  restId?: string;
  /** base64 of the EML (getAsFileAsync) */
  eml?: string;
  mailbox?: string;
  option?: string;
  freeText?: string;
}

/** Office's MoveSpamItemTo: what the add-in passes to event.completed. */
export type MoveItemTo = 'deletedItemsFolder' | 'junkFolder' | 'noMove';

export interface ReportAnswer {
  reportId: string;
  verified: boolean;
  counted: boolean;
  /** a message Baitwise sent (a simulation or training), recognised by its token */
  recognised: boolean;
  title: string;
  message: string;
  /** noMove when Baitwise moved it already; else where the add-in should move it */
  moveItemTo: MoveItemTo;
  forwarded: boolean;
}

const FOLDERS = { deleted_items: 'deleteditems', junk: 'junkemail' } as const;
const MOVE_ITEM_TO = { deleted_items: 'deletedItemsFolder', junk: 'junkFolder' } as const;

export class ReportIntake {
  private readonly perReporter: SlidingWindowLimiter;
  private readonly perClient: SlidingWindowLimiter;
  private readonly confirmed = new ConfirmedReporters();

  constructor(
    private readonly db: Db,
    private readonly graph: GraphClient,
    private readonly recorder: ReportRecorder,
    private readonly config: Pick<Config, 'reportLimits' | 'microsoft'>,
    private readonly logger?: Logger,
  ) {
    this.perReporter = new SlidingWindowLimiter(config.reportLimits.perReporterPerMinute, 60_000);
    this.perClient = new SlidingWindowLimiter(config.reportLimits.perClientPerMinute, 60_000);
  }

  /** What the add-in's pages need to sign the reporter in: the client's Azure application. */
  async addinInfo(addinId: string) {
    const addin = await this.addin(addinId);
    return {
      addinId: addin.addin_id,
      azureClientId: addin.azure_client_id,
      authority:
        addin.cloud && addin.tenant_id
          ? `${cloudEndpoints(addin.cloud, this.config).authorityHost}/${addin.tenant_id}`
          : null,
      moveItemTo: MOVE_ITEM_TO[addin.move_to],
      reportingOptions: JSON.parse(addin.reporting_options) as string[],
    };
  }

  private async addin(addinId: string): Promise<repo.AddinRow> {
    const addin = await repo.findAddin(this.db, addinId.toLowerCase());
    if (!addin)
      throw new AppError(404, 'addin_not_found', 'No Baitwise report add-in has this id: download the manifest again.');
    return addin;
  }

  private limit(limiter: SlidingWindowLimiter, key: string): void {
    const wait = limiter.hit(key);
    if (wait > 0) throw new RateLimitedError(wait);
  }

  async report(input: ReportInput, bearer: string | null): Promise<ReportAnswer> {
    const addin = await this.addin(input.addinId);
    const clientId = addin.client_id;
    // An archived client is read-only: its add-in may still be installed, but stores nothing.
    if (addin.archived_at) throw new ClientArchivedError();
    this.limit(this.perClient, clientId);
    const addinEml = input.eml === undefined ? null : decodeEml(input.eml);

    if (bearer === null) {
      if (!addinEml)
        throw new ValidationError('eml', 'Without a Microsoft token the report must carry the message (eml, base64).');
      if (!input.mailbox)
        throw new ValidationError('mailbox', 'Without a Microsoft token the report must name the mailbox.');
      const address = input.mailbox.trim().toLowerCase();
      this.limit(this.perReporter, `${clientId}|${address}`);
      return this.store(addin, input, { address, objectId: null }, addinEml, 'addin', null);
    }

    if (!addin.azure_client_id || !addin.tenant_id || !addin.cloud)
      throw new NotReadyError(
        'report_addin_not_configured',
        'The Azure application this add-in signs reporters in with was deleted: the client must choose another.',
      );
    const app: ExpectedApp = { cloud: addin.cloud, tenantId: addin.tenant_id, azureClientId: addin.azure_client_id };
    const claims = checkClaims(readClaims(bearer), app, Date.now());
    this.limit(this.perReporter, `${clientId}|oid:${claims.oid}`);
    // /me and the message at once: the reporter waits for both, and a refused token refuses both.
    // A token Graph confirmed already is not asked about again (ConfirmedReporters says why).
    const restId = input.restId;
    const confirmed = this.confirmed.get(bearer, Date.now());
    const [me, fetched] = await Promise.allSettled([
      confirmed ?? whoAmI(this.graph, app, bearer, claims),
      restId
        ? this.graph.request(app.cloud, bearer, 'GET', `/me/messages/${encodeURIComponent(restId)}/$value`)
        : Promise.resolve(null),
    ]);
    if (me.status === 'rejected') throw graphFailure(me.reason);
    const reporter = me.value;
    if (!confirmed) this.confirmed.set(bearer, reporter, claims.exp * 1000);
    else if (fetched.status === 'rejected' && fetched.reason instanceof GraphError && fetched.reason.status === 401) {
      this.confirmed.forget(bearer);
      throw new ReporterTokenError(
        'reporter_token_rejected',
        `Microsoft Graph refused the reporter's token: ${fetched.reason.message}`,
      );
    }
    if (restId) {
      const earlier = await reports.findByGraphId(this.db, clientId, reporter.address, restId);
      if (earlier) return this.answer(addin, earlier);
    }
    if (fetched.status === 'fulfilled' && fetched.value) {
      return this.store(addin, input, reporter, fetched.value.bytes, 'graph', { token: bearer, app });
    }
    if (addinEml) return this.store(addin, input, reporter, addinEml, 'addin', { token: bearer, app });
    if (fetched.status === 'rejected' && fetched.reason instanceof GraphError && fetched.reason.status === 404)
      throw new AppError(404, 'message_not_found', "The reported message is not in the reporter's mailbox any more.");
    if (fetched.status === 'rejected') throw graphFailure(fetched.reason);
    throw new ValidationError('restId', 'The report must carry the message: its REST id (restId) or its EML (eml).');
  }

  private async store(
    addin: repo.AddinRow,
    input: ReportInput,
    reporter: Reporter | { address: string; objectId: null },
    eml: Buffer,
    source: 'graph' | 'addin',
    graph: { token: string; app: ExpectedApp } | null,
  ): Promise<ReportAnswer> {
    if (eml.length > MAX_MESSAGE_BYTES) throw new MessageTooLargeError();
    const { row, created } = await this.recorder.record({
      clientId: addin.client_id,
      reporter,
      verified: reporter.objectId !== null,
      counted: reporter.objectId !== null || addin.count_unverified === 1,
      source,
      graphMessageId: input.restId ?? null,
      eml,
      reportingOption: input.option ?? null,
      freeText: input.freeText ?? null,
    });
    if (!created) return this.answer(addin, row);
    if (graph) {
      const [moved, forward] = await Promise.all([
        source === 'graph' && input.restId ? this.move(graph, addin, input.restId) : null,
        addin.security_mailbox ? this.forward(graph, addin.security_mailbox, row, eml) : ('none' as const),
      ]);
      row.moved_to = moved;
      row.forward_status = forward;
      row.updated_at = nowIso();
      await reports.updateReport(this.db, row.client_id, row.id, {
        moved_to: row.moved_to,
        forward_status: row.forward_status,
        updated_at: row.updated_at,
      });
    }
    return this.answer(addin, row);
  }

  private async move(graph: { token: string; app: ExpectedApp }, addin: repo.AddinRow, restId: string) {
    const folder = FOLDERS[addin.move_to];
    try {
      await this.graph.request(
        graph.app.cloud,
        graph.token,
        'POST',
        `/me/messages/${encodeURIComponent(restId)}/move`,
        {
          destinationId: folder,
        },
      );
      return folder;
    } catch (err) {
      // The add-in moves it then (moveItemTo in the answer); the report itself stands.
      this.logger?.warn({ err: String(err), clientId: addin.client_id }, 'could not move a reported message');
      return null;
    }
  }

  private async forward(
    graph: { token: string; app: ExpectedApp },
    securityMailbox: string,
    row: reports.ReportRow,
    eml: Buffer,
  ): Promise<'sent' | 'failed'> {
    try {
      await sendDefenderForward(this.graph, graph.app.cloud, graph.token, {
        securityMailbox,
        subject: row.subject,
        option: row.reporting_option,
        eml,
        reporter: row.reporter_address,
      });
      return 'sent';
    } catch (err) {
      this.logger?.warn({ err: String(err), clientId: row.client_id }, 'could not forward a reported message');
      return 'failed';
    }
  }

  private answer(addin: repo.AddinRow, row: reports.ReportRow): ReportAnswer {
    const recognised = row.outbox_message_id !== null;
    return {
      reportId: row.id,
      verified: row.verified === 1,
      counted: row.counted === 1,
      recognised,
      title: recognised ? 'Well spotted!' : 'Thank you',
      message: recognised
        ? 'This was a test from your security team — well spotted. Reporting it was exactly the right thing to do.'
        : 'Thank you for reporting this message. Your security team will look at it.',
      moveItemTo: row.moved_to ? 'noMove' : MOVE_ITEM_TO[addin.move_to],
      forwarded: row.forward_status === 'sent',
    };
  }
}

function decodeEml(b64: string): Buffer {
  const compact = b64.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact))
    throw new ValidationError('eml', 'eml must be the message as base64 (what getAsFileAsync returns).');
  if ((compact.length / 4) * 3 - (compact.match(/=+$/)?.[0].length ?? 0) > MAX_MESSAGE_BYTES)
    throw new MessageTooLargeError();
  return Buffer.from(compact, 'base64');
}

function graphFailure(err: unknown): Error {
  if (err instanceof AppError) return err;
  return new AppError(
    502,
    'graph_unavailable',
    'Microsoft Graph did not answer the reporter’s request in time; try reporting again in a moment.',
  );
}
