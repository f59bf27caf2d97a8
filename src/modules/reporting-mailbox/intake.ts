// One reading of a client's reporting mailbox: a round of message delta on the folder read, each
// new submission recorded as a report of the person who sent it (ReportRecorder, source
// 'mailbox') and moved to the handled folder.
//
// Crash-safe and idempotent: the cursor (the nextLink or deltaLink to fetch next) is saved only
// after every submission of a page is recorded and moved, so a crash re-reads at most that page;
// recording is idempotent per (client, reporter, Message-ID) and a submission already moved away is
// skipped. When Graph has lost the delta token (410, syncStateNotFound) the reading starts a full
// round: what it finds again is recorded once (created:false counts as a duplicate) and moved.
import type { Db } from '../../db/connection.js';
import { nowIso } from '../../lib/ids.js';
import type { Logger } from '../../lib/logger.js';
import { GraphError } from '../../microsoft/graph.js';
import { isResyncError } from '../directory-sync/graph-source.js';
import type { ReportRecorder } from '../incidents/recorder.js';
import { emailKey } from '../recipients/fields.js';
import { explain } from './guidance.js';
import { MailboxGraph, type MailboxGraphDeps } from './mailbox-graph.js';
import * as repo from './repository.js';
import { attachedOriginal, type GraphMessage, reportingOptionOf, senderOf } from './submission.js';

export interface IntakeDeps extends MailboxGraphDeps {
  recorder: ReportRecorder;
  logger?: Logger;
}

interface Page {
  value?: GraphMessage[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const SELECT = 'subject,from,sender,internetMessageId,hasAttachments';
const PAGE_HEADERS = { prefer: 'odata.maxpagesize=25' };
const MAX_REFUSALS_LOGGED = 50;

interface Tally {
  ingested: number;
  duplicates: number;
  refused: number;
  refusals: { sender: string | null; reason: string }[];
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

/**
 * Who may report through the mailbox (README: "Who counts as a reporter"): a recipient of the
 * client — verified, counted — or, failing that, an address of the reporting mailbox's own domain
 * — recorded unverified, not counted. Anyone else is refused and nothing is recorded.
 */
async function reporterStatus(db: Db, clientId: string, sender: string, mailbox: string) {
  if (await repo.isRecipient(db, clientId, emailKey(sender))) return { verified: true };
  if (domainOf(sender) === domainOf(mailbox)) return { verified: false };
  return null;
}

/** The handled folder's id: the stored one while it exists, else found by name or created. */
async function handledFolder(mbx: MailboxGraph, s: repo.SettingsRow, db: Db): Promise<string> {
  if (s.processed_folder_id) {
    try {
      await mbx.get(`${mbx.base}/mailFolders/${encodeURIComponent(s.processed_folder_id)}?$select=id`);
      return s.processed_folder_id;
    } catch (err) {
      if (!(err instanceof GraphError) || err.status !== 404) throw err;
    }
  }
  const find = async () => {
    const name = s.processed_folder.replaceAll("'", "''");
    const r = await mbx.get<{ value?: { id: string }[] }>(
      `${mbx.base}/mailFolders?$filter=${encodeURIComponent(`displayName eq '${name}'`)}&$select=id,displayName`,
    );
    return r.value?.[0]?.id;
  };
  let id = await find();
  if (!id) {
    try {
      id = (await mbx.post<{ id: string }>(`${mbx.base}/mailFolders`, { displayName: s.processed_folder })).id;
    } catch (err) {
      // created meanwhile (another reading, a person): take that one
      if (!(err instanceof GraphError) || err.status !== 409) throw err;
      id = await find();
    }
  }
  if (!id) throw new Error('the handled folder could not be found or created');
  await repo.updateSettings(db, s.client_id, { processed_folder_id: id });
  return id;
}

async function handle(
  deps: IntakeDeps,
  s: repo.SettingsRow,
  mbx: MailboxGraph,
  m: GraphMessage,
  folderId: string,
  t: Tally,
) {
  const clientId = s.client_id;
  const refuse = (sender: string | null, reason: string) => {
    t.refused++;
    if (t.refusals.length < MAX_REFUSALS_LOGGED) t.refusals.push({ sender, reason });
  };
  const sender = senderOf(m);
  const status = sender ? await reporterStatus(deps.db, clientId, sender, s.mailbox ?? '') : null;
  if (!sender) refuse(null, 'the submission has no sender');
  else if (!status)
    refuse(sender, "the sender is not a recipient of this client nor of the reporting mailbox's domain");
  else {
    const original = await attachedOriginal(mbx, m.id);
    if ('refused' in original) refuse(sender, original.refused);
    else {
      const { created } = await deps.recorder.record({
        clientId,
        reporter: { address: sender, objectId: null },
        verified: status.verified,
        counted: status.verified,
        source: 'mailbox',
        graphMessageId: null,
        eml: original.eml,
        reportingOption: reportingOptionOf(m.subject),
        freeText: null,
      });
      if (created) t.ingested++;
      else t.duplicates++;
    }
  }
  // Handled either way (recorded, or refused and logged): out of the folder read.
  try {
    await mbx.post(`${mbx.base}/messages/${encodeURIComponent(m.id)}/move`, { destinationId: folderId });
  } catch (err) {
    // moved already (an earlier reading that crashed before saving its cursor, or a person)
    if (!(err instanceof GraphError) || err.status !== 404) throw err;
  }
}

/** Run the reading `runId` of the client (a queued or interrupted run) to its end. */
export async function runReading(deps: IntakeDeps, clientId: string, runId: string): Promise<void> {
  const { db } = deps;
  const t: Tally = { ingested: 0, duplicates: 0, refused: 0, refusals: [] };
  let restarted = false;
  const progress = () => ({ ...t, refusals: JSON.stringify(t.refusals), restarted: restarted ? 1 : 0 });
  await repo.updateRun(db, clientId, runId, { status: 'running', started_at: nowIso() });
  const s = await repo.findSettings(db, clientId);
  if (await repo.isArchived(db, clientId)) {
    // read-only until restored: the submissions wait in the mailbox, the schedule skips the client
    await repo.updateRun(db, clientId, runId, {
      status: 'failed',
      error: 'The client is archived, so its reporting mailbox is not read. Restore the client to read it again.',
      error_code: 'client_archived',
      finished_at: nowIso(),
    });
    return;
  }
  if (!s?.enabled || !s.azure_app_id || !s.mailbox) {
    await repo.updateRun(db, clientId, runId, {
      status: 'failed',
      error: 'The reporting mailbox is not enabled or not configured.',
      error_code: 'not_configured',
      finished_at: nowIso(),
    });
    return;
  }
  const start = `/users/${encodeURIComponent(s.mailbox)}/mailFolders/${encodeURIComponent(s.source_folder)}/messages/delta?$select=${SELECT}`;
  try {
    const mbx = await MailboxGraph.open(deps, clientId, s.azure_app_id, s.access_mode, s.mailbox);
    const folderId = await handledFolder(mbx, s, db);
    let url = s.delta_cursor ?? start;
    for (;;) {
      let page: Page;
      try {
        page = await mbx.get<Page>(url, PAGE_HEADERS);
      } catch (err) {
        if (!isResyncError(err) || restarted) throw err;
        restarted = true; // Graph lost our place: a full round, recorded without duplicates
        url = start;
        continue;
      }
      for (const m of page.value ?? []) if (!m['@removed']) await handle(deps, s, mbx, m, folderId, t);
      const next = page['@odata.nextLink'] ?? page['@odata.deltaLink'] ?? null;
      await repo.updateSettings(db, clientId, { delta_cursor: next });
      await repo.updateRun(db, clientId, runId, progress());
      if (!page['@odata.nextLink']) break;
      url = page['@odata.nextLink'];
    }
    await repo.updateRun(db, clientId, runId, { ...progress(), status: 'succeeded', finished_at: nowIso() });
  } catch (err) {
    const f = explain(err, { mailbox: s.mailbox, mode: s.access_mode, folder: s.source_folder });
    deps.logger?.warn({ err, clientId, runId, code: f.code }, 'reporting mailbox reading failed');
    await repo.updateRun(db, clientId, runId, {
      ...progress(),
      status: 'failed',
      error: f.message,
      error_code: f.code,
      finished_at: nowIso(),
    });
  }
}
