// Bench configurations: eval's `key=value,…` specs (--config, --compare) plus `threads=N`, and the face-api + tesseract.js baseline.
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

/** Splits the bench-only `threads=N` off a spec; the rest is eval's syntax (faces, text, working, sharpness, tile, det, ort). */
export function parseBenchSpec(spec: string): { options: AnalyserOptions; threads?: number } {
  let threads: number | undefined;
  const rest: string[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^threads\s*=\s*(.*)$/.exec(part);
    if (!m) {
      rest.push(part);
      continue;
    }
    const n = Number(m[1]);
    if (!Number.isInteger(n) || n < 1 || n > 64) throw usage(`threads 应为 1–64 的整数 / threads must be an integer from 1 to 64 (got ${m[1]})`);
    threads = n;
  }
  return { options: parseConfigSpec(rest.join(',')), threads };
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
  pool: { ortThreads?: number; baselineThreads?: number } = {},
): BenchConfig[] {
  const b = base ? parseBenchSpec(base) : { options: {} };
  const baseOptions = resolveAnalyserOptions({ ...analyserDefaults, ortThreads: pool.ortThreads, ...b.options });
  const baseThreads = b.threads ?? threads;
  const make = (name: string, options: Required<AnalyserOptions>, t: number, isBaseline = false): BenchConfig => ({
    name,
    options,
    version: analysisVersion(options),
    threads: t,
    baseline: isBaseline,
  });
  const configs = [make(base ? base.replace(/\s+/g, '') : 'default', baseOptions, baseThreads)];
  const add = (config: BenchConfig) => {
    const same = configs.find((c) => c.version === config.version && c.threads === config.threads && c.options.ortThreads === config.options.ortThreads);
    if (same) throw usage(`配置“${config.name}”与“${same.name}”相同 / configuration "${config.name}" is the same as "${same.name}"`);
    configs.push(config);
  };
  for (const change of compare) {
    const c = parseBenchSpec(change);
    add(make(change.replace(/\s+/g, ''), resolveAnalyserOptions({ ...baseOptions, ...c.options }), c.threads ?? baseThreads));
  }
  if (baseline) {
    const c = parseBenchSpec(baselineSpec);
    add(make('baseline', resolveAnalyserOptions({ ...analyserDefaults, ...c.options }), pool.baselineThreads ?? threads, true));
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
  return parts.join(' ');
}
