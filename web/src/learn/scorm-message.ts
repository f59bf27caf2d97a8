// The one message a SCORM package's frame may send the learner page: what the run-time bridge
// (src/modules/training/scorm-runtime.ts) posts on a commit. Anything else is ignored; the API
// checks the same bounds again.
export interface ScormCommit {
  completion: 'completed' | 'incomplete' | 'not attempted' | 'unknown';
  success: 'passed' | 'failed' | 'unknown';
  score: number | null;
  secondsSpent: number;
  location: string;
  suspendData: string;
}

const COMPLETION = new Set(['completed', 'incomplete', 'not attempted', 'unknown']);
const SUCCESS = new Set(['passed', 'failed', 'unknown']);

/** The message checked field by field, or null. */
export function parseScormMessage(data: unknown): Omit<ScormCommit, 'secondsSpent'> | null {
  if (!data || typeof data !== 'object') return null;
  const d = data as Record<string, unknown>;
  if (d.type !== 'baitwise.scorm') return null;
  if (typeof d.completion !== 'string' || !COMPLETION.has(d.completion)) return null;
  if (typeof d.success !== 'string' || !SUCCESS.has(d.success)) return null;
  if (d.score !== null && (typeof d.score !== 'number' || !(d.score >= 0 && d.score <= 100))) return null;
  if (typeof d.location !== 'string' || d.location.length > 1000) return null;
  if (typeof d.suspendData !== 'string' || d.suspendData.length > 64_000) return null;
  return {
    completion: d.completion as ScormCommit['completion'],
    success: d.success as ScormCommit['success'],
    score: d.score as number | null,
    location: d.location,
    suspendData: d.suspendData,
  };
}
