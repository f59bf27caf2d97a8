// The campaign form's values and their translation to and from the API's shapes. Dates are edited
// as the browser's local date-time (an <input type="datetime-local">) and sent as ISO instants.
import type { Campaign, CampaignInput, MailTemplate, TrainingLanguage } from '../../api/training';

export interface CampaignFormValues {
  name: string;
  contentRef: string;
  language: TrainingLanguage;
  profileId: string;
  audienceKind: 'everyone' | 'groups';
  audience: { groupIds: string[] };
  autoEnrol: boolean;
  timeZone: string;
  recipientTimeZones: boolean;
  startsAt: string;
  useWindow: boolean;
  window: { days: string[]; from: string; to: string; spreadDays: number };
  dueAt: string;
  reminders: { beforeDueDays: number; afterDueEveryDays: number; maxAfterDue: number };
  linkDaysAfterDue: number;
  invitation: MailTemplate;
  reminder: MailTemplate;
}

const pad = (n: number) => String(n).padStart(2, '0');
/** An ISO instant as the value of a datetime-local input (the browser's time zone). */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
const fromLocalInput = (v: string): string | null => (v ? new Date(v).toISOString() : null);

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export function initialValues(c?: Campaign): CampaignFormValues {
  const due = new Date(Date.now() + 14 * 86_400_000);
  due.setHours(17, 0, 0, 0);
  return {
    name: c?.name ?? '',
    contentRef: c?.contentRef ?? '',
    language: c?.language ?? 'en',
    profileId: c?.profileId ?? '',
    audienceKind: c?.audience.everyone ? 'everyone' : 'groups',
    audience: { groupIds: c?.audience.groupIds ?? [] },
    autoEnrol: c?.autoEnrol ?? false,
    timeZone: c?.timeZone ?? browserTimeZone(),
    recipientTimeZones: c?.recipientTimeZones ?? false,
    startsAt: toLocalInput(c?.startsAt),
    useWindow: Boolean(c?.window),
    window: c?.window
      ? { ...c.window, days: c.window.days.map(String) }
      : { days: ['1', '2', '3', '4', '5'], from: '09:00', to: '17:00', spreadDays: 3 },
    dueAt: toLocalInput(c?.dueAt ?? due.toISOString()),
    reminders: c?.reminders ?? { beforeDueDays: 3, afterDueEveryDays: 7, maxAfterDue: 2 },
    linkDaysAfterDue: c?.linkDaysAfterDue ?? 30,
    invitation: c?.invitation ?? { subject: '', html: '' },
    reminder: c?.reminder ?? { subject: '', html: '' },
  };
}

export function toInput(v: CampaignFormValues): CampaignInput {
  return {
    name: v.name.trim(),
    contentRef: v.contentRef.trim(),
    language: v.language,
    profileId: v.profileId,
    audience: v.audienceKind === 'everyone' ? { everyone: true } : { groupIds: v.audience.groupIds },
    autoEnrol: v.audienceKind === 'groups' && v.autoEnrol,
    timeZone: v.timeZone,
    recipientTimeZones: v.recipientTimeZones,
    startsAt: fromLocalInput(v.startsAt),
    window: v.useWindow
      ? { ...v.window, days: v.window.days.map(Number).sort(), spreadDays: Number(v.window.spreadDays) }
      : null,
    dueAt: fromLocalInput(v.dueAt) ?? '',
    reminders: v.reminders,
    linkDaysAfterDue: Number(v.linkDaysAfterDue),
    invitation: v.invitation,
    reminder: v.reminder,
  };
}

/** What a scheduled or running campaign may still change. */
export const liveInput = (v: CampaignFormValues): Partial<CampaignInput> => {
  const all = toInput(v);
  return { dueAt: all.dueAt, reminders: all.reminders, linkDaysAfterDue: all.linkDaysAfterDue };
};
