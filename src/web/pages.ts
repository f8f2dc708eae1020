// The web pages of `photocheck serve` (issue 5): sign-in, a unit's upload and report, the collector's overview and
// exports, the operator's queue view. Same tokens and access rules as the API (src/server/auth.ts).
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang, Message } from '../i18n/messages.ts';
import { analyseJobId } from '../queue/jobs.ts';
import { authenticate, cookieValue, hideOtherUnit, requireCollector, requireUnit, tokenCookie } from '../server/auth.ts';
import { parse } from '../server/routes.ts';
import type { PhotocheckService } from '../service/service.ts';
import type { Token } from '../store/store.ts';
import { evidencePicture, exportReport } from './evidence.ts';
import type { PageContext } from './html.ts';
import { t } from './text.ts';
import { overviewPage, queuePage } from './views-collector.ts';
import { errorPage, signInPage, unitPage } from './views-unit.ts';

export interface WebOptions {
  service: PhotocheckService;
}

const langCookie = 'photocheck_lang';
/** The sign-in lasts 30 days or until sign-out. */
const tokenMaxAge = 30 * 24 * 3600;

const statics: Record<string, { type: string; body: string }> = Object.fromEntries(
  [
    ['app.css', 'text/css; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
  ].map(([name, type]) => [name, { type: type!, body: readFileSync(new URL(`./static/${name}`, import.meta.url), 'utf8') }]),
);

const unitParams = z.object({ unit: z.string().min(1) });
const unitQuery = z.object({ activity: z.string().min(1).optional() });
const photoParams = z.object({ id: z.coerce.number().int().positive(), file: z.string().min(1) });
const exportParams = z.object({ name: z.enum(['report.xlsx', 'overview.csv', 'photos.csv']) });
const exportQuery = z.object({ unit: z.string().min(1).optional() });
const signInBody = z.object({ token: z.string().trim().default(''), next: z.string().optional() });
const retryBody = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(), all: z.string().optional() });

function addCookie(reply: FastifyReply, cookie: string): void {
  const prev = reply.getHeader('set-cookie');
  reply.header('set-cookie', [...(prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)]), cookie]);
}

/** ?lang=en|zh switches the language and remembers it in a cookie; otherwise the cookie; Chinese by default. */
function langOf(req: FastifyRequest, reply?: FastifyReply): Lang {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  if (q === 'zh' || q === 'en') {
    if (reply) addCookie(reply, `${langCookie}=${q}; Path=/; Max-Age=31536000; SameSite=Lax`);
    return q;
  }
  return cookieValue(req, langCookie) === 'en' ? 'en' : 'zh';
}

/** Only a path on this site (no //host or scheme): where to go after signing in. */
function localPath(p: string | undefined): string {
  return p && /^\/(?![/\\])/.test(p) ? p : '/';
}

/** What every page handler gets: the service and the page helpers. */
interface PageEnv {
  service: PhotocheckService;
  /** Language, signed-in user and URL of the page (sets the language cookie on ?lang=). */
  context(req: FastifyRequest, reply: FastifyReply, token?: Token): PageContext;
  send(reply: FastifyReply, body: string, status?: number): FastifyReply;
}

/** Who may open a page: anyone, any valid token (the handler narrows it to a unit), or the collector only. */
export type PageAccess = 'public' | 'token' | 'collector';

export interface Page {
  method: 'GET' | 'POST';
  url: string;
  access: PageAccess;
  /** For collector pages: what only the collector may do, for the 403 message. */
  action?: Message;
  handler(req: FastifyRequest, reply: FastifyReply, env: PageEnv, token: Token | null): Promise<unknown>;
}

/** Every page and file the web part serves, with its access rule (test/web.test.ts checks each one). */
export const pages: Page[] = [
  {
    method: 'GET',
    url: '/static/:name',
    access: 'public',
    async handler(req, reply) {
      const file = statics[(req.params as { name: string }).name];
      if (!file) throw new PhotocheckError('PC_ERR_NOT_FOUND', { what: req.url });
      return reply.type(file.type).header('cache-control', 'no-cache').send(file.body);
    },
  },
  // ── sign-in ─────────────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    url: '/',
    access: 'public',
    async handler(req, reply, env) {
      if (cookieValue(req, tokenCookie) === undefined && !req.headers.authorization) return env.send(reply, signInPage(env.context(req, reply), {}));
      const token = authenticate(env.service.store, req);
      return reply.redirect(token.role === 'collector' ? '/overview' : `/units/${encodeURIComponent(token.unit!)}`, 303);
    },
  },
  {
    method: 'POST',
    url: '/login',
    access: 'public',
    async handler(req, reply, env) {
      const ctx = env.context(req, reply);
      const b = parse(signInBody, req.body, 'body');
      const token = b.token ? env.service.store.findToken(b.token) : undefined;
      if (!token) {
        req.log.warn({ event: 'denied', reason: 'invalid-token', url: req.url }, 'sign-in with an unknown or revoked token');
        const e = new PhotocheckError(b.token ? 'PC_ERR_TOKEN_INVALID' : 'PC_ERR_AUTH_REQUIRED');
        return env.send(reply, signInPage(ctx, { error: e.messageIn(ctx.lang), next: b.next }), 401);
      }
      const secure = req.protocol === 'https' ? '; Secure' : '';
      addCookie(reply, `${tokenCookie}=${encodeURIComponent(b.token)}; Path=/; Max-Age=${tokenMaxAge}; HttpOnly; SameSite=Strict${secure}`);
      req.log.info({ event: 'signed-in', token: token.id, role: token.role, unit: token.unit }, 'signed in on the web page');
      return reply.redirect(localPath(b.next), 303);
    },
  },
  {
    method: 'POST',
    url: '/logout',
    access: 'public',
    async handler(_req, reply) {
      addCookie(reply, clearToken);
      return reply.redirect('/', 303);
    },
  },
  // ── a unit's page: upload, progress, report ─────────────────────────────────────────────────────────────
  {
    method: 'GET',
    url: '/units/:unit',
    access: 'token',
    async handler(req, reply, env, token) {
      const p = parse(unitParams, req.params, 'params');
      const q = parse(unitQuery, req.query, 'query');
      const unit = env.service.unitId(p.unit);
      requireUnit(req, token!, unit);
      const report = env.service.report({ unit });
      const u = report.units[0]!;
      const selected = q.activity ? env.service.activityId(q.activity) : (u.activities.find((a) => a.responsible && !a.submission) ?? u.activities[0])?.activity.id;
      // The collector gets a pass/fail form on each photo (PUT /api/submissions/:id/photos/:file/review).
      const canReview = token!.role === 'collector';
      return env.send(reply, unitPage(env.context(req, reply, token!), { campaign: env.service.campaign, unit: u, reviewItems: report.reviewItems, canReview, selected }));
    },
  },
  {
    method: 'GET',
    url: '/submissions/:id/photos/:file/evidence.jpg',
    access: 'token',
    async handler(req, reply, env, token) {
      const { service } = env;
      const p = parse(photoParams, req.params, 'params');
      const what = `photo ${p.file} of submission ${p.id}`;
      const sub = service.store.submission(p.id);
      if (!sub || sub.campaignId !== service.campaign.id) throw new PhotocheckError('PC_ERR_NOT_FOUND', { what });
      hideOtherUnit(req, token!, sub.unit, what);
      const photo = service.photoStatus(sub, p.file);
      if (!photo?.result || photo.result.autoVerdict === 'error') throw new PhotocheckError('PC_ERR_NOT_FOUND', { what });
      const jpeg = await evidencePicture(() => readFile(service.store.photos.path(photo.sha256)), photo.result, langOf(req));
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=300').send(jpeg);
    },
  },
  {
    method: 'GET',
    url: '/exports/:name',
    access: 'token',
    /** Excel or CSV of one unit's report (?unit=: that unit or the collector) or of every unit (the collector). */
    async handler(req, reply, env, token) {
      const { service } = env;
      const { name } = parse(exportParams, req.params, 'params');
      const q = parse(exportQuery, req.query, 'query');
      const unit = q.unit === undefined ? undefined : service.unitId(q.unit);
      if (unit) requireUnit(req, token!, unit);
      else requireCollector(req, token!, service.campaign.collector, { zh: '下载全部单位的报告', en: 'download the report of all units' });
      const lang = langOf(req);
      const out = await exportReport(unit ? service.report({ unit }) : service.overview(), name === 'report.xlsx' ? 'xlsx' : name, lang);
      const download = `${lang === 'zh' ? '照片检查' : 'photocheck'}-${unit ?? (lang === 'zh' ? '汇总' : 'all')}-${name}`;
      return reply
        .type(out.type)
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(download)}`)
        .send(out.body);
    },
  },
  // ── the collector ───────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'GET',
    url: '/overview',
    access: 'collector',
    action: { zh: '查看全部单位的汇总', en: 'see the overview of all units' },
    async handler(req, reply, env, token) {
      return env.send(reply, overviewPage(env.context(req, reply, token!), { campaign: env.service.campaign, report: env.service.overview() }));
    },
  },
  {
    method: 'GET',
    url: '/queue',
    access: 'collector',
    action: { zh: '查看检查队列', en: 'see the check queue' },
    async handler(req, reply, env, token) {
      const { service } = env;
      const retried = (req.query as { retried?: string }).retried;
      return env.send(
        reply,
        queuePage(env.context(req, reply, token!), {
          counts: service.queue ? await service.queue.of(service.analysisVersion).getJobCounts() : null,
          analysed: service.store.countAnalyses(service.analysisVersion),
          failed: service.store.failedAnalyses(service.analysisVersion),
          retried: retried === undefined ? undefined : Number(retried) || 0,
          campaign: service.campaign,
        }),
      );
    },
  },
  {
    method: 'POST',
    url: '/queue/retry',
    access: 'collector',
    action: { zh: '重试检查任务', en: 'retry check jobs' },
    /** Retry one failed photo (its BullMQ job if it is still there, else a new job with the same id) or all of them. */
    async handler(req, reply, env, token) {
      const { service } = env;
      const b = parse(retryBody, req.body, 'body');
      const version = service.analysisVersion;
      const failed = service.store.failedAnalyses(version).map((f) => f.sha256);
      const shas = b.all ? failed : failed.filter((s) => s === b.sha256);
      if (service.queue) {
        const queue = service.queue.of(version);
        for (const sha of shas) {
          const job = await queue.getJob(analyseJobId(sha, version));
          if (!job) await service.queue.enqueue([sha], version);
          else if (await job.isFailed()) await job.retry('failed');
          // else: waiting or running already
        }
      }
      req.log.info({ event: 'retried', token: token!.id, photos: shas.length }, 'failed analyses queued again');
      return reply.redirect(`/queue?retried=${shas.length}`, 303);
    },
  },
];

const clearToken = `${tokenCookie}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;

/** The fastify plugin: registers `pages` with their access rule, HTML error pages and form bodies. */
export async function webPages(app: FastifyInstance, o: WebOptions): Promise<void> {
  const { service } = o;
  const unitName = (id: string, lang: Lang) => (lang === 'zh' ? id : (service.campaign.units.find((u) => u.id === id)?.en ?? id));
  const who = (token: Token, lang: Lang): PageContext['who'] => {
    if (token.role === 'unit') return { label: unitName(token.unit!, lang), collector: false, unit: token.unit };
    const collector = unitName(service.campaign.collector, lang);
    return { label: lang === 'zh' ? `${t.collector.zh}（${collector}）` : `${t.collector.en} (${collector})`, collector: true, unit: null };
  };
  const send = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const env: PageEnv = {
    service,
    context(req, reply, token) {
      const lang = langOf(req, reply);
      return { lang, url: req.url, who: token && who(token, lang) };
    },
    send,
  };

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  // Errors on pages are pages: 401 → the sign-in form (then back here), 403/404/400 → a short page saying why.
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    const e = err instanceof PhotocheckError ? err : status && status < 500 ? new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: (err as Error).message }) : null;
    const ctx = { lang: langOf(req), url: req.url };
    if (!e) {
      req.log.error({ err }, 'page failed');
      return send(reply, errorPage(ctx, 500, new PhotocheckError('PC_ERR_INTERNAL', { reason: `request ${req.id}` }).messageIn(ctx.lang)), 500);
    }
    if (e.status === 401) {
      if (cookieValue(req, tokenCookie) !== undefined) addCookie(reply, clearToken);
      const error = e.code === 'PC_ERR_TOKEN_INVALID' ? e.messageIn(ctx.lang) : undefined;
      return send(reply, signInPage(ctx, { error, next: req.method === 'GET' ? req.url : undefined }), 401);
    }
    return send(reply, errorPage(ctx, e.status, e.messageIn(ctx.lang)), e.status);
  });

  for (const page of pages) {
    app.route({
      method: page.method,
      url: page.url,
      handler: async (req, reply) => {
        const token = page.access === 'public' ? null : authenticate(service.store, req);
        if (page.access === 'collector') requireCollector(req, token!, service.campaign.collector, page.action ?? { zh: '打开此页', en: 'open this page' });
        return page.handler(req, reply, env, token);
      },
    });
  }
}
