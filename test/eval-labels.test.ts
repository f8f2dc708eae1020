// Label parsing for `photocheck eval`: every shape labels.json uses per category, on small synthetic entries.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import { labelPattern, loadLabels, parseLabels, readSharpText, readVestText, transcriptionLines, WILDCARD } from '../src/eval/labels.ts';

const W = WILDCARD;

/** One entry per shape found in real labels files (A_ faces, B_ scene text, C_ blur, D_ volunteer photos). */
const synthetic = {
  description: 'synthetic',
  images: [
    {
      file: 'A_counted.jpg',
      category: 'A',
      labels: { faces_counted: 7, faces_range: [6, 7], ground_truth: null, notes: 'x' },
      expected_rule_inputs: { sharp: 'yes (no obvious blur seen; not measured)', faces_ge_20: 'no' },
    },
    {
      file: 'A_crowd.jpg',
      category: 'A',
      labels: { faces_counted: null, faces_range: [400, 1200], ground_truth: null },
      expected_rule_inputs: { sharp: 'yes' },
    },
    {
      file: 'A_gt.jpg',
      category: 'A',
      labels: { faces_counted: null, faces_range: [15, 22], ground_truth: { faces: 22, faces_min_side_ge_20px: 10, source: 's' } },
      expected_rule_inputs: { sharp: 'yes', faces_ge_20: 'borderline' },
    },
    {
      file: 'A_scan.jpg',
      category: 'A',
      labels: { faces_counted: 67, faces_range: [62, 70] },
      expected_rule_inputs: { sharp: 'soft (small scanned print)' },
    },
    {
      file: 'B_sign.jpg',
      category: 'B',
      labels: {
        text_main: "red shop sign, yellow characters: '小户園美食'; sub-line (small): '主营：肠粉 蒸饺'",
        text_other: "red LED board: '本公司23区厂房招租 / 周生150'; blue door plate '大?路 51'",
        confidence: 'high',
      },
      expected_rule_inputs: { sharp: 'yes (no obvious blur seen; not measured)', chinese_text_present: 'yes' },
    },
    {
      file: 'B_bank.jpg',
      category: 'B',
      labels: {
        text_main: '中国农业银行 / AGRICULTURAL BANK OF CHINA (black and green on white fascia)',
        text_other: "red LED ticker: '…本网点办理业务' (first chars cut off)",
      },
    },
    {
      file: 'B_scroll.jpg',
      category: 'B',
      labels: { text_main: "scroll: '善' with inscription '善行…行者团…留念…' (partial); backdrop (it's hidden): '…社会公益活动 … 式'" },
    },
    { file: 'C_x_176_S.jpg', category: 'C', labels: { blur_label: 'sharp', source_label: 'S = sharp' }, expected_rule_inputs: { sharp: 'yes' } },
    { file: 'C_x_176_F.jpg', category: 'C', labels: { blur_label: 'blurred (defocus)' }, expected_rule_inputs: { sharp: 'no' } },
    { file: 'C_x_176_M.jpg', category: 'C', labels: {} },
    { file: 'C_pan.jpg', category: 'C', labels: { blur_label: 'partially blurred (panning shot)' }, expected_rule_inputs: { sharp: 'partial' } },
    { file: 'C_unknown.jpg', category: 'C', labels: {} },
    {
      file: 'D_banner.jpg',
      category: 'D',
      labels: {
        faces_counted: 7,
        faces_range: [7, 7],
        banner: {
          present: true,
          text: "浪漫七夕　幸福家庭 / small line: '锦绣社区[新时代]文明实践站' (partly hidden)",
          confidence: 'high',
        },
      },
      expected_rule_inputs: { sharp: 'yes', faces_ge_20: 'no', banner_present: 'yes', red_vests: 'yes' },
    },
    {
      file: 'D_flag.jpg',
      category: 'D',
      labels: {
        faces_counted: 7,
        faces_range: [7, 7],
        banner: { present: true, text: "'[宿]迁公益' (first char uncertain) on the second flag", confidence: 'low' },
      },
    },
    {
      file: 'D_nobanner.jpg',
      category: 'D',
      labels: {
        faces_counted: null,
        faces_range: [8, 15],
        banner: { present: false, text: "building sign partly legible '…8388…'", confidence: 'low' },
      },
    },
    {
      file: 'D_illegible.jpg',
      category: 'D',
      labels: { faces_counted: 10, faces_range: [10, 11], banner: { present: true, text: 'no legible text on the flag; small illegible text' } },
    },
    { file: 'X_nocategory.jpg', labels: { faces_counted: 3 } },
    {
      file: 'D_bystander.jpg',
      category: 'D',
      labels: { faces_range: [6, 12], vests: 'essentially none (one woman in a red vest at right)' },
      expected_rule_inputs: { red_vests: 'no (1 person)' },
    },
    {
      file: 'D_caps.jpg',
      category: 'D',
      labels: { faces_counted: 9, vests: '2 young volunteers in red caps; one wears a red volunteer vest/sash' },
      expected_rule_inputs: { red_vests: 'partial (1 volunteer)' },
    },
    { file: 'D_polo.jpg', category: 'D', labels: { faces_counted: 10 }, expected_rule_inputs: { red_vests: 'No' } },
  ],
};

const photos = parseLabels(synthetic);
const photo = (file: string) => photos.find((p) => p.file === file)!;
const texts = (file: string) => photo(file).text.map((l) => l.raw);

describe('eval labels: faces', () => {
  it('takes faces_counted as the truth, with the range for the ≥ 20 decision', () => {
    expect(photo('A_counted.jpg').faces).toEqual({ truth: 7, truthSource: 'counted', range: [6, 7], counted: 7 });
    expect(photo('D_banner.jpg').faces).toMatchObject({ truth: 7, range: [7, 7] });
  });
  it('falls back to ground_truth.faces, then to the middle of faces_range', () => {
    expect(photo('A_gt.jpg').faces).toEqual({ truth: 22, truthSource: 'groundTruth', range: [15, 22], counted: null });
    expect(photo('A_crowd.jpg').faces).toEqual({ truth: 800, truthSource: 'rangeMid', range: [400, 1200], counted: null });
    expect(photo('D_nobanner.jpg').faces).toMatchObject({ truth: 11.5, truthSource: 'rangeMid' });
  });
  it('uses the count as the range when no range is given; no face label at all gives null', () => {
    expect(photo('X_nocategory.jpg').faces).toMatchObject({ truth: 3, range: [3, 3] });
    expect(photo('B_sign.jpg').faces).toBeNull();
    expect(photo('C_x_176_S.jpg').faces).toBeNull();
  });
});

describe('eval labels: sharp / blurred', () => {
  it('reads blur_label, then expected_rule_inputs.sharp, then the _S/_F/_M suffix', () => {
    expect(photo('C_x_176_S.jpg').sharp).toEqual({ label: 'sharp', source: 'blur_label' });
    expect(photo('C_x_176_F.jpg').sharp).toEqual({ label: 'blurred', source: 'blur_label' });
    expect(photo('C_x_176_M.jpg').sharp).toEqual({ label: 'blurred', source: 'file name _M' });
    expect(photo('C_pan.jpg').sharp?.label).toBe('partial');
    expect(photo('A_scan.jpg').sharp).toEqual({ label: 'soft', source: 'expected_rule_inputs.sharp' });
  });
  it('treats A_/B_/D_ photos as sharp unless labelled otherwise; an unlabelled C_ photo is not judged', () => {
    expect(photo('B_bank.jpg').sharp).toEqual({ label: 'sharp', source: 'default' });
    expect(photo('A_counted.jpg').sharp?.label).toBe('sharp');
    expect(photo('C_unknown.jpg').sharp).toBeNull();
  });
  it('understands the free-text values used', () => {
    expect(['sharp', 'yes', 'blurred (motion)', 'blurred (camera motion)', 'no', 'partially blurred (panning shot)', 'partial', 'soft'].map(readSharpText)).toEqual([
      'sharp', 'sharp', 'blurred', 'blurred', 'blurred', 'partial', 'partial', 'soft',
    ]);
  });
});

describe('eval labels: transcriptions', () => {
  it('takes quoted text, splitting lines at " / ", from text_main and text_other', () => {
    expect(texts('B_sign.jpg')).toEqual(['小户園美食', '主营：肠粉 蒸饺', '本公司23区厂房招租', '周生150', '大?路 51']);
    expect(photo('B_sign.jpg').text.map((l) => l.field)).toEqual(['text_main', 'text_main', 'text_other', 'text_other', 'text_other']);
  });
  it('takes unquoted text without lower-case description words, dropping (notes)', () => {
    expect(texts('B_bank.jpg')).toEqual(['中国农业银行', 'AGRICULTURAL BANK OF CHINA', '本网点办理业务']);
    expect(texts('D_banner.jpg')).toEqual(['锦绣社区[新时代]文明实践站', '浪漫七夕　幸福家庭']);
  });
  it('splits at … and drops fragments under two certain characters', () => {
    expect(texts('B_scroll.jpg')).toEqual(['善行', '行者团', '留念', '社会公益活动']);
  });
  it('marks uncertain characters ([x], ?) as wildcards that do not count in the length', () => {
    const flag = photo('D_flag.jpg').text;
    expect(flag).toEqual([{ field: 'banner', raw: '[宿]迁公益', pattern: `${W}迁公益`, length: 3 }]);
    const small = photo('D_banner.jpg').text[0]!;
    expect(small.pattern).toBe(`锦绣社区${W}${W}${W}文明实践站`);
    expect(small.length).toBe(9);
    expect(labelPattern('大?路 51')).toBe(`大${W}路51`);
    expect(labelPattern('W　Yuyuan Rd.　E')).toBe('wyuyuanrde');
  });
  it('ignores banner text when the banner is labelled absent, and descriptions without text', () => {
    expect(photo('D_nobanner.jpg').text).toEqual([]);
    expect(photo('D_illegible.jpg').text).toEqual([]);
    expect(photo('A_counted.jpg').text).toEqual([]);
  });
  it('keeps a normalised transcript without uncertain characters for keyword look-up', () => {
    expect(photo('D_flag.jpg').transcript).toBe('迁公益');
  });
  it('does not take an apostrophe inside a word for a quote', () => {
    expect(transcriptionLines("the banner's text: '志愿服务'")).toEqual(['志愿服务']);
  });
});

describe('eval labels: red vests', () => {
  it('reads expected_rule_inputs.red_vests as yes, partial or no, keeping the note and the vests description', () => {
    expect(photo('D_banner.jpg').vests).toEqual({ label: 'yes', note: null, description: null });
    expect(photo('D_bystander.jpg').vests).toEqual({ label: 'no', note: '1 person', description: 'essentially none (one woman in a red vest at right)' });
    expect(photo('D_caps.jpg').vests).toMatchObject({ label: 'partial', note: '1 volunteer' });
    expect(photo('D_polo.jpg').vests).toMatchObject({ label: 'no', note: null });
  });
  it('gives null without a red_vests label, even with a vests description', () => {
    expect(photo('A_counted.jpg').vests).toBeNull();
    expect(parseLabels([{ file: 'D_1.jpg', labels: { vests: 'red vests' } }])[0]!.vests).toBeNull();
  });
  it('refuses any other value, naming the photo and the value', () => {
    expect(['yes', ' partial ', 'no (1 person)', 'partial (1 volunteer)'].map((v) => readVestText(v)?.label)).toEqual(['yes', 'partial', 'no', 'partial']);
    for (const v of ['yes - all 7 women', 'mostly', 'partially', 'no (1 person', 'yes (a) (b)', '']) expect(readVestText(v), v).toBeNull();
    for (const v of ['maybe', 'yes - all 7', true, 3]) {
      expect(() => parseLabels([{ file: 'D_bad.jpg', expected_rule_inputs: { red_vests: v } }])).toThrow(/D_bad\.jpg.*red_vests/);
    }
  });
});

describe('eval labels: files and categories', () => {
  it('takes the category from the field or the file-name prefix', () => {
    expect(photo('X_nocategory.jpg').category).toBe('X');
    expect(photos.map((p) => p.category).filter((c) => c === 'C')).toHaveLength(5);
  });
  it('loads a file, accepts a bare array, and rejects files without images', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pc-eval-labels-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ file: 'A_1.jpg', labels: { faces_counted: 2 } }]));
    expect(loadLabels(join(dir, 'a.json')).photos[0]).toMatchObject({ file: 'A_1.jpg', category: 'A' });
    writeFileSync(join(dir, 'b.json'), '{"images": 3}');
    expect(() => loadLabels(join(dir, 'b.json'))).toThrow(PhotocheckError);
    expect(() => loadLabels(join(dir, 'missing.json'))).toThrow(/labels file/);
    expect(() => parseLabels({ images: [{ labels: {} }] })).toThrow(/images\[0\]/);
  });
});
