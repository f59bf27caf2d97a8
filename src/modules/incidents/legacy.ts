// Reports stored before messages were sealed (plaintext `<id>.eml`, no analysis job): each is sealed
// in place of its plaintext file and analysed, by a schedule that finds none left once done. The row
// is switched to the sealed file (and the job enqueued) in one transaction before the plaintext is
// deleted, so a crash at any point leaves a readable report; the conditional update makes two
// workers doing the same row harmless.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config.js';
import type { Db } from '../../db/connection.js';
import type { JobQueue } from '../../jobs/queue.js';
import { IncidentsAnalyseJob } from './jobs.js';
import { type ReportRecorder, SEALED_SUFFIX } from './recorder.js';

const BATCH = 200;

export class LegacyReports {
  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, 'dataDir'>,
    private readonly recorder: ReportRecorder,
    private readonly queue: JobQueue,
  ) {}

  /** Seals (and queues the analysis of) up to a batch of legacy reports; returns how many. */
  async run(): Promise<number> {
    const rows = await this.db
      .selectFrom('reported_messages')
      .select(['id', 'client_id', 'eml_path', 'incident_id'])
      .where('raw_deleted_at', 'is', null)
      .where('eml_path', 'not like', `%${SEALED_SUFFIX}`)
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const plain = join(this.config.dataDir, r.eml_path);
      const sealedPath = await this.recorder.store(r.client_id, r.id, await readFile(plain));
      const sealed = await this.db.transaction().execute(async (trx) => {
        const moved = await trx
          .updateTable('reported_messages')
          .set({ eml_path: sealedPath })
          .where('client_id', '=', r.client_id)
          .where('id', '=', r.id)
          .where('eml_path', '=', r.eml_path)
          // retention may have deleted the raw message meanwhile: then the sealed copy must go too
          .where('raw_deleted_at', 'is', null)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 1 && !r.incident_id) {
          await this.queue.enqueue(trx, IncidentsAnalyseJob, { clientId: r.client_id, reportId: r.id });
        }
        return Number(moved.numUpdatedRows) === 1;
      });
      if (!sealed) {
        // Not switched: retention deleted it, or another sealer switched it first. Keep the copy
        // only if the row points at it (the other sealer wrote the same path).
        const now = await this.db
          .selectFrom('reported_messages')
          .select(['eml_path', 'raw_deleted_at'])
          .where('client_id', '=', r.client_id)
          .where('id', '=', r.id)
          .executeTakeFirst();
        if (!now || now.raw_deleted_at !== null || now.eml_path !== sealedPath)
          await rm(join(this.config.dataDir, sealedPath), { force: true });
      }
      await rm(plain, { force: true });
    }
    return rows.length;
  }
}
