// `photocheck eval` end to end with the real engines: a tiny labelled folder built here from the committed fixtures
// (truth from fixtures/README.md and expected.json), two configurations side by side, then a re-run from the cache.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisVersion } from '../src/analysis/analyse.ts';
import type { EvalRun } from '../src/eval/run.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'photocheck.js');
const fixture = (name: string) => join(root, 'fixtures', 'images', name);
const banner = '雁江镇关爱一老一小志愿服务活动';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A folder in the shape of the real evaluation set: A_ faces, B_ sign text, C_ blur, D_ volunteer photos. */
function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pc-eval-e2e-'));
  copyFileSync(fixture('banner-pass.jpg'), join(dir, 'D_banner-pass.jpg'));
  copyFileSync(fixture('banner-pass.jpg'), join(dir, 'B_banner-copy.jpg'));
  copyFileSync(fixture('group-18.jpg'), join(dir, 'A_group-18.jpg'));
  copyFileSync(fixture('blurred.jpg'), join(dir, 'C_blurred_F.jpg'));
  copyFileSync(fixture('no-text.jpg'), join(dir, 'D_no-text.jpg'));
  const images = [
    {
      file: 'D_banner-pass.jpg',
      category: 'D',
      labels: { faces_counted: 22, faces_range: [22, 22], banner: { present: true, colour: 'red', text: banner, confidence: 'high' } },
      expected_rule_inputs: { sharp: 'yes (no obvious blur seen; not measured)', faces_ge_20: 'yes' },
    },
    {
      // The same picture as a B_ sign photo: one uncertain character, and a line that is not in the photo.
      file: 'B_banner-copy.jpg',
      category: 'B',
      labels: { text_main: `red banner, yellow characters: '雁江镇关爱一老一小志愿服务[活]动'`, text_other: "door sign '欢迎光临' (not really there)" },
      expected_rule_inputs: { sharp: 'yes' },
    },
    { file: 'A_group-18.jpg', category: 'A', labels: { faces_counted: 18, faces_range: [18, 18], ground_truth: null } },
    {
      file: 'C_blurred_F.jpg',
      category: 'C',
      labels: { blur_label: 'blurred (defocus)', faces_counted: 22, banner: { present: true, text: banner } },
      expected_rule_inputs: { sharp: 'no' },
    },
    {
      file: 'D_no-text.jpg',
      category: 'D',
      labels: { faces_counted: 22, faces_range: [22, 22], banner: { present: true, colour: 'red', text: 'blank red banner, no text', confidence: 'n/a' } },
    },
  ];
  writeFileSync(join(dir, 'labels.json'), JSON.stringify({ count: images.length, images }, null, 1));
  return dir;
}

describe('photocheck eval on a tiny labelled folder (real engines)', () => {
  let dir: string;
  let cache: string;
  let first: ReturnType<typeof run>;
  let result: EvalRun;
  const photo = (i: number, file: string) => result.configs[i]!.photos.find((p) => p.file === file)!;

  beforeAll(() => {
    dir = makeFolder();
    cache = mkdtempSync(join(tmpdir(), 'pc-eval-e2e-cache-'));
    const out = join(dir, 'eval.json');
    first = run(['eval', dir, '--compare', 'faces=ssd-onnx', '--cache', cache, '--out', out]);
    result = JSON.parse(readFileSync(out, 'utf8')) as EvalRun;
  });

  it('exits 0, prints the side-by-side table and shows progress on stderr', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('[1] default');
    expect(first.stdout).toContain('[2] faces=ssd-onnx');
    expect(first.stdout).toMatch(/≥20 人判断（对\/判定）/);
    expect(first.stderr).toContain('配置 2/2：faces=ssd-onnx');
    expect(first.stderr).toContain('检查 5/5');
    expect(result.photos).toEqual({ labelled: 5, evaluated: 5, missing: [], unlabelled: [] });
    expect(result.configs.map((c) => c.version)).toEqual([analysisVersion(), analysisVersion({ faces: 'ssd-onnx' })]);
    expect(result.configs[1]!.version).toMatch(/^a\d+:ssd-onnx:ppocr:1920:1024$/);
  });

  it('scores the ≥ 20 decision and the count error of every photo', () => {
    const pass = photo(0, 'D_banner-pass.jpg');
    expect(pass.faces).toMatchObject({ truth: 22, detected: 22, relativeError: 0 });
    expect(pass.participants).toMatchObject({ expected: 'positive', status: 'pass', outcome: 'right' });
    const g18 = photo(0, 'A_group-18.jpg');
    expect(g18.faces!.detected).toBeGreaterThanOrEqual(16);
    expect(g18.faces!.detected).toBeLessThanOrEqual(18);
    // 18 people: the review band (18–21), or a clear fail below it — never a pass.
    expect(g18.participants).toMatchObject({ expected: 'negative', outcome: g18.faces!.detected === 18 ? 'review' : 'right' });
    const blurred = photo(0, 'C_blurred_F.jpg');
    expect(blurred.faces!.detected).toBeLessThan(18); // defocus costs faces: a ≥ 20 photo wrongly failed
    expect(blurred.participants).toMatchObject({ expected: 'positive', status: 'fail', outcome: 'wrong' });

    const s = result.configs[0]!.summary;
    const g18right = g18.participants!.outcome === 'right' ? 1 : 0;
    expect(s.participants).toMatchObject({ right: 2 + g18right, wrong: 1, falseNegative: 1, review: 1 - g18right, ambiguous: 0 });
    const errs = ['D_banner-pass.jpg', 'A_group-18.jpg', 'C_blurred_F.jpg', 'D_no-text.jpg'].map((f) => photo(0, f).faces!);
    expect(s.faces.n).toBe(4);
    expect(s.faces.meanAbs).toBeCloseTo(errs.reduce((a, f) => a + Math.abs(f.detected - f.truth) / f.truth, 0) / 4, 10);
    expect(s.faces.meanSigned!).toBeLessThan(0);
  });

  it('measures character accuracy per line, with an uncertain character and a line not in the photo', () => {
    expect(photo(0, 'D_banner-pass.jpg').text).toMatchObject({ joined: 1, perLine: 1, exactLines: 1 });
    const copy = photo(0, 'B_banner-copy.jpg').text!;
    expect(copy.lines.map((l) => [l.raw, l.length, l.joined.edits, l.joined.matched])).toEqual([
      ['雁江镇关爱一老一小志愿服务[活]动', 14, 0, banner],
      ['欢迎光临', 4, 4, ''],
    ]);
    expect(copy.joined).toBeCloseTo(14 / 18, 10);
    expect(photo(0, 'D_no-text.jpg').text).toBeNull(); // "blank red banner, no text" is a description, not a transcription
    const t = result.configs[0]!.summary.text;
    expect(t.n).toBe(3);
    expect(t.byCategory.B!.joined).toBeCloseTo(14 / 18, 10);
    expect(t.byCategory.D!.joined).toBe(1);
    expect(t.byCategory.C!.joined).toBeGreaterThan(0.8); // PP-OCRv4 still reads the σ 4 blurred banner
  });

  it('scores sharp / blurred and keyword findings', () => {
    const s = result.configs[0]!.summary;
    expect(s.sharpness).toMatchObject({ right: 5, wrong: 0, review: 0, ambiguous: 0 });
    expect(photo(0, 'C_blurred_F.jpg').sharpness).toMatchObject({ label: 'blurred', status: 'fail', messageId: 'blurred' });
    expect(photo(0, 'C_blurred_F.jpg').sharpness!.score).toBeLessThan(30);
    expect(s.keywords).toEqual({ withoutKeywordText: 2, falsePositive: 0, review: 0, withKeywordText: 3, found: 3 });
    expect(photo(0, 'D_no-text.jpg').keywords).toMatchObject({ inLabel: [], found: [], outcome: 'trueNegative' });
  });

  it('runs the compared configuration on the same photos: same text, whole-image faces', () => {
    const [a, b] = result.configs;
    expect(b!.options).toMatchObject({ faces: 'ssd-onnx', text: 'ppocr', workingLongSide: 1920 });
    expect(b!.summary.text).toEqual(a!.summary.text);
    expect(b!.summary.sharpness).toEqual(a!.summary.sharpness);
    expect(photo(1, 'D_banner-pass.jpg').faces!.detected).toBeLessThanOrEqual(22);
  });

  it('re-runs from the cache with the same result, JSON on stdout, nothing on stderr with --quiet', () => {
    const again = run(['eval', dir, '--labels', join(dir, 'labels.json'), '--compare', 'faces=ssd-onnx', '--cache', cache, '--format', 'json', '--quiet']);
    expect(again.code).toBe(0);
    expect(again.stderr).toBe('');
    const r = JSON.parse(again.stdout) as EvalRun;
    expect(r.configs.map((c) => c.summary)).toEqual(result.configs.map((c) => c.summary));
    expect(r.configs[0]!.wallMs).toBeLessThan(result.configs[0]!.wallMs);
  });

  it('rejects bad usage with exit code 2', () => {
    const noFolder = run(['eval']);
    expect(noFolder.code).toBe(2);
    expect(noFolder.stderr).toContain('eval 需要且只需要一个照片文件夹');
    const badEngine = run(['eval', dir, '--compare', 'faces=yolo', '--lang', 'en']);
    expect(badEngine.code).toBe(2);
    expect(badEngine.stderr).toContain('unknown face engine yolo');
    expect(run(['eval', join(dir, 'nope')]).code).toBe(2);
  });
});
