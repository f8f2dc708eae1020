// `photocheck submit`: upload a <单位>/<活动>/ tree (or files with --unit/--activity) to the service, follow the progress, print the reports.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { loadCampaign } from '../campaign/load.ts';
import { collectPhotos, type PhotoItem } from '../check/inputs.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang, Message } from '../i18n/messages.ts';
import type { Report } from '../report/report.ts';
import type { SubmissionStatus, SubmitResult } from '../service/service.ts';
import { writeReport, type ReportFormat } from './check.ts';
import { Progress } from './progress.ts';

export interface SubmitOptions {
  paths: string[];
  server: string;
  token: string;
  unit?: string;
  activity?: string;
  /** merge or replace; default: replace for folders (the folder is the new version), merge for single files. */
  mode?: 'merge' | 'replace';
  campaign?: string;
  format: ReportFormat;
  out?: string;
  lang: Lang;
  quiet: boolean;
  /** Seconds between progress polls. */
  interval: number;
  /** Seconds to wait for every report before giving up. */
  timeout: number;
}

/** The service's API with a token; errors become PC_ERR_SERVER with the service's own message. Shared by submit and review. */
export class Client {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  /** `body`: multipart (FormData) or an object sent as JSON. */
  async request<T>(method: string, path: string, body?: FormData | object): Promise<T> {
    const asJson = body !== undefined && !(body instanceof FormData);
    let res: Response;
    try {
      res = await fetch(new URL(path, this.server), {
        method,
        body: asJson ? JSON.stringify(body) : (body as FormData | undefined),
        headers: { authorization: `Bearer ${this.token}`, ...(asJson ? { 'content-type': 'application/json' } : {}) },
      });
    } catch (err) {
      const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
      throw new PhotocheckError('PC_ERR_SERVER', { server: this.server, reason: cause?.code ?? cause?.message ?? (err as Error).message });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PhotocheckError('PC_ERR_SERVER', { server: this.server, reason: `HTTP ${res.status}: ${text.slice(0, 200)}` });
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string; message?: Message } }).error;
      const reason: Message = e?.message ? { zh: `${e.message.zh}（${e.code}）`, en: `${e.message.en} (${e.code})` } : { zh: `HTTP ${res.status}`, en: `HTTP ${res.status}` };
      throw new PhotocheckError('PC_ERR_SERVER', { server: this.server, reason, status: res.status, code: e?.code });
    }
    return json as T;
  }
}

/** The items grouped per (unit, activity), in the order found. */
function groups(items: PhotoItem[]): { unit: string; activity: string; items: PhotoItem[] }[] {
  const map = new Map<string, { unit: string; activity: string; items: PhotoItem[] }>();
  for (const it of items) {
    const key = `${it.unit}|${it.activity}`;
    if (!map.has(key)) map.set(key, { unit: it.unit, activity: it.activity, items: [] });
    map.get(key)!.items.push(it);
  }
  for (const g of map.values()) {
    const names = g.items.map((i) => basename(i.path));
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) {
      throw new PhotocheckError('PC_ERR_USAGE', { reason: `${g.unit}/${g.activity} 中有两张照片都叫 ${dup}，请改名 / two photos of ${g.unit}/${g.activity} are named ${dup}: rename one` });
    }
  }
  return [...map.values()];
}

export async function runSubmit(o: SubmitOptions): Promise<Report> {
  const campaign = loadCampaign(o.campaign);
  const items = collectPhotos(campaign, o.paths, { unit: o.unit, activity: o.activity });
  const onlyFiles = (await Promise.all(o.paths.map((p) => stat(p)))).every((s) => s.isFile());
  const mode = o.mode ?? (onlyFiles ? 'merge' : 'replace');
  const client = new Client(o.server, o.token);
  const say = (zh: string, en: string) => {
    if (!o.quiet) process.stderr.write(`${o.lang === 'zh' ? zh : en}\n`);
  };

  const submitted: SubmitResult[] = [];
  for (const g of groups(items)) {
    const form = new FormData();
    form.append('mode', mode);
    for (const it of g.items) form.append('files', new Blob([await readFile(it.path)]), basename(it.path));
    const r = await client.request<SubmitResult>('POST', `/api/units/${encodeURIComponent(g.unit)}/activities/${encodeURIComponent(g.activity)}/submissions`, form);
    submitted.push(r);
    say(
      `已提交 ${g.unit}/${g.activity} 第 ${r.submission.version} 版：${r.photos} 张照片，新分析 ${r.queued} 张，沿用 ${r.reused} 张${r.removed.length ? `，删除 ${r.removed.length} 张` : ''}`,
      `Submitted ${g.unit}/${g.activity} version ${r.submission.version}: ${r.photos} photos, ${r.queued} to analyse, ${r.reused} reused${r.removed.length ? `, ${r.removed.length} removed` : ''}`,
    );
  }

  const total = submitted.reduce((n, s) => n + s.photos, 0);
  const progress = new Progress(total, o.lang, !o.quiet);
  const finished = new Map<number, number>();
  const deadline = Date.now() + o.timeout * 1000;
  let open = submitted.map((s) => s.submission.id);
  while (open.length > 0) {
    const still: number[] = [];
    for (const id of open) {
      const st = await client.request<SubmissionStatus>('GET', `/api/submissions/${id}`);
      const done = st.progress.scored + st.progress.failed;
      for (let i = finished.get(id) ?? 0; i < done; i++) progress.tick(`${st.submission.unit}/${st.submission.activity}`);
      finished.set(id, Math.max(done, finished.get(id) ?? 0));
      if (!st.done) still.push(id);
    }
    open = still;
    if (open.length === 0) break;
    if (Date.now() > deadline) {
      throw new PhotocheckError('PC_ERR_SERVER', {
        server: o.server,
        reason: { zh: `${o.timeout} 秒内未检查完（提交 ${open.join('、')}），稍后可再查看`, en: `not finished within ${o.timeout} s (submissions ${open.join(', ')}); look again later` },
      });
    }
    await new Promise((r) => setTimeout(r, o.interval * 1000));
  }

  const order = (u: string) => campaign.units.findIndex((x) => x.id === u);
  const units = [...new Set(submitted.map((s) => s.submission.unit))].sort((a, b) => order(a) - order(b));
  const reports = await Promise.all(units.map((u) => client.request<Report>('GET', `/api/units/${encodeURIComponent(u)}/report`)));
  return { ...reports[0]!, units: reports.flatMap((r) => r.units) };
}

export async function submitCommand(o: SubmitOptions): Promise<void> {
  await writeReport(await runSubmit(o), o);
}
