// The eval's measures (character accuracy with uncertain characters, count error, decision buckets), the
// --config/--compare syntax, and scoring a synthetic Analysis with the campaign's rules. No models.
import { describe, expect, it } from 'vitest';
import { analyserDefaults } from '../src/analysis/analyse.ts';
import { evalConfigs, parseConfigSpec } from '../src/eval/config.ts';
import { labelLine, parsePhotoLabel, WILDCARD } from '../src/eval/labels.ts';
import { bucketRange, confusion, decide, expectedSharp, expectedUniform, inCountRange, relativeError, scoreText, tally } from '../src/eval/metrics.ts';
import { keywordsInText, scorePhoto, summarise } from '../src/eval/score.ts';
import { bestSubstringMatch, normalizeText } from '../src/text/match.ts';
import { analysis, campaign, faces, line, upperBodies } from './helpers/analysis.ts';

const W = WILDCARD;
const lines = (...raw: string[]) => raw.map((r) => labelLine('banner', r)!);
const read = (...texts: string[]) => texts.map((text) => ({ text }));

describe('character accuracy', () => {
  it('lets an uncertain character match anything, or be missing, at no cost', () => {
    expect(bestSubstringMatch(`${W}迁公益`, '宿迁公益')).toMatchObject({ edits: 0, matched: '宿迁公益' });
    expect(bestSubstringMatch(`${W}迁公益`, '京迁公益')).toMatchObject({ edits: 0, matched: '京迁公益' });
    expect(bestSubstringMatch(`${W}迁公益`, '迁公路').edits).toBe(1); // 宿 missing: free; 益→路: 1
    expect(bestSubstringMatch(`锦绣${W}${W}${W}实践站`, '锦绣新时代实践站').edits).toBe(0);
    expect(bestSubstringMatch(`锦绣${W}${W}${W}实践站`, '锦绣实践站').edits).toBe(0);
    expect(bestSubstringMatch(`锦绣${W}${W}${W}实践站`, '锦绣社区新时代实践站').edits).toBe(2); // 5 characters where 3 were expected
  });

  it('scores each label line as 1 − edits/length against the joined text and the best single line', () => {
    const s = scoreText(lines('[宿]迁公益', '浪漫七夕　幸福家庭'), read('京迁公路', '浪漫七夕', '幸福家庭'))!;
    // line 1: 3 certain chars, 1 edit; line 2: read as two lines — exact when joined, 4 edits in one line.
    expect(s.lines.map((l) => [l.length, l.joined.edits, l.perLine.edits])).toEqual([
      [3, 1, 1],
      [8, 0, 4],
    ]);
    expect(s.lines[0]!.joined.accuracy).toBeCloseTo(2 / 3);
    expect(s.joined).toBeCloseTo(1 - 1 / 11); // character-weighted over the photo's lines
    expect(s.perLine).toBeCloseTo(1 - 5 / 11);
    expect(s.exactLines).toBe(1);
  });

  it('normalises both sides (punctuation, width, case) and gives 0 for text not read at all', () => {
    const s = scoreText(lines('订餐电话:13482690', 'W　Yuyuan Rd.　E'), read('订餐电话：１３４８２６９０', 'w yuyuan rd e'))!;
    expect(s.joined).toBe(1);
    const none = scoreText(lines('加微信eee'), [])!;
    expect([none.joined, none.lines[0]!.joined.matched]).toEqual([0, '']);
    expect(scoreText([], read('x'))).toBeNull();
  });
});

describe('counts and decisions', () => {
  it('relative error is signed and undefined for a zero truth', () => {
    expect(relativeError(9, 12)).toBeCloseTo(-0.25);
    expect(relativeError(11, 7)).toBeCloseTo(4 / 7);
    expect(relativeError(3, 0)).toBeNull();
    expect([5, 6, 80, 81].map((n) => inCountRange(n))).toEqual([false, true, true, false]);
  });

  it('buckets a label range against the minimum', () => {
    expect(bucketRange([20, 22], 20)).toBe('positive');
    expect(bucketRange([6, 19], 20)).toBe('negative');
    expect(bucketRange([15, 22], 20)).toBe('ambiguous');
    expect(bucketRange([19, 20], 20)).toBe('ambiguous');
  });

  it('counts review apart and never scores ambiguous labels', () => {
    expect(decide('positive', 'pass')).toBe('right');
    expect(decide('negative', 'pass')).toBe('wrong');
    expect(decide('positive', 'fail')).toBe('wrong');
    expect(decide('negative', 'review')).toBe('review');
    expect(decide('ambiguous', 'pass')).toBe('ambiguous');
    expect(['sharp', 'blurred', 'partial', 'soft'].map((l) => expectedSharp(l as 'sharp'))).toEqual(['positive', 'negative', 'ambiguous', 'ambiguous']);
    const t = tally([
      { expected: 'positive', outcome: 'right' },
      { expected: 'negative', outcome: 'right' },
      { expected: 'negative', outcome: 'wrong' },
      { expected: 'positive', outcome: 'review' },
      { expected: 'ambiguous', outcome: 'ambiguous' },
    ]);
    expect(t).toMatchObject({ right: 2, wrong: 1, review: 1, ambiguous: 1, truePositive: 1, trueNegative: 1, falsePositive: 1, falseNegative: 0 });
    expect(t.accuracy).toBeCloseTo(2 / 3);
  });
});

describe('uniform decisions against red-vest labels', () => {
  it('expects yes to pass and no to fail; partial is its own class, never right or wrong', () => {
    expect(['yes', 'partial', 'no'].map((l) => expectedUniform(l as 'yes'))).toEqual(['positive', 'ambiguous', 'negative']);
    expect(decide(expectedUniform('partial'), 'pass')).toBe('ambiguous');
    expect(decide(expectedUniform('no'), 'review')).toBe('review');
  });
  it('counts label × status in a confusion table', () => {
    const c = confusion([
      { label: 'yes', status: 'pass' },
      { label: 'yes', status: 'pass' },
      { label: 'yes', status: 'fail' },
      { label: 'partial', status: 'review' },
      { label: 'no', status: 'pass' },
    ]);
    expect(c).toEqual({ yes: { pass: 2, review: 0, fail: 1 }, partial: { pass: 0, review: 1, fail: 0 }, no: { pass: 1, review: 0, fail: 0 } });
  });
});

describe('configurations (--config, --compare)', () => {
  it('parses key=value lists with aliases', () => {
    expect(parseConfigSpec('faces=ssd-onnx, text=tesseract')).toEqual({ faces: 'ssd-onnx', text: 'tesseract' });
    expect(parseConfigSpec('ocr=ppocr,working=1440,sharpness=800')).toEqual({ text: 'ppocr', workingLongSide: 1440, sharpnessLongSide: 800 });
  });

  it('rejects unknown keys, engines and sizes as usage errors', () => {
    expect(() => parseConfigSpec('speed=fast')).toThrow(/key=value/);
    expect(() => parseConfigSpec('faces=yolo')).toThrow(/ssd-onnx-tiled/);
    expect(() => parseConfigSpec('text=easyocr')).toThrow(/tesseract/);
    expect(() => parseConfigSpec('working=10')).toThrow(/must be an integer from 64 to 16384 \(got 10\)/);
  });

  it('runs the base, then the base with each --compare change', () => {
    const c = evalConfigs(undefined, ['text=tesseract', 'faces=ssd-onnx']);
    expect(c.map((x) => x.name)).toEqual(['default', 'text=tesseract', 'faces=ssd-onnx']);
    expect(c[0]!.options).toEqual(analyserDefaults);
    expect(c[1]!.options).toMatchObject({ faces: 'ssd-onnx-tiled', text: 'tesseract' });
    expect(c[2]!.options).toMatchObject({ faces: 'ssd-onnx', text: 'ppocr' });
    expect(c[2]!.version).toMatch(/^a\d+:ssd-onnx:ppocr:1920:1024$/); // the pipeline version, then the options
    const based = evalConfigs('faces=ssd-onnx', ['text=tesseract']);
    expect(based.map((x) => [x.name, x.options.faces, x.options.text])).toEqual([
      ['faces=ssd-onnx', 'ssd-onnx', 'ppocr'],
      ['text=tesseract', 'ssd-onnx', 'tesseract'],
    ]);
    expect(() => evalConfigs(undefined, ['text=ppocr'])).toThrow(/same/);
  });
});

describe('scoring a photo with the campaign rules', () => {
  const label = (entry: Record<string, unknown>) => parsePhotoLabel({ file: 'D_x.jpg', category: 'D', ...entry });

  it('scores participants, count error, sharpness, text and keywords of one photo', () => {
    const l = label({
      labels: { faces_counted: 24, faces_range: [22, 25], banner: { present: true, text: "'雁江镇关爱一老一小[志]愿服务活动'" } },
      expected_rule_inputs: { sharp: 'yes' },
    });
    const p = scorePhoto(l, analysis({ faces: faces(21), text: [line('雁江镇关爱一老一小忐愿服务活动')] }), campaign);
    expect(p.participants).toEqual({ range: [22, 25], expected: 'positive', count: 21, status: 'review', outcome: 'review' });
    expect(p.faces).toMatchObject({ truth: 24, detected: 21, inRange: true });
    expect(p.faces!.relativeError).toBeCloseTo(-3 / 24);
    expect(p.sharpness).toMatchObject({ label: 'sharp', status: 'pass', outcome: 'right', score: 300, ratio: 0.8 });
    expect(p.text!.joined).toBe(1); // 志 is uncertain: 忐 costs nothing
    expect(p.keywords).toMatchObject({ inLabel: ['四:关爱一老一小', '四:一老一小'], outcome: 'found' });
    // 四 is checked for its first responsible unit (社会事务局); the banner names 雁江镇: still a keyword found.
    expect(p.keywords!.found.map((h) => [h.activity, h.keyword, h.messageId])).toEqual([['四', '关爱一老一小', 'foundOtherUnit']]);
  });

  it('flags a theme keyword of any activity read on a photo whose label has none', () => {
    const l = label({ labels: { faces_counted: 3, banner: { present: true, text: "'诚信经营'" } } });
    const p = scorePhoto(l, analysis({ text: [line('节水护水宣传')] }), campaign);
    expect(p.keywords!.inLabel).toEqual(['八:诚信']); // the label itself has 诚信 (八): not a false positive then
    const q = scorePhoto(label({ labels: { faces_counted: 3 } }), analysis({ text: [line('临江镇节水护水志愿服务活动')] }), campaign);
    expect(q.keywords!.outcome).toBe('falsePositive');
    expect(q.keywords!.found.map((h) => h.activity)).toEqual(['六']);
    const r = scorePhoto(label({ labels: { faces_counted: 3 } }), analysis({ text: [line('关爱一者一少')] }), campaign);
    expect(r.keywords!.outcome).toBe('review'); // 关爱一老一小 with two slips: a near miss the rule sends to a person
    const digits = scorePhoto(label({ labels: { faces_counted: 3 } }), analysis({ text: [line('电话 3165')] }), campaign);
    expect(digits.keywords!.outcome).toBe('trueNegative'); // 3-character keywords (315) must be read exactly
    const n = scorePhoto(label({ labels: { faces_counted: 3 } }), analysis({ text: [] }), campaign);
    expect(n.keywords!.outcome).toBe('trueNegative');
  });

  it('scores the uniform rule against the red-vest label, with the uniformed count', () => {
    const crowd = (people: number, uniformed: number) => {
      const list = faces(people);
      return analysis({ faces: list, upperBodies: upperBodies(list, uniformed) });
    };
    const vests = (red_vests: string) => label({ labels: { faces_counted: 9, vests: 'red vests' }, expected_rule_inputs: { red_vests } });
    expect(scorePhoto(vests('yes'), crowd(6, 5), campaign).uniform).toEqual({
      label: 'yes', note: null, description: 'red vests', expected: 'positive', status: 'pass', messageId: 'uniformed', count: 5, people: 6, outcome: 'right',
    });
    expect(scorePhoto(vests('yes'), crowd(6, 0), campaign).uniform).toMatchObject({ status: 'fail', count: 0, outcome: 'wrong' });
    expect(scorePhoto(vests('no (1 person)'), crowd(9, 1), campaign).uniform).toMatchObject({ note: '1 person', status: 'fail', count: 1, outcome: 'right' });
    expect(scorePhoto(vests('partial'), crowd(9, 2), campaign).uniform).toMatchObject({ status: 'review', outcome: 'ambiguous' });
    expect(scorePhoto(label({ labels: { faces_counted: 9 } }), crowd(6, 5), campaign).uniform).toBeNull();

    const s = summarise(
      [
        scorePhoto(vests('yes'), crowd(6, 5), campaign),
        scorePhoto(vests('yes'), crowd(6, 2), campaign),
        scorePhoto(vests('no'), crowd(6, 4), campaign),
        scorePhoto(vests('partial'), crowd(9, 2), campaign),
      ],
      campaign,
    );
    expect(s.uniform).toMatchObject({ right: 1, wrong: 1, review: 1, ambiguous: 1, falsePositive: 1, falseNegative: 0 });
    expect(s.uniform.confusion).toEqual({ yes: { pass: 1, review: 1, fail: 0 }, partial: { pass: 0, review: 1, fail: 0 }, no: { pass: 1, review: 0, fail: 0 } });
  });

  it('finds theme keywords in a transcript', () => {
    expect(keywordsInText(campaign, normalizeText('西 315 愚园路'))).toEqual(['八:3·15']);
    expect(keywordsInText(campaign, '厦门华厦学院')).toEqual([]);
  });

  it('sums a configuration: decisions, mean count error over 6–80 faces, mean text accuracy per category', () => {
    const mk = (file: string, category: string, faceCount: number, truth: number, text?: string) =>
      scorePhoto(
        parsePhotoLabel({ file, category, labels: { faces_counted: truth, ...(text ? { text_main: `'${text}'` } : {}) } }),
        analysis({ faces: faces(faceCount), text: [line('雁江镇关爱一老一小志愿服务活动')] }),
        campaign,
      );
    const photos = [mk('A_1.jpg', 'A', 25, 30), mk('A_2.jpg', 'A', 5, 5), mk('D_1.jpg', 'D', 9, 10, '关爱一老一小'), mk('B_1.jpg', 'B', 0, 0, '欢迎光临')];
    const s = summarise(photos, campaign);
    expect(s.participants).toMatchObject({ right: 4, wrong: 0, review: 0, min: 20 });
    expect(s.faces.n).toBe(2); // 30 and 10 are in 6–80; 5 is not; 0 has no relative error
    expect(s.faces.meanAbs).toBeCloseTo((5 / 30 + 1 / 10) / 2);
    expect(s.faces.byCategory.D!.meanAbs).toBeCloseTo(0.1);
    expect(s.text).toMatchObject({ n: 2, joined: 0.5, lines: 2, exactLines: 1 });
    expect(s.text.byCategory.B!.joined).toBe(0);
    expect(s.sharpness).toMatchObject({ right: 4, wrong: 0 });
  });
});
