// Records a report: the one way a reported message enters Baitwise, whichever way it came (the
// Outlook add-in's intake, a reporting mailbox read through Graph). It reads the message's headers
// and per-message tokens, stores the message and writes its reported_messages row.
//
// The row is unique per (client, reporter, Message-ID): a second report of the same message by the
// same person — retried, double-clicked, concurrent, or read again from a mailbox — finds the first
// (or loses the unique key to it) and is that report (`created: false`), so callers act on a report
// (move, forward, answer) once.
//
// The message is stored compressed and encrypted with the client's storage key (eml-store.ts):
// plaintext never reaches the disk. The row and its analysis job (jobs.ts: the full parse and the
// grouping into an incident) are committed in one transaction, so every report is analysed once
// and a report that lost the race to an earlier one queues nothing.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { JobQueue } from '../../jobs/queue.js';
import type { ClientKeys } from '../../lib/client-keys.js';
import { newId, nowIso } from '../../lib/ids.js';
import { tokenHash } from '../mail-delivery/message-token.js';
import { parseEml } from './eml.js';
import { openEml, sealEml } from './eml-store.js';
import { IncidentsAnalyseJob } from './jobs.js';
import * as repo from './reports-repository.js';

/** Sealed files (eml-store.ts); a report stored before them has a plaintext `.eml` (legacy.ts). */
export const SEALED_SUFFIX = '.eml.bwr';

export type ReportSource = 'graph' | 'addin' | 'mailbox';

export interface NewReport {
  clientId: string;
  /** lower-cased mailbox address; objectId is the Entra object id when Microsoft vouched for it */
  reporter: { address: string; objectId: string | null };
  /** the reporter was authenticated (a Graph token Graph accepted, or a mailbox Microsoft delivered to) */
  verified: boolean;
  /** whether the report counts (verified, or the client counts unverified reports) */
  counted: boolean;
  source: ReportSource;
  /** the message's REST id in the reporter's mailbox, when known */
  graphMessageId: string | null;
  eml: Buffer;
  reportingOption: string | null;
  freeText: string | null;
}

export class ReportRecorder {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'dataDir'>,
    private readonly keys: ClientKeys,
    private readonly queue: JobQueue,
  ) {}

  async record(r: NewReport): Promise<{ row: repo.ReportRow; created: boolean }> {
    const { clientId } = r;
    const parsed = await parseEml(r.eml);
    const earlier = await repo.findByMessageId(this.db, clientId, r.reporter.address, parsed.internetMessageId);
    if (earlier) return { row: earlier, created: false };
    const outbox = await repo.outboxByTokenHash(this.db, clientId, parsed.tokens.map(tokenHash));

    const id = newId();
    const emlPath = await this.store(clientId, id, r.eml);
    const file = join(this.config.dataDir, emlPath);
    const now = nowIso();
    const row: repo.ReportRow = {
      id,
      client_id: clientId,
      reporter_address: r.reporter.address,
      reporter_object_id: r.reporter.objectId,
      verified: r.verified ? 1 : 0,
      source: r.source,
      graph_message_id: r.graphMessageId,
      internet_message_id: parsed.internetMessageId,
      subject: parsed.subject,
      from_address: parsed.fromAddress,
      from_name: parsed.fromName,
      received_at: parsed.date,
      size_bytes: r.eml.length,
      sha256: parsed.sha256,
      eml_path: emlPath,
      reporting_option: r.reportingOption?.trim() || null,
      free_text: r.freeText?.trim() || null,
      outbox_message_id: outbox?.id ?? null,
      outbox_purpose: outbox?.purpose ?? null,
      outbox_ref_type: outbox?.ref_type ?? null,
      outbox_ref_id: outbox?.ref_id ?? null,
      counted: r.counted ? 1 : 0,
      moved_to: null,
      forward_status: 'none',
      status: 'new',
      created_at: now,
      updated_at: now,
      incident_id: null,
      analysis: null,
      analysed_at: null,
      raw_deleted_at: null,
    };
    let inserted: boolean;
    try {
      inserted = await this.db.transaction().execute(async (trx) => {
        if (!(await repo.insertReport(trx, row))) return false;
        await this.queue.enqueue(trx, IncidentsAnalyseJob, { clientId, reportId: id });
        return true;
      });
    } catch (err) {
      // No row points at the stored file: nothing (retention included) would ever remove it.
      await rm(file, { force: true });
      throw err;
    }
    if (!inserted) {
      // A concurrent report of the same message by the same person won: it is the report.
      await rm(file, { force: true });
      const winner = await repo.findByMessageId(this.db, clientId, r.reporter.address, parsed.internetMessageId);
      if (!winner) throw new Error('a reported message vanished while being reported again');
      return { row: winner, created: false };
    }
    return { row, created: true };
  }

  /**
   * Seals a message and writes it (a .part renamed into place: a crash leaves no half file under
   * the real name); returns its path relative to the data directory.
   */
  async store(clientId: string, reportId: string, eml: Buffer): Promise<string> {
    const emlPath = join('reports', clientId, `${reportId}${SEALED_SUFFIX}`);
    const file = join(this.config.dataDir, emlPath);
    const sealed = await sealEml(await this.keys.key(clientId), clientId, reportId, eml);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(`${file}.part`, sealed, { mode: 0o600 });
    await rename(`${file}.part`, file);
    return emlPath;
  }

  /** The stored message of a report, as received (decrypted and decompressed). */
  async readEml(row: Pick<repo.ReportRow, 'id' | 'client_id' | 'eml_path'>): Promise<Buffer> {
    const file = await readFile(join(this.config.dataDir, row.eml_path));
    return openEml(await this.keys.key(row.client_id), row.client_id, row.id, file);
  }

  /** Where a report's stored message is (retention deletes it). */
  fileOf(row: Pick<repo.ReportRow, 'eml_path'>): string {
    return join(this.config.dataDir, row.eml_path);
  }
}
