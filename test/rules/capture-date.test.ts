import { describe, expect, it } from 'vitest';
import captureDate from '../../src/rules/capture-date.ts';
import { analysis, ctx } from '../helpers/analysis.ts';

describe('rule capture-date (the campaign window, 2023-03-01 … 2023-03-31)', () => {
  const c = ctx(captureDate);
  it.each([
    ['2023-03-18T10:30:00', 'pass', 'inWindow', 0],
    ['2023-03-01T00:00:00', 'pass', 'inWindow', 0],
    ['2023-03-31T23:59:59', 'pass', 'inWindow', 0],
    ['2023-02-28T18:00:00', 'review', 'nearWindow', 1], // the evening before, or a clock a day off
    ['2023-04-03T09:00:00', 'review', 'nearWindow', 3],
    ['2023-04-04T09:00:00', 'fail', 'outsideWindow', 4],
    ['2023-01-15T09:00:00', 'fail', 'outsideWindow', 45], // an earlier event of the same year
    ['2022-03-18T10:30:00', 'fail', 'otherYear', 348], // last year's 学雷锋月
    ['2024-03-05T10:30:00', 'fail', 'otherYear', 340],
    ['2000-01-01T00:00:00', 'fail', 'otherYear', 8460], // a camera clock never set
  ] as const)('taken %s → %s', (capturedAt, status, messageId, days) => {
    const r = captureDate.check(analysis({ capturedAt }), c);
    expect([r.status, r.messageId, r.value]).toEqual([status, messageId, capturedAt]);
    expect(r.data).toMatchObject({ date: capturedAt.slice(0, 10), from: '2023-03-01', to: '2023-03-31', days });
    expect(r.evidence).toEqual({ capturedAt, daysOutside: days });
  });

  it('sends a photo without EXIF to a person, saying messaging apps strip it', () => {
    const r = captureDate.check(analysis({ capturedAt: null }), c);
    expect([r.status, r.messageId, r.value]).toEqual(['review', 'noExif', null]);
    expect(captureDate.meta.messages.noExif!.zh).toContain('微信');
  });

  it('takes the grace and the same-year policy from the campaign', () => {
    const lenient = ctx(captureDate, '雁江镇', '四', { graceDays: 0, outsideWindow: 'review' });
    expect(captureDate.check(analysis({ capturedAt: '2023-02-28T18:00:00' }), lenient)).toMatchObject({ status: 'review', messageId: 'outsideWindow' });
    expect(captureDate.check(analysis({ capturedAt: '2022-03-18T10:30:00' }), lenient)).toMatchObject({ status: 'fail', messageId: 'otherYear' });
  });

  it('follows the campaign window, not a fixed month', () => {
    const campaign = { ...c.campaign, window: { from: '2024-09-01', to: '2024-09-30' } };
    expect(captureDate.check(analysis({ capturedAt: '2024-09-10T08:00:00' }), { ...c, campaign }).status).toBe('pass');
    expect(captureDate.check(analysis({ capturedAt: '2023-03-18T10:30:00' }), { ...c, campaign }).messageId).toBe('otherYear');
  });
});
