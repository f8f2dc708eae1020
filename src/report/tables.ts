// The collector's two tables of a Report as rows of text (units × activities overview; one row per photo): the model of the CSV, Excel and HTML views.
import type { Lang, Message } from '../i18n/messages.ts';
import type { Verdict } from '../rules/evaluate.ts';
import type { RuleStatus } from '../rules/types.ts';
import type { ActivityReport, Report } from './report.ts';
import { labels } from './table.ts';

/** An overview cell: the activity's status, or `pending` (submitted, nothing checked yet), or `none` (not assigned, not submitted). */
export type CellStatus = 'pass' | 'review' | 'fail' | 'missing' | 'pending' | 'none';
/** What a cell's colour follows: a cell status, a verdict or a rule status. */
export type Tone = CellStatus | Verdict | RuleStatus | 'late';

export const words = {
  status: {
    pass: { zh: '合格', en: 'pass' },
    review: { zh: '待复核', en: 'review' },
    fail: { zh: '不合格', en: 'fail' },
    missing: { zh: '未提交', en: 'not submitted' },
    pending: { zh: '检查中', en: 'checking' },
    none: { zh: '—', en: '—' },
  },
  late: { zh: '逾期', en: 'late' },
  unit: { zh: '单位', en: 'Unit' },
  activity: { zh: '活动', en: 'Activity' },
  file: { zh: '照片', en: 'Photo' },
  verdict: { zh: '结论', en: 'Verdict' },
  people: { zh: '人数', en: 'People' },
  reasons: { zh: '原因', en: 'Reasons' },
  fixes: { zh: '怎么改', en: 'How to fix' },
  autoVerdict: { zh: '自动结论', en: 'Automatic verdict' },
  review: { zh: '复核意见', en: 'Reviewer' },
  version: { zh: '版本', en: 'Version' },
  submittedAt: { zh: '提交时间', en: 'Submitted' },
  photos: { zh: '照片数', en: 'Photos' },
  passCount: { zh: '合格照片', en: 'Passing photos' },
  reviewCount: { zh: '待复核照片', en: 'Photos to review' },
  failCount: { zh: '不合格照片', en: 'Failing photos' },
  errorCount: { zh: '出错', en: 'Errors' },
  activitiesMissing: { zh: '未提交的责任活动', en: 'Assigned activities not submitted' },
  overviewSheet: { zh: '总览', en: 'Overview' },
  photosSheet: { zh: '照片明细', en: 'Photos' },
} satisfies Record<string, Message | Record<string, Message>>;

export interface Column {
  header: string;
  /** Suggested width in characters (Excel). */
  width: number;
}

export interface Row {
  values: (string | number)[];
  /** Per column, what the cell's colour should follow (undefined: plain). */
  tones: (Tone | undefined)[];
}

export interface Table {
  name: string;
  columns: Column[];
  rows: Row[];
}

/** Whether an activity's latest submission came after the deadline (check --submitted-at, or the service's submission). */
export function activityLate(a: ActivityReport): boolean {
  return a.late === true || a.submission?.late === true;
}

/** The cell status of an activity of a unit (undefined: the activity is not in the unit's report). */
export function cellStatus(a: ActivityReport | undefined): CellStatus {
  if (!a) return 'none';
  if (a.status === 'missing') return a.submission ? 'pending' : a.responsible ? 'missing' : 'none';
  return a.status;
}

/** 合格, 不合格（逾期）, 未提交 …: a status word, with 逾期 / late appended for a late submission. */
export function cellText(a: ActivityReport | undefined, lang: Lang): string {
  const s = words.status[cellStatus(a)][lang];
  if (!a || !activityLate(a)) return s;
  return lang === 'zh' ? `${s}（${words.late.zh}）` : `${s} (${words.late.en})`;
}

/** An activity's column header: `四 “关爱一老一小”志愿服务活动` / `4 …`. */
export function activityHeader(a: ActivityReport['activity'], lang: Lang): string {
  return lang === 'zh' ? `${a.id} ${a.name.zh}` : `${a.number} ${a.name.en}`;
}

/** Every activity that appears in any unit's report, in the notice's order. */
function activitiesIn(report: Report): ActivityReport['activity'][] {
  const byId = new Map<string, ActivityReport['activity']>();
  for (const u of report.units) for (const a of u.activities) byId.set(a.activity.id, a.activity);
  return [...byId.values()].sort((x, y) => x.number - y.number);
}

/** Units × activities: each cell 合格 / 不合格 / 待复核 / 未提交 (and 逾期), then the unit's counts. */
export function overviewTable(report: Report, lang: Lang): Table {
  const activities = activitiesIn(report);
  const columns: Column[] = [
    { header: words.unit[lang], width: 12 },
    ...activities.map((a) => ({ header: activityHeader(a, lang), width: lang === 'zh' ? 16 : 22 })),
    ...(['photos', 'passCount', 'reviewCount', 'failCount', 'errorCount', 'activitiesMissing'] as const).map((k) => ({ header: words[k][lang], width: 10 })),
  ];
  const rows = report.units.map((u): Row => {
    const cells = activities.map((act) => u.activities.find((a) => a.activity.id === act.id));
    const s = u.summary;
    return {
      values: [u.unit.name[lang], ...cells.map((a) => cellText(a, lang)), s.photos, s.pass, s.review, s.fail, s.error, s.activitiesMissing],
      tones: [undefined, ...cells.map((a) => (a && activityLate(a) ? 'late' : cellStatus(a))), undefined, undefined, undefined, undefined, undefined, undefined],
    };
  });
  return { name: words.overviewSheet[lang], columns, rows };
}

/** One row per photo: unit, activity, file, verdict, people, each rule's status, the reasons and how to fix them. */
export function photosTable(report: Report, lang: Lang): Table {
  const photos = report.units.flatMap((u) => u.activities.flatMap((a) => a.photos.map((p) => ({ u, a, p }))));
  // Rule columns in the order the rules ran; a rule missing on a photo (an error, an older result) is blank.
  const rules = new Map<string, Message>();
  for (const { p } of photos) for (const r of p.rules) if (!rules.has(r.id)) rules.set(r.id, r.title);
  const reviewed = photos.some(({ p }) => p.review);
  const service = photos.some(({ a }) => a.submission);
  const sep = lang === 'zh' ? '：' : ': ';

  const columns: Column[] = [
    { header: words.unit[lang], width: 12 },
    { header: words.activity[lang], width: lang === 'zh' ? 16 : 22 },
    { header: words.file[lang], width: 32 },
    ...(service ? [{ header: words.version[lang], width: 6 }, { header: words.submittedAt[lang], width: 20 }] : []),
    { header: words.verdict[lang], width: 10 },
    ...(reviewed ? [{ header: words.autoVerdict[lang], width: 10 }, { header: words.review[lang], width: 30 }] : []),
    { header: words.people[lang], width: 6 },
    ...[...rules.values()].map((t) => ({ header: t[lang], width: 10 })),
    { header: words.reasons[lang], width: 60 },
    { header: words.fixes[lang], width: 60 },
  ];
  const rows = photos.map(({ a, p, u }): Row => {
    const byId = new Map(p.rules.map((r) => [r.id, r]));
    const notPassing = p.rules.filter((r) => r.status !== 'pass');
    const reasons = p.error ? [p.error.message[lang]] : notPassing.map((r) => `${r.title[lang]}${sep}${r.message[lang]}`);
    const fixes = notPassing.flatMap((r) => (r.fix ? [r.fix[lang]] : []));
    const late = activityLate(a) ? (lang === 'zh' ? `（${words.late.zh}）` : ` (${words.late.en})`) : '';
    const cells: [string | number, Tone | undefined][] = [
      [u.unit.name[lang], undefined],
      [activityHeader(a.activity, lang), undefined],
      [p.file, undefined],
      ...(service ? ([[a.submission?.version ?? '', undefined], [`${a.submission?.submittedAt ?? ''}${late}`, late ? 'late' : undefined]] as [string | number, Tone | undefined][]) : []),
      [labels.verdict[p.verdict][lang], p.verdict],
      ...(reviewed
        ? ([
            [p.review ? labels.verdict[p.autoVerdict][lang] : '', p.review ? p.autoVerdict : undefined],
            [p.review ? `${labels.verdict[p.review.decision][lang]}${p.review.note ? `${sep}${p.review.note}` : ''} — ${p.review.by}` : '', undefined],
          ] as [string | number, Tone | undefined][])
        : []),
      [p.verdict === 'error' ? '' : p.people.count, undefined],
      ...[...rules.keys()].map((id): [string, Tone | undefined] => {
        const r = byId.get(id);
        return r ? [labels.verdict[r.status][lang], r.status] : ['', undefined];
      }),
      [reasons.join('\n'), undefined],
      [fixes.join('\n'), undefined],
    ];
    return { values: cells.map((c) => c[0]), tones: cells.map((c) => c[1]) };
  });
  return { name: words.photosSheet[lang], columns, rows };
}
