// The content library's shapes, as agreed in the training contract (content.ts owns them; these
// mirror them until content.ts is merged, then this file re-exports from it).
export interface CoursePage {
  title: string;
  html: string;
}
export interface QuizQuestion {
  id: string;
  text: string;
  multiple: boolean;
  choices: { id: string; text: string }[];
  correct: string[];
}
export interface BuiltinCourse {
  slug: string;
  language: 'en' | 'de';
  title: string;
  summary: string;
  minutes: number;
  pages: CoursePage[];
  quiz: { passMark: number; questions: QuizQuestion[] };
}
export interface ResolvedContent {
  ref: string;
  kind: 'builtin' | 'scorm';
  title: string;
  languages: string[];
  passMark: number | null;
  package?: { id: string; version: '1.2' | '2004'; launchHref: string; dir: string };
}
/** What the learner portal needs of the ContentLibrary. */
export interface LearnerContentSource {
  course(slug: string, language: string): BuiltinCourse | undefined;
  resolve(clientId: string, ref: string): Promise<ResolvedContent | undefined>;
}
