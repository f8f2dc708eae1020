import { describe, expect, it } from 'vitest';
import sharpness from '../../src/rules/sharpness.ts';
import { analysis, ctx } from '../helpers/analysis.ts';

describe('rule sharpness (画面清晰)', () => {
  const c = ctx(sharpness);
  const s = (score: number, directionalRatio = 0.8) => ({ score, directionalRatio, scoredLongSide: 1024 });
  it.each([
    [300, 0.8, 'pass', 'sharp'],
    [100, 0.8, 'pass', 'sharp'],
    [99, 0.8, 'review', 'soft'],
    [30, 0.8, 'review', 'soft'],
    [29, 0.8, 'fail', 'blurred'],
    [300, 0.29, 'fail', 'motion'],
    [300, 0.3, 'pass', 'sharp'],
  ] as const)('score %d, directional ratio %d → %s', (score, ratio, status, messageId) => {
    const r = sharpness.check(analysis({ sharpness: s(score, ratio) }), c);
    expect([r.status, r.messageId]).toEqual([status, messageId]);
  });

  it('fails a photo too small to judge, whatever its score', () => {
    const r = sharpness.check(analysis({ width: 300, height: 200 }), c);
    expect([r.status, r.messageId, r.value]).toEqual(["fail", "tooSmall", 300]);
  });

  it('fails dark, overexposed and clipped photos', () => {
    const e = (meanLuma: number, darkFraction = 0, brightFraction = 0) => ({ exposure: { meanLuma, darkFraction, brightFraction } });
    expect(sharpness.check(analysis(e(20)), c).messageId).toBe('tooDark');
    expect(sharpness.check(analysis(e(240)), c).messageId).toBe('tooBright');
    expect(sharpness.check(analysis(e(120, 0.3, 0.3)), c).messageId).toBe('clipped');
    expect(sharpness.check(analysis(e(120, 0.1, 0.1)), c).status).toBe('pass');
  });
});
