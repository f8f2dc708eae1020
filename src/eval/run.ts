// The evaluation runner: every labelled photo of a folder through each configuration's analyser (thread pool + cache), then scored.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { CachedAnalyser } from '../analysis/cache.ts';
import type { AnalyserOptions } from '../analysis/analyse.ts';
import { ThreadPoolAnalyser } from '../analysis/pool.ts';
import { loadCampaign } from '../campaign/load.ts';
import type { Campaign } from '../campaign/schema.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import { sha256 } from '../util/hash.ts';
import type { EvalConfig } from './config.ts';
import { loadLabels, type PhotoLabel } from './labels.ts';
import { errorEval, scorePhoto, summarise, type ConfigSummary, type PhotoEval } from './score.ts';

/** What CachedAnalyser wraps: photo bytes → Analysis under a version. */
export type InnerAnalyser = ConstructorParameters<typeof CachedAnalyser>[0];

export interface EvalOptions {
  folder: string;
  /** Labels file; default `<folder>/labels.json`. */
  labels?: string;
  campaign?: string;
  configs: EvalConfig[];
  /** Worker threads per configuration (default: the number of cores). */
  jobs?: number;
  /** Cache directory for analyses (keyed by content and analysis version). */
  cache?: string;
  /** Called when a configuration starts and after each photo. */
  onStart?: (config: EvalConfig, index: number, photos: number) => void;
  onPhoto?: (config: EvalConfig, file: string) => void;
  /** Replaces the thread pool (tests): an analyser per configuration, closed after it. */
  analyserFor?: (options: Required<AnalyserOptions>, threads: number) => { analyser: InnerAnalyser; close(): Promise<void> };
}

export interface ConfigRun {
  name: string;
  options: Required<AnalyserOptions>;
  version: string;
  /** Wall time of this configuration's pass (analysis or cache reads, and scoring). */
  wallMs: number;
  summary: ConfigSummary;
  photos: PhotoEval[];
}

export interface EvalRun {
  folder: string;
  labelsFile: string;
  campaign: { id: string; version: string };
  generatedAt: string;
  photos: {
    labelled: number;
    evaluated: number;
    /** Labelled files not found in the folder. */
    missing: string[];
    /** Images in the folder without a label (not evaluated). */
    unlabelled: string[];
  };
  configs: ConfigRun[];
}

const imageFile = /\.(jpe?g|png|webp|heic|heif|tiff?|gif|bmp)$/i;

function listFolder(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name));
  } catch {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: `找不到文件夹 ${folder} / folder ${folder} does not exist` });
  }
}

function poolFor(options: Required<AnalyserOptions>, threads: number) {
  const pool = new ThreadPoolAnalyser({ ...options, threads });
  return { analyser: pool, close: () => pool.close() };
}

export async function runEval(o: EvalOptions): Promise<EvalRun> {
  const labelsFile = o.labels ?? join(o.folder, 'labels.json');
  const files = listFolder(o.folder);
  const labelSet = loadLabels(labelsFile);
  const campaign = loadCampaign(o.campaign);
  const present = labelSet.photos.filter((p) => files.has(p.file));
  const labelled = new Set(labelSet.photos.map((p) => p.file));
  if (present.length === 0) {
    throw new PhotocheckError('PC_ERR_NO_PHOTOS', { path: `${o.folder} (${labelsFile})` });
  }
  const threads = Math.max(1, Math.min(o.jobs ?? cpus().length, present.length));
  const configs: ConfigRun[] = [];
  for (const [index, config] of o.configs.entries()) {
    o.onStart?.(config, index, present.length);
    const t0 = performance.now();
    const { analyser: inner, close } = (o.analyserFor ?? poolFor)(config.options, threads);
    const analyser = new CachedAnalyser(inner, o.cache);
    const photos: PhotoEval[] = new Array(present.length);
    let next = 0;
    const lane = async () => {
      while (next < present.length) {
        const i = next++;
        const label = present[i]!;
        photos[i] = await evaluateOne(label, join(o.folder, label.file), analyser, campaign);
        o.onPhoto?.(config, label.file);
      }
    };
    try {
      await Promise.all(Array.from({ length: threads * 2 }, lane));
    } finally {
      await close();
    }
    configs.push({
      name: config.name,
      options: config.options,
      version: config.version,
      wallMs: Math.round(performance.now() - t0),
      summary: summarise(photos, campaign),
      photos,
    });
  }
  return {
    folder: o.folder,
    labelsFile,
    campaign: { id: campaign.id, version: campaign.version },
    generatedAt: new Date().toISOString(),
    photos: {
      labelled: labelSet.photos.length,
      evaluated: present.length,
      missing: labelSet.photos.filter((p) => !files.has(p.file)).map((p) => p.file),
      unlabelled: [...files].filter((f) => imageFile.test(f) && !labelled.has(f)).sort(),
    },
    configs,
  };
}

async function evaluateOne(label: PhotoLabel, path: string, analyser: CachedAnalyser, campaign: Campaign): Promise<PhotoEval> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const e = new PhotocheckError('PC_ERR_FILE_UNREADABLE', { reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
    return errorEval(label, e.toJSON());
  }
  try {
    const analysis = await analyser.analyse(bytes, sha256(bytes));
    return scorePhoto(label, analysis, campaign);
  } catch (err) {
    // One photo that cannot be analysed (not an image, engine failure) is reported and left out of the metrics.
    const e = err instanceof PhotocheckError ? err : new PhotocheckError('PC_ERR_ANALYSIS_FAILED', { reason: (err as Error).message });
    return errorEval(label, e.toJSON());
  }
}
