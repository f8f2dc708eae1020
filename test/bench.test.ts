// `photocheck bench` plumbing: the statistics, the configurations, and one tiny end-to-end run (shape only, never timings).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyserDefaults } from '../src/analysis/analyse.ts';
import { baselineSpec, benchConfigs, describeConfig, parseBenchSpec } from '../src/bench/config.ts';
import type { PhotoTiming } from '../src/bench/protocol.ts';
import type { BenchRun } from '../src/bench/run.ts';
import { stageOrder, stagesOf } from '../src/bench/run.ts';
import { median, medianByKey, photosPerMinute, quantile, ratio, round } from '../src/bench/stats.ts';
import { PhotocheckError } from '../src/errors/catalogue.ts';

const root = join(import.meta.dirname, '..');
const bin = join(root, 'bin', 'photocheck.js');

describe('bench statistics', () => {
  it('median: middle value, mean of the two middle ones, NaN when empty, ignores non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(median([5, Number.NaN, 1, Number.POSITIVE_INFINITY, 3])).toBe(3);
  });

  it('quantile interpolates between order statistics and checks q', () => {
    expect(quantile([10, 20, 30, 40, 50], 0)).toBe(10);
    expect(quantile([10, 20, 30, 40, 50], 1)).toBe(50);
    expect(quantile([10, 20, 30, 40, 50], 0.9)).toBeCloseTo(46);
    expect(() => quantile([1], 1.5)).toThrow(/between 0 and 1 for q/);
  });

  it('photos per minute and ratios', () => {
    expect(photosPerMinute(6, 6000)).toBe(60);
    expect(photosPerMinute(3, 90_000)).toBe(2);
    expect(photosPerMinute(0, 1000)).toBeNaN();
    expect(photosPerMinute(5, 0)).toBeNaN();
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(round(1.26, 1)).toBe(1.3);
    expect(round(Number.NaN)).toBeNull();
  });

  it('medianByKey leaves a stage out of photos that lack it instead of counting 0', () => {
    expect(medianByKey([{ a: 1, b: 10 }, { a: 3 }, { a: 2, b: 30 }])).toEqual({ a: 2, b: 20 });
    expect(medianByKey([{ a: 1 }], ['a', 'z'])).toEqual({ a: 1, z: Number.NaN });
  });

  it('stages: the working-size resize counts as decode; later analysis stages go before rules', () => {
    const p: PhotoTiming = { file: 'x.jpg', latencyMs: 100, stages: { decode: 50, resize: 5, sharpness: 7, faces: 20, text: 10, phash: 1, rules: 0.5 } };
    expect(stagesOf(p)).toEqual({ decode: 55, sharpness: 7, faces: 20, text: 10, phash: 1, rules: 0.5 });
    expect(stageOrder(['rules', 'phash', 'text', 'decode', 'uniform'])).toEqual(['decode', 'sharpness', 'faces', 'text', 'phash', 'uniform', 'rules']);
  });
});

describe('bench configurations', () => {
  it('by default: the defaults, then the face-api + tesseract.js baseline, both on every thread', () => {
    const [first, baseline, ...rest] = benchConfigs(undefined, [], 2);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ name: 'default', threads: 2, baseline: false, options: analyserDefaults });
    expect(baseline).toMatchObject({ name: 'baseline', threads: 2, baseline: true, options: { faces: 'ssd-whole', text: 'tesseract' } });
    expect(baselineSpec).toBe('faces=ssd-whole,text=tesseract');
    expect(describeConfig(first!)).toBe('faces=ssd-onnx-tiled text=ppocr working=1920 sharpness=1024 tile=640 det=1152 ort=1 threads=2 split=1');
    expect(first!.split).toBe(true);
  });

  it('--compare changes the base; threads=N is per configuration; --no-baseline leaves the baseline out', () => {
    const configs = benchConfigs('det=1280', ['ort=2,threads=1', 'tile=960'], 2, false);
    expect(configs.map((c) => [c.name, c.threads, c.options.ocrLongSide, c.options.ortThreads, c.options.tileSize])).toEqual([
      ['det=1280', 2, 1280, 1, 640],
      ['ort=2,threads=1', 1, 1280, 2, 640],
      ['tile=960', 2, 1280, 1, 960],
    ]);
    expect(configs[2]!.version).toMatch(/:tile960:ocr1280$/);
  });

  it('refuses bad specs and two configurations that would run the same', () => {
    expect(parseBenchSpec('threads=3,working=1600')).toEqual({ options: { workingLongSide: 1600 }, threads: 3 });
    expect(() => parseBenchSpec('threads=0')).toThrow(PhotocheckError);
    expect(() => parseBenchSpec('ort=0')).toThrow(/ort/);
    expect(() => parseBenchSpec('colour=red')).toThrow(PhotocheckError);
    expect(() => benchConfigs(undefined, ['tile=640'], 2)).toThrow(/same as "default"/);
    expect(() => benchConfigs(undefined, ['ort=2'], 2)).not.toThrow();
    expect(parseBenchSpec('split=0,det=1280')).toEqual({ options: { ocrLongSide: 1280 }, split: false, threads: undefined });
    expect(() => parseBenchSpec('split=2')).toThrow(/split must be 0 or 1/);
    expect(benchConfigs(undefined, ['split=0'], 2, false).map((c) => [c.name, c.split])).toEqual([
      ['default', true],
      ['split=0', false],
    ]);
    expect(() => benchConfigs('threads=1', ['split=0'], 2, false)).toThrow(/same as "threads=1"/);
  });
});

describe('photocheck bench on two small fixture photos (real engines, shape only)', () => {
  it('prints the JSON of both configurations with every stage, the ratio and memory', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'pc-bench-')), 'bench.json');
    const photos = [join(root, 'fixtures', 'images', 'small.jpg'), join(root, 'fixtures', 'images', 'not-an-image.jpg')];
    const r = spawnSync(process.execPath, [bin, 'bench', ...photos, '--repeat', '1', '--threads', '1', '--config', 'working=640', '--format', 'json', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (r.error) throw r.error;
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('第 1/1 轮');
    const run = JSON.parse(r.stdout) as BenchRun;
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(run);

    expect(run.repeat).toBe(1);
    expect(run.photos).toMatchObject({ source: 'folder', count: 2 });
    expect(run.loadavg.start).toHaveLength(3);
    expect(run.configs.map((c) => [c.name, c.baseline, c.threads])).toEqual([
      ['working=640', false, 1],
      ['baseline', true, 1],
    ]);
    for (const c of run.configs) {
      expect(c.measured).toBe(1); // small.jpg; not-an-image.jpg is reported, not timed
      expect(c.errors.join()).toMatch(/not-an-image\.jpg/);
      expect(Object.keys(c.stagesMs)).toEqual(expect.arrayContaining(['decode', 'sharpness', 'faces', 'text', 'rules']));
      expect(Object.keys(c.stagesMs).at(-1)).toBe('rules');
      for (const v of Object.values(c.stagesMs)) expect(v).toBeTypeOf('number');
      expect(c.latencyMs.median).toBeGreaterThan(0);
      expect(c.aloneMs.median).toBeGreaterThan(0);
      expect(c.photosPerMinute).toBeGreaterThan(0);
      expect(c.cpuMsPerPhoto).toBeGreaterThan(0);
      expect(c.memory.peakRssMb).toBeGreaterThanOrEqual(c.memory.baseRssMb);
      expect(c.memory.perThreadMb).toBeTypeOf('number');
      expect(c.passWallMs).toHaveLength(1);
      expect(c.engines?.faces).toBeTruthy();
    }
    expect(run.configs[0]!.vsFirst).toEqual({ throughput: 1, latency: 1, cpu: 1 });
    expect(run.baselineRatio?.throughput).toBeGreaterThan(0);
    expect(run.targets).toEqual({ perPhotoMs: 1000, peakRssMb: 1024 });
  });
});
