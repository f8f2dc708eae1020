// Reviewers' decisions (issue 4 item 4) end to end: a real `photocheck serve` and a real worker on a real Redis —
// collector only, override of the verdict and the activity status with the automatic verdict kept, carried to a new
// version while the file is unchanged and dropped when its content changes; and the store's rule on its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCampaignFile } from '../src/campaign/load.ts';
import type { PhotoResult } from '../src/check/check-photo.ts';
import type { Report } from '../src/report/report.ts';
import type { SubmissionStatus, SubmitResult } from '../src/service/service.ts';
import { Store } from '../src/store/store.ts';
import { CliProcess, root } from './helpers/processes.ts';
import { dropPrefix, redisUrl, requireRedis, uniquePrefix } from './helpers/redis.ts';

const Y = '雁江镇';
const photo = (p: string) => readFileSync(join(root, 'fixtures', p));
const few = () => photo('tree/雁江镇/四/banner-few-people.jpg'); // 12 people: fails
const FEW = '人数不足.jpg'; // a Chinese file name in the review URL

describe('the store keeps a decision for an unchanged file only', () => {
  it('carries reviews to the next version when file and content are the same, and checks decision and note', () => {
    const store = new Store(mkdtempSync(join(tmpdir(), 'pc-review-store-')));
    const [x, y, z] = ['1', '2', '3'].map((c) => c.repeat(64)) as [string, string, string];
    for (const s of [x, y, z]) store.addPhoto(s, 1);
    const base = { unit: Y, activity: '四', campaignId: 'c', analysisVersion: 'v', submittedAt: new Date().toISOString(), late: false, tokenId: null };
    const v1 = store.createSubmission(base, [
      { file: 'a.jpg', sha256: x, change: 'added' },
      { file: 'b.jpg', sha256: y, change: 'added' },
    ]);
    const review = { decision: 'pass' as const, note: '', by: '张三', at: '2023-03-20T00:00:00.000Z' };
    store.putReview(v1.id, 'a.jpg', x, review, null);
    store.putReview(v1.id, 'b.jpg', y, { ...review, decision: 'fail', note: '现场有垃圾' }, null);
    const v2 = store.createSubmission(base, [
      { file: 'a.jpg', sha256: x, change: 'unchanged' },
      { file: 'b.jpg', sha256: z, change: 'replaced' },
    ]);
    expect([...store.reviews(v2.id).entries()]).toEqual([['a.jpg', review]]);
    expect([...store.reviews(v1.id).keys()].sort()).toEqual(['a.jpg', 'b.jpg']); // history stays
    expect(() => store.putReview(v2.id, 'b.jpg', z, { ...review, decision: 'fail', note: '' }, null)).toThrow(/CHECK/);
    expect(() => store.putReview(v2.id, 'nope.jpg', z, review, null)).toThrow(/FOREIGN KEY/);
    expect(store.deleteReview(v2.id, 'a.jpg')).toBe(true);
    expect(store.deleteReview(v2.id, 'a.jpg')).toBe(false);
    store.close();
  });
});

const prefix = uniquePrefix('review');
const data = mkdtempSync(join(tmpdir(), 'pc-review-'));
const campaignFile = join(data, 'campaign.json');
const tokens = { collector: '', unit: '' };
let store: Store;
let serve: CliProcess;
let worker: CliProcess;
let base: string;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as { port: number }).port;
  await new Promise((res) => srv.close(res));
  return port;
}

async function api<T = unknown>(method: string, path: string, token: string, body?: FormData | object): Promise<{ status: number; body: T }> {
  const json = body !== undefined && !(body instanceof FormData);
  const res = await fetch(base + path, {
    method,
    body: json ? JSON.stringify(body) : (body as FormData | undefined),
    headers: { authorization: `Bearer ${token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
  });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

async function upload(files: [string, Buffer][], mode: 'merge' | 'replace' = 'merge'): Promise<SubmitResult> {
  const f = new FormData();
  f.append('mode', mode);
  for (const [name, bytes] of files) f.append('files', new Blob([new Uint8Array(bytes)]), name);
  const r = await api<SubmitResult>('POST', `/api/units/${encodeURIComponent(Y)}/activities/4/submissions`, tokens.unit, f);
  expect(r.status).toBe(202);
  const end = Date.now() + 180_000;
  for (;;) {
    const s = await api<SubmissionStatus>('GET', `/api/submissions/${r.body.submission.id}`, tokens.unit);
    if (s.body.done) return r.body;
    if (Date.now() > end) throw new Error(`submission not done: ${JSON.stringify(s.body.progress)}; worker stderr:\n${worker.stderr}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}

const reviewPath = (id: number, file: string) => `/api/submissions/${id}/photos/${encodeURIComponent(file)}/review`;
const report = async () => (await api<Report>('GET', `/api/units/${encodeURIComponent(Y)}/report`, tokens.unit)).body;
const four = (r: Report) => r.units[0]!.activities.find((a) => a.activity.id === '四')!;
const photoOf = (r: Report, file: string) => four(r).photos.find((p) => p.file === `${Y}/四/${file}`)!;

beforeAll(async () => {
  await requireRedis();
  // The rules these fixtures were made for (as test/service.test.ts): this suite is about decisions, not rules.
  const campaign = JSON.parse(readFileSync(defaultCampaignFile, 'utf8')) as { rules: Record<string, unknown> };
  campaign.rules = Object.fromEntries(Object.entries(campaign.rules).filter(([id]) => ['sharpness', 'theme-banner', 'participants'].includes(id)));
  writeFileSync(campaignFile, JSON.stringify(campaign, null, 2));
  store = new Store(data);
  tokens.collector = store.createToken({ role: 'collector', label: '党群工作部 张三' }).token;
  tokens.unit = store.createToken({ role: 'unit', unit: Y }).token;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const common = ['--data', data, '--prefix', prefix];
  serve = new CliProcess(['serve', ...common, '--port', String(port), '--campaign', campaignFile], { REDIS_URL: redisUrl });
  worker = new CliProcess(['worker', ...common, '--concurrency', '1'], { REDIS_URL: redisUrl });
  await Promise.all([serve.waitFor((e) => e.event === 'ready', 60_000, 'the API'), worker.waitFor((e) => e.event === 'ready', 60_000, 'the worker')]);
});

afterAll(async () => {
  for (const p of [serve, worker]) p?.kill('SIGKILL');
  await Promise.all([serve?.exited, worker?.exited]);
  await dropPrefix(prefix);
  store?.close();
  rmSync(data, { recursive: true, force: true });
});

describe("reviewers' decisions through the API (real serve, worker and Redis)", () => {
  let v1: SubmitResult;
  let latest: number;

  it('lets only the collector decide: a unit token gets 403 (logged), an unknown photo 404, a bad body 400, an unreadable photo 409', async () => {
    v1 = await upload([
      [FEW, few()],
      ['broken.jpg', photo('images/not-an-image.jpg')],
    ]);
    const r = await report();
    expect(photoOf(r, FEW)).toMatchObject({ verdict: 'fail', autoVerdict: 'fail' });
    expect(photoOf(r, FEW).review).toBeUndefined();
    expect(four(r).status).toBe('fail');

    const id = v1.submission.id;
    const denied = () => serve.events.filter((e) => e.event === 'denied' && e.reason === 'collector-only').length;
    for (const method of ['PUT', 'DELETE']) {
      const r403 = await api<{ error: { code: string } }>(method, reviewPath(id, FEW), tokens.unit, method === 'PUT' ? { decision: 'pass', note: '' } : undefined);
      expect([method, r403.status, r403.body.error.code]).toEqual([method, 403, 'PC_ERR_COLLECTOR_ONLY']);
    }
    await serve.waitFor(() => denied() === 2, 5_000, 'two denied lines');
    for (const path of [reviewPath(id, 'nope.jpg'), reviewPath(999_999, FEW)]) {
      const r404 = await api<{ error: { code: string } }>('PUT', path, tokens.collector, { decision: 'pass' });
      expect([path, r404.status, r404.body.error.code]).toEqual([path, 404, 'PC_ERR_NOT_FOUND']);
    }
    const noNote = await api<{ error: { code: string; message: { en: string } } }>('PUT', reviewPath(id, FEW), tokens.collector, { decision: 'fail', note: '  ' });
    expect([noNote.status, noNote.body.error.code]).toEqual([400, 'PC_ERR_BAD_REQUEST']);
    expect(noNote.body.error.message.en).toContain('body.note');
    expect((await api('PUT', reviewPath(id, FEW), tokens.collector, { decision: 'maybe' })).status).toBe(400);
    const broken = await api<{ error: { code: string } }>('PUT', reviewPath(id, 'broken.jpg'), tokens.collector, { decision: 'pass' });
    expect([broken.status, broken.body.error.code]).toEqual([409, 'PC_ERR_NOT_REVIEWABLE']);
    expect(photoOf(await report(), FEW).review).toBeUndefined(); // nothing was recorded
  });

  it("overrides the verdict, the activity status and the summaries, keeps autoVerdict, and is logged and shown", async () => {
    const note = '人数以现场签到表为准，参与者确在开展活动';
    const put = await api<{ photo: PhotoResult }>('PUT', reviewPath(v1.submission.id, FEW), tokens.collector, { decision: 'pass', note });
    expect(put.status).toBe(200);
    expect(put.body.photo).toMatchObject({ verdict: 'pass', autoVerdict: 'fail', review: { decision: 'pass', note, by: '党群工作部 张三' } });
    expect(Date.now() - Date.parse(put.body.photo.review!.at)).toBeLessThan(60_000);
    await serve.waitFor((e) => e.event === 'reviewed' && e.file === FEW && e.decision === 'pass', 5_000, 'the reviewed line');

    const r = await report();
    expect(photoOf(r, FEW)).toMatchObject({ verdict: 'pass', autoVerdict: 'fail', review: { decision: 'pass', note } });
    expect(photoOf(r, FEW).rules.find((x) => x.id === 'participants')!.status).toBe('fail'); // the evidence stays
    expect(four(r).status).toBe('pass');
    expect(r.units[0]!.summary).toMatchObject({ pass: 1, fail: 0, error: 1 });
    expect(r.reviewItems.map((i) => i.zh)).toContain('现场整洁，无脏乱差和不文明现象（二（三）1）');
    const overview = await api<{ overview: { units: { unit: string; covered: string[] }[] } }>('GET', '/api/report', tokens.collector);
    expect(overview.body.overview.units.find((u) => u.unit === Y)!.covered).toEqual(['四']);
    const status = await api<SubmissionStatus>('GET', `/api/submissions/${v1.submission.id}`, tokens.unit);
    expect(status.body.photos.find((p) => p.file === FEW)!.verdict).toBe('pass');

    const table = (await api<string>('GET', `/api/units/${encodeURIComponent(Y)}/report?format=table`, tokens.unit)).body;
    expect(table).toContain(`☑ 人工复核：合格（自动判定：不合格）：${note} — 党群工作部 张三`);
    expect(table).toContain('需人工判断');
    // The service's own lateness (now is years after the 2023 deadline) shows as 逾期 for the unit and the activity.
    expect(table).toContain('■ 雁江镇【逾期】');
    expect(table).toMatch(/已有合格照片（第 1 版，逾期）/);
  });

  it('keeps the decision in a new version while the file is unchanged, and drops it when the file has new content', async () => {
    const v2 = await upload([['extra.jpg', few()]]); // same bytes as FEW: nothing to analyse
    expect(v2).toMatchObject({ submission: { version: 2 }, queued: 0 });
    expect(photoOf(await report(), FEW)).toMatchObject({ verdict: 'pass', autoVerdict: 'fail', review: { decision: 'pass' } });

    const v3 = await upload([[FEW, photo('tree/雁江镇/四/banner-pass.jpg')]]); // another picture under the same name
    expect(v3).toMatchObject({ submission: { version: 3 }, replaced: [FEW] });
    const r = await report();
    expect(photoOf(r, FEW)).toMatchObject({ verdict: 'pass', autoVerdict: 'pass' });
    expect(photoOf(r, FEW).review).toBeUndefined();
    expect(store.reviews(v3.submission.id).size).toBe(0);
    expect(store.reviews(v2.submission.id).get(FEW)).toMatchObject({ decision: 'pass' }); // earlier versions keep theirs

    // A fail overrides a passing photo; DELETE gives the automatic verdict back.
    const id = v3.submission.id;
    const fail = await api<{ photo: PhotoResult }>('PUT', reviewPath(id, FEW), tokens.collector, { decision: 'fail', note: '横幅前有人遮挡，现场有杂物' });
    expect(fail.body.photo).toMatchObject({ verdict: 'fail', autoVerdict: 'pass' });
    expect(four(await report()).status).toBe('fail'); // extra.jpg fails on its own
    const del = await api<{ removed: boolean; photo: PhotoResult }>('DELETE', reviewPath(id, FEW), tokens.collector);
    expect([del.status, del.body.removed, del.body.photo.verdict]).toEqual([200, true, 'pass']);
    await serve.waitFor((e) => e.event === 'review-removed' && e.file === FEW, 5_000, 'the review-removed line');
    expect(four(await report()).status).toBe('pass');
    expect((await api<{ removed: boolean }>('DELETE', reviewPath(id, FEW), tokens.collector)).body.removed).toBe(false);
    latest = id;
  });

  it('photocheck review records and removes a decision from the command line, with the collector token only', async () => {
    const run = async (token: string, ...args: string[]) => {
      const p = new CliProcess(['review', '--server', base, '--submission', String(latest), '--file', 'extra.jpg', ...args], { PHOTOCHECK_TOKEN: token });
      return { ...(await p.exited), stdout: p.stdout, stderr: p.stderr };
    };
    const ok = await run(tokens.collector, '--pass', '--note', '复核通过');
    expect([ok.code, ok.stdout]).toEqual([0, `${Y}/四/extra.jpg：合格（人工复核；自动判定：不合格）\n`]);
    expect(photoOf(await report(), 'extra.jpg')).toMatchObject({ verdict: 'pass', review: { note: '复核通过', by: '党群工作部 张三' } });
    const back = await run(tokens.collector, '--remove', '--lang', 'en');
    expect([back.code, back.stdout]).toEqual([0, `${Y}/四/extra.jpg: fail (automatic)\n`]);
    const unit = await run(tokens.unit, '--fail', '--note', 'x');
    expect([unit.code, unit.stderr]).toEqual([1, expect.stringContaining('PC_ERR_COLLECTOR_ONLY')]);
    const usage = await run(tokens.collector, '--pass', '--fail');
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining('--pass, --fail, --remove')]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await api<{ paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }>> }>(
      'GET',
      '/api/openapi.json',
      tokens.unit,
    );
    const path = doc.body.paths['/api/submissions/{id}/photos/{file}/review']!;
    expect(Object.keys(path).sort()).toEqual(['delete', 'put']);
    expect(path.put!.requestBody!.content['application/json']!.schema.properties).toMatchObject({ decision: { enum: ['pass', 'fail'] } });
  });
});
