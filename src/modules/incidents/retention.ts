// Retention of raw reported messages: each client keeps them retention_days (incident_settings;
// 90 without a row), then the file is deleted and raw_deleted_at set. The analysis (headers, URLs,
// hashes) and the incident stay. Safe on several workers at once: the row is marked only where it
// is still unmarked, and deleting a file already gone is no error.
import { rm } from 'node:fs/promises';
import type { Db } from '../../db/connection.js';
import { nowIso } from '../../lib/ids.js';
import type { ReportRecorder } from './recorder.js';

export const DEFAULT_RETENTION_DAYS = 90;
const BATCH = 500;

export class Retention {
  constructor(
    private readonly db: Db,
    private readonly recorder: ReportRecorder,
  ) {}

  /** Deletes every raw message past its client's retention; returns how many. */
  async run(now = new Date()): Promise<number> {
    const clients = await this.db
      .selectFrom('clients as c')
      .leftJoin('incident_settings as s', 's.client_id', 'c.id')
      .select(['c.id', 's.retention_days'])
      .execute();
    let deleted = 0;
    for (const c of clients) {
      const days = c.retention_days ?? DEFAULT_RETENTION_DAYS;
      const before = new Date(now.getTime() - days * 86_400_000).toISOString();
      for (;;) {
        const rows = await this.db
          .selectFrom('reported_messages')
          .select(['id', 'client_id', 'eml_path'])
          .where('client_id', '=', c.id)
          .where('raw_deleted_at', 'is', null)
          .where('created_at', '<', before)
          .limit(BATCH)
          .execute();
        for (const r of rows) {
          await rm(this.recorder.fileOf(r), { force: true });
          await this.db
            .updateTable('reported_messages')
            .set({ raw_deleted_at: nowIso() })
            .where('client_id', '=', r.client_id)
            .where('id', '=', r.id)
            .where('raw_deleted_at', 'is', null)
            .execute();
        }
        deleted += rows.length;
        if (rows.length < BATCH) break;
      }
    }
    return deleted;
  }
}
