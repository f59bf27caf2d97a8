// What the learner portal needs of the ContentLibrary (content.ts), so its tests and the service
// depend on two methods rather than the whole library.
import type { BuiltinCourse, ResolvedContent } from './content.js';

export type { BuiltinCourse, QuizQuestion, ResolvedContent } from './content.js';

export interface LearnerContentSource {
  course(slug: string, language: string): BuiltinCourse | undefined;
  resolve(clientId: string, ref: string): Promise<ResolvedContent | undefined>;
}
