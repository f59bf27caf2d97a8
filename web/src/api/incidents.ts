// Shapes of the incidents API (src/modules/incidents/view.ts): the inbox of reported messages,
// grouped into incidents, per client and across clients for system administrators.

export type IncidentStatus = 'new' | 'in_review' | 'resolved';
export type Verdict = 'phishing' | 'spam' | 'clean' | 'simulation';
/** `none`: not classified yet (the verdict filter's word for a null verdict) */
export type VerdictFilter = Verdict | 'none';
export type AuthResult = 'pass' | 'fail' | 'softfail' | 'neutral' | 'none' | 'temperror' | 'permerror' | null;
export type IncidentSort = 'last_reported_at' | 'first_reported_at' | 'report_count';
export type BulkAction = 'classify' | 'assign' | 'resolve' | 'reopen';

export interface IncidentSummary {
  id: string;
  clientId: string;
  clientName: string;
  subject: string | null;
  fromAddress: string | null;
  fromName: string | null;
  fromDomain: string | null;
  status: IncidentStatus;
  verdict: Verdict | null;
  assigneeId: string | null;
  assigneeName: string | null;
  reportCount: number;
  firstReportedAt: string;
  lastReportedAt: string;
  campaign: { refType: string; refId: string } | null;
}

export interface IncidentPage {
  items: IncidentSummary[];
  nextCursor: string | null;
}

export interface ReceivedHop {
  from: string | null;
  by: string | null;
  with: string | null;
  date: string | null;
}

export interface MessageUrl {
  text: string;
  href: string;
  defanged: string;
  domain: string | null;
}

export interface MessageAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
}

export interface Address {
  address: string | null;
  name: string | null;
}

export interface IncidentMessage {
  headers: { name: string; value: string }[];
  from: Address | null;
  to: Address[];
  cc: Address[];
  replyTo: Address | null;
  subject: string | null;
  date: string | null;
  messageId: string | null;
  receivedChain: ReceivedHop[];
  authentication: { spf: AuthResult; dkim: AuthResult; dmarc: AuthResult; raw: string | null };
  urls: MessageUrl[];
  attachments: MessageAttachment[];
  parseErrors: string[];
  rawAvailable: boolean;
}

export interface IncidentReport {
  id: string;
  reporterAddress: string;
  verified: boolean;
  source: string;
  reportedAt: string;
  reportingOption: string | null;
  freeText: string | null;
  counted: boolean;
}

export type TimelineType =
  | 'reported'
  | 'viewed'
  | 'classified'
  | 'assigned'
  | 'noted'
  | 'resolved'
  | 'reopened'
  | 'replied';

export interface TimelineEvent {
  id: string;
  type: TimelineType | string;
  actorName: string | null;
  /** what happened: the verdict, the note's text, the number of replies… (shape per type) */
  detail: Record<string, unknown> | null;
  at: string;
}

export interface IncidentDetail extends IncidentSummary {
  /** null until the first report has been analysed (a background job, seconds after the report) */
  message: IncidentMessage | null;
  reports: IncidentReport[];
  timeline: TimelineEvent[];
}

export interface IncidentChanges {
  status?: IncidentStatus;
  verdict?: Verdict;
  assigneeId?: string | null;
  reply?: boolean;
}

export interface BulkRequest {
  ids: string[];
  action: BulkAction;
  verdict?: Verdict;
  assigneeId?: string | null;
  reply?: boolean;
}

/** The inbox's query, as the API takes it (lists as comma lists). */
export interface IncidentQuery {
  status?: string;
  verdict?: string;
  reportedFrom?: string;
  reportedTo?: string;
  reporter?: string;
  senderDomain?: string;
  q?: string;
  sort?: IncidentSort;
  order?: 'asc' | 'desc';
  clientId?: string;
}

export interface IncidentSettings {
  retentionDays: number;
}

const enc = encodeURIComponent;
export const clientIncidentsPath = (clientId: string) => `/clients/${enc(clientId)}/incidents`;
export const incidentPath = (clientId: string, incidentId: string) =>
  `${clientIncidentsPath(clientId)}/${enc(incidentId)}`;
export const incidentSettingsPath = (clientId: string) => `/clients/${enc(clientId)}/incident-settings`;
/** the sanitised body, for an `<iframe sandbox src>` (same origin, so the session cookie goes along) */
export const incidentBodyUrl = (clientId: string, incidentId: string, view: 'html' | 'text', remote: boolean) =>
  `/api/v1${incidentPath(clientId, incidentId)}/body?view=${view}&remote=${remote ? 1 : 0}`;
export const reportEmlPath = (clientId: string, incidentId: string, reportId: string) =>
  `/api/v1${incidentPath(clientId, incidentId)}/reports/${enc(reportId)}/eml`;
