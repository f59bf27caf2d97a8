// The learner page accepts only the SCORM bridge's message from the package frame (web/src/learn/scorm-message.ts).
import { describe, expect, it } from 'vitest';
import { parseScormMessage } from '../web/src/learn/scorm-message.js';

const good = {
  type: 'baitwise.scorm',
  completion: 'completed',
  success: 'passed',
  score: 80,
  location: 'p3',
  suspendData: 'x',
};

describe('the SCORM frame message', () => {
  it('accepts the bridge’s message and keeps only its fields', () => {
    expect(parseScormMessage({ ...good, token: 'stolen?' })).toEqual({
      completion: 'completed',
      success: 'passed',
      score: 80,
      location: 'p3',
      suspendData: 'x',
    });
    expect(parseScormMessage({ ...good, score: null })?.score).toBeNull();
  });

  it('ignores anything else: other types, unknown statuses, out-of-range scores, oversized data', () => {
    for (const bad of [
      null,
      'completed',
      { ...good, type: 'other' },
      { ...good, completion: 'done' },
      { ...good, success: 'yes' },
      { ...good, score: 101 },
      { ...good, score: -1 },
      { ...good, score: '80' },
      { ...good, location: 'x'.repeat(1001) },
      { ...good, suspendData: 'x'.repeat(64_001) },
    ])
      expect(parseScormMessage(bad)).toBeNull();
  });
});
