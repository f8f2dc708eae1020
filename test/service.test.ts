// The queue and service end to end on a real Redis: upload → queued → scored by real worker processes → reports;
// resubmission, one analysis per content, re-check without re-analysis, SIGTERM and SIGKILL of workers, auth, submit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCampaignFile } from '../src/campaign/load.ts';
import { AnalysisQueue } from '../src/queue/producer.ts';
import { ResultCollector } from '../src/queue/results.ts';
import type { Report } from '../src/report/report.ts';
import { buildServer } from '../src/server/app.ts';
import { routes } from '../src/server/routes.ts';
import { PhotocheckService, type SubmissionStatus, type SubmitResult } from '../src/service/service.ts';
import { Store } from '../src/store/store.ts';
import { sha256 } from '../src/util/hash.ts';
import { bin, CliProcess, root } from './helpers/processes.ts';
import { dropPrefix, redisUrl, requireRedis, uniquePrefix } from './helpers/redis.ts';

const images = join(root, 'fixtures', 'images');
const tree = join(root, 'fixtures', 'tree');
const photo = (p: string) => readFileSync(join(root, 'fixtures', p));
/** The same bytes are in both units' folders of the tree. */
const bannerPass = () => photo('tree/雁江镇/四/banner-pass.jpg');
const Y = '雁江镇';
const L = '临江镇';

const prefix = uniquePrefix('service');
const data = mkdtempSync(join(tmpdir(), 'pc-service-'));
const campaignFile = join(data, 'campaign.json');
const logLines: Record<string, unknown>[] = [];
let store: Store;
let queue: AnalysisQueue;
let results: ResultCollector;
let app: FastifyInstance;
let base: string;
const tokens = { collector: '', [Y]: '', [L]: '' };
const workers: CliProcess[] = [];

function startWorker(extra: string[] = []): CliProcess {
  const w = new CliProcess(['worker', '--data', data, '--prefix', prefix, '--concurrency', '1', ...extra], { REDIS_URL: redisUrl });
  workers.push(w);
  return w;
}
const allWorkers = () => workers;
const analysedCount = (sha?: string) => allWorkers().reduce((n, w) => n + w.count('analysed', sha), 0);

async function api<T = unknown>(method: string, path: string, token?: string, body?: FormData): Promise<{ status: number; body: T }> {
  const res = await fetch(base + path, { method, body, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

function form(files: [name: string, bytes: Buffer][], fields: Record<string, string | string[]> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) f.append(k, x);
  for (const [name, bytes] of files) f.append('files', new Blob([new Uint8Array(bytes)]), name);
  return f;
}

const uploadPath = (unit: string, activity: string) => `/api/units/${encodeURIComponent(unit)}/activities/${encodeURIComponent(activity)}/submissions`;
const reportPath = (unit: string) => `/api/units/${encodeURIComponent(unit)}/report`;

async function upload(token: string, unit: string, activity: string, files: [string, Buffer][], fields: Record<string, string | string[]> = {}) {
  return api<SubmitResult>('POST', uploadPath(unit, activity), token, form(files, fields));
}

async function untilDone(id: number, token: string, ms = 180_000): Promise<SubmissionStatus> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await api<SubmissionStatus>('GET', `/api/submissions/${id}`, token);
    expect(r.status).toBe(200);
    if (r.body.done) return r.body;
    if (Date.now() > end) throw new Error(`submission ${id} not done within ${ms} ms: ${JSON.stringify(r.body.progress)}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

/** Wait for a condition that follows an event in another process (its log line may arrive after its SQLite write). */
async function eventually(test: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

const photoOf = (report: Report, unit: string, file: string) =>
  report.units.find((u) => u.unit.id === unit)!.activities.flatMap((a) => a.photos).find((p) => p.file.endsWith(`/${file}`));

beforeAll(async () => {
  await requireRedis();
  // The 2023 campaign with the three rules these fixtures were made for: this suite is about the queue and the
  // service, and must not change verdicts when a rule is added to the campaign.
  const campaign = JSON.parse(readFileSync(defaultCampaignFile, 'utf8')) as { rules: Record<string, unknown> };
  campaign.rules = Object.fromEntries(Object.entries(campaign.rules).filter(([id]) => ['sharpness', 'theme-banner', 'participants'].includes(id)));
  writeFileSync(campaignFile, JSON.stringify(campaign, null, 2));
  store = new Store(data);
  queue = await AnalysisQueue.open({ redisUrl, prefix });
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, cb) {
        for (const l of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    }),
  );
  const service = new PhotocheckService({ store, queue, campaignFile });
  results = await ResultCollector.start({ queue, store, versions: [service.analysisVersion], interval: 200 });
  app = await buildServer({ service, logger });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  tokens.collector = store.createToken({ role: 'collector' }).token;
  tokens[Y] = store.createToken({ role: 'unit', unit: Y }).token;
  tokens[L] = store.createToken({ role: 'unit', unit: L }).token;
  // Two workers share the batches of the first test.
  const [w1, w2] = [startWorker(), startWorker()];
  await Promise.all([w1.waitFor((e) => e.event === 'ready'), w2.waitFor((e) => e.event === 'ready')]);
});

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await app?.close();
  await results?.close();
  await queue?.obliterate().catch(() => {});
  await queue?.close();
  await dropPrefix(prefix);
  store?.close();
  rmSync(data, { recursive: true, force: true });
});

describe('queue and service on a real Redis with real worker processes', () => {
  let first: { y: SubmitResult; l: SubmitResult };

  it('uploads two units, scores every photo once across two workers, and reports in the CLI shape', async () => {
    const y = await upload(
      tokens[Y],
      Y,
      '四',
      ['banner-pass.jpg', 'banner-few-people.jpg', 'blurred.jpg', 'no-text.jpg', 'not-an-image.jpg'].map((f) => [f, photo(`tree/雁江镇/四/${f}`)]),
    );
    expect(y.status).toBe(202);
    expect(y.body).toMatchObject({ submission: { unit: Y, activity: '四', version: 1, late: true }, photos: 5, queued: 5, reused: 0 });
    // The collector uploads on behalf of 临江镇: banner-pass.jpg has the same bytes as 雁江镇's, and a third copy has a Chinese name.
    const l = await upload(tokens.collector, L, '节水护水', [
      ['banner-other-theme.jpg', photo('tree/临江镇/节水护水/banner-other-theme.jpg')],
      ['banner-pass.jpg', photo('tree/临江镇/节水护水/banner-pass.jpg')],
      ['横幅照片.jpg', bannerPass()],
    ]);
    expect(l.status).toBe(202);
    expect(l.body.submission).toMatchObject({ unit: L, activity: '六', version: 1 });
    first = { y: y.body, l: l.body };

    const sy = await untilDone(y.body.submission.id, tokens[Y]);
    expect(sy.progress).toEqual({ total: 5, queued: 0, scored: 4, failed: 1 });
    const sl = await untilDone(l.body.submission.id, tokens[L]);
    expect(sl.progress).toEqual({ total: 3, queued: 0, scored: 3, failed: 0 });
    expect(sl.photos.map((p) => p.file)).toContain('横幅照片.jpg');

    // Six contents (the banner photo three times over): six analyses in all, each content once, by both workers.
    const shared = sha256(bannerPass());
    await eventually(() => analysedCount() >= 6);
    await new Promise((r) => setTimeout(r, 500)); // and no more
    expect(analysedCount()).toBe(6);
    expect(analysedCount(shared)).toBe(1);
    expect(store.countAnalyses(store.submission(y.body.submission.id)!.analysisVersion)).toBe(6);
    for (const w of allWorkers()) expect(w.count('analysed')).toBeGreaterThan(0);

    const r = await api<Report>('GET', reportPath(Y), tokens[Y]);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['campaign', 'generatedAt', 'reviewItems', 'units']);
    expect(r.body.units.map((u) => u.unit.id)).toEqual([Y]);
    expect(photoOf(r.body, Y, 'banner-pass.jpg')!.verdict).toBe('pass');
    expect(photoOf(r.body, Y, 'banner-few-people.jpg')!.rules.find((x) => x.id === 'participants')!.status).toBe('fail');
    expect(photoOf(r.body, Y, 'blurred.jpg')!.rules.find((x) => x.id === 'sharpness')!.status).toBe('fail');
    expect(photoOf(r.body, Y, 'no-text.jpg')!.rules.find((x) => x.id === 'theme-banner')!.messageId).toBe('noText');
    expect(photoOf(r.body, Y, 'not-an-image.jpg')!).toMatchObject({ verdict: 'error', error: { code: 'PC_ERR_NOT_IMAGE' } });
    const four = r.body.units[0]!.activities.find((a) => a.activity.id === '四')!;
    expect(four).toMatchObject({ status: 'pass', submission: { version: 1, late: true, pending: 0 }, changes: null });
    expect(r.body.units[0]!.late).toBe(true);
    expect(photoOf(r.body, Y, 'banner-pass.jpg')!.file).toBe('雁江镇/四/banner-pass.jpg');
  });

  it("gives the collector an overview of every unit: covered, missing, late", async () => {
    const r = await api<Report & { overview: { units: { unit: string; covered: string[]; missing: string[]; late: unknown[] }[] } }>('GET', '/api/report', tokens.collector);
    expect(r.status).toBe(200);
    const byUnit = Object.fromEntries(r.body.overview.units.map((u) => [u.unit, u]));
    expect(Object.keys(byUnit)).toHaveLength(13);
    expect(byUnit[Y]).toMatchObject({ covered: ['四'], late: [{ activity: '四', version: 1 }] });
    expect(byUnit[Y]!.missing).toContain('一');
    expect(byUnit[L]).toMatchObject({ covered: ['六'] });
    expect(byUnit['区妇联']!.covered).toEqual([]);
    expect(byUnit['区妇联']!.missing.length).toBeGreaterThan(0);
    const table = await api<string>('GET', '/api/report?format=table&lang=en', tokens.collector);
    expect(table.body).toContain('■ Yanjiang Town');
  });

  it('needs a token on every endpoint and keeps each unit to its own data (403/404, logged)', async () => {
    const yId = first.y.submission.id;
    const lId = first.l.submission.id;
    const calls: Record<string, { method: string; path: string; body?: () => FormData }> = {
      'POST /api/units/:unit/activities/:activity/submissions': { method: 'POST', path: uploadPath(L, '六'), body: () => form([['x.jpg', photo('images/small.jpg')]]) },
      'GET /api/submissions/:id': { method: 'GET', path: `/api/submissions/${lId}` },
      'GET /api/units/:unit/report': { method: 'GET', path: reportPath(L) },
      'GET /api/report': { method: 'GET', path: '/api/report' },
      'POST /api/recheck': { method: 'POST', path: '/api/recheck' },
      'PUT /api/submissions/:id/photos/:file/review': { method: 'PUT', path: `/api/submissions/${lId}/photos/banner-pass.jpg/review` },
      'DELETE /api/submissions/:id/photos/:file/review': { method: 'DELETE', path: `/api/submissions/${lId}/photos/banner-pass.jpg/review` },
    };
    // Every route of the table is covered here.
    expect(Object.keys(calls).sort()).toEqual(routes.map((r) => `${r.method} ${r.url}`).sort());

    for (const c of [...Object.values(calls), { method: 'GET', path: '/api/openapi.json' }]) {
      const none = await api<{ error: { code: string } }>(c.method, c.path, undefined, 'body' in c ? c.body?.() : undefined);
      expect([c.path, none.status, none.body.error.code]).toEqual([c.path, 401, 'PC_ERR_AUTH_REQUIRED']);
      const bad = await api<{ error: { code: string } }>(c.method, c.path, 'pc_not-a-token', 'body' in c ? c.body?.() : undefined);
      expect([c.path, bad.status, bad.body.error.code]).toEqual([c.path, 401, 'PC_ERR_TOKEN_INVALID']);
    }
    // 雁江镇's token on 临江镇's data, and on the collector's endpoints.
    const denied = logLines.filter((l) => l.event === 'denied').length;
    const expected: Record<string, [number, string]> = {
      'POST /api/units/:unit/activities/:activity/submissions': [403, 'PC_ERR_FORBIDDEN'],
      'GET /api/submissions/:id': [404, 'PC_ERR_NOT_FOUND'],
      'GET /api/units/:unit/report': [403, 'PC_ERR_FORBIDDEN'],
      'GET /api/report': [403, 'PC_ERR_COLLECTOR_ONLY'],
      'POST /api/recheck': [403, 'PC_ERR_COLLECTOR_ONLY'],
      'PUT /api/submissions/:id/photos/:file/review': [403, 'PC_ERR_COLLECTOR_ONLY'],
      'DELETE /api/submissions/:id/photos/:file/review': [403, 'PC_ERR_COLLECTOR_ONLY'],
    };
    for (const [route, c] of Object.entries(calls)) {
      const r = await api<{ error: { code: string } }>(c.method, c.path, tokens[Y], c.body?.());
      expect([route, r.status, r.body.error.code]).toEqual([route, ...expected[route]!]);
    }
    expect(logLines.filter((l) => l.event === 'denied').length - denied).toBe(Object.keys(calls).length);
    expect(logLines.some((l) => l.event === 'denied' && l.own === Y && l.unit === L)).toBe(true);
    // Its own data is there, and so is everyone's for the collector.
    expect((await api('GET', `/api/submissions/${yId}`, tokens[Y])).status).toBe(200);
    expect((await api('GET', `/api/submissions/${yId}`, tokens[L])).status).toBe(404);
    expect((await api('GET', reportPath(Y), tokens.collector)).status).toBe(200);
    expect((await api('GET', `/api/submissions/${lId}`, tokens.collector)).status).toBe(200);
    const doc = await api<{ openapi: string; paths: Record<string, unknown> }>('GET', '/api/openapi.json', tokens[L]);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toContain('/api/units/{unit}/activities/{activity}/submissions');
  });

  it('re-scores only new or changed photos on resubmission and reports what changed', async () => {
    const before = analysedCount();
    // banner-few-people.jpg is replaced by a passing photo already analysed (as banner-pass.jpg): nothing to analyse for it.
    const r = await upload(tokens[Y], Y, '4', [['banner-few-people.jpg', bannerPass()], ['dark.jpg', photo('images/dark.jpg')]], { remove: 'blurred.jpg' });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ submission: { version: 2 }, photos: 5, queued: 1, reused: 4, added: ['dark.jpg'], replaced: ['banner-few-people.jpg'], removed: ['blurred.jpg'] });
    await untilDone(r.body.submission.id, tokens[Y]);
    await eventually(() => analysedCount() - before >= 1);
    expect(analysedCount() - before).toBe(1);
    expect(analysedCount(sha256(photo('images/dark.jpg')))).toBe(1);

    const report = (await api<Report>('GET', reportPath(Y), tokens[Y])).body;
    const four = report.units[0]!.activities.find((a) => a.activity.id === '四')!;
    expect(four.submission).toMatchObject({ version: 2, pending: 0 });
    const files = (list: { file: string }[]) => list.map((c) => c.file.split('/').pop()).sort();
    expect(four.changes).toMatchObject({ sinceVersion: 1 });
    expect(files(four.changes!.newlyPassing)).toEqual(['banner-few-people.jpg']);
    expect(files(four.changes!.removed)).toEqual(['blurred.jpg']);
    expect(files(four.changes!.added)).toEqual(['dark.jpg']);
    expect(files(four.changes!.stillFailing)).toEqual(['no-text.jpg', 'not-an-image.jpg']);
    const noText = four.changes!.stillFailing.find((c) => c.file.endsWith('no-text.jpg'))!;
    expect(noText.reasons![0]!.en).toContain('No text');
    expect(four.photos.map((p) => p.file.split('/').pop()).sort()).toEqual(['banner-few-people.jpg', 'banner-pass.jpg', 'dark.jpg', 'no-text.jpg', 'not-an-image.jpg']);
    const table = await api<string>('GET', `${reportPath(Y)}?format=table`, tokens[Y]);
    expect(table.body).toContain('与第 1 版相比：新合格 banner-few-people.jpg');
  });

  it('re-judges everything after a threshold change without analysing again', async () => {
    const before = analysedCount();
    const original = readFileSync(campaignFile, 'utf8');
    const stricter = JSON.parse(original) as { version: string; rules: { participants: { min: number } } };
    stricter.version = '2023.1-stricter';
    stricter.rules.participants.min = 30;
    writeFileSync(campaignFile, JSON.stringify(stricter));
    const r = await api<{ changed: boolean; analysed: number; photos: number; campaign: { version: string } }>('POST', '/api/recheck', tokens.collector);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ changed: true, analysed: 0, campaign: { version: '2023.1-stricter' } });
    let report = (await api<Report>('GET', reportPath(Y), tokens[Y])).body;
    expect(report.campaign.version).toBe('2023.1-stricter');
    expect(photoOf(report, Y, 'banner-pass.jpg')!.rules.find((x) => x.id === 'participants')!.status).toBe('fail'); // 22 < 30
    writeFileSync(campaignFile, original);
    expect((await api<{ changed: boolean }>('POST', '/api/recheck', tokens.collector)).body.changed).toBe(true);
    report = (await api<Report>('GET', reportPath(Y), tokens[Y])).body;
    expect(photoOf(report, Y, 'banner-pass.jpg')!.verdict).toBe('pass');
    expect(analysedCount()).toBe(before);
  });

  it('lets a worker finish its current photo on SIGTERM, then exit 0', async () => {
    const [w1, w2] = workers;
    w2!.kill('SIGTERM');
    expect(await w2!.exited).toEqual({ code: 0, signal: null });
    const r = await upload(tokens[Y], Y, '四', [['motion-blurred.jpg', photo('images/motion-blurred.jpg')]]);
    const sha = sha256(photo('images/motion-blurred.jpg'));
    await w1!.waitFor((e) => e.event === 'started' && e.sha256 === sha);
    w1!.kill('SIGTERM');
    expect(await w1!.exited).toEqual({ code: 0, signal: null });
    expect(w1!.count('analysed', sha)).toBe(1);
    expect((await untilDone(r.body.submission.id, tokens[Y], 5_000)).progress.queued).toBe(0);
  });

  it('loses no job when a worker is killed mid-job (SIGKILL): another worker finishes it', async () => {
    const fast = ['--lock-duration', '2000', '--stalled-interval', '1000'];
    const doomed = startWorker(fast);
    await doomed.waitFor((e) => e.event === 'ready');
    const bytes = photo('images/rotated-exif.jpg');
    const sha = sha256(bytes);
    const r = await upload(tokens[Y], Y, '四', [['rotated-exif.jpg', bytes]]);
    expect(r.body.queued).toBe(1);
    await doomed.waitFor((e) => e.event === 'started' && e.sha256 === sha);
    const rescuer = startWorker(fast); // starts up while the doomed worker holds the job's lock
    doomed.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    expect(doomed.count('analysed', sha)).toBe(0);
    await rescuer.waitFor((e) => e.event === 'analysed' && e.sha256 === sha, 120_000, 'the rescued job');
    const status = await untilDone(r.body.submission.id, tokens[Y], 10_000);
    expect(status.photos.find((p) => p.file === 'rotated-exif.jpg')).toMatchObject({ state: 'scored' });
    const rec = store.getAnalysis(sha, store.submission(r.body.submission.id)!.analysisVersion)!;
    expect(rec.worker).toBe(rescuer.events.find((e) => e.event === 'ready')!.worker);
  });

  it('photocheck submit uploads a tree, shows progress and prints the report like check', async () => {
    // The rescuer worker is still running; every content in the tree is analysed already, so nothing waits on models.
    const child = spawn(process.execPath, [bin, 'submit', tree, '--server', base, '--format', 'json', '--interval', '0.2'], {
      cwd: root,
      env: { ...process.env, PHOTOCHECK_TOKEN: tokens.collector },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    expect([code, stderr]).toEqual([0, expect.stringContaining('检查 7/7')]);
    const report = JSON.parse(stdout) as Report;
    expect(report.units.map((u) => u.unit.id)).toEqual([Y, L]);
    expect(stderr).toMatch(/已提交 雁江镇\/四 第 5 版：5 张照片，新分析 0 张/);
    expect(photoOf(report, Y, 'banner-few-people.jpg')!.verdict).toBe('fail');
    expect(photoOf(report, L, 'banner-other-theme.jpg')!.verdict).toBe('pass');
    const four = report.units[0]!.activities.find((a) => a.activity.id === '四')!;
    expect(four.submission!.version).toBe(5);
    expect(four.changes!.removed.map((c) => c.file.split('/').pop()).sort()).toEqual(['dark.jpg', 'motion-blurred.jpg', 'rotated-exif.jpg']);
    // The folder replaced the version: 横幅照片.jpg, uploaded only through the API, is gone from 临江镇's.
    expect(photoOf(report, L, '横幅照片.jpg')).toBeUndefined();
  });
});
