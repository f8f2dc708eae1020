// `photocheck review`: a reviewer's decision on one photo of a submission, from the command line (the collector's token).
import type { PhotoResult } from '../check/check-photo.ts';
import type { Lang } from '../i18n/messages.ts';
import { labels } from '../report/table.ts';
import { Client } from './submit.ts';

export interface ReviewOptions {
  server: string;
  token: string;
  /** Submission id (as `submit` and the report's `submission.id` give it). */
  submission: number;
  /** File name of the photo in that submission. */
  file: string;
  /** pass or fail records a decision; remove deletes it. */
  action: 'pass' | 'fail' | 'remove';
  /** Why; required for fail. */
  note: string;
  lang: Lang;
}

/** Record or remove the decision and print the photo's verdict now, e.g. `雁江镇/四/a.jpg：合格（人工复核；自动判定：不合格）`. */
export async function reviewCommand(o: ReviewOptions): Promise<void> {
  const client = new Client(o.server, o.token);
  const path = `/api/submissions/${o.submission}/photos/${encodeURIComponent(o.file)}/review`;
  const { photo } =
    o.action === 'remove'
      ? await client.request<{ photo: PhotoResult }>('DELETE', path)
      : await client.request<{ photo: PhotoResult }>('PUT', path, { decision: o.action, note: o.note });
  const v = (x: PhotoResult['verdict']) => labels.verdict[x][o.lang];
  const how = photo.review
    ? { zh: `人工复核；自动判定：${v(photo.autoVerdict)}`, en: `reviewer; automatic: ${v(photo.autoVerdict)}` }
    : { zh: '自动判定', en: 'automatic' };
  process.stdout.write(o.lang === 'zh' ? `${photo.file}：${v(photo.verdict)}（${how.zh}）\n` : `${photo.file}: ${v(photo.verdict)} (${how.en})\n`);
}
