// Incidents for tests and the benchmark: an EML builder, a report recorded through ReportRecorder
// (as an intake would) then analysed by the job's own handler; and an incident row as the
// incidents module would write it, for tests of what happens around incidents (feedback, webhooks)
// without going through its grouping.
import type { Db } from '../../src/db/connection.js';
import type { IncidentsTable } from '../../src/db/types.js';
import { newId, nowIso } from '../../src/lib/ids.js';
import type { TestApp } from './app.js';

export interface EmlOptions {
  from?: string;
  subject?: string;
  messageId?: string;
  html?: string;
  text?: string;
  extraHeaders?: string[];
}

let seq = 0;

export function eml(o: EmlOptions = {}): Buffer {
  const id = o.messageId ?? `<m${++seq}.${Date.now()}@phish.example>`;
  const body = o.html ?? `<p>Your mailbox is full. <a href="https://evil.example/login?u=${seq}">Fix it</a></p>`;
  return Buffer.from(
    [
      ...(o.extraHeaders ?? []),
      `From: ${o.from ?? 'IT Helpdesk <helpdesk@phish.example>'}`,
      'To: someone@client.example',
      `Subject: ${o.subject ?? 'Mailbox full'}`,
      'Date: Tue, 3 Mar 2026 10:00:00 +0000',
      `Message-ID: ${id}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      o.text ?? 'Your mailbox is full. Fix it: https://evil.example/login',
      '--b1',
      'Content-Type: text/html; charset=utf-8',
      '',
      body,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

export async function recordReport(
  t: Pick<TestApp, 'app'>,
  clientId: string,
  reporter: string,
  message: Buffer,
): Promise<string> {
  const { row } = await t.app.services.incidents.recorder.record({
    clientId,
    reporter: { address: reporter.toLowerCase(), objectId: null },
    verified: false,
    counted: true,
    source: 'mailbox',
    graphMessageId: null,
    eml: message,
    reportingOption: 'Phishing',
    freeText: null,
  });
  return row.id;
}

/** Records and analyses (the incidents.analyse job's handler); returns the report's incident id. */
export async function report(t: TestApp, clientId: string, reporter: string, message: Buffer): Promise<string> {
  const id = await recordReport(t, clientId, reporter, message);
  await t.app.services.incidents.analyser.analyse(clientId, id);
  const row = await t.db.handle.db
    .selectFrom('reported_messages')
    .select('incident_id')
    .where('client_id', '=', clientId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (!row.incident_id) throw new Error('report not grouped');
  return row.incident_id;
}

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
