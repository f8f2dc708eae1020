// The report's exports on a report built from real fixture analyses: the workbook read back with exceljs, CSV, self-contained HTML.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAnalyser } from '../src/analysis/analyse.ts';
import { activitiesOf, findActivity, findUnit, loadCampaign } from '../src/campaign/load.ts';
import { checkPhoto, type PhotoResult } from '../src/check/check-photo.ts';
import { renderEvidence } from '../src/evidence/render.ts';
import { reportCsv } from '../src/report/csv.ts';
import { reportWorkbook } from '../src/report/excel.ts';
import { renderHtmlReport } from '../src/report/html.ts';
import { buildReport, type CheckedPhoto, type Report } from '../src/report/report.ts';
import { activityHeader } from '../src/report/tables.ts';

const campaign = loadCampaign();
const analyser = new LocalAnalyser();
const yanjiang = findUnit(campaign, '雁江镇');
const linjiang = findUnit(campaign, '临江镇');
const four = findActivity(campaign, '四');
const six = findActivity(campaign, '六');
const bytes = new Map<string, Buffer>();

// 雁江镇/四: two failing photos (13 people; no banner text). 临江镇/六: a passing photo, and a file that is not an image.
const inputs = [
  { unit: yanjiang, activity: four, name: 'banner-few-people.jpg' },
  { unit: yanjiang, activity: four, name: 'no-text.jpg' },
  { unit: linjiang, activity: six, name: 'banner-other-theme.jpg' },
  { unit: linjiang, activity: six, name: 'not-an-image.jpg' },
];
let checked: CheckedPhoto[];
let report: Report;

beforeAll(async () => {
  checked = [];
  for (const i of inputs) {
    const b = readFileSync(new URL(`../fixtures/images/${i.name}`, import.meta.url));
    bytes.set(i.name, b);
    const result = await checkPhoto(i.name, b, { campaign, unit: i.unit, activity: i.activity }, analyser);
    checked.push({ unit: i.unit.id, activity: i.activity.id, result });
  }
  report = buildReport(campaign, checked, { allUnits: true });
});
afterAll(() => analyser.dispose());

const result = (name: string): PhotoResult => checked.find((c) => c.result.file === name)!.result;

async function readBack(xlsx: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  const rows = (i: number) => {
    const out: string[][] = [];
    wb.worksheets[i]!.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
    return out;
  };
  return { wb, overview: rows(0), photos: rows(1) };
}

/** A minimal RFC 4180 reader (quotes, doubled quotes, CRLF), enough to check our own output. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  return rows;
}

describe('fixture results', () => {
  it('are what the fixtures were made for', () => {
    expect(result('banner-few-people.jpg').verdict).toBe('fail');
    expect(result('no-text.jpg').verdict).toBe('fail');
    expect(result('banner-other-theme.jpg').verdict).toBe('pass');
    expect(result('not-an-image.jpg').verdict).toBe('error');
  });
});

describe('reportWorkbook', () => {
  it('has the overview: a row per unit, a column per activity, 合格 / 不合格 / 未提交 in the cells', async () => {
    const { wb, overview } = await readBack(await reportWorkbook(report, { lang: 'zh' }));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['总览', '照片明细']);
    const [header, ...rows] = overview;
    expect(header![0]).toBe('单位');
    expect(rows.map((r) => r[0])).toEqual(campaign.units.map((u) => u.id));
    const col = (a: typeof four) => header!.indexOf(activityHeader(a, 'zh'));
    const row = (unit: string) => rows.find((r) => r[0] === unit)!;
    expect(row('雁江镇')[col(four)]).toBe('不合格');
    expect(row('临江镇')[col(six)]).toBe('合格');
    // Every other assigned activity of every unit is 未提交; an activity not assigned and not submitted is blank (—).
    for (const u of campaign.units) {
      for (const a of campaign.activities) {
        if (header!.indexOf(activityHeader(a, 'zh')) < 0) continue;
        const submitted = (u.id === '雁江镇' && a.id === '四') || (u.id === '临江镇' && a.id === '六');
        const assigned = activitiesOf(campaign, u).some((x) => x.id === a.id);
        if (!submitted) expect(row(u.id)[col(a)], `${u.id} ${a.id}`).toBe(assigned ? '未提交' : '—');
      }
    }
    // The unit's counts follow: photos, pass, review, fail, error, assigned activities not submitted.
    const counts = row('临江镇').slice(-6).map(Number);
    expect(counts.slice(0, 5)).toEqual([2, 1, 0, 0, 1]);
    expect(counts[5]).toBe(activitiesOf(campaign, linjiang).length - 1);
    // Coloured like Excel's good / bad styles.
    const sheet = wb.worksheets[0]!;
    const cell = (unit: string, a: typeof four) => sheet.getRow(rows.findIndex((r) => r[0] === unit) + 2).getCell(col(a) + 1);
    expect((cell('临江镇', six).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFC6EFCE');
    expect((cell('雁江镇', four).fill as ExcelJS.FillPattern).fgColor?.argb).toBe('FFFFC7CE');
  });

  it('has a row per photo with the verdict, each rule, the reasons and how to fix', async () => {
    const { photos } = await readBack(await reportWorkbook(report, { lang: 'zh' }));
    const [header, ...rows] = photos;
    expect(rows).toHaveLength(inputs.length);
    const col = (h: string) => header!.indexOf(h);
    for (const h of ['单位', '活动', '照片', '结论', '人数', '画面清晰', '主题关键词', '参与人数', '规范着志愿服装', '拍摄日期', '原因', '怎么改']) expect(header).toContain(h);
    const row = (file: string) => rows.find((r) => r[col('照片')] === file)!;
    const few = row('banner-few-people.jpg');
    expect(few[col('单位')]).toBe('雁江镇');
    expect(few[col('结论')]).toBe('不合格');
    expect(few[col('参与人数')]).toBe('不合格');
    expect(few[col('主题关键词')]).toBe('合格');
    expect(Number(few[col('人数')])).toBe(result('banner-few-people.jpg').people.count);
    expect(few[col('原因')]).toContain(`参与人数：检测到 ${result('banner-few-people.jpg').people.count} 人，要求不少于 20 人`);
    expect(few[col('怎么改')]).toContain('不少于 20 人');
    expect(row('no-text.jpg')[col('主题关键词')]).toBe('不合格');
    expect(row('banner-other-theme.jpg')[col('结论')]).toBe('合格');
    expect(row('banner-other-theme.jpg')[col('原因')]).toBe('');
    const broken = row('not-an-image.jpg');
    expect(broken[col('结论')]).toBe('出错');
    expect(broken[col('原因')]).toContain('无法读取图片');
  });

  it('marks late submissions 逾期, and speaks English with lang en', async () => {
    const late = buildReport(campaign, checked, { allUnits: true, submittedAt: new Date('2023-03-26T09:00:00+08:00') });
    const zh = (await readBack(await reportWorkbook(late, { lang: 'zh' }))).overview;
    const col = zh[0]!.indexOf(activityHeader(six, 'zh'));
    expect(zh.find((r) => r[0] === '临江镇')![col]).toBe('合格（逾期）');
    const en = (await readBack(await reportWorkbook(late, { lang: 'en' }))).overview;
    expect(en[0]![0]).toBe('Unit');
    expect(en.find((r) => r[0] === linjiang.en)![en[0]!.indexOf(activityHeader(six, 'en'))]).toBe('pass (late)');
  });

  it('reads service reports: an activity submitted but not checked yet is 检查中, a late version 逾期', async () => {
    const service: Report = structuredClone(report);
    const y = service.units.find((u) => u.unit.id === '雁江镇')!;
    const pending = y.activities.find((a) => a.status === 'missing' && a.responsible)!;
    pending.submission = { id: 7, version: 1, submittedAt: '2023-03-20T10:00:00.000Z', late: false, pending: 3 };
    const four4 = y.activities.find((a) => a.activity.id === '四')!;
    four4.submission = { id: 8, version: 2, submittedAt: '2023-03-26T02:00:00.000Z', late: true, pending: 0 };
    const { overview, photos } = await readBack(await reportWorkbook(service, { lang: 'zh' }));
    const row = overview.find((r) => r[0] === '雁江镇')!;
    expect(row[overview[0]!.indexOf(activityHeader(pending.activity, 'zh'))]).toBe('检查中');
    expect(row[overview[0]!.indexOf(activityHeader(four, 'zh'))]).toBe('不合格（逾期）');
    expect(photos[0]).toContain('版本');
    const few = photos.find((r) => r.includes('banner-few-people.jpg'))!;
    expect(few[photos[0]!.indexOf('提交时间')]).toContain('逾期');
  });
});

describe('reportCsv', () => {
  it('starts with a UTF-8 BOM and has the overview columns and a row per unit', () => {
    const csv = reportCsv(report, { lang: 'zh', sheet: 'overview' });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]![0]).toBe('单位');
    expect(rows).toHaveLength(campaign.units.length + 1);
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
    expect(rows.find((r) => r[0] === '临江镇')![rows[0]!.indexOf(activityHeader(six, 'zh'))]).toBe('合格');
  });

  it('has a row per photo, with multi-line reasons quoted, and never starts a cell with a formula', () => {
    const odd: Report = structuredClone(report);
    odd.units.find((u) => u.unit.id === '临江镇')!.activities.find((a) => a.activity.id === '六')!.photos[0]!.file = '=HYPERLINK("x")';
    const rows = parseCsv(reportCsv(odd, { lang: 'zh', sheet: 'photos' }).slice(1));
    expect(rows).toHaveLength(inputs.length + 1);
    const col = (h: string) => rows[0]!.indexOf(h);
    for (const r of rows) expect(r).toHaveLength(rows[0]!.length);
    const few = rows.find((r) => r[col('照片')] === 'banner-few-people.jpg')!;
    expect(few[col('结论')]).toBe('不合格');
    expect(few[col('原因')]!.split('\n').length).toBe(result('banner-few-people.jpg').rules.filter((r) => r.status !== 'pass').length);
    expect(rows.some((r) => r[col('照片')] === `'=HYPERLINK("x")`)).toBe(true);
  });
});

describe('renderHtmlReport', () => {
  it('is one self-contained file: pictures as data: URLs, nothing fetched from anywhere', async () => {
    let asked = 0;
    const html = await renderHtmlReport(report, {
      lang: 'zh',
      evidence: async (p) => {
        asked++;
        return p.image ? renderEvidence(bytes.get(p.file)!, p, { longSide: 320 }) : null;
      },
    });
    expect(asked).toBe(inputs.length);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('name="viewport"');
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/<(script|link|iframe|object)\b/i);
    expect(html).not.toMatch(/url\(/i);
    const srcs = [...html.matchAll(/\bsrc\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
    expect(srcs).toHaveLength(inputs.filter((i) => i.name !== 'not-an-image.jpg').length);
    for (const s of srcs) expect(s).toMatch(/^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/);
    // Each inlined picture is a real JPEG.
    expect(Buffer.from(srcs[0]!.split(',')[1]!, 'base64').subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    // The reasons in plain words, and the overview.
    expect(html).toContain(`检测到 ${result('banner-few-people.jpg').people.count} 人，要求不少于 20 人`);
    expect(html).toContain('怎么改');
    expect(html).toContain('总览');
    expect(html).toContain('未提交');
  });

  it('escapes what users wrote, has no pictures without evidence, and speaks English with lang en', async () => {
    const odd: Report = structuredClone(report);
    odd.units[0]!.activities.find((a) => a.photos.length > 0)!.photos[0]!.file = '<img src=x onerror=alert(1)>.jpg';
    const html = await renderHtmlReport(odd, { lang: 'en' });
    expect(html).toContain('<html lang="en">');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.jpg');
    expect(html).toContain('How to fix');
  });
});

describe('photocheck check --format xlsx', () => {
  it('refuses to write a workbook to the terminal (exit 2, says to give --out)', () => {
    const r = spawnSync(process.execPath, ['bin/photocheck.js', 'check', 'fixtures/tree', '--format', 'xlsx'], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--out');
  });
});
