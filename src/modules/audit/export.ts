// The audit log as a CSV file, for an auditor's spreadsheet or a SIEM import. Written with the
// training results' CSV writer: every cell a spreadsheet would run as a formula (a client named
// "=HYPERLINK(…)", an attempted sign-in address "=1+2@…", a user agent "@SUM(…)") is written as
// text. Read a page at a time as the download goes, so a log of millions never sits in memory.
import { Readable } from 'node:stream';
import type { Db } from '../../db/connection.js';
import type { Cell } from '../training/export.js';
import { csvChunks } from '../training/export.js';
import { type AuditQuery, listAudit } from './repository.js';

const PAGE = 500;

const HEADER = [
  'When (UTC)',
  'Actor',
  'Action',
  'Client',
  'Target type',
  'Target',
  'Target id',
  'Source address',
  'User agent',
  'Details',
];

export async function auditCsv(db: Db, q: AuditQuery): Promise<{ filename: string; body: Readable }> {
  // Client names as they are now (the Target column keeps the name each entry was written with).
  let clients = db.selectFrom('clients').select(['id', 'name']);
  if (q.visibleClientIds !== null) {
    if (q.visibleClientIds.length === 0) clients = clients.where((eb) => eb.val(false));
    else clients = clients.where('id', 'in', q.visibleClientIds);
  }
  const names = new Map((await clients.execute()).map((c) => [c.id, c.name]));
  const pages = async function* (): AsyncGenerator<Cell[][]> {
    let beforeSeq: number | undefined;
    for (;;) {
      const rows = await listAudit(db, { ...q, beforeSeq, limit: PAGE });
      yield rows.map((r) => [
        r.at,
        r.actor_email,
        r.action,
        r.client_id ? (names.get(r.client_id) ?? r.client_id) : null,
        r.target_type,
        r.target_name,
        r.target_id,
        r.ip,
        r.user_agent,
        r.details,
      ]);
      const last = rows.at(-1);
      if (rows.length < PAGE || !last) return;
      beforeSeq = Number(last.seq);
    }
  };
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return { filename: `baitwise-audit-${stamp}.csv`, body: Readable.from(csvChunks(HEADER, pages())) };
}
