// Pages for the collector: the units × activities overview with downloads, and the operator's queue view.
import type { Campaign } from '../campaign/schema.ts';
import { format } from '../i18n/messages.ts';
import type { Report, UnitReport } from '../report/report.ts';
import { activityLate, cellStatus, words, type CellStatus } from '../report/tables.ts';
import type { Overview } from '../service/service.ts';
import type { FailedAnalysis } from '../store/store.ts';
import { html, page, path, type Html, type PageContext } from './html.ts';
import { t } from './text.ts';
import { localTime } from '../campaign/deadline.ts';
import { activityTitle } from './views-unit.ts';

/** A unit × activity cell of the overview, by the report's one rule for it (src/report/tables.ts). */
function cell(unit: UnitReport, activity: string): { status: CellStatus; late: boolean } {
  const a = unit.activities.find((x) => x.activity.id === activity);
  return { status: cellStatus(a), late: a ? activityLate(a) : false };
}

const statusWord = { ...words.status, late: words.late };

export function overviewPage(ctx: PageContext, o: { campaign: Campaign; report: Report & { overview: Overview } }): string {
  const L = ctx.lang;
  const { campaign, report } = o;
  const legend = (['pass', 'fail', 'review', 'missing', 'late'] as const).map((s) => html`<span class="badge ${s}">${statusWord[s][L]}</span>`);
  const rows = report.units.map((u) => {
    const cells = campaign.activities.map((a) => {
      const c = cell(u, a.id);
      if (c.status === 'none') return html`<td class="none" title="${t.notAssigned[L]}">—</td>`;
      const href = `${path`/units/${u.unit.id}`}#${encodeURIComponent(`act-${a.id}`)}`;
      return html`<td class="${c.status}"><a href="${href}">${statusWord[c.status][L]}</a>${c.late ? html`<span class="badge late">${statusWord.late[L]}</span>` : null}</td>`;
    });
    return html`<tr><th scope="row"><a href="${path`/units/${u.unit.id}`}">${u.unit.name[L]}</a></th>${cells}</tr>`;
  });
  return page(
    ctx,
    t.overview[L],
    html`<h1>${report.campaign.title[L]}</h1>
    <p class="meta">${format(t.deadline[L], { deadline: localTime(report.overview.deadline, campaign) })}</p>
    <p class="downloads">${t.downloads[L]}
      <a class="button" href="/exports/report.xlsx?lang=${L}" download>${t.excel[L]}</a>
      <a class="button secondary" href="/exports/overview.csv?lang=${L}" download>${t.csvOverview[L]}</a>
      <a class="button secondary" href="/exports/photos.csv?lang=${L}" download>${t.csvPhotos[L]}</a>
    </p>
    <p class="legend">${legend}</p>
    <div class="matrix-wrap"><table class="matrix">
      <thead><tr><th scope="col">${t.unit[L]}</th>${campaign.activities.map(
        (a) => html`<th scope="col" title="${activityTitle(a, L)}">${L === 'zh' ? a.id : a.number}<small>${a.short}</small></th>`,
      )}</tr></thead>
      <tbody>${rows}</tbody>
    </table></div>`,
  );
}

export function queuePage(
  ctx: PageContext,
  o: { counts: Record<string, number> | null; analysed: number; failed: FailedAnalysis[]; retried?: number; campaign: Campaign },
): string {
  const L = ctx.lang;
  const count = (label: string, n: number | undefined, cls = '') => html`<div class="count ${cls}"><b>${n ?? 0}</b><span>${label}</span></div>`;
  const failedRows: Html[] = o.failed.map(
    (f) => html`<tr>
      <td><code>${f.sha256.slice(0, 12)}</code></td>
      <td>${f.uses.map((u) => html`<div><a href="${`${path`/units/${u.unit}`}#act-${encodeURIComponent(u.activity)}`}">${u.unit}/${u.activity}/${u.file}</a></div>`)}</td>
      <td>${f.reason}</td>
      <td>${localTime(f.at, o.campaign)}</td>
      <td><form method="post" action="/queue/retry"><input type="hidden" name="sha256" value="${f.sha256}"><button type="submit">${t.retry[L]}</button></form></td>
    </tr>`,
  );
  return page(
    ctx,
    t.queueTitle[L],
    html`<h1>${t.queueTitle[L]}</h1>
    ${o.retried !== undefined ? html`<p class="notice" role="status">${format(t.retried[L], { n: o.retried })}</p>` : null}
    ${o.counts
      ? html`<div class="counts">
          ${count(t.waiting[L], o.counts.waiting)}${count(t.active[L], o.counts.active)}${count(t.delayed[L], o.counts.delayed)}
          ${count(t.failed[L], o.failed.length, o.failed.length ? 'fail' : '')}${count(t.completed[L], o.analysed)}
        </div>`
      : html`<p class="alert">${t.noQueue[L]}</p>`}
    <section class="card">
      <h2>${t.failedJobs[L]}</h2>
      ${o.failed.length
        ? html`<form method="post" action="/queue/retry"><input type="hidden" name="all" value="1"><button type="submit">${t.retryAll[L]}</button></form>
          <div class="matrix-wrap"><table class="list"><tbody>${failedRows}</tbody></table></div>`
        : html`<p>${t.noFailed[L]}</p>`}
    </section>`,
  );
}
