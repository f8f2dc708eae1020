// The eval runner and its report without models: a fake analyser per configuration, a temp folder, labels written here.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnalyserOptions } from '../src/analysis/analyse.ts';
import type { Analysis } from '../src/analysis/types.ts';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import { evalConfigs } from '../src/eval/config.ts';
import { clip, displayWidth, renderEvalJson, renderEvalTable } from '../src/eval/render.ts';
import { runEval } from '../src/eval/run.ts';
import { analysis, faces, line } from './helpers/analysis.ts';

const dir = mkdtempSync(join(tmpdir(), 'pc-eval-run-'));
// The fake analyser tells photos apart by their bytes.
writeFileSync(join(dir, 'A_group.jpg'), 'group');
writeFileSync(join(dir, 'D_banner.jpg'), 'banner');
writeFileSync(join(dir, 'C_shot_M.jpg'), 'shaken');
writeFileSync(join(dir, 'B_broken.jpg'), 'broken');
writeFileSync(join(dir, 'Z_unlabelled.jpg'), 'x');
writeFileSync(
  join(dir, 'labels.json'),
  JSON.stringify({
    images: [
      { file: 'A_group.jpg', category: 'A', labels: { faces_counted: 30, faces_range: [28, 32] } },
      {
        file: 'D_banner.jpg',
        category: 'D',
        labels: { faces_counted: 8, faces_range: [8, 8], banner: { present: true, text: "'临江镇节水护水志愿服务活动'" }, vests: 'all 8 in red vests' },
        expected_rule_inputs: { red_vests: 'yes' },
      },
      { file: 'C_shot_M.jpg', category: 'C', labels: { blur_label: 'blurred (motion)' } },
      { file: 'B_broken.jpg', category: 'B', labels: { text_main: "'欢迎光临'" } },
      { file: 'Q_gone.jpg', labels: { faces_counted: 3 } },
    ],
  }),
);

/** Per configuration: whole-image faces find fewer; tesseract reads worse. */
function fake(options: Required<AnalyserOptions>) {
  const tiled = options.faces.endsWith('tiled');
  const good = options.text === 'ppocr';
  const byContent: Record<string, Partial<Analysis>> = {
    group: { faces: faces(tiled ? 29 : 15), text: [] },
    banner: { faces: faces(8), text: [line(good ? '临江镇节水护水志愿服务活动' : '临江镇节水扩水志愿', 60)] },
    shaken: { faces: [], text: [], sharpness: { score: 80, directionalRatio: 0.1, scoredLongSide: 1024 } },
  };
  const versions: string[] = [];
  return {
    versions,
    make: (o: Required<AnalyserOptions>) => ({
      analyser: {
        version: `fake:${o.faces}:${o.text}`,
        async analyse(bytes: Buffer): Promise<Analysis> {
          versions.push(o.faces);
          const a = byContent[bytes.toString()];
          if (!a) throw new PhotocheckError('PC_ERR_NOT_IMAGE', { reason: 'not an image' });
          return analysis({ ...a, timings: { faces: 1000, text: 500 } });
        },
      },
      close: async () => {},
    }),
  };
}

describe('runEval with a fake analyser', async () => {
  const configs = evalConfigs(undefined, ['faces=ssd-onnx,text=tesseract']);
  const run = await runEval({
    folder: dir,
    configs,
    jobs: 1,
    analyserFor: (o) => fake(o).make(o),
  });
  const [base, other] = run.configs;

  it('evaluates every labelled photo in the folder and lists missing and unlabelled files', () => {
    expect(run.labelsFile).toBe(join(dir, 'labels.json'));
    expect(run.photos).toEqual({ labelled: 5, evaluated: 4, missing: ['Q_gone.jpg'], unlabelled: ['Z_unlabelled.jpg'] });
    expect(run.configs.map((c) => c.name)).toEqual(['default', 'faces=ssd-onnx,text=tesseract']);
  });

  it('reports a photo that cannot be analysed and leaves it out of the metrics', () => {
    const broken = base!.photos.find((p) => p.file === 'B_broken.jpg')!;
    expect(broken.error?.code).toBe('PC_ERR_NOT_IMAGE');
    expect(base!.summary.errors).toBe(1);
    expect(base!.summary.text.n).toBe(1);
  });

  it('computes each configuration’s metrics', () => {
    expect(base!.summary.participants).toMatchObject({ right: 2, wrong: 0 });
    expect(other!.summary.participants).toMatchObject({ right: 1, wrong: 1, falseNegative: 1 });
    expect(base!.summary.faces.meanAbs).toBeCloseTo((1 / 30 + 0) / 2);
    expect(other!.summary.faces.meanSigned).toBeCloseTo((-15 / 30 + 0) / 2);
    expect(base!.summary.text.joined).toBe(1);
    expect(other!.summary.text.joined).toBeCloseTo(1 - 5 / 13); // 扩 for 护 (1), 服务活动 missing (4)
    expect(base!.summary.sharpness).toMatchObject({ right: 3, wrong: 0 }); // the shaken photo fails on motion
    expect(base!.photos.find((p) => p.file === 'C_shot_M.jpg')!.sharpness).toMatchObject({ messageId: 'motion', ratio: 0.1 });
    expect(base!.summary.keywords).toMatchObject({ withKeywordText: 1, found: 1, withoutKeywordText: 2, falsePositive: 0 });
    expect(base!.summary.meanAnalysisMs).toBe(1500);
    expect(base!.summary.uniform).toMatchObject({ right: 1, wrong: 0, confusion: { yes: { pass: 1, review: 0, fail: 0 } } });
    expect(base!.photos.find((p) => p.file === 'D_banner.jpg')!.uniform).toMatchObject({ label: 'yes', status: 'pass', count: 8, people: 8 });
  });

  it('renders a side-by-side table in Chinese or English, and JSON', () => {
    const zh = renderEvalTable(run, 'zh');
    expect(zh).toContain('[1] default');
    expect(zh).toContain('[2] faces=ssd-onnx,text=tesseract');
    expect(zh).toMatch(/≥20 人判断（对\/判定）\s+2\/2 \(100\.0%\)\s+1\/2 \(50\.0%\)/);
    expect(zh).toContain('缺少：Q_gone.jpg');
    expect(zh).toContain('B_broken.jpg: 无法读取图片');
    const en = renderEvalTable(run, 'en');
    expect(en).toMatch(/≥20 people decision \(right\/decided\)\s+2\/2/);
    expect(en).toContain('Text character accuracy (lines joined)');
    expect(JSON.parse(renderEvalJson(run)).configs[1].summary.participants.falseNegative).toBe(1);
    expect(en).toMatch(/Uniform decision: red vests yes → pass, no → fail \(right\/decided\)\s+1\/1 \(100\.0%\)\s+1\/1/);
    expect(en).toMatch(/labelled yes: pass\/review\/fail\s+1\/0\/0\s+1\/0\/0/);
    expect(en).toMatch(/D_banner\.jpg\s+yes\s+✓ pass:uniformed 8\/8\s+✓ pass:uniformed 8\/8\s+all 8 in red vests/);
    expect(zh).toContain('志愿服装（uniform 规则；标注 red_vests）');
    expect(JSON.parse(renderEvalJson(run)).configs[0].summary.uniform.confusion.no).toEqual({ pass: 0, review: 0, fail: 0 });
  });

  it('rejects a folder without any labelled photo', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pc-eval-empty-'));
    writeFileSync(join(empty, 'labels.json'), '{"images": []}');
    await expect(runEval({ folder: empty, configs })).rejects.toThrow(/No photos/);
    await expect(runEval({ folder: join(empty, 'nope'), configs })).rejects.toThrow(/does not exist/);
  });
});

describe('table layout', () => {
  it('counts CJK characters as two columns and clips long cells', () => {
    expect(displayWidth('ab雁江')).toBe(6);
    expect(displayWidth('　')).toBe(2);
    expect(clip('雁江镇关爱一老一小', 9)).toBe('雁江镇关…');
    expect(clip('short', 9)).toBe('short');
  });
});
