// Shapes of the training content API (src/modules/training/content-view.ts and content-routes.ts).

export interface LibraryItem {
  /** builtin:<slug> or package:<id>: what a campaign names */
  ref: string;
  kind: 'builtin' | 'scorm';
  title: string;
  titles: Record<string, string>;
  summary: string | null;
  languages: string[];
  minutes: number | null;
  passMark: number | null;
  shared: boolean;
  scormVersion: '1.2' | '2004' | null;
}

export interface CoursePage {
  title: string;
  /** sanitized on the server from the course's Markdown */
  html: string;
}

export interface QuizQuestion {
  id: string;
  text: string;
  multiple: boolean;
  choices: { id: string; text: string }[];
  correct: string[];
  explanation?: string;
}

export interface BuiltinCourse {
  slug: string;
  language: string;
  title: string;
  summary: string;
  minutes: number;
  pages: CoursePage[];
  quiz: { passMark: number; questions: QuizQuestion[] };
}

export interface TrainingPackage {
  id: string;
  /** published to every client by a system administrator */
  shared: boolean;
  title: string;
  description: string | null;
  language: string | null;
  scormVersion: '1.2' | '2004';
  launchHref: string;
  fileCount: number;
  sizeBytes: number;
  uploadedBy: string | null;
  createdAt: string;
  archivedAt: string | null;
}

// Shapes of the training campaigns API (src/modules/training/view.ts and campaign-routes.ts).

export type CampaignStatus = 'draft' | 'scheduled' | 'running' | 'completed' | 'cancelled';
export type TrainingLanguage = 'en' | 'de';
export type EnrolmentStatus = 'not_started' | 'in_progress' | 'completed' | 'overdue' | 'revoked';

export interface Audience {
  everyone?: boolean;
  groupIds?: string[];
  recipientIds?: string[];
}

export interface SendWindow {
  /** ISO weekdays: 1 Monday … 7 Sunday */
  days: number[];
  from: string;
  to: string;
  spreadDays: number;
}

export interface Reminders {
  beforeDueDays: number;
  afterDueEveryDays: number;
  maxAfterDue: number;
}

export interface MailTemplate {
  subject: string;
  html: string;
}

export interface CampaignInput {
  name: string;
  contentRef: string;
  language: TrainingLanguage;
  profileId: string;
  audience: Audience;
  autoEnrol?: boolean;
  invitation?: MailTemplate;
  reminder?: MailTemplate;
  timeZone: string;
  /** each learner's own time zone where known (spread and due date), else timeZone */
  recipientTimeZones?: boolean;
  startsAt?: string | null;
  window?: SendWindow | null;
  dueAt: string;
  reminders?: Reminders;
  linkDaysAfterDue?: number;
}

export interface Campaign extends Required<Omit<CampaignInput, 'profileId'>> {
  id: string;
  status: CampaignStatus;
  contentTitle: string;
  profileId: string | null;
  createdAt: string;
  updatedAt: string;
  launchedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
}

export interface CampaignListItem {
  id: string;
  name: string;
  status: CampaignStatus;
  contentTitle: string;
  language: TrainingLanguage;
  startsAt: string | null;
  dueAt: string;
  launchedAt: string | null;
  enrolled: number;
  completed: number;
  /** 0..1; null before launch */
  completionRate: number | null;
}

export interface Enrolment {
  id: string;
  recipient: { id: string; email: string; name: string | null; department: string | null };
  status: EnrolmentStatus;
  dueAt: string;
  inviteAt: string;
  /** the latest invitation's outbox status */
  invitation: string | null;
  invitedAt: string | null;
  /** soft signal */
  openedAt: string | null;
  clickedAt: string | null;
  startedAt: string | null;
  progress: number;
  completedAt: string | null;
  completedManually: boolean;
  score: number | null;
  passed: boolean | null;
  timeSpentSeconds: number;
  remindersSent: number;
  nextReminderAt: string | null;
  revokedAt: string | null;
}

export interface CampaignResults {
  enrolled: number;
  funnel: { invited: number; pending: number; failed: number; clicked: number; started: number; completed: number };
  passed: number;
  overdue: number;
  revoked: number;
  averageScore: number | null;
  completionByDay: { day: string; completed: number; cumulative: number }[];
  byDepartment: { department: string | null; enrolled: number; completed: number }[];
  byGroup: { groupId: string; name: string; enrolled: number; completed: number }[];
}

export interface EnrolmentFilters {
  status?: EnrolmentStatus;
  department?: string;
  groupId?: string;
  search?: string;
}

/** One entry of the content library (the training-content part's GET …/training/library). */
export const campaignsPath = (clientId: string, campaignId?: string) =>
  `/clients/${encodeURIComponent(clientId)}/training/campaigns${campaignId ? `/${encodeURIComponent(campaignId)}` : ''}`;
