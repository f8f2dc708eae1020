import { describe, expect, it } from 'vitest';
import participants from '../../src/rules/participants.ts';
import { analysis, ctx, faces } from '../helpers/analysis.ts';

describe('rule participants (参与人数20人以上)', () => {
  const c = ctx(participants);
  it.each([
    [0, 'fail', 'tooFew'],
    [17, 'fail', 'tooFew'],
    [18, 'review', 'borderline'],
    [19, 'review', 'borderline'],
    [20, 'review', 'borderline'],
    [21, 'review', 'borderline'],
    [22, 'pass', 'enough'],
    [150, 'pass', 'enough'],
  ] as const)('%i faces → %s', (n, status, messageId) => {
    const r = participants.check(analysis({ faces: faces(n) }), c);
    expect(r.status).toBe(status);
    expect(r.messageId).toBe(messageId);
    expect(r.value).toBe(n);
    expect(r.evidence.faces).toHaveLength(n);
  });

  it('does not count faces below minFaceScore', () => {
    const r = participants.check(analysis({ faces: [...faces(15), ...faces(10, 0.3)] }), c);
    expect(r.value).toBe(15);
    expect(r.status).toBe('fail');
  });

  it('takes the minimum and the review band from the campaign', () => {
    const strict = ctx(participants, '雁江镇', '四', { min: 30, reviewBelow: 0, reviewAbove: 0 });
    expect(participants.check(analysis({ faces: faces(29) }), strict).status).toBe('fail');
    expect(participants.check(analysis({ faces: faces(30) }), strict).status).toBe('pass');
  });
});
