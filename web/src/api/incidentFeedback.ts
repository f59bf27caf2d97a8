// Shapes of the reporter feedback API (src/modules/incident-feedback/view.ts and routes.ts).

export type Verdict = 'phishing' | 'spam' | 'clean' | 'simulation';
export const VERDICTS: Verdict[] = ['phishing', 'spam', 'clean', 'simulation'];

export interface FeedbackTemplate {
  subject: string;
  body: string;
}
export type FeedbackTemplates = Record<Verdict, FeedbackTemplate>;

export interface FeedbackSettings {
  clientId: string;
  enabled: boolean;
  profileId: string | null;
  /** the templates in effect (the client's own where changed, else the defaults) */
  templates: FeedbackTemplates;
  customized: Verdict[];
  defaults: FeedbackTemplates;
  updatedAt: string | null;
}

export interface FeedbackInput {
  enabled: boolean;
  profileId: string | null;
  templates: FeedbackTemplates;
}

export interface FeedbackPreview {
  subject: string;
  text: string;
}
