// The learner API. The token comes from the page's own address (/learn/<token>) and goes only
// into the path of same-origin requests: no cookie, no storage, no referrer (no-referrer policy).
import type { ScormCommit } from './scorm-message';

export type { ScormCommit };

export interface LearnerView {
  language: string;
  client: { name: string; logoUrl: string | null; colour: string | null };
  learner: { name: string };
  dueAt: string;
  content:
    | {
        kind: 'builtin';
        title: string;
        summary: string;
        minutes: number;
        pages: { title: string; html: string }[];
        quiz: {
          passMark: number;
          attemptsAllowed: number;
          questions: { id: string; text: string; multiple: boolean; choices: { id: string; text: string }[] }[];
        };
      }
    | {
        kind: 'scorm';
        title: string;
        version: string;
        launchUrl: string;
        resume: { location: string; suspendData: string } | null;
      };
  progress: {
    started: boolean;
    page: number;
    progress: number;
    attemptsUsed: number;
    completed: boolean;
    completedAt: string | null;
    score: number | null;
    passed: boolean | null;
    timeSpentSeconds: number;
  };
}

export interface QuizResult {
  score: number;
  passed: boolean;
  passMark: number;
  correct: Record<string, boolean>;
  attemptsUsed: number;
  attemptsLeft: number;
  completed: boolean;
}

export interface Certificate {
  learnerName: string;
  courseTitle: string;
  clientName: string;
  completedAt: string;
  score: number | null;
  language: string;
}

export class LearnerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(code);
  }
}

export const tokenFromPath = (path = window.location.pathname): string =>
  decodeURIComponent(path.replace(/^\/learn\//, '').split('/')[0] ?? '');

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api/v1/learn/${encodeURIComponent(tokenFromPath())}${path}`, {
    method,
    credentials: 'omit',
    cache: 'no-store',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new LearnerApiError(res.status, json?.error?.code ?? 'failed', json?.error?.details);
  return json as T;
}

export const learnerApi = {
  view: () => call<LearnerView>('GET', ''),
  start: () => call<void>('POST', '/start', {}),
  progress: (page: number, secondsSpent: number) =>
    call<{ page: number; progress: number }>('PUT', '/progress', { page, secondsSpent }),
  quiz: (answers: Record<string, string[]>, secondsSpent: number) =>
    call<QuizResult>('POST', '/quiz', { answers, secondsSpent }),
  scorm: (commit: ScormCommit) => call<{ completed: boolean }>('POST', '/scorm', commit),
  certificate: () => call<Certificate>('GET', '/certificate'),
};

/** Seconds since the last save, bounded as the API bounds them (a tab left open overnight is not time spent). */
export function stopwatch(): () => number {
  let last = Date.now();
  return () => {
    const now = Date.now();
    const s = Math.min(900, Math.max(0, Math.round((now - last) / 1000)));
    last = now;
    return s;
  };
}
