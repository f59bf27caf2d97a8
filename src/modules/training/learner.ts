// The learner portal's service: what a learner's link shows and records. Every write is scoped by
// the link's client and enrolment; none of them is reachable by a GET (a mail scanner's or a
// link preview's request must never count as the learner starting — GoPhish #973, #2115).
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import { NotReadyError } from '../../lib/errors.js';
import { nowIso } from '../../lib/ids.js';
import type { OutboxService } from '../mail-delivery/outbox.js';
import type { BuiltinCourse, LearnerContentSource, ResolvedContent } from './course-types.js';
import { type LearnerLink, LearnerLinkError, resolveLink, resolveLinkByHash } from './learner-link.js';
import { gradeQuiz, publicQuestions, QUIZ_ATTEMPTS, type QuizResult } from './quiz.js';

/** Where the learner is, kept in training_enrolments.state (JSON). */
export interface LearnerState {
  /** the page shown last (built-in course: pages.length is the quiz) */
  page: number;
  /** the furthest page reached: progress never goes back when the learner does */
  furthest: number;
  attempts: number;
  best: number | null;
  /** a SCORM package's own resume data */
  scorm?: { location: string; suspendData: string };
}

const EMPTY: LearnerState = { page: 0, furthest: 0, attempts: 0, best: null };

export function parseState(raw: string | null): LearnerState {
  if (!raw) return { ...EMPTY };
  try {
    const s = JSON.parse(raw) as Partial<LearnerState>;
    return {
      page: Number.isInteger(s.page) ? (s.page as number) : 0,
      furthest: Number.isInteger(s.furthest) ? (s.furthest as number) : 0,
      attempts: Number.isInteger(s.attempts) ? (s.attempts as number) : 0,
      best: typeof s.best === 'number' ? s.best : null,
      ...(s.scorm ? { scorm: s.scorm } : {}),
    };
  } catch {
    return { ...EMPTY };
  }
}

export interface ScormCommit {
  completion: 'completed' | 'incomplete' | 'not attempted' | 'unknown';
  success: 'passed' | 'failed' | 'unknown';
  score: number | null;
  secondsSpent: number;
  location: string;
  suspendData: string;
}

type Content = { kind: 'builtin'; course: BuiltinCourse } | { kind: 'scorm'; resolved: ResolvedContent };

export class LearnerService {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxService,
    private readonly library: LearnerContentSource,
  ) {}

  open(token: string): Promise<LearnerLink> {
    return resolveLink(this.db, this.outbox, token);
  }

  /** The link behind a SCORM content path (the token's hash), and its package. */
  async openPackage(hash: string) {
    const link = await resolveLinkByHash(this.db, this.outbox, hash);
    const content = await this.content(link);
    if (content.kind !== 'scorm' || !content.resolved.package) throw new LearnerLinkError({ kind: 'unavailable' });
    return { link, pkg: content.resolved.package };
  }

  /** The link page was fetched: by the learner, or by a scanner. Only the first time counts. */
  async recordClick(link: LearnerLink): Promise<void> {
    if (link.enrolment.clickedAt) return;
    await this.db
      .updateTable('training_enrolments')
      .set({ clicked_at: nowIso() })
      .where('client_id', '=', link.clientId)
      .where('id', '=', link.enrolment.id)
      .where('clicked_at', 'is', null)
      .execute();
  }

  /** The course page's script ran: the learner has started (a POST, never a GET). */
  async start(link: LearnerLink): Promise<void> {
    await this.touch(link, {});
  }

  async content(link: LearnerLink): Promise<Content> {
    const ref = link.campaign.contentRef;
    if (ref.startsWith('builtin:')) {
      const course = this.library.course(ref.slice('builtin:'.length), link.campaign.language);
      if (course) return { kind: 'builtin', course };
    } else {
      const resolved = await this.library.resolve(link.clientId, ref);
      if (resolved?.package) return { kind: 'scorm', resolved };
    }
    // The content went away (archived, deleted): the link cannot open anything.
    throw new LearnerLinkError({ kind: 'unavailable' });
  }

  /** Everything the learner's page shows: branding, the course (quiz without answers), where they are. */
  async view(link: LearnerLink) {
    const content = await this.content(link);
    const state = parseState(link.enrolment.state);
    const e = link.enrolment;
    return {
      language: link.campaign.language,
      client: { name: link.clientName, logoUrl: null, colour: null },
      learner: { name: link.learnerName },
      dueAt: e.dueAt,
      content:
        content.kind === 'builtin'
          ? {
              kind: 'builtin' as const,
              title: content.course.title,
              summary: content.course.summary,
              minutes: content.course.minutes,
              pages: content.course.pages.map((p) => ({ title: p.title, html: p.html })),
              quiz: {
                passMark: this.passMark(link, content.course),
                attemptsAllowed: QUIZ_ATTEMPTS,
                questions: publicQuestions(content.course.quiz.questions),
              },
            }
          : {
              kind: 'scorm' as const,
              title: content.resolved.title,
              version: content.resolved.package?.version ?? '1.2',
              launchUrl: `/learn-content/${link.tokenHash}/${content.resolved.package?.launchHref ?? ''}`,
              resume: state.scorm ?? null,
            },
      progress: {
        started: e.startedAt !== null,
        page: state.page,
        progress: e.progress,
        attemptsUsed: state.attempts,
        completed: e.completedAt !== null,
        completedAt: e.completedAt,
        score: e.score,
        passed: e.passed === null ? null : e.passed === 1,
        timeSpentSeconds: e.timeSpentSeconds,
      },
    };
  }

  /** Where the learner is in a built-in course, and the time spent since the last save. */
  async saveProgress(link: LearnerLink, page: number, secondsSpent: number) {
    const content = await this.content(link);
    const state = parseState(link.enrolment.state);
    const steps = content.kind === 'builtin' ? content.course.pages.length + 1 : 1;
    const at = Math.min(page, steps - 1);
    const next: LearnerState = { ...state, page: at, furthest: Math.max(state.furthest, at) };
    const progress =
      link.enrolment.completedAt !== null ? 100 : Math.min(99, Math.round((100 * (next.furthest + 1)) / steps));
    await this.touch(
      link,
      { state: JSON.stringify(next), progress: Math.max(progress, link.enrolment.progress) },
      secondsSpent,
    );
    return { page: next.page, progress: Math.max(progress, link.enrolment.progress) };
  }

  /** Grades the quiz here; a pass (or the last attempt) completes the enrolment. */
  async submitQuiz(link: LearnerLink, answers: Record<string, string[]>, secondsSpent: number) {
    const content = await this.content(link);
    if (content.kind !== 'builtin') throw new NotReadyError('no_quiz', 'This course has no quiz of Baitwise’s own.');
    if (link.enrolment.completedAt !== null)
      throw new NotReadyError('training_completed', 'This training is already complete.');
    const state = parseState(link.enrolment.state);
    if (state.attempts >= QUIZ_ATTEMPTS)
      throw new NotReadyError('no_attempts_left', 'Every attempt at this quiz has been used.');
    const passMark = this.passMark(link, content.course);
    const result: QuizResult = gradeQuiz(content.course.quiz.questions, answers, passMark);
    const attempts = state.attempts + 1;
    const best = Math.max(state.best ?? 0, result.score);
    const next: LearnerState = { ...state, attempts, best, page: content.course.pages.length };
    const finished = result.passed || attempts >= QUIZ_ATTEMPTS;
    const now = nowIso();
    await this.touch(
      link,
      finished
        ? {
            state: JSON.stringify(next),
            completed_at: now,
            score: result.passed ? result.score : best,
            passed: result.passed ? 1 : 0,
            progress: 100,
            next_reminder_at: null,
          }
        : { state: JSON.stringify(next), score: best },
      secondsSpent,
      finished,
    );
    return {
      score: result.score,
      passed: result.passed,
      passMark,
      correct: result.correct,
      attemptsUsed: attempts,
      attemptsLeft: QUIZ_ATTEMPTS - attempts,
      completed: finished,
    };
  }

  /** A SCORM package's commit, relayed and checked by the learner page. */
  async scormCommit(link: LearnerLink, c: ScormCommit) {
    const content = await this.content(link);
    if (content.kind !== 'scorm') throw new NotReadyError('no_package', 'This course is not a SCORM package.');
    const state = parseState(link.enrolment.state);
    const next: LearnerState = { ...state, scorm: { location: c.location, suspendData: c.suspendData } };
    const done = c.completion === 'completed' || c.success === 'passed' || c.success === 'failed';
    const passed = c.success === 'passed' ? 1 : c.success === 'failed' ? 0 : null;
    const score = c.score === null ? null : Math.round(c.score);
    if (link.enrolment.completedAt !== null || !done) {
      await this.touch(link, { state: JSON.stringify(next), ...(score !== null ? { score } : {}) }, c.secondsSpent);
      return { completed: link.enrolment.completedAt !== null };
    }
    await this.touch(
      link,
      { state: JSON.stringify(next), completed_at: nowIso(), score, passed, progress: 100, next_reminder_at: null },
      c.secondsSpent,
      true,
    );
    return { completed: true };
  }

  /** The resume data a SCORM package saved last time (injected into its run-time). */
  async scormResume(link: LearnerLink) {
    return parseState(link.enrolment.state).scorm ?? null;
  }

  /** What the certificate shows; only for a completed, passed training. */
  async certificate(link: LearnerLink) {
    const e = link.enrolment;
    if (e.completedAt === null || e.passed === 0)
      throw new NotReadyError('no_certificate', 'The certificate is available once the training is passed.');
    return {
      learnerName: link.learnerName,
      courseTitle: link.campaign.contentTitle,
      clientName: link.clientName,
      completedAt: e.completedAt,
      score: e.score,
      language: link.campaign.language,
    };
  }

  private passMark(link: LearnerLink, course: BuiltinCourse): number {
    return link.campaign.passMark ?? course.quiz.passMark;
  }

  /**
   * One update per learner request: started (first time), last seen, time spent (bounded by the
   * route's schema), and what changed. A completion only lands on an enrolment not yet completed,
   * so two tabs cannot complete it twice with different scores.
   */
  private async touch(
    link: LearnerLink,
    patch: Record<string, unknown>,
    secondsSpent = 0,
    completing = false,
  ): Promise<void> {
    const now = nowIso();
    let q = this.db
      .updateTable('training_enrolments')
      .set({
        ...patch,
        started_at: sql`coalesce(started_at, ${now})`,
        last_seen_at: now,
        time_spent_seconds: sql`time_spent_seconds + ${secondsSpent}`,
        updated_at: now,
      })
      .where('client_id', '=', link.clientId)
      .where('id', '=', link.enrolment.id);
    if (completing) q = q.where('completed_at', 'is', null);
    const r = await q.executeTakeFirst();
    if (completing && Number(r.numUpdatedRows) === 0)
      throw new NotReadyError('training_completed', 'This training is already complete.');
  }
}
