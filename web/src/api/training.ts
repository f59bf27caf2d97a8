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
