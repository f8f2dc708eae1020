// Pages for a unit (and the collector looking at one): sign-in, upload with progress, the report with evidence pictures.
import { localTime } from '../campaign/deadline.ts';
import type { Campaign } from '../campaign/schema.ts';
import type { PhotoResult } from '../check/check-photo.ts';
import { format, type Lang, type Message } from '../i18n/messages.ts';
import type { ActivityChanges, ActivityReport, ChangedPhoto, UnitReport } from '../report/report.ts';
import { labels } from '../report/table.ts';
import { html, page, path, type Html, type PageContext } from './html.ts';
import { t } from './text.ts';

const marks = { pass: '✓', fail: '✗', review: '?', error: '!' } as const;
const colon = { zh: '：', en: ': ' } as const;

export function activityTitle(a: { id: string; number: number; name: Message }, lang: Lang): string {
  return lang === 'zh' ? `活动${a.id} ${a.name.zh}` : `Activity ${a.number}: ${a.name.en}`;
}

export function signInPage(ctx: PageContext, o: { error?: string; next?: string }): string {
  const L = ctx.lang;
  return page(
    ctx,
    t.signIn[L],
    html`<section class="card narrow">
      <h1>${t.brand[L]}</h1>
      <p>${t.signInIntro[L]}</p>
      ${o.error ? html`<p class="alert" role="alert">${o.error}</p>` : null}
      <form method="post" action="/login" class="signin">
        <label for="token">${t.tokenLabel[L]}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required spellcheck="false">
        ${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : null}
        <button type="submit">${t.signIn[L]}</button>
      </form>
      <p class="hint">${t.tokenHint[L]}</p>
    </section>`,
  );
}

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return page(ctx, String(status), html`<section class="card narrow"><h1>${status}</h1><p class="alert" role="alert">${message}</p><p><a href="/">${t.back[ctx.lang]}</a></p></section>`);
}

function uploadForm(L: Lang, campaign: Campaign, unit: UnitReport, selected?: string): Html {
  const assigned = unit.activities.filter((a) => a.responsible).map((a) => a.activity.id);
  const option = (a: Campaign['activities'][number]) => html`<option value="${a.id}" ${a.id === selected ? 'selected' : ''}>${activityTitle(a, L)}</option>`;
  const words = Object.fromEntries(Object.entries(t.js).map(([k, m]) => [k, m[L]]));
  return html`<section class="card upload">
    <h2>${t.upload[L]}</h2>
    <form id="upload" data-unit="${unit.unit.id}" data-text="${JSON.stringify(words)}">
      <label class="field">${t.activity[L]}
        <select name="activity" required>
          <optgroup label="${t.assigned[L]}">${campaign.activities.filter((a) => assigned.includes(a.id)).map(option)}</optgroup>
          <optgroup label="${t.others[L]}">${campaign.activities.filter((a) => !assigned.includes(a.id)).map(option)}</optgroup>
        </select>
      </label>
      <div class="drop">
        <span>${t.drop[L]}</span>
        <label class="button secondary">${t.choose[L]}<input type="file" name="files" multiple accept="image/*,.heic,.heif"></label>
        <p class="chosen" aria-live="polite"></p>
      </div>
      <label class="check"><input type="checkbox" name="mode" value="replace"> ${t.replaceAll[L]}</label>
      <button type="submit">${t.send[L]}</button>
    </form>
    <div class="progress" hidden>
      <progress max="100" value="0"></progress>
      <p class="status" role="status" aria-live="polite"></p>
    </div>
  </section>`;
}

/** One line of the change list; the reasons are given under the verdict changes, the file changes list names only. */
function changedList(title: string, list: ChangedPhoto[], cls: string, L: Lang, reasons: boolean): Html | null {
  if (list.length === 0) return null;
  return html`<li class="${cls}"><b>${title}</b>${L === 'zh' ? `（${list.length}）` : ` (${list.length})`}<ul>${list.map(
    (c) => html`<li>${c.file.split('/').pop()}${reasons && c.reasons?.length ? html`<span class="why"> — ${c.reasons.map((r) => r[L]).join(L === 'zh' ? '；' : '; ')}</span>` : null}</li>`,
  )}</ul></li>`;
}

function changes(c: ActivityChanges, L: Lang): Html {
  const rows = [
    changedList(labels.newlyPassing[L], c.newlyPassing, 'pass', L, false),
    changedList(labels.stillFailing[L], c.stillFailing, 'fail', L, true),
    changedList(labels.newlyFailing[L], c.newlyFailing, 'fail', L, true),
    changedList(t.added[L], c.added, '', L, false),
    changedList(t.replaced[L], c.replaced, '', L, false),
    changedList(labels.removed[L], c.removed, '', L, false),
  ].filter(Boolean);
  return html`<div class="changes"><h3>${format(labels.changes[L], { sinceVersion: c.sinceVersion })}</h3>${rows.length ? html`<ul>${rows}</ul>` : html`<p>${labels.noChange[L]}</p>`}</div>`;
}

function ruleItem(r: PhotoResult['rules'][number], L: Lang): Html {
  return html`<li class="rule ${r.status}"><span class="mark">${marks[r.status]}</span><div><b>${r.title[L]}</b>${colon[L]}${r.message[L]}${
    r.fix && r.status !== 'pass' ? html`<p class="fix">→ ${labels.fix[L]}${colon[L]}${r.fix[L]}</p>` : null
  }</div></li>`;
}

function reviewForm(url: string, p: PhotoResult, L: Lang): Html {
  return html`<form class="review-form" data-url="${url}">
    <fieldset><legend>${t.review[L]}</legend>
      <label><input type="radio" name="decision" value="pass" ${p.review?.decision === 'pass' ? 'checked' : ''} required> ${t.decisionPass[L]}</label>
      <label><input type="radio" name="decision" value="fail" ${p.review?.decision === 'fail' ? 'checked' : ''}> ${t.decisionFail[L]}</label>
      <label class="field">${t.note[L]}<textarea name="note" rows="2">${p.review?.note ?? ''}</textarea></label>
      <button type="submit">${t.save[L]}</button>
      ${p.review ? html`<button type="button" class="secondary" data-action="delete">${t.removeReview[L]}</button>` : null}
    </fieldset>
  </form>`;
}

function photoCard(ctx: PageContext, unit: string, a: ActivityReport, p: PhotoResult, canReview: boolean, campaign: Campaign): Html {
  const L = ctx.lang;
  const file = p.file.slice(`${unit}/${a.activity.id}/`.length) || p.file;
  const sub = a.submission!.id;
  const evidence = `${path`/submissions/${sub}/photos/${file}`}/evidence.jpg?lang=${L}`;
  const picture =
    p.verdict === 'error'
      ? html`<div class="nopicture">${t.noPicture[L]}</div>`
      : html`<a href="${evidence}" target="_blank" rel="noopener"><img src="${evidence}" alt="${format(t.evidenceAlt[L], { file })}" loading="lazy" width="${p.image?.width ?? ''}" height="${p.image?.height ?? ''}"></a>`;
  return html`<article class="photo v-${p.verdict}" data-file="${file}">
    ${picture}
    <div class="body">
      <h3><span class="badge ${p.verdict}">${labels.verdict[p.verdict][L]}</span> <span class="file">${file}</span></h3>
      ${p.error ? html`<p class="alert">${p.error.message[L]}</p>` : null}
      ${p.review
        ? html`<p class="reviewed">${t.review[L]}${colon[L]}<b>${labels.verdict[p.review.decision][L]}</b>${p.review.note ? html` — ${p.review.note}` : null} <small>(${format(t.reviewBy[L], { by: p.review.by, at: localTime(p.review.at, campaign) })})</small>${
            p.autoVerdict !== p.verdict ? html`<br><small>${t.autoVerdict[L]}${labels.verdict[p.autoVerdict][L]}</small>` : null
          }</p>`
        : null}
      <ul class="rules">${p.rules.map((r) => ruleItem(r, L))}</ul>
      ${canReview ? reviewForm(`${path`/api/submissions/${sub}/photos/${file}`}/review`, p, L) : null}
    </div>
  </article>`;
}

function activitySection(ctx: PageContext, unit: UnitReport, a: ActivityReport, canReview: boolean, campaign: Campaign): Html {
  const L = ctx.lang;
  const s = a.submission;
  return html`<section class="card activity" id="${`act-${a.activity.id}`}">
    <h2>${activityTitle(a.activity, L)} <span class="badge ${a.status}">${labels.activityStatus[a.status][L]}</span></h2>
    ${s
      ? html`<p class="meta">${format(labels.version[L], { version: s.version })} · ${format(t.submitted[L], { at: localTime(s.submittedAt, campaign) })}${
          s.late ? html` · <span class="badge late">${labels.late[L]}</span>` : null
        }${s.pending ? html` · ${format(labels.pending[L], { pending: s.pending })}` : null}</p>`
      : null}
    ${!a.responsible ? html`<p class="meta">${labels.notResponsible[L]}</p>` : null}
    ${a.changes ? changes(a.changes, L) : null}
    <div class="photos">${a.photos.map((p) => photoCard(ctx, unit.unit.id, a, p, canReview, campaign))}</div>
  </section>`;
}

export function unitPage(
  ctx: PageContext,
  o: { campaign: Campaign; unit: UnitReport; reviewItems?: Message[]; canReview: boolean; selected?: string },
): string {
  const L = ctx.lang;
  const u = o.unit;
  const shown = u.activities.filter((a) => a.submission || a.photos.length > 0);
  const missing = u.activities.filter((a) => a.responsible && !a.submission && a.photos.length === 0);
  return page(
    ctx,
    u.unit.name[L],
    html`<h1>${u.unit.name[L]}${u.late ? html` <span class="badge late">${labels.late[L]}</span>` : null}</h1>
    <p class="summary">${format(labels.summary[L], u.summary)}</p>
    ${u.summary.photos
      ? html`<p class="downloads">${t.downloads[L]}
          <a class="button secondary" href="${`/exports/report.xlsx?unit=${encodeURIComponent(u.unit.id)}&lang=${L}`}" download>${t.excel[L]}</a>
          <a class="button secondary" href="${`/exports/photos.csv?unit=${encodeURIComponent(u.unit.id)}&lang=${L}`}" download>${t.csvPhotos[L]}</a>
        </p>`
      : null}
    ${missing.length ? html`<p class="missing">${t.notSubmitted[L]}${missing.map((a) => activityTitle(a.activity, L)).join(L === 'zh' ? '；' : '; ')}</p>` : null}
    ${o.reviewItems?.length ? html`<p class="hint">${t.reviewItems[L]}${o.reviewItems.map((m) => m[L]).join(L === 'zh' ? '；' : '; ')}</p>` : null}
    ${uploadForm(L, o.campaign, u, o.selected)}
    ${shown.length ? shown.map((a) => activitySection(ctx, u, a, o.canReview, o.campaign)) : html`<p class="card">${t.noPhotosYet[L]}</p>`}`,
  );
}
