// API shapes of training campaigns and their results (TypeBox: the one source of each shape's type).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Name, Strict, Uuid } from '../../http/schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Hhmm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'local time HH:MM' });

export const Language = Type.Union([Type.Literal('en'), Type.Literal('de')]);
export const CampaignStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('scheduled'),
  Type.Literal('running'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
]);

export const ContentRef = Type.String({
  pattern: '^(builtin:[a-z0-9][a-z0-9-]{0,62}|package:[0-9a-fA-F-]{36})$',
  description: 'builtin:<slug> or package:<id>',
});

export const Audience = Strict({
  everyone: Type.Optional(Type.Boolean()),
  groupIds: Type.Optional(Type.Array(Uuid, { maxItems: 500, uniqueItems: true })),
  recipientIds: Type.Optional(Type.Array(Uuid, { maxItems: 10_000, uniqueItems: true })),
});
export type Audience = Static<typeof Audience>;

export const Window = Strict({
  days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
    minItems: 1,
    maxItems: 7,
    uniqueItems: true,
    description: 'ISO weekdays: 1 Monday … 7 Sunday',
  }),
  from: Hhmm,
  to: Hhmm,
  spreadDays: Type.Integer({ minimum: 1, maximum: 60, description: 'spread the invitations over this many open days' }),
});

export const Reminders = Strict({
  beforeDueDays: Type.Integer({ minimum: 0, maximum: 60, description: '0: no reminder before the due date' }),
  afterDueEveryDays: Type.Integer({ minimum: 0, maximum: 60, description: '0: none after the due date' }),
  maxAfterDue: Type.Integer({ minimum: 0, maximum: 20 }),
});
export type Reminders = Static<typeof Reminders>;

const Subject = Type.String({ minLength: 1, maxLength: 300, pattern: '^[^\\r\\n]*$' });
const Html = Type.String({ minLength: 1, maxLength: 100_000 });
export const MailTemplateSchema = Strict({ subject: Subject, html: Html });

export const CampaignInput = Strict({
  name: Name,
  contentRef: ContentRef,
  language: Language,
  profileId: Uuid,
  audience: Audience,
  autoEnrol: Type.Optional(Type.Boolean({ description: 'later members of the groups are enrolled too' })),
  invitation: Type.Optional(MailTemplateSchema),
  reminder: Type.Optional(MailTemplateSchema),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA, e.g. Europe/Berlin' }),
  recipientTimeZones: Type.Optional(
    Type.Boolean({
      description:
        "true: each learner's invitation is spread over the window, and their due date written, in the learner's own time zone where it is known, else in timeZone",
    }),
  ),
  startsAt: Type.Optional(Nullable(DateTime)),
  window: Type.Optional(Nullable(Window)),
  dueAt: DateTime,
  reminders: Type.Optional(Reminders),
  linkDaysAfterDue: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  passMark: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
});
export type CampaignInput = Static<typeof CampaignInput>;
export const CampaignPatch = Type.Partial(CampaignInput, { additionalProperties: false });
export type CampaignPatch = Static<typeof CampaignPatch>;

export const CampaignSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  status: CampaignStatus,
  contentRef: Type.String(),
  contentTitle: Type.String(),
  language: Language,
  profileId: Nullable(Type.String()),
  audience: Audience,
  autoEnrol: Type.Boolean(),
  invitation: MailTemplateSchema,
  reminder: MailTemplateSchema,
  timeZone: Type.String(),
  recipientTimeZones: Type.Boolean(),
  startsAt: Nullable(Type.String()),
  window: Nullable(Window),
  dueAt: Type.String(),
  reminders: Reminders,
  linkDaysAfterDue: Type.Integer(),
  passMark: Nullable(Type.Integer()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  launchedAt: Nullable(Type.String()),
  completedAt: Nullable(Type.String()),
  cancelledAt: Nullable(Type.String()),
});
export type CampaignView = Static<typeof CampaignSchema>;

export const CampaignListItem = Type.Object({
  id: Uuid,
  name: Type.String(),
  status: CampaignStatus,
  contentTitle: Type.String(),
  language: Language,
  startsAt: Nullable(Type.String()),
  dueAt: Type.String(),
  launchedAt: Nullable(Type.String()),
  enrolled: Type.Integer(),
  completed: Type.Integer(),
  /** completed / enrolled, 0..1; null before launch */
  completionRate: Nullable(Type.Number()),
});

export const EnrolmentStatus = Type.Union([
  Type.Literal('not_started'),
  Type.Literal('in_progress'),
  Type.Literal('completed'),
  Type.Literal('overdue'),
  Type.Literal('revoked'),
]);

export const EnrolmentQuery = Strict({
  status: Type.Optional(EnrolmentStatus),
  department: Type.Optional(Type.String({ maxLength: 200 })),
  groupId: Type.Optional(Uuid),
  search: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  cursor: Type.Optional(Uuid),
});
export type EnrolmentQuery = Static<typeof EnrolmentQuery>;

export const EnrolmentSchema = Type.Object({
  id: Uuid,
  recipient: Type.Object({
    id: Uuid,
    email: Type.String(),
    name: Nullable(Type.String()),
    department: Nullable(Type.String()),
  }),
  status: EnrolmentStatus,
  dueAt: Type.String(),
  inviteAt: Type.String(),
  /** the latest invitation's outbox status: queued, sending, sent, failed, expired, cancelled */
  invitation: Nullable(Type.String()),
  invitedAt: Nullable(Type.String()),
  /** soft signal: image proxies and privacy features fake or hide it */
  openedAt: Nullable(Type.String()),
  clickedAt: Nullable(Type.String()),
  startedAt: Nullable(Type.String()),
  progress: Type.Integer(),
  completedAt: Nullable(Type.String()),
  completedManually: Type.Boolean(),
  score: Nullable(Type.Integer()),
  passed: Nullable(Type.Boolean()),
  timeSpentSeconds: Type.Integer(),
  remindersSent: Type.Integer(),
  nextReminderAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
});
export type EnrolmentView = Static<typeof EnrolmentSchema>;

const Count = Type.Integer();
export const ResultsSchema = Type.Object({
  enrolled: Count,
  /** invited: the invitation was sent (accepted by the mail server); pending: still queued; failed: failed or expired */
  funnel: Type.Object({
    invited: Count,
    pending: Count,
    failed: Count,
    clicked: Count,
    started: Count,
    completed: Count,
  }),
  passed: Count,
  overdue: Count,
  revoked: Count,
  averageScore: Nullable(Type.Number()),
  /** completions per day in the campaign's time zone, and the running total */
  completionByDay: Type.Array(Type.Object({ day: Type.String(), completed: Count, cumulative: Count })),
  byDepartment: Type.Array(Type.Object({ department: Nullable(Type.String()), enrolled: Count, completed: Count })),
  byGroup: Type.Array(Type.Object({ groupId: Uuid, name: Type.String(), enrolled: Count, completed: Count })),
});
export type ResultsView = Static<typeof ResultsSchema>;

export const TemplatesSchema = Type.Object({ invitation: MailTemplateSchema, reminder: MailTemplateSchema });

export const ExtendInput = Strict({ dueAt: DateTime });
export const CompleteInput = Strict({ reason: Type.String({ minLength: 3, maxLength: 500, pattern: '\\S' }) });
