// The HTTP API as a table: each route's access rule, zod-validated input and handler. The OpenAPI document is made from it.
import { basename } from 'node:path';
import type {} from '@fastify/multipart'; // types: request.parts()
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { renderTable } from '../report/table.ts';
import type { PhotocheckService } from '../service/service.ts';
import type { Received } from '../store/photo-store.ts';
import type { Token } from '../store/store.ts';
import { hideOtherUnit, requireCollector, requireUnit } from './auth.ts';

export interface UploadLimits {
  /** Largest photo accepted, in MB. Default 50. */
  maxFileMb: number;
  /** Most photos in one upload. Default 500. */
  maxFiles: number;
}

export const uploadDefaults: Readonly<UploadLimits> = Object.freeze({ maxFileMb: 50, maxFiles: 500 });

export interface RouteContext {
  req: FastifyRequest;
  reply: FastifyReply;
  token: Token;
  service: PhotocheckService;
  limits: UploadLimits;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify path syntax (`:name` parameters). */
  url: string;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON request body. */
  body?: z.ZodObject;
  /** Multipart form fields (besides the files), for the OpenAPI document; the handler reads the parts itself. */
  multipart?: z.ZodObject;
  /** Status codes this route answers with, besides the errors every route may give (400, 401, 403, 404). */
  responses: Record<number, string>;
  handler(ctx: RouteContext, input: { params: Record<string, unknown>; query: Record<string, unknown>; body?: unknown }): Promise<unknown>;
}

export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
    throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues });
  }
  return r.data;
}

const unitParams = z.object({ unit: z.string().min(1).describe('Unit name as in the campaign, e.g. 雁江镇') });
const uploadParams = unitParams.extend({ activity: z.string().min(1).describe('Activity: number (1–8), numeral (一…八) or name') });
const idParams = z.object({ id: z.coerce.number().int().positive().describe('Submission id') });
const photoParams = idParams.extend({ file: z.string().min(1).describe('File name of the photo in the submission, e.g. banner-pass.jpg') });
const reviewBody = z
  .object({
    decision: z.enum(['pass', 'fail']).describe("The reviewer's verdict; it overrides the automatic one (kept as autoVerdict)"),
    note: z.string().trim().max(2000).default('').describe('Why: required for fail (what the unit must fix)'),
  })
  .refine((b) => b.decision === 'pass' || b.note.length > 0, { path: ['note'], message: 'a fail needs a note saying what is wrong' });
const reportQuery = z.object({
  format: z.enum(['json', 'table']).default('json').describe('json (the Report) or table (the same text as photocheck check)'),
  lang: z.enum(['zh', 'en']).default('zh').describe('Language of the table'),
});
const uploadFields = z.object({
  mode: z
    .enum(['merge', 'replace'])
    .default('merge')
    .describe('merge: uploaded photos replace same-named ones or are added, the rest of the previous version stays; replace: the upload is the whole new version'),
  remove: z.array(z.string().min(1)).default([]).describe('File names of the previous version to drop (repeatable field)'),
  files: z.array(z.string()).optional().describe('The photos (one multipart file part each, any field name)'),
});

/** A safe file name from a multipart filename: the last path segment, no control characters. */
function fileName(raw: string | undefined): string {
  const name = basename((raw ?? '').replace(/\\/g, '/')).trim();
  if (!name || name === '.' || name === '..' || name.length > 200 || /[\u0000-\u001f]/.test(name)) {
    throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: `files: unusable file name ${JSON.stringify(raw ?? '')}` });
  }
  return name;
}

/** Read a multipart upload: files streamed into the data dir's tmp/ (hashed on the way), fields collected. */
async function readUpload(ctx: RouteContext): Promise<{ fields: Record<string, string[]>; uploads: { file: string; received: Received }[] }> {
  const fields: Record<string, string[]> = {};
  const uploads: { file: string; received: Received }[] = [];
  const tooLarge = (reason: string) => new PhotocheckError('PC_ERR_TOO_LARGE', { reason, maxFileMb: ctx.limits.maxFileMb, maxFiles: ctx.limits.maxFiles });
  try {
    const parts = ctx.req.parts({ limits: { fileSize: ctx.limits.maxFileMb * 1024 * 1024, files: ctx.limits.maxFiles, fields: 1000, parts: ctx.limits.maxFiles + 1000 } });
    for await (const part of parts) {
      if (part.type === 'file') {
        const file = fileName(part.filename);
        const received = await ctx.service.store.photos.receive(part.file);
        uploads.push({ file, received });
        if (part.file.truncated) throw tooLarge(file);
      } else {
        (fields[part.fieldname] ??= []).push(String(part.value));
      }
    }
  } catch (err) {
    for (const u of uploads) ctx.service.store.photos.discard(u.received);
    const code = (err as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw tooLarge(code === 'FST_REQ_FILE_TOO_LARGE' ? 'a photo is too large' : 'too many parts');
    }
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw new PhotocheckError('PC_ERR_BAD_REQUEST', { issues: 'the body must be multipart/form-data' });
    throw err;
  }
  return { fields, uploads };
}

export const routes: Route[] = [
  {
    method: 'POST',
    url: '/api/units/:unit/activities/:activity/submissions',
    summary: 'Upload a batch of photos for a unit and activity (a new version; the first one is version 1)',
    description:
      'multipart/form-data with the photos as file parts. Unchanged photos are not analysed again; only new or changed contents are queued. ' +
      'A unit token uploads for its own unit; the collector token for any unit.',
    params: uploadParams,
    multipart: uploadFields,
    responses: { 202: 'Accepted: the submission with how many photos were queued and reused', 413: 'A photo or the upload is too large', 503: 'Stored but Redis refused the jobs (queued again automatically)' },
    async handler(ctx, { params }) {
      const p = parse(uploadParams, params, 'params');
      const unit = ctx.service.unitId(p.unit);
      requireUnit(ctx.req, ctx.token, unit);
      const activity = ctx.service.activityId(p.activity);
      const { fields, uploads } = await readUpload(ctx);
      try {
        const f = parse(uploadFields, { mode: fields.mode?.[0], remove: fields.remove }, 'fields');
        const result = await ctx.service.submit({ unit, activity, uploads, mode: f.mode, remove: f.remove, token: ctx.token });
        ctx.req.log.info({ event: 'submitted', submission: result.submission.id, unit, activity, version: result.submission.version, queued: result.queued }, 'submission stored');
        ctx.reply.code(202);
        return {
          ...result,
          links: { status: `/api/submissions/${result.submission.id}`, report: `/api/units/${encodeURIComponent(unit)}/report` },
        };
      } catch (err) {
        for (const u of uploads) ctx.service.store.photos.discard(u.received);
        throw err;
      }
    },
  },
  {
    method: 'GET',
    url: '/api/submissions/:id',
    summary: "A submission's progress: queued / scored / failed counts and each photo's state",
    params: idParams,
    responses: { 200: 'The status; done is true when no photo is queued' },
    async handler(ctx, { params }) {
      const { id } = parse(idParams, params, 'params');
      const what = { zh: `提交 ${id}`, en: `submission ${id}` };
      const sub = ctx.service.store.submission(id);
      if (!sub) throw new PhotocheckError('PC_ERR_NOT_FOUND', { what });
      hideOtherUnit(ctx.req, ctx.token, sub.unit, `submission ${id}`);
      const status = await ctx.service.status(id);
      if (!status) throw new PhotocheckError('PC_ERR_NOT_FOUND', { what });
      return status;
    },
  },
  {
    method: 'GET',
    url: '/api/units/:unit/report',
    summary: "A unit's report over the latest version of each activity (the Report of photocheck check --format json, plus submission, late and changes)",
    params: unitParams,
    query: reportQuery,
    responses: { 200: 'The unit report' },
    async handler(ctx, { params, query }) {
      const p = parse(unitParams, params, 'params');
      const q = parse(reportQuery, query, 'query');
      const unit = ctx.service.unitId(p.unit);
      requireUnit(ctx.req, ctx.token, unit);
      const report = ctx.service.report({ unit });
      if (q.format === 'table') {
        ctx.reply.type('text/plain; charset=utf-8');
        return renderTable(report, q.lang as Lang);
      }
      return report;
    },
  },
  {
    method: 'GET',
    url: '/api/report',
    summary: "The collector's overview: every unit's report, and per unit which activities are covered, failing, missing or late",
    query: reportQuery,
    responses: { 200: 'The report over all units with an overview' },
    async handler(ctx, { query }) {
      const q = parse(reportQuery, query, 'query');
      requireCollector(ctx.req, ctx.token, ctx.service.campaign.collector, { zh: '查看全部单位的汇总', en: 'see the overview of all units' });
      const overview = ctx.service.overview();
      if (q.format === 'table') {
        ctx.reply.type('text/plain; charset=utf-8');
        return renderTable(overview, q.lang as Lang);
      }
      return overview;
    },
  },
  {
    method: 'PUT',
    url: '/api/submissions/:id/photos/:file/review',
    summary: "Record a reviewer's decision on a photo (collector only): pass or fail with a note; it becomes the photo's verdict",
    description:
      'What no rule can judge (the campaign\'s reviewItems: a tidy scene, people really doing the activity …) is decided here. ' +
      'Every report then shows the decision as the verdict, with review { decision, note, by, at } and the automatic autoVerdict. ' +
      'A new version keeps the decision while the file is unchanged; new content under the same name drops it.',
    params: photoParams,
    body: reviewBody,
    responses: { 200: 'The photo as reports show it now', 409: 'The photo is still queued, or could not be read' },
    async handler(ctx, { params, body }) {
      const p = parse(photoParams, params, 'params');
      requireCollector(ctx.req, ctx.token, ctx.service.campaign.collector, { zh: '人工复核照片', en: 'review photos' });
      const b = parse(reviewBody, body, 'body');
      const photo = ctx.service.review(p.id, p.file, b, ctx.token);
      ctx.req.log.info({ event: 'reviewed', submission: p.id, file: p.file, decision: b.decision, by: photo.review!.by, autoVerdict: photo.autoVerdict }, 'review recorded');
      return { photo };
    },
  },
  {
    method: 'DELETE',
    url: '/api/submissions/:id/photos/:file/review',
    summary: "Remove a reviewer's decision on a photo (collector only): the automatic verdict counts again",
    params: photoParams,
    responses: { 200: 'The photo as reports show it now, and whether there was a decision to remove' },
    async handler(ctx, { params }) {
      const p = parse(photoParams, params, 'params');
      requireCollector(ctx.req, ctx.token, ctx.service.campaign.collector, { zh: '人工复核照片', en: 'review photos' });
      const r = ctx.service.unreview(p.id, p.file);
      ctx.req.log.info({ event: 'review-removed', submission: p.id, file: p.file, removed: r.removed }, 'review removed');
      return { removed: r.removed, photo: r.photo };
    },
  },
  {
    method: 'POST',
    url: '/api/recheck',
    summary: "Re-read the campaign file and judge every stored photo again under its thresholds (no photo is analysed again)",
    responses: { 200: 'How many submissions and photos were judged again' },
    async handler(ctx) {
      requireCollector(ctx.req, ctx.token, ctx.service.campaign.collector, { zh: '重新检查', en: 're-check' });
      const r = await ctx.service.recheck();
      ctx.req.log.info({ event: 'recheck', ...r }, 'judged again under the campaign file');
      return r;
    },
  },
];
