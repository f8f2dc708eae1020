// Terminal view of a Report: per unit, per activity, each photo's verdict with the reason and the fix for every failed rule.
import { format, type Lang, type Message } from '../i18n/messages.ts';
import { localTime } from '../campaign/deadline.ts';
import type { PhotoResult } from '../check/check-photo.ts';
import type { ActivityReport, Report } from './report.ts';

export const labels = {
  verdict: {
    pass: { zh: '合格', en: 'pass' },
    fail: { zh: '不合格', en: 'fail' },
    review: { zh: '待复核', en: 'review' },
    error: { zh: '出错', en: 'error' },
  },
  activityStatus: {
    pass: { zh: '已有合格照片', en: 'has a compliant photo' },
    review: { zh: '待人工复核', en: 'needs review' },
    fail: { zh: '暂无合格照片', en: 'no compliant photo yet' },
    missing: { zh: '未提交', en: 'not submitted' },
  },
  report: { zh: '照片检查报告', en: 'photo check report' },
  generated: { zh: '生成时间', en: 'Generated' },
  activity: { zh: '活动', en: 'Activity' },
  notResponsible: { zh: '（非本单位责任活动）', en: '(not assigned to this unit)' },
  fix: { zh: '怎么改', en: 'How to fix' },
  summary: {
    zh: '照片 {{photos}} 张：合格 {{pass}}，待复核 {{review}}，不合格 {{fail}}，出错 {{error}}；未提交的责任活动 {{activitiesMissing}} 项',
    en: '{{photos}} photos: {{pass}} pass, {{review}} review, {{fail}} fail, {{error}} error; {{activitiesMissing}} assigned activities not submitted',
  },
  people: { zh: '人数', en: 'people' },
  missing: { zh: '未提交：', en: 'Not submitted: ' },
  noUnits: { zh: '没有照片。', en: 'No photos.' },
  deadline: { zh: '报送截止：{{deadline}} 前', en: 'Deadline: before {{deadline}}' },
  submittedAt: { zh: '提交时间：{{submittedAt}}', en: 'Submitted: {{submittedAt}}' },
  submittedUnknown: { zh: '提交时间未知，未判断是否逾期（用 --submitted-at 指定）', en: 'Submission time not known, lateness not judged (give --submitted-at)' },
  reviewItems: { zh: '需人工判断（每张照片请复核人确认）：', en: 'For the reviewer to judge on every photo:' },
  reviewed: { zh: '人工复核：{{decision}}（自动判定：{{auto}}）{{note}} — {{by}}，{{at}}', en: 'Reviewer: {{decision}} (automatic: {{auto}}){{note}} — {{by}}, {{at}}' },
  late: { zh: '逾期', en: 'late' },
  // Service reports (photocheck submit) only:
  version: { zh: '第 {{version}} 版', en: 'version {{version}}' },
  pending: { zh: '{{pending}} 张待检查', en: '{{pending}} pending' },
  changes: { zh: '与第 {{sinceVersion}} 版相比', en: 'Since version {{sinceVersion}}' },
  newlyPassing: { zh: '新合格', en: 'newly passing' },
  stillFailing: { zh: '仍不合格', en: 'still failing' },
  newlyFailing: { zh: '新不合格', en: 'newly failing' },
  removed: { zh: '已删除', en: 'removed' },
  noChange: { zh: '结果无变化', en: 'no change in results' },
} satisfies Record<string, Message | Record<string, Message>>;

const colon = { zh: '：', en: ': ' } as const;
const marks = { pass: '✓', fail: '✗', review: '?', error: '!' } as const;

export function renderTable(report: Report, lang: Lang = 'zh'): string {
  const out: string[] = [];
  out.push(`${report.campaign.title[lang]} — ${labels.report[lang]}`);
  out.push(`${labels.generated[lang]}: ${report.generatedAt}`);
  const time = (iso: string) => localTime(iso, report.campaign);
  const submitted = report.submittedAt === undefined ? '' : `${lang === 'zh' ? '；' : '; '}${report.submittedAt ? format(labels.submittedAt[lang], { submittedAt: time(report.submittedAt) }, lang) : labels.submittedUnknown[lang]}`;
  out.push(`${format(labels.deadline[lang], { deadline: time(report.campaign.deadline) }, lang)}${submitted}`);
  if (report.reviewItems.length > 0) {
    out.push(labels.reviewItems[lang], ...report.reviewItems.map((item, i) => `  ${i + 1}. ${item[lang]}`));
  }
  if (report.units.length === 0) out.push('', labels.noUnits[lang]);
  for (const u of report.units) {
    const late = u.late ? (lang === 'zh' ? `【${labels.late.zh}】` : ` [${labels.late.en}]`) : '';
    out.push('', `■ ${u.unit.name[lang]}${late}   ${format(labels.summary[lang], u.summary, lang)}`);
    const missing = u.activities.filter((a) => a.status === 'missing');
    for (const a of u.activities.filter((x) => x.status !== 'missing')) {
      const head = `${labels.activity[lang]}${lang === 'zh' ? a.activity.id : ` ${a.activity.number}`} ${a.activity.name[lang]}`;
      const resp = a.responsible ? '' : ` ${labels.notResponsible[lang]}`;
      out.push(`  ${head}${resp} — ${labels.activityStatus[a.status][lang]}${submissionNote(a, lang)}`);
      for (const p of a.photos) {
        const people = p.verdict === 'error' ? '' : `  ${labels.people[lang]} ${p.people.count}`;
        out.push(`    ${marks[p.verdict]} ${labels.verdict[p.verdict][lang].padEnd(lang === 'zh' ? 3 : 6, lang === 'zh' ? '　' : ' ')} ${p.file}${people}`);
        if (p.review) out.push(`        ☑ ${reviewLine(p, lang, time)}`);
        if (p.error) out.push(`        ! ${p.error.message[lang]}`);
        for (const r of p.rules) {
          if (r.status === 'pass' && (p.autoVerdict ?? p.verdict) === 'pass') continue;
          out.push(`        ${marks[r.status]} ${r.title[lang]}${colon[lang]}${r.message[lang]}`);
          if (r.fix) out.push(`          → ${labels.fix[lang]}${colon[lang]}${r.fix[lang]}`);
        }
      }
      const changed = changesLine(a, lang);
      if (changed) out.push(`    ${changed}`);
    }
    if (missing.length > 0) {
      const names = missing.map((a) => (lang === 'zh' ? `${a.activity.id} ${a.activity.name.zh}` : `${a.activity.number} ${a.activity.name.en}`));
      out.push(`  ${labels.missing[lang]}${names.join(lang === 'zh' ? '；' : '; ')}`);
    }
  }
  return out.join('\n') + '\n';
}

/** `（第 2 版，逾期，1 张待检查）`: the version (service reports), lateness and pending photos of an activity. */
function submissionNote(a: ActivityReport, lang: Lang): string {
  const parts: string[] = [];
  if (a.submission) parts.push(format(labels.version[lang], { ...a.submission }, lang));
  if (a.late) parts.push(labels.late[lang]);
  if (a.submission && a.submission.pending > 0) parts.push(format(labels.pending[lang], { ...a.submission }, lang));
  if (parts.length === 0) return '';
  return lang === 'zh' ? `（${parts.join('，')}）` : ` (${parts.join(', ')})`;
}

/** `人工复核：合格（自动判定：待复核）：现场整洁 — 党群工作部 张三，2023-03-26 10:00`. */
function reviewLine(p: PhotoResult, lang: Lang, time: (iso: string) => string): string {
  const r = p.review!;
  const note = r.note ? `${colon[lang]}${r.note}` : '';
  return format(labels.reviewed[lang], { decision: labels.verdict[r.decision][lang], auto: labels.verdict[p.autoVerdict ?? p.verdict][lang], note, by: r.by, at: time(r.at) }, lang);
}

/** `与第 1 版相比：新合格 a.jpg；仍不合格 b.jpg；已删除 c.jpg`, or null for a first version. */
function changesLine(a: ActivityReport, lang: Lang): string | null {
  if (!a.changes) return null;
  const name = (f: string) => f.split('/').pop()!;
  const sep = lang === 'zh' ? '、' : ', ';
  const parts = (['newlyPassing', 'stillFailing', 'newlyFailing', 'removed'] as const)
    .filter((k) => a.changes![k].length > 0)
    .map((k) => `${labels[k][lang]} ${a.changes![k].map((c) => name(c.file)).join(sep)}`);
  return `${format(labels.changes[lang], { ...a.changes }, lang)}${colon[lang]}${parts.length ? parts.join(lang === 'zh' ? '；' : '; ') : labels.noChange[lang]}`;
}
