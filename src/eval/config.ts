// Analysis configurations to evaluate: `key=value,…` strings (--config, --compare) turned into AnalyserOptions.
import { analyserDefaults, analyserOptionRanges, analysisVersion, resolveAnalyserOptions, type AnalyserOptions } from '../analysis/analyse.ts';
import { faceDetectorNames } from '../analysis/faces/index.ts';
import { textReaderNames } from '../analysis/text/index.ts';
import { PhotocheckError } from '../errors/catalogue.ts';

export interface EvalConfig {
  /** Column name: "default", the --config text, or the --compare change. */
  name: string;
  options: Required<AnalyserOptions>;
  /** analysisVersion(options): the cache key. */
  version: string;
}

/** Accepted keys (and aliases) → AnalyserOptions field. */
const keys: Record<string, keyof AnalyserOptions> = {
  faces: 'faces',
  text: 'text',
  ocr: 'text',
  working: 'workingLongSide',
  workingLongSide: 'workingLongSide',
  sharpness: 'sharpnessLongSide',
  sharpnessLongSide: 'sharpnessLongSide',
  tile: 'tileSize',
  tileSize: 'tileSize',
  det: 'ocrLongSide',
  ocrLongSide: 'ocrLongSide',
  ort: 'ortThreads',
  ortThreads: 'ortThreads',
};

/** The short keys, as help and errors name them. */
export const configKeys = ['faces', 'text', 'working', 'sharpness', 'tile', 'det', 'ort'] as const;

function usage(reason: string): PhotocheckError {
  return new PhotocheckError('PC_ERR_USAGE', { reason });
}

/** `faces=ssd-onnx,text=tesseract,working=1440` → AnalyserOptions (only the keys given). */
export function parseConfigSpec(spec: string): AnalyserOptions {
  const out: AnalyserOptions = {};
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    const field = keys[key];
    if (!field || !value) {
      throw usage(`配置“${part}”应写成 键=值，键为 ${configKeys.join('、')} / configuration "${part}" must be key=value with key ${configKeys.join(', ')}`);
    }
    if (field === 'faces') {
      if (!(faceDetectorNames as readonly string[]).includes(value)) {
        throw usage(`未知的人脸检测引擎 ${value}，可选 ${faceDetectorNames.join('、')} / unknown face engine ${value}; choose ${faceDetectorNames.join(', ')}`);
      }
      out.faces = value;
    } else if (field === 'text') {
      if (!(textReaderNames as readonly string[]).includes(value)) {
        throw usage(`未知的文字识别引擎 ${value}，可选 ${textReaderNames.join('、')} / unknown text engine ${value}; choose ${textReaderNames.join(', ')}`);
      }
      out.text = value;
    } else {
      const n = Number(value);
      const [min, max] = analyserOptionRanges[field];
      if (!Number.isInteger(n) || n < min || n > max) throw usage(`${key} 应为 ${min}–${max} 的整数 / ${key} must be an integer from ${min} to ${max} (got ${value})`);
      out[field] = n;
    }
  }
  return out;
}

/**
 * The configurations of one run: the base (defaults, or defaults changed by --config) first, then one per
 * --compare, each the base with that change applied.
 */
export function evalConfigs(base: string | undefined, compare: string[]): EvalConfig[] {
  const baseOptions = resolveAnalyserOptions({ ...analyserDefaults, ...(base ? parseConfigSpec(base) : {}) });
  const make = (name: string, options: Required<AnalyserOptions>): EvalConfig => ({ name, options, version: analysisVersion(options) });
  const configs = [make(base ? base : 'default', baseOptions)];
  for (const change of compare) {
    const options = resolveAnalyserOptions({ ...baseOptions, ...parseConfigSpec(change) });
    const name = change.replace(/\s+/g, '');
    if (configs.some((c) => c.version === analysisVersion(options))) {
      throw usage(`配置“${name}”与已有配置相同 / configuration "${name}" is the same as another one`);
    }
    configs.push(make(name, options));
  }
  return configs;
}
