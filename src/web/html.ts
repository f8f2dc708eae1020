// HTML for the web pages: a tagged template that escapes every interpolated value, and the page layout.
import { escapeMarkup } from '../util/escape.ts';
import type { Lang } from '../i18n/messages.ts';
import { t } from './text.ts';

/** Markup that is already safe (made by `html`); anything else interpolated into `html` is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

function piece(v: unknown): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(piece).join('');
  return escapeMarkup(String(v));
}

/** `html\`<p>${text}</p>\``: values are escaped unless they are Html; arrays are joined; null/undefined/false vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += piece(v) + strings[i + 1]!));
  return new Html(out);
}

/** A path with each dynamic segment URL-encoded: path`/units/${unit}` → /units/%E9%9B%81… */
export function path(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => (out += encodeURIComponent(String(v)) + strings[i + 1]!));
  return out;
}

export interface PageContext {
  lang: Lang;
  /** The request's path and query, for the language switch. */
  url: string;
  /** Signed in as (shown in the header with a sign-out button). */
  who?: { label: string; collector: boolean; unit: string | null };
}

/** The language switch link: the same page with ?lang= set. */
function switchLang(url: string, lang: Lang): string {
  const u = new URL(url, 'http://x');
  u.searchParams.set('lang', lang);
  return u.pathname + u.search;
}

export function page(ctx: PageContext, title: string, body: Html): string {
  const other: Lang = ctx.lang === 'zh' ? 'en' : 'zh';
  const nav = ctx.who
    ? html`<nav>
        ${ctx.who.collector ? html`<a href="/overview">${t.overview[ctx.lang]}</a><a href="/queue">${t.queue[ctx.lang]}</a>` : null}
        ${ctx.who.unit ? html`<a href="${path`/units/${ctx.who.unit}`}">${t.myUnit[ctx.lang]}</a>` : null}
        <span class="who">${ctx.who.label}</span>
        <form method="post" action="/logout"><button type="submit" class="link">${t.signOut[ctx.lang]}</button></form>
      </nav>`
    : null;
  return `<!doctype html>${html`<html lang="${ctx.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · photocheck</title>
<link rel="stylesheet" href="/static/app.css">
<script src="/static/app.js" defer></script>
</head>
<body data-lang="${ctx.lang}">
<header><a class="brand" href="/">${t.brand[ctx.lang]}</a>${nav}<a class="lang" href="${switchLang(ctx.url, other)}">${other === 'en' ? 'English' : '中文'}</a></header>
<main>${body}</main>
</body>
</html>`}`;
}
