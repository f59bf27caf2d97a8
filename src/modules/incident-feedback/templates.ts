// The built-in reply per verdict (English, plain text) and the variables a template sees. A client
// changes any of them in its feedback settings; a verdict left unchanged follows these defaults,
// so an improved default reaches every client that never edited it.
import type { Verdict } from '../incidents/side-effects.js';

export const VERDICTS: readonly Verdict[] = ['phishing', 'spam', 'clean', 'simulation'];

export interface FeedbackTemplate {
  subject: string;
  body: string;
}
export type FeedbackTemplates = Record<Verdict, FeedbackTemplate>;

const greeting = 'Hello {{ reporter.name | default: "there" }},';
const reported = 'thank you for reporting the message "{{ report.subject }}" from {{ report.from }}.';
const signature = 'Your security team';

export const DEFAULT_TEMPLATES: FeedbackTemplates = {
  phishing: {
    subject: 'Thank you — the message you reported was phishing',
    body: `${greeting}\n\n${reported} Our security team checked it: it was a phishing attempt, and we have removed it.\n\nYour report helped protect your colleagues. Please keep reporting anything that looks suspicious.\n\n${signature}\n`,
  },
  spam: {
    subject: 'Thank you — the message you reported was spam',
    body: `${greeting}\n\n${reported} Our security team checked it: it was spam — unwanted, but not dangerous. You can delete it.\n\nThank you for being careful.\n\n${signature}\n`,
  },
  clean: {
    subject: 'Thank you — the message you reported is safe',
    body: `${greeting}\n\n${reported} Our security team checked it: it is safe, a legitimate message. You can use it as usual.\n\nWe would rather check one message too many than miss one: please keep reporting anything that looks suspicious.\n\n${signature}\n`,
  },
  simulation: {
    subject: 'Well spotted — the message you reported was a phishing simulation',
    body: `${greeting}\n\n${reported} It was a phishing simulation run by your security team, and reporting it was exactly the right thing to do.\n\nKeep it up: a real attack looks just like this.\n\n${signature}\n`,
  },
};

/** What a reply's templates can use, documented in the README and shown by the console. */
export interface FeedbackVariables {
  reporter: { address: string; name: string | null };
  report: { subject: string; from: string; fromName: string | null; reportedAt: string };
  verdict: Verdict;
  incident: { id: string };
}

/** Made-up values for the preview. */
export const SAMPLE_VARIABLES: FeedbackVariables = {
  reporter: { address: 'jane.doe@example.com', name: 'Jane Doe' },
  report: {
    subject: 'Your mailbox is almost full',
    from: 'it-support@examp1e-helpdesk.com',
    fromName: 'IT Support',
    reportedAt: '2026-03-02T09:15:00.000Z',
  },
  verdict: 'phishing',
  incident: { id: '00000000-0000-4000-8000-000000000000' },
};
