import { describe, expect, it } from 'vitest';
import duplicate, { textDiffers } from '../../src/rules/duplicate.ts';
import type { DuplicateMatch } from '../../src/rules/types.ts';
import { analysis, ctx, line } from '../helpers/analysis.ts';

const self = analysis({ sha256: 'a'.repeat(64) }); // 3000 × 2000, banner 雁江镇关爱一老一小志愿服务活动 at 60 px, EXIF 2023-03-18 10:30:00
const BANNER = [{ text: '雁江镇关爱一老一小志愿服务活动', size: 0.03, score: 0.95 }];
// Checked as 临江镇's photo for activity 六 (its banner names 雁江镇: a copy); the look-alikes are 雁江镇's.
function match(o: Partial<DuplicateMatch> = {}): DuplicateMatch {
  return {
    sha256: 'b'.repeat(64),
    unit: '雁江镇',
    activity: '四',
    file: '雁江镇/四/photo.jpg',
    distance: 0,
    mirrored: false,
    relation: 'other-unit',
    capturedAt: null,
    height: 800,
    text: BANNER,
    ...o,
  };
}
const run = (duplicates: DuplicateMatch[] | undefined, a = self, unit = '临江镇', activity = '六') => duplicate.check(a, { ...ctx(duplicate, unit, activity), duplicates });

describe('rule duplicate (fail ≤ 8 bits, review ≤ 14)', () => {
  it.each([
    ['another unit, resized copy', { distance: 0 }, 'fail', 'copy'],
    ['another unit, at the fail distance', { distance: 8 }, 'fail', 'copy'],
    ['another unit, a crop (weak)', { distance: 12 }, 'review', 'similar'],
    ['another unit, at the review distance', { distance: 14 }, 'review', 'similar'],
    ['another unit, too far', { distance: 16 }, 'pass', 'unique'],
    ['this unit, another activity', { relation: 'other-activity', unit: '临江镇', activity: '二' }, 'fail', 'copy'],
    ['this activity earlier under a name no longer submitted', { relation: 'renamed', unit: '临江镇', activity: '六' }, 'fail', 'renamed'],
    ['this activity, another file now (counts once)', { relation: 'same-activity', unit: '临江镇', activity: '六' }, 'pass', 'sameActivity'],
    ['this activity, another file, only weakly alike', { relation: 'same-activity', distance: 12 }, 'pass', 'unique'],
    ['the same bytes even beyond the distances', { sha256: self.sha256, distance: 20 }, 'fail', 'copy'],
    ['same scene, another banner (a joint event)', { text: [{ text: '临江镇节水护水志愿服务活动', size: 0.03, score: 0.95 }] }, 'pass', 'sameScene'],
    ['same scene, a blank banner where ours is legible', { text: [] }, 'pass', 'sameScene'],
    ['a small copy where the banner is too small to read', { text: [], height: 300 }, 'fail', 'copy'],
    ['same scene, another banner, weak', { distance: 12, text: [{ text: '临江镇节水护水志愿服务活动', size: 0.03, score: 0.95 }] }, 'pass', 'unique'],
    ['another moment (capture times 1 min apart)', { capturedAt: '2023-03-18T10:31:00' }, 'pass', 'sameScene'],
    ['the same capture time', { capturedAt: '2023-03-18T10:30:00' }, 'fail', 'copy'],
    ['mirrored, the banner cannot be compared', { mirrored: true, text: [] }, 'review', 'similar'],
  ] as const)('%s → %s', (_, o, status, messageId) => {
    const r = run([match(o as Partial<DuplicateMatch>)]);
    expect([r.status, r.messageId]).toEqual([status, messageId]);
  });

  it('does not fail the original: the banner names this unit and not the other one', () => {
    const copyBy = (unit: string, text = BANNER) => match({ unit, activity: '六', file: `${unit}/x.jpg`, text });
    expect(run([copyBy('临江镇')], self, '雁江镇', '四')).toMatchObject({ status: 'pass', messageId: 'original' });
    expect(run([copyBy('临江镇', [])], analysis({ text: [] }), '雁江镇', '四')).toMatchObject({ status: 'fail', messageId: 'copy' }); // no banner: no owner
    const joint = '雁江镇临江镇联合志愿服务活动';
    const both = analysis({ text: [{ ...self.text[0]!, text: joint }] });
    expect(run([copyBy('临江镇', [{ ...BANNER[0]!, text: joint }])], both, '雁江镇', '四')).toMatchObject({ status: 'fail', messageId: 'copy' }); // names both
  });

  it('a mirrored copy of a photo without text fails', () => {
    const plain = analysis({ sha256: 'a'.repeat(64), text: [] });
    expect(run([match({ mirrored: true, text: [] })], plain)).toMatchObject({ status: 'fail', messageId: 'copy', value: 0 });
  });

  it('links every counted occurrence in its evidence, the worst first, and names the other unit', () => {
    const r = run([match({ distance: 12, file: 'a.jpg' }), match({ distance: 2, file: '雁江镇/四/b.jpg', submissionId: 7 }), match({ distance: 30, file: 'far.jpg' })]);
    expect(r.status).toBe('fail');
    expect(r.evidence.matches).toEqual([
      expect.objectContaining({ file: '雁江镇/四/b.jpg', unit: '雁江镇', activity: '四', submissionId: 7, distance: 2, mirrored: false, sha256: 'b'.repeat(64) }),
      expect.objectContaining({ file: 'a.jpg', distance: 12 }),
    ]);
    expect((r.data.where as { zh: string }).zh).toBe('雁江镇提交的 雁江镇/四/b.jpg');
    expect(duplicate.meta.fixes.copy!.zh).toContain('联合开展');
  });

  it('says when the photo was not compared, and passes', () => {
    expect(run(undefined)).toMatchObject({ status: 'pass', messageId: 'notChecked' });
    expect(run([])).toMatchObject({ status: 'pass', messageId: 'unique' });
  });

  it('takes its distances from the campaign and refuses review < fail', () => {
    const strict = { ...ctx(duplicate, '雁江镇', '四', { failDistance: 2, reviewDistance: 6 }), duplicates: [match({ distance: 4 })] };
    expect(duplicate.check(self, strict).status).toBe('review');
    expect(duplicate.meta.options.safeParse({ failDistance: 10, reviewDistance: 4 }).success).toBe(false);
  });
});

describe('textDiffers', () => {
  const shown = (texts: string[], height = 2000, size = 0.03) => ({ text: texts.map((text) => ({ text, size, score: 0.95 })), height });
  it('tells another banner, not an OCR slip or a cut line', () => {
    expect(textDiffers(shown(['雁江镇关爱一老一小志愿服务活动']), shown(['临江镇节水护水志愿服务活动']))).toBe(true);
    expect(textDiffers(shown(['雁江镇关爱一老一小志愿服务活动']), shown(['雁江镇关爱一老一小志愿服务活劫']))).toBe(false);
    expect(textDiffers(shown(['雁江镇关爱一老一小志愿服务活动']), shown(['关爱一老一小志愿服']))).toBe(false);
    expect(textDiffers(shown(['雁江镇关爱一老一小志愿服务活动']), shown([], 400))).toBe(false); // 0.03 × 400 = 12 px: too small to expect it read
    expect(textDiffers(shown(['雁江镇关爱一老一小志愿服务活动']), shown([], 1200))).toBe(true);
  });
  it('ignores text both sides lack and unsure readings', () => {
    expect(textDiffers(shown([]), shown([]))).toBe(false);
    expect(textDiffers({ text: [{ text: '雁江镇关爱一老一小', size: 0.03, score: 0.4 }], height: 2000 }, shown([]))).toBe(false);
  });
});

it('helper line() boxes are what the rule reads as text size', () => {
  expect(line('雁江镇', 60).box.height / self.height).toBe(0.03);
});
