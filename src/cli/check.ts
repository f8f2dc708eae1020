// `photocheck check`: the main job, in-process (no Redis) — collect photos, check each, print the report.
import { readFile, writeFile } from 'node:fs/promises';
import { CachedAnalyser } from '../analysis/cache.ts';
import { coreSplit, ThreadPoolAnalyser } from '../analysis/pool.ts';
import type { Analysis } from '../analysis/types.ts';
import { submittedAtInstant } from '../campaign/deadline.ts';
import { loadCampaign } from '../campaign/load.ts';
import type { Campaign } from '../campaign/schema.ts';
import { checkPhoto, errorResult, judge, type Analyser, type PhotoResult } from '../check/check-photo.ts';
import { collectPhotos, type PhotoItem } from '../check/inputs.ts';
import { batchDuplicates, duplicateRadius } from '../duplicates/find.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import { renderEvidence } from '../evidence/render.ts';
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
  format: ReportFormat;
  out?: string;
  lang: Lang;
  faces?: string;
  ocr?: string;
  jobs?: number;
  cache?: string;
  /** When the photos were submitted (`--submitted-at`): marks them late (逾期) after the campaign's deadline. Default: not known. */
  submittedAt?: string;
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
  // Analyses are kept so that, once the whole batch is in, each photo is judged again with its look-alikes.
  const analyses = new Map<string, Analysis>();
  const recording: Analyser = {
    version: analyser.version,
    analyse: async (bytes, hash) => {
      const a = await analyser.analyse(bytes, hash);
      analyses.set(hash, a);
      return a;
    },
  };
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
        result = await checkPhoto(item.file, bytes, ctx, recording);
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
  const radius = duplicateRadius(campaign);
  if (radius === null) return results;
  const judged = results.flatMap((r, i) => {
    const analysis = r.result.verdict === 'error' ? undefined : analyses.get(r.result.sha256);
    return analysis ? [{ i, r, occurrence: { unit: r.unit, activity: r.activity, file: r.result.file, analysis } }] : [];
  });
  const matches = batchDuplicates(judged.map((j) => j.occurrence), radius);
  judged.forEach(({ i, r, occurrence }, k) => {
    const ctx = { campaign, unit: unitOf(r.unit), activity: activityOf(r.activity), duplicates: matches[k] };
    results[i] = { ...r, result: judge(r.result.file, occurrence.analysis, ctx) };
  });
  return results;
}

export async function runCheck(o: CheckOptions): Promise<Report> {
  const campaign = loadCampaign(o.campaign);
  const items = collectPhotos(campaign, o.paths, { unit: o.unit, activity: o.activity });
  const threads = Math.max(1, Math.min(o.jobs ?? coreSplit().threads, items.length));
  const pool = new ThreadPoolAnalyser({ threads, faces: o.faces, text: o.ocr });
  const analyser = new CachedAnalyser(pool, o.cache);
  const progress = new Progress(items.length, o.lang, !o.quiet);
  try {
    const checked = await checkItems(campaign, items, analyser, {
      concurrency: threads * 2,
      onDone: (item) => progress.tick(item.file),
    });
    return buildReport(campaign, checked, { submittedAt: o.submittedAt ? submittedAtInstant(campaign, o.submittedAt) : null });
  } finally {
    await pool.close();
  }
}

/** Every format of `--format`; html, xlsx and csv are views of the same Report (src/report/). */
export type ReportFormat = 'table' | 'json' | 'html' | 'xlsx' | 'csv';

/**
 * The report in a format: text, or the xlsx bytes. `evidence` gives the HTML its pictures (check has the photos;
 * submit does not, and its HTML has none). CSV is the table of photos (one row each); xlsx has the overview too.
 */
export async function renderReport(
  report: Report,
  format: ReportFormat,
  lang: Lang,
  evidence?: (photo: PhotoResult) => Promise<Buffer | null>,
): Promise<string | Buffer> {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'html':
      return (await import('../report/html.ts')).renderHtmlReport(report, { lang, evidence });
    case 'xlsx':
      return (await import('../report/excel.ts')).reportWorkbook(report, { lang });
    case 'csv':
      return (await import('../report/csv.ts')).reportCsv(report, { lang, sheet: 'photos' });
    default:
      return renderTable(report, lang);
  }
}

/** Print the report, or write it to `out` (saying so on stderr unless quiet): shared by check and submit. */
export async function writeReport(
  report: Report,
  o: { format: ReportFormat; lang: Lang; out?: string; quiet: boolean; evidence?: (photo: PhotoResult) => Promise<Buffer | null> },
): Promise<void> {
  const text = await renderReport(report, o.format, o.lang, o.evidence);
  if (o.out) {
    await writeFile(o.out, text);
    if (!o.quiet) process.stderr.write(o.lang === 'zh' ? `报告已写入 ${o.out}\n` : `Report written to ${o.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

/**
 * Evidence pictures for the HTML report, from the photos on disk: the checked file is read again (and used
 * only if its content is unchanged) and drawn at 1024 px, small enough to e-mail the report.
 */
function evidenceFromDisk(items: PhotoItem[], lang: Lang): (photo: PhotoResult) => Promise<Buffer | null> {
  return async (photo) => {
    if (!photo.image) return null;
    for (const item of items.filter((i) => i.file === photo.file)) {
      const bytes = await readFile(item.path).catch(() => null);
      if (bytes && sha256(bytes) === photo.sha256) return renderEvidence(bytes, photo, { longSide: 1024, lang });
    }
    return null;
  };
}

export async function checkCommand(o: CheckOptions): Promise<void> {
  const report = await runCheck(o);
  const evidence = o.format === 'html' ? evidenceFromDisk(collectPhotos(loadCampaign(o.campaign), o.paths, o), o.lang) : undefined;
  await writeReport(report, { ...o, evidence });
}
