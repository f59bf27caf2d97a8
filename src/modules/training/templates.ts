// The invitation and reminder a campaign starts with, in English and German. They are Liquid
// templates rendered per message by the outbox (mail-delivery/render.ts) with these variables:
//   recipient.name, recipient.email   — the learner
//   course.title                       — the content's title at launch
//   dueDate                            — the learner's due date, written in the campaign's language and time zone
//   link                               — the learner's personal link
// `{{ link }}` is replaced when the messages are enqueued by `<public URL>/learn/{{ message.token }}`:
// the token belongs to the message, so the link can only be written at render time.

export type Language = 'en' | 'de';

export interface MailTemplate {
  subject: string;
  html: string;
}

const LINK = /\{\{\s*link\s*\}\}/g;

export const hasLink = (html: string): boolean => new RegExp(LINK.source).test(html);

/** The template as the outbox renders it: the personal link written out. */
export const withLink = (source: string, publicUrl: string): string =>
  source.replace(LINK, `${publicUrl.replace(/\/+$/, '')}/learn/{{ message.token }}`);

const button = (label: string) =>
  `<p><a href="{{ link }}" style="display:inline-block;padding:10px 18px;background:#1c7ed6;color:#ffffff;text-decoration:none;border-radius:4px">${label}</a></p>`;

export const DEFAULT_TEMPLATES: Record<Language, { invitation: MailTemplate; reminder: MailTemplate }> = {
  en: {
    invitation: {
      subject: 'Your security awareness training: {{ course.title }}',
      html: [
        '<p>Hello {{ recipient.name | default: "there" }},</p>',
        '<p>you have been enrolled in the short training <strong>{{ course.title }}</strong>. Please complete it by <strong>{{ dueDate }}</strong>.</p>',
        button('Start the training'),
        '<p>The link is personal: please do not forward it. No password is needed.</p>',
      ].join('\n'),
    },
    reminder: {
      subject: 'Reminder: {{ course.title }} is due {{ dueDate }}',
      html: [
        '<p>Hello {{ recipient.name | default: "there" }},</p>',
        '<p>this is a reminder to complete the training <strong>{{ course.title }}</strong>, due <strong>{{ dueDate }}</strong>. Your progress is saved: you continue where you left off.</p>',
        button('Continue the training'),
      ].join('\n'),
    },
  },
  de: {
    invitation: {
      subject: 'Ihre Security-Awareness-Schulung: {{ course.title }}',
      html: [
        '<p>Guten Tag {{ recipient.name | default: "" }},</p>',
        '<p>Sie wurden für die kurze Schulung <strong>{{ course.title }}</strong> angemeldet. Bitte schließen Sie sie bis <strong>{{ dueDate }}</strong> ab.</p>',
        button('Schulung starten'),
        '<p>Der Link ist persönlich: Bitte leiten Sie ihn nicht weiter. Ein Passwort ist nicht nötig.</p>',
      ].join('\n'),
    },
    reminder: {
      subject: 'Erinnerung: {{ course.title }} ist fällig am {{ dueDate }}',
      html: [
        '<p>Guten Tag {{ recipient.name | default: "" }},</p>',
        '<p>wir erinnern Sie an die Schulung <strong>{{ course.title }}</strong>, fällig am <strong>{{ dueDate }}</strong>. Ihr Fortschritt ist gespeichert: Sie machen dort weiter, wo Sie aufgehört haben.</p>',
        button('Schulung fortsetzen'),
      ].join('\n'),
    },
  },
};

/** A date as the learner reads it: long form, in the campaign's language and time zone. */
export function formatDueDate(iso: string, language: Language, timeZone: string): string {
  const key = `${language}|${timeZone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone,
    });
    dateFormats.set(key, f);
  }
  return f.format(new Date(iso));
}
const dateFormats = new Map<string, Intl.DateTimeFormat>();
