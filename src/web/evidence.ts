// What the pages serve besides HTML: evidence pictures (metadata stripped) and the Excel/CSV exports of a report.
import type { PhotoResult } from '../check/check-photo.ts';
import { renderEvidence } from '../evidence/render.ts';
import type { Lang } from '../i18n/messages.ts';
import { reportCsv } from '../report/csv.ts';
import { reportWorkbook } from '../report/excel.ts';
import type { Report } from '../report/report.ts';
import { sha256 } from '../util/hash.ts';

/** Recently served pictures: a report page asks for all its pictures at once, and again on every visit. */
const cache = new Map<string, Buffer>();
const cacheSize = 64;

/**
 * The evidence picture of a photo (renderEvidence: 1280 px JPEG, faces boxed, theme text outlined, caption, no metadata).
 * `load` reads the original photo; it is called only when the picture is not in the cache.
 */
export async function evidencePicture(load: () => Promise<Buffer>, result: PhotoResult, lang: Lang): Promise<Buffer> {
  const key = `${result.sha256}|${lang}|${sha256(JSON.stringify(result))}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const jpeg = await renderEvidence(await load(), result, { lang });
  cache.set(key, jpeg);
  if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
  return jpeg;
}

export type ExportKind = 'xlsx' | 'overview.csv' | 'photos.csv';

/** A report as an Excel workbook or one of its two CSV sheets, with its content type. */
export async function exportReport(report: Report, kind: ExportKind, lang: Lang): Promise<{ body: Buffer | string; type: string }> {
  if (kind === 'xlsx') return { body: await reportWorkbook(report, { lang }), type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return { body: reportCsv(report, { lang, sheet: kind === 'overview.csv' ? 'overview' : 'photos' }), type: 'text/csv; charset=utf-8' };
}
