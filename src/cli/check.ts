// `photocheck check`: the main job, in-process (no Redis) — collect photos, check each, print the report.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { CachedAnalyser } from '../analysis/cache.ts';
import { ThreadPoolAnalyser } from '../analysis/pool.ts';
import { loadCampaign } from '../campaign/load.ts';
import type { Campaign } from '../campaign/schema.ts';
import { checkPhoto, errorResult, type Analyser } from '../check/check-photo.ts';
import { collectPhotos, type PhotoItem } from '../check/inputs.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { buildReport, type CheckedPhoto, type Report } from '../report/report.ts';
import { renderTable } from '../report/table.ts';
import { sha256 } from '../util/hash.ts';
import { Progress } from './progress.ts';

export interface CheckOptions {
  paths: string[];
  unit?: string;
  activity?: string;
  campaign?: string;
  format: 'table' | 'json';
  out?: string;
  lang: Lang;
  faces?: string;
  ocr?: string;
  jobs?: number;
  cache?: string;
  quiet: boolean;
}

/** Check items with a bounded number of photos in memory at once; progress after each. */
export async function checkItems(
  campaign: Campaign,
  items: PhotoItem[],
  analyser: Analyser,
  opts: { concurrency: number; onDone?: (item: PhotoItem) => void },
): Promise<CheckedPhoto[]> {
  const results: CheckedPhoto[] = new Array(items.length);
  let next = 0;
  const unitOf = (id: string) => campaign.units.find((u) => u.id === id)!;
  const activityOf = (id: string) => campaign.activities.find((a) => a.id === id)!;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      const ctx = { campaign, unit: unitOf(item.unit), activity: activityOf(item.activity) };
      let bytes: Buffer;
      try {
        bytes = await readFile(item.path);
      } catch (err) {
        const e = new PhotocheckError('PC_ERR_FILE_UNREADABLE', { reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
        results[i] = { unit: item.unit, activity: item.activity, result: errorResult(item.file, '', e) };
        opts.onDone?.(item);
        continue;
      }
      let result;
      try {
        result = await checkPhoto(item.file, bytes, ctx, analyser);
      } catch (err) {
        // An engine failure on one photo must not lose the batch: report it and go on.
        const e = new PhotocheckError('PC_ERR_ANALYSIS_FAILED', { reason: (err as Error).message });
        result = errorResult(item.file, sha256(bytes), e);
      }
      results[i] = { unit: item.unit, activity: item.activity, result };
      opts.onDone?.(item);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, lane));
  return results;
}

export async function runCheck(o: CheckOptions): Promise<Report> {
  const campaign = loadCampaign(o.campaign);
  const items = collectPhotos(campaign, o.paths, { unit: o.unit, activity: o.activity });
  const threads = Math.min(o.jobs ?? cpus().length, items.length);
  const pool = new ThreadPoolAnalyser({ threads, faces: o.faces, text: o.ocr });
  const analyser = new CachedAnalyser(pool, o.cache);
  const progress = new Progress(items.length, o.lang, !o.quiet);
  try {
    const checked = await checkItems(campaign, items, analyser, {
      concurrency: threads * 2,
      onDone: (item) => progress.tick(item.file),
    });
    return buildReport(campaign, checked);
  } finally {
    await pool.close();
  }
}

export function renderReport(report: Report, format: 'table' | 'json', lang: Lang): string {
  return format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderTable(report, lang);
}

/** Print the report, or write it to `out` (saying so on stderr unless quiet): shared by check and submit. */
export async function writeReport(report: Report, o: { format: 'table' | 'json'; lang: Lang; out?: string; quiet: boolean }): Promise<void> {
  const text = renderReport(report, o.format, o.lang);
  if (o.out) {
    await writeFile(o.out, text);
    if (!o.quiet) process.stderr.write(o.lang === 'zh' ? `报告已写入 ${o.out}\n` : `Report written to ${o.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

export async function checkCommand(o: CheckOptions): Promise<void> {
  await writeReport(await runCheck(o), o);
}
