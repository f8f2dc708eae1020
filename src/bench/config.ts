// Bench configurations: eval's `key=value,…` specs (--config, --compare) plus the pool's `threads=N` and `split=0|1`, and the face-api + tesseract.js baseline.
import { analyserDefaults, analysisVersion, resolveAnalyserOptions, type AnalyserOptions } from '../analysis/analyse.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import { parseConfigSpec } from '../eval/config.ts';

export interface BenchConfig {
  /** Column name: "default", the --config text, the --compare change, or "baseline". */
  name: string;
  options: Required<AnalyserOptions>;
  /** analysisVersion(options). */
  version: string;
  /** Worker threads of this configuration's pool (as the CLI and the queue worker run it). */
  threads: number;
  /** Whether the pool finds a lone photo's faces on a second free thread (PoolOptions.split). */
  split: boolean;
  /** The face-api + tesseract.js baseline. */
  baseline: boolean;
}

/**
 * What a user would assemble from the obvious packages: face-api's SSD once on the whole image (letterboxed to
 * 512 px) and tesseract.js chi_sim on the whole image, on the same decode and the same number of threads.
 */
export const baselineSpec = 'faces=ssd-whole,text=tesseract';

function usage(reason: string): PhotocheckError {
  return new PhotocheckError('PC_ERR_USAGE', { reason });
}

/** Splits the bench-only `threads=N` and `split=0|1` off a spec; the rest is eval's syntax (faces, text, working, sharpness, tile, det, ort). */
export function parseBenchSpec(spec: string): { options: AnalyserOptions; threads?: number; split?: boolean } {
  let threads: number | undefined;
  let split: boolean | undefined;
  const rest: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(threads|split)\s*=\s*(.*)$/.exec(part);
    if (!m) {
      rest.push(part);
      continue;
    }
    if (m[1] === 'split') {
      if (m[2] !== '0' && m[2] !== '1') throw usage(`split 应为 0 或 1 / split must be 0 or 1 (got ${m[2]})`);
      split = m[2] === '1';
      continue;
    }
    const n = Number(m[2]);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw usage(`threads 应为 1–64 的整数 / threads must be an integer from 1 to 64 (got ${m[2]})`);
    threads = n;
  }
  return { options: parseConfigSpec(rest.join(',')), threads, split };
}

/**
 * The configurations of one bench run: the base (defaults, or defaults changed by --config) first, one per
 * --compare (the base with that change), then the baseline unless `baseline` is false. Two configurations
 * that would run the same analyses with the same threads are refused.
 */
export function benchConfigs(
  base: string | undefined,
  compare: readonly string[],
  threads: number,
  baseline = true,
  pool: { ortThreads?: number } = {},
): BenchConfig[] {
  const b: ReturnType<typeof parseBenchSpec> = base ? parseBenchSpec(base) : { options: {} };
  const baseOptions = resolveAnalyserOptions({ ...analyserDefaults, ortThreads: pool.ortThreads, ...b.options });
  const baseThreads = b.threads ?? threads;
  const baseSplit = b.split ?? true;
  const make = (name: string, options: Required<AnalyserOptions>, t: number, split: boolean, isBaseline = false): BenchConfig => ({
    name,
    options,
    version: analysisVersion(options),
    threads: t,
    split,
    baseline: isBaseline,
  });
  const configs = [make(base ? base.replace(/\s+/g, '') : 'default', baseOptions, baseThreads, baseSplit)];
  const add = (config: BenchConfig) => {
    // One thread never splits: split=0 and split=1 run the same there.
    const sameSplit = (a: BenchConfig, b: BenchConfig) => a.split === b.split || a.threads === 1;
    const same = configs.find((c) => c.version === config.version && c.threads === config.threads && c.options.ortThreads === config.options.ortThreads && sameSplit(c, config));
    if (same) throw usage(`配置“${config.name}”与“${same.name}”相同 / configuration "${config.name}" is the same as "${same.name}"`);
    configs.push(config);
  };
  for (const change of compare) {
    const c = parseBenchSpec(change);
    add(make(change.replace(/\s+/g, ''), resolveAnalyserOptions({ ...baseOptions, ...c.options }), c.threads ?? baseThreads, c.split ?? baseSplit));
  }
  if (baseline) {
    const c = parseBenchSpec(baselineSpec);
    add(make('baseline', resolveAnalyserOptions({ ...analyserDefaults, ...c.options }), threads, true, true));
  }
  return configs;
}

/** `faces=… text=… working=… …` for display: every option, and the pool's threads. */
export function describeConfig(c: BenchConfig): string {
  const o = c.options;
  const parts = [`faces=${o.faces}`, `text=${o.text}`, `working=${o.workingLongSide}`, `sharpness=${o.sharpnessLongSide}`];
  if (o.faces.endsWith('-tiled')) parts.push(`tile=${o.tileSize}`);
  if (o.text === 'ppocr') parts.push(`det=${o.ocrLongSide}`);
  if (o.faces.startsWith('ssd-onnx') || o.text === 'ppocr') parts.push(`ort=${o.ortThreads}`);
  parts.push(`threads=${c.threads}`);
  if (c.threads > 1) parts.push(`split=${c.split ? 1 : 0}`);
  return parts.join(' ');
}
