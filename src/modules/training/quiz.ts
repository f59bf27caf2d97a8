// Quiz grading, on the server only: the browser gets the questions without their answers and
// learns, per question, only whether its choice was right.
import { ValidationError } from '../../lib/errors.js';
import type { QuizQuestion } from './course-types.js';

/** Attempts a learner has at a built-in course's quiz; the last failed one completes it, not passed. */
export const QUIZ_ATTEMPTS = 3;

export interface QuizResult {
  score: number;
  passed: boolean;
  /** question id → answered right */
  correct: Record<string, boolean>;
}

/** The questions as the browser sees them: no `correct`. */
export const publicQuestions = (questions: QuizQuestion[]) =>
  questions.map((q) => ({
    id: q.id,
    text: q.text,
    multiple: q.multiple,
    choices: q.choices.map((c) => ({ id: c.id, text: c.text })),
  }));

/**
 * A question is right when exactly its correct choices were chosen. Every question must be
 * answered with choices it has (one unless `multiple`); anything else is a 400 naming it.
 */
export function gradeQuiz(questions: QuizQuestion[], answers: Record<string, string[]>, passMark: number): QuizResult {
  const known = new Set(questions.map((q) => q.id));
  for (const id of Object.keys(answers))
    if (!known.has(id)) throw new ValidationError(`answers.${id}`, 'This question is not part of the quiz.');
  const correct: Record<string, boolean> = {};
  let right = 0;
  for (const q of questions) {
    const chosen = answers[q.id];
    if (!chosen || chosen.length === 0) throw new ValidationError(`answers.${q.id}`, 'Answer this question.');
    const choiceIds = new Set(q.choices.map((c) => c.id));
    if (chosen.some((c) => !choiceIds.has(c)) || new Set(chosen).size !== chosen.length)
      throw new ValidationError(`answers.${q.id}`, 'Choose among the answers offered, each once.');
    if (!q.multiple && chosen.length > 1)
      throw new ValidationError(`answers.${q.id}`, 'This question takes one answer.');
    const ok = chosen.length === q.correct.length && chosen.every((c) => q.correct.includes(c));
    correct[q.id] = ok;
    if (ok) right += 1;
  }
  const score = questions.length ? Math.round((100 * right) / questions.length) : 100;
  return { score, passed: score >= passMark, correct };
}
