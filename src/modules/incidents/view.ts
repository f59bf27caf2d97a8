// API shapes of the incidents inbox (TypeBox: the one source of each shape's type). The contract is
// docs/architecture.md's "Incidents" section; the console builds on these.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Strict, Uuid } from '../../http/schemas.js';
import { MessageAnalysis } from './analysis.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

export const IncidentStatus = Type.Union([Type.Literal('new'), Type.Literal('in_review'), Type.Literal('resolved')]);
export type IncidentStatus = Static<typeof IncidentStatus>;
export const Verdict = Type.Union([
  Type.Literal('phishing'),
  Type.Literal('spam'),
  Type.Literal('clean'),
  Type.Literal('simulation'),
]);
export type Verdict = Static<typeof Verdict>;
export const SortKey = Type.Union([
  Type.Literal('last_reported_at'),
  Type.Literal('first_reported_at'),
  Type.Literal('report_count'),
]);
export type SortKey = Static<typeof SortKey>;

const Csv = (pattern: string, description: string) =>
  Type.String({ pattern: `^(${pattern})(,(${pattern}))*$`, maxLength: 200, description });

/** The inbox's query (a client's, or every client's for a system administrator with `clientId`). */
export const IncidentQueryFields = {
  status: Type.Optional(
    Type.Union([Csv('new|in_review|resolved', 'one status or a comma list'), Type.Array(IncidentStatus)]),
  ),
  verdict: Type.Optional(
    Type.Union([
      Csv('phishing|spam|clean|simulation|none', 'one verdict or a comma list; none = not classified'),
      Type.Array(Type.Union([Verdict, Type.Literal('none')])),
    ]),
  ),
  reportedFrom: Type.Optional({ ...DateTime, description: 'incidents with a report at or after this time' }),
  reportedTo: Type.Optional({ ...DateTime, description: 'incidents with a report at or before this time' }),
  reporter: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  senderDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'text in the subject or the sender' })),
  sort: Type.Optional(SortKey),
  order: Type.Optional(Type.Union([Type.Literal('desc'), Type.Literal('asc')])),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 1000, pattern: '^[A-Za-z0-9_-]+$' })),
};
export const IncidentQuery = Strict(IncidentQueryFields);
export type IncidentQuery = Static<typeof IncidentQuery>;
export const AllIncidentsQuery = Strict({ ...IncidentQueryFields, clientId: Type.Optional(Uuid) });
export type AllIncidentsQuery = Static<typeof AllIncidentsQuery>;

export const CampaignRef = Nullable(Type.Object({ refType: Type.String(), refId: Type.String() }));

export const IncidentSummary = Type.Object({
  id: Uuid,
  clientId: Uuid,
  clientName: Type.String(),
  subject: Nullable(Type.String()),
  fromAddress: Nullable(Type.String()),
  fromName: Nullable(Type.String()),
  fromDomain: Nullable(Type.String()),
  status: IncidentStatus,
  verdict: Nullable(Verdict),
  assigneeId: Nullable(Uuid),
  assigneeName: Nullable(Type.String()),
  reportCount: Type.Integer(),
  firstReportedAt: Type.String(),
  lastReportedAt: Type.String(),
  campaign: CampaignRef,
});
export type IncidentSummary = Static<typeof IncidentSummary>;

export const IncidentPage = Type.Object({ items: Type.Array(IncidentSummary), nextCursor: Nullable(Type.String()) });

/** What the detail shows of a report's analysis: the summary (analysis.ts) and whether the raw message is still kept. */
export const MessageView = Type.Composite([
  Type.Omit(MessageAnalysis, ['version', 'contentKey']),
  Type.Object({ rawAvailable: Type.Boolean() }),
]);

export const ReportView = Type.Object({
  id: Uuid,
  reporterAddress: Type.String(),
  verified: Type.Boolean(),
  source: Type.String(),
  reportedAt: Type.String(),
  reportingOption: Nullable(Type.String()),
  freeText: Nullable(Type.String()),
  counted: Type.Boolean(),
});

export const EventType = Type.Union([
  Type.Literal('reported'),
  Type.Literal('viewed'),
  Type.Literal('classified'),
  Type.Literal('assigned'),
  Type.Literal('noted'),
  Type.Literal('resolved'),
  Type.Literal('reopened'),
  Type.Literal('replied'),
]);
export const TimelineEvent = Type.Object({
  id: Uuid,
  type: EventType,
  actorName: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
  at: Type.String(),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

export const IncidentDetail = Type.Composite([
  IncidentSummary,
  Type.Object({
    message: Nullable(MessageView),
    reports: Type.Array(ReportView),
    timeline: Type.Array(TimelineEvent),
  }),
]);
export type IncidentDetail = Static<typeof IncidentDetail>;

export const IncidentPatch = Strict({
  status: Type.Optional(IncidentStatus),
  verdict: Type.Optional(Verdict),
  assigneeId: Type.Optional(Nullable(Uuid)),
  reply: Type.Optional(Type.Boolean({ description: 'with a verdict: reply to every reporter with its template' })),
});
export type IncidentPatch = Static<typeof IncidentPatch>;

export const NoteInput = Strict({ text: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' }) });

export const BulkAction = Type.Union([
  Type.Literal('classify'),
  Type.Literal('assign'),
  Type.Literal('resolve'),
  Type.Literal('reopen'),
]);
export const BulkInput = Strict({
  ids: Type.Array(Uuid, { minItems: 1, maxItems: 500, uniqueItems: true }),
  action: BulkAction,
  verdict: Type.Optional(Verdict),
  assigneeId: Type.Optional(Nullable(Uuid)),
  reply: Type.Optional(Type.Boolean()),
});
export type BulkInput = Static<typeof BulkInput>;

export const BodyQuery = Strict({
  view: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('text')])),
  remote: Type.Optional(Type.Union([Type.Literal('0'), Type.Literal('1')])),
});

export const IncidentSettings = Strict({ retentionDays: Type.Integer({ minimum: 1, maximum: 3650 }) });
export type IncidentSettings = Static<typeof IncidentSettings>;
