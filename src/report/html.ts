// One self-contained HTML file of a Report (check --format html): evidence pictures inlined as data: URLs, no external resource, readable on a phone.
import type { PhotoResult } from '../check/check-photo.ts';
import { format, type Lang, type Message } from '../i18n/messages.ts';
import { escapeMarkup } from '../util/escape.ts';
import type { ActivityReport, Report, UnitReport } from './report.ts';
import { labels } from './table.ts';
import { activityHeader, activityLate, overviewTable, words as tableWords, type Tone } from './tables.ts';

export interface HtmlReportOptions {
  lang: Lang;
  /** The evidence picture (a JPEG) of a photo, or null for none; without it the report has no pictures. */
  evidence?: (photo: PhotoResult) => Promise<Buffer | null>;
}

const words = {
  overview: { zh: '总览', en: 'Overview' },
  reviewItems: { zh: '每张照片还需人工判断', en: 'What a person judges on every photo' },
  picture: { zh: '{{file}} 的检查标注图', en: 'Evidence picture of {{file}}' },
  reviewed: { zh: '人工复核', en: 'Reviewed' },
  auto: { zh: '自动结论', en: 'automatic verdict' },
  deadline: { zh: '报送截止', en: 'Deadline' },
} satisfies Record<string, Message>;

const pill = (tone: Tone, text: string) => `<span class="pill ${tone}">${escapeMarkup(text)}</span>`;

/**
 * The report as one HTML file to e-mail or open anywhere: Chinese (or English) text, the overview of units ×
 * activities, and per photo its evidence picture, each rule's result with the reason and how to fix it.
 * Pictures are fetched one by one from `evidence` (so only one is held at a time beside the page).
 */
export async function renderHtmlReport(report: Report, opts: HtmlReportOptions): Promise<string> {
  const { lang } = opts;
  const title = `${report.campaign.title[lang]} — ${labels.report[lang]}`;
  const body: string[] = [];
  body.push(`<header><h1>${escapeMarkup(report.campaign.title[lang])}</h1><p class="meta">${escapeMarkup(labels.report[lang])} · ${escapeMarkup(labels.generated[lang])} ${escapeMarkup(time(report.generatedAt))}${report.campaign.deadline ? ` · ${escapeMarkup(words.deadline[lang])} ${escapeMarkup(time(report.campaign.deadline))}` : ''}</p></header>`);
  if (report.units.length === 0) body.push(`<p>${escapeMarkup(labels.noUnits[lang])}</p>`);
  if (report.units.length > 1 || report.units.some((u) => u.activities.some((a) => a.submission))) body.push(overview(report, lang));
  const items = report.reviewItems ?? [];
  if (items.length > 0) body.push(`<section class="note"><h2>${escapeMarkup(words.reviewItems[lang])}</h2><ul>${items.map((m) => `<li>${escapeMarkup(m[lang])}</li>`).join('')}</ul></section>`);
  for (const u of report.units) body.push(await unitSection(u, opts));
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(title)}</title>
<style>${css}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

function overview(report: Report, lang: Lang): string {
  const t = overviewTable(report, lang);
  const head = t.columns.map((c) => `<th>${escapeMarkup(c.header)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.values.map((v, i) => (i === 0 ? `<th>${escapeMarkup(String(v))}</th>` : `<td class="${r.tones[i] ?? ''}">${escapeMarkup(String(v))}</td>`)).join('')}</tr>`);
  return `<section><h2>${escapeMarkup(words.overview[lang])}</h2><div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div></section>`;
}

async function unitSection(u: UnitReport, opts: HtmlReportOptions): Promise<string> {
  const { lang } = opts;
  const out = [`<section class="unit"><h2>${escapeMarkup(u.unit.name[lang])}</h2><p class="meta">${escapeMarkup(format(labels.summary[lang], { ...u.summary }, lang))}</p>`];
  for (const a of u.activities.filter((x) => x.status !== 'missing' || x.submission)) {
    const late = activityLate(a) ? ` ${pill('late', tableWords.late[lang])}` : '';
    const version = a.submission ? ` · ${escapeMarkup(format(labels.version[lang], { version: a.submission.version }, lang))}` : '';
    out.push(`<section class="activity"><h3>${escapeMarkup(activityHeader(a.activity, lang))}${a.responsible ? '' : ` <small>${escapeMarkup(labels.notResponsible[lang])}</small>`}</h3>`);
    out.push(`<p class="meta">${pill(a.status, labels.activityStatus[a.status][lang])}${late}${version}</p>`);
    const changes = changesList(a, lang);
    if (changes) out.push(changes);
    for (const p of a.photos) out.push(await photoCard(p, opts));
    out.push('</section>');
  }
  const missing = u.activities.filter((a) => a.status === 'missing' && !a.submission);
  if (missing.length > 0) {
    out.push(`<p class="missing">${pill('missing', tableWords.status.missing[lang])} ${missing.map((a) => escapeMarkup(activityHeader(a.activity, lang))).join(lang === 'zh' ? '；' : '; ')}</p>`);
  }
  out.push('</section>');
  return out.join('\n');
}

async function photoCard(p: PhotoResult, opts: HtmlReportOptions): Promise<string> {
  const { lang } = opts;
  const colon = lang === 'zh' ? '：' : ': ';
  const people = p.verdict === 'error' ? '' : ` <span class="meta">${escapeMarkup(labels.people[lang])} ${p.people.count}</span>`;
  const out = [`<article class="photo ${p.verdict}"><h4>${pill(p.verdict, labels.verdict[p.verdict][lang])} <span class="file">${escapeMarkup(p.file)}</span>${people}</h4>`];
  const jpeg = opts.evidence ? await opts.evidence(p) : null;
  if (jpeg) out.push(`<img src="data:image/jpeg;base64,${jpeg.toString('base64')}" alt="${escapeMarkup(format(words.picture[lang], { file: p.file }))}">`);
  if (p.review) {
    const auto = `${words.auto[lang]} ${labels.verdict[p.autoVerdict][lang]}`;
    out.push(`<p class="review">${pill(p.review.decision, words.reviewed[lang])} ${escapeMarkup(labels.verdict[p.review.decision][lang])}${p.review.note ? escapeMarkup(colon + p.review.note) : ''} <span class="meta">(${escapeMarkup(auto)} · ${escapeMarkup(p.review.by)} · ${escapeMarkup(time(p.review.at))})</span></p>`);
  }
  const rows = p.error ? [`<li>${pill('error', labels.verdict.error[lang])} ${escapeMarkup(p.error.message[lang])}</li>`] : [];
  for (const r of p.rules) {
    const fix = r.fix ? `<div class="fix">→ ${escapeMarkup(labels.fix[lang] + colon + r.fix[lang])}</div>` : '';
    rows.push(`<li>${pill(r.status, labels.verdict[r.status][lang])} <b>${escapeMarkup(r.title[lang])}</b>${escapeMarkup(colon)}${escapeMarkup(r.message[lang])}${fix}</li>`);
  }
  out.push(`<ul class="rules">${rows.join('')}</ul></article>`);
  return out.join('\n');
}

function changesList(a: ActivityReport, lang: Lang): string | null {
  if (!a.changes) return null;
  const kinds = (['newlyPassing', 'stillFailing', 'newlyFailing', 'removed'] as const).filter((k) => a.changes![k].length > 0);
  const items = kinds.map((k) => `<li><b>${escapeMarkup(labels[k][lang])}</b> ${a.changes![k].map((c) => escapeMarkup(c.file)).join(lang === 'zh' ? '、' : ', ')}</li>`);
  const head = escapeMarkup(format(labels.changes[lang], { sinceVersion: a.changes.sinceVersion }, lang));
  return `<div class="changes">${head}${lang === 'zh' ? '：' : ': '}${items.length ? `<ul>${items.join('')}</ul>` : escapeMarkup(labels.noChange[lang])}</div>`;
}

/** `2026-11-29T08:00:00.000Z` → `2026-11-29 08:00 UTC`, `2023-03-25T00:00:00+08:00` → `2023-03-25 00:00 UTC+08:00`. */
function time(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::[\d.]+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC${m[3] === 'Z' ? '' : m[3]}` : iso.replace('T', ' ');
}

const css = `
:root{--pass:#1a7f37;--review:#b35900;--fail:#cf222e;--error:#57606a;--missing:#6e7781;--pending:#0969da;--late:#bc4c00}
*{box-sizing:border-box}
body{margin:0 auto;max-width:980px;padding:12px;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;color:#1f2328;background:#f6f8fa}
h1{font-size:1.35em;margin:.3em 0}h2{font-size:1.2em;margin:1.2em 0 .3em}h3{font-size:1.05em;margin:1em 0 .3em}h4{font-size:1em;margin:0 0 .5em;font-weight:600}
.meta{color:#57606a;font-size:.9em;margin:.2em 0}
section.unit{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:4px 14px 12px;margin:16px 0}
article.photo{border-top:1px solid #d0d7de;padding:12px 0}
article.photo img{display:block;width:100%;height:auto;border-radius:4px;margin:6px 0}
.file{word-break:break-all}
.pill{display:inline-block;padding:0 .5em;border-radius:4px;color:#fff;font-size:.85em;font-weight:600;white-space:nowrap;background:var(--error)}
.pill.pass{background:var(--pass)}.pill.review{background:var(--review)}.pill.fail{background:var(--fail)}.pill.missing{background:var(--missing)}.pill.pending{background:var(--pending)}.pill.late{background:var(--late)}
ul.rules{list-style:none;padding:0;margin:0}ul.rules li{margin:.35em 0}
.fix{margin:.15em 0 0 1.2em;color:#0a3069}
.changes,.note,.review{background:#fff8c5;border-radius:6px;padding:6px 10px;margin:6px 0}
.note{background:#ddf4ff}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;background:#fff;font-size:.9em;min-width:100%}
th,td{border:1px solid #d0d7de;padding:4px 6px;text-align:left;white-space:nowrap}
thead th{background:#eaeef2;white-space:normal;min-width:5em}
td.pass{background:#dafbe1;color:#116329}td.review{background:#fff8c5;color:#7d4e00}td.fail{background:#ffebe9;color:#a40e26}
td.missing{background:#eaeef2;color:#424a53}td.pending{background:#ddf4ff;color:#0550ae}td.late{background:#ffe7d1;color:#953800;font-weight:600}
@media (max-width:600px){body{padding:6px;font-size:15px}section.unit{padding:2px 8px 8px}}
`;
