// An incident row as the incidents module would write it, for tests of what happens around
// incidents (feedback, webhooks) without going through its grouping.
import type { Db } from '../../src/db/connection.js';
import type { IncidentsTable } from '../../src/db/types.js';
import { newId, nowIso } from '../../src/lib/ids.js';

export async function insertIncident(db: Db, clientId: string, extra: Partial<IncidentsTable> = {}) {
  const now = nowIso();
  const row: IncidentsTable = {
    id: newId(),
    client_id: clientId,
    content_key: newId(),
    subject: 'Your mailbox is full',
    from_address: 'helpdesk@phish.example',
    from_name: 'Help Desk',
    from_domain: 'phish.example',
    search_text: 'your mailbox is full helpdesk@phish.example',
    status: 'new',
    verdict: null,
    assignee_id: null,
    report_count: 1,
    first_reported_at: now,
    last_reported_at: now,
    outbox_ref_type: null,
    outbox_ref_id: null,
    classified_at: null,
    resolved_at: null,
    created_at: now,
    updated_at: now,
    ...extra,
  };
  await db.insertInto('incidents').values(row).execute();
  return row;
}
