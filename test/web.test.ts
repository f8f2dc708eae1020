// The web pages' access rules and plumbing over HTTP: sign-in cookie (accepted by the API too), every page and
// image route keeps a unit to its own data (403/404), the collector sees all, escaping, language switch.
// Analyses are written as a worker's outcome would be (synthetic faces on the real fixture photos): no models here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseJobId } from '../src/queue/jobs.ts';
import { AnalysisQueue } from '../src/queue/producer.ts';
import { buildServer } from '../src/server/app.ts';
import { PhotocheckService, type SubmitResult } from '../src/service/service.ts';
import { Store } from '../src/store/store.ts';
import { pages } from '../src/web/pages.ts';
import { analysis, faces, line, upperBodies } from './helpers/analysis.ts';
import { root } from './helpers/processes.ts';
import { dropPrefix, redisUrl, requireRedis, uniquePrefix } from './helpers/redis.ts';

const Y = '雁江镇';
const L = '临江镇';
const photo = (p: string) => readFileSync(join(root, 'fixtures', p));
const evil = '<img src=x onerror=alert(1)>.jpg';

const prefix = uniquePrefix('web');
const data = mkdtempSync(join(tmpdir(), 'pc-web-'));
let store: Store;
let queue: AnalysisQueue;
let service: PhotocheckService;
let app: FastifyInstance;
let base: string;
const tokens = { collector: '', [Y]: '', [L]: '' };
const subs = { y: 0, l: 0 };

interface Res {
  status: number;
  type: string;
  text: string;
  bytes: Buffer;
  cookies: string[];
  location: string | null;
}

/** A request as a browser on this site would send it: the sign-in cookie, same-origin. */
async function get(path: string, token?: string, init: RequestInit = {}): Promise<Res> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('cookie', `photocheck_token=${encodeURIComponent(token)}`);
  const res = await fetch(base + path, { redirect: 'manual', ...init, headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text: bytes.toString('utf8'),
    bytes,
    cookies: res.headers.getSetCookie(),
    location: res.headers.get('location'),
  };
}
const post = (path: string, token: string | undefined, body: string, origin = base) =>
  get(path, token, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', origin } });

async function upload(token: string, unit: string, activity: string, files: [string, Buffer][]): Promise<SubmitResult> {
  const f = new FormData();
  for (const [name, bytes] of files) f.append('files', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${base}/api/units/${encodeURIComponent(unit)}/activities/${encodeURIComponent(activity)}/submissions`, {
    method: 'POST',
    body: f,
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(202);
  return (await res.json()) as SubmitResult;
}

const evidence = (id: number, file: string) => `/submissions/${id}/photos/${encodeURIComponent(file)}/evidence.jpg`;

beforeAll(async () => {
  await requireRedis();
  store = new Store(data);
  queue = await AnalysisQueue.open({ redisUrl, prefix });
  service = new PhotocheckService({ store, queue });
  app = await buildServer({ service, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  tokens.collector = store.createToken({ role: 'collector' }).token;
  tokens[Y] = store.createToken({ role: 'unit', unit: Y }).token;
  tokens[L] = store.createToken({ role: 'unit', unit: L }).token;
  const y = await upload(tokens[Y], Y, '四', [
    ['banner-few-people.jpg', photo('images/banner-few-people.jpg')],
    [evil, photo('images/banner-pass.jpg')],
  ]);
  const l = await upload(tokens[L], L, '节水护水', [['banner-pass.jpg', photo('images/group-22.jpg')]]);
  subs.y = y.submission.id;
  subs.l = l.submission.id;
  // What a worker would have stored: 12 faces on every photo (so participants fails with a reason), the fixture's size.
  for (const s of [subs.y, subs.l]) {
    for (const p of store.submissionPhotos(s)) {
      const meta = await sharp(store.photos.path(p.sha256)).metadata();
      const f = faces(12).map((x) => ({ ...x, box: { ...x.box, x: x.box.x + 200, y: x.box.y + 600 } }));
      const a = analysis({ sha256: p.sha256, width: meta.width, height: meta.height, faces: f, upperBodies: upperBodies(f), text: [line('雁江镇关爱一老一小志愿服务活动')] });
      store.putAnalysis(p.sha256, service.analysisVersion, { status: 'done', analysis: a, worker: 'test', durationMs: 1 });
    }
  }
});

afterAll(async () => {
  await app?.close();
  await queue?.obliterate().catch(() => {});
  await queue?.close();
  await dropPrefix(prefix);
  store?.close();
  rmSync(data, { recursive: true, force: true });
});

describe('web pages', () => {
  it('signs in with a token into an HttpOnly cookie, which the API accepts as well as the header; signs out', async () => {
    const start = await get('/');
    expect(start.status).toBe(200);
    expect(start.text).toContain('name="token"');

    const wrong = await post('/login', undefined, 'token=pc_wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('访问令牌无效');
    expect(wrong.cookies).toEqual([]);

    const ok = await post('/login', undefined, `token=${encodeURIComponent(tokens[Y])}&next=${encodeURIComponent('//evil.example/')}`);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/'); // never to another site
    const cookie = ok.cookies.find((c) => c.startsWith('photocheck_token='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(decodeURIComponent(cookie.split(';')[0]!.split('=')[1]!)).toBe(tokens[Y]);

    expect((await get('/', tokens[Y])).location).toBe(`/units/${encodeURIComponent(Y)}`);
    expect((await get('/', tokens.collector)).location).toBe('/overview');
    // The API takes the cookie (one token check in src/server/auth.ts) and still the header.
    const api = await get(`/api/units/${encodeURIComponent(Y)}/report`, tokens[Y]);
    expect(api.status).toBe(200);
    expect((JSON.parse(api.text) as { units: { unit: { id: string } }[] }).units[0]!.unit.id).toBe(Y);
    expect((await get(`/api/units/${encodeURIComponent(Y)}/report`, undefined, { headers: { authorization: `Bearer ${tokens[Y]}` } })).status).toBe(200);
    expect((await get(`/api/units/${encodeURIComponent(Y)}/report`)).status).toBe(401);
    // A state-changing request carrying only the cookie must come from this site (no cross-site form posts).
    const crossSite = await get('/api/recheck', tokens.collector, { method: 'POST', headers: { origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(401);
    expect((await get('/api/recheck', tokens.collector, { method: 'POST', headers: { origin: base } })).status).toBe(200);

    const out = await post('/logout', tokens[Y], '');
    expect(out.status).toBe(303);
    expect(out.cookies.find((c) => c.startsWith('photocheck_token='))).toMatch(/Max-Age=0/);
    // A revoked or unknown cookie is a sign-in page that clears it.
    const stale = await get(`/units/${encodeURIComponent(Y)}`, 'pc_revoked');
    expect(stale.status).toBe(401);
    expect(stale.text).toContain('name="token"');
    expect(stale.cookies.find((c) => c.startsWith('photocheck_token='))).toMatch(/Max-Age=0/);
  });

  it('keeps every page and image route to the rules of the API: own unit only (403/404), the collector everything', async () => {
    const cases: Record<string, { path: string; method?: 'POST'; body?: string; own?: number; other: number; none: number; collector: number }[]> = {
      'GET /static/:name': [{ path: '/static/app.css', own: 200, other: 200, none: 200, collector: 200 }],
      'GET /': [{ path: '/', own: 303, other: 303, none: 200, collector: 303 }],
      'POST /login': [{ path: '/login', method: 'POST', body: 'token=x', other: 401, none: 401, collector: 401 }],
      'POST /logout': [{ path: '/logout', method: 'POST', body: '', other: 303, none: 303, collector: 303 }],
      'GET /units/:unit': [{ path: `/units/${encodeURIComponent(L)}`, own: 200, other: 403, none: 401, collector: 200 }],
      'GET /submissions/:id/photos/:file/evidence.jpg': [{ path: evidence(subs.l, 'banner-pass.jpg'), own: 200, other: 404, none: 401, collector: 200 }],
      'GET /exports/:name': [
        { path: `/exports/photos.csv?unit=${encodeURIComponent(L)}`, own: 200, other: 403, none: 401, collector: 200 },
        { path: '/exports/overview.csv', own: 403, other: 403, none: 401, collector: 200 },
      ],
      'GET /overview': [{ path: '/overview', own: 403, other: 403, none: 401, collector: 200 }],
      'GET /queue': [{ path: '/queue', own: 403, other: 403, none: 401, collector: 200 }],
      'POST /queue/retry': [{ path: '/queue/retry', method: 'POST', body: 'all=1', own: 403, other: 403, none: 401, collector: 303 }],
    };
    expect(Object.keys(cases).sort()).toEqual(pages.map((p) => `${p.method} ${p.url}`).sort()); // a new page needs its case here
    const send = (c: (typeof cases)[string][number], token?: string) => (c.method === 'POST' ? post(c.path, token, c.body!) : get(c.path, token));
    for (const [route, list] of Object.entries(cases)) {
      for (const c of list) {
        // Each case is about 临江镇's data: "own" is 临江镇's token, "other" 雁江镇's.
        const got = {
          ...(c.own === undefined ? {} : { own: (await send(c, tokens[L])).status }),
          other: (await send(c, tokens[Y])).status,
          none: (await send(c)).status,
          collector: (await send(c, tokens.collector)).status,
        };
        const { path: _p, method: _m, body: _b, ...want } = c;
        expect([route, c.path, got]).toEqual([route, c.path, want]);
      }
    }
    // A submission id that does not exist looks the same as another unit's.
    expect((await get(evidence(99_999, 'banner-pass.jpg'), tokens[Y])).status).toBe(404);
    expect((await get(evidence(subs.y, 'no-such.jpg'), tokens[Y])).status).toBe(404);
  });

  it("serves a unit's report with reasons and fixes, escapes what units typed, and evidence pictures without metadata", async () => {
    const page = await get(`/units/${encodeURIComponent(Y)}`, tokens[Y]);
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.text).toContain('检测到 12 人，要求不少于 20 人');
    expect(page.text).toContain('怎么改');
    expect(page.text).toContain('id="upload"');
    // The unit downloads its own workbook from its page.
    const link = `/exports/report.xlsx?unit=${encodeURIComponent(Y)}&amp;lang=zh`;
    expect(page.text).toContain(link);
    const xlsx = await get(link.replace('&amp;', '&'), tokens[Y]);
    expect([xlsx.status, xlsx.type, xlsx.bytes.subarray(0, 2).toString()]).toEqual([200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK']);
    // The file name a unit chose is text, never markup.
    expect(page.text).not.toContain(evil);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;.jpg');
    expect(page.text).toContain(evidence(subs.y, evil));
    // The collector (reviewer) gets the pass/fail form on each photo; the unit does not.
    expect(page.text).not.toContain('review-form');
    expect((await get(`/units/${encodeURIComponent(Y)}`, tokens.collector)).text).toContain('class="review-form"');

    const original = photo('images/banner-pass.jpg');
    expect((await sharp(original).metadata()).exif).toBeDefined(); // the fixture has EXIF to strip
    const pic = await get(evidence(subs.y, evil), tokens[Y]);
    expect(pic.status).toBe(200);
    expect(pic.type).toBe('image/jpeg');
    const meta = await sharp(pic.bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(1280 * 1.5);
  });

  it('switches to English with ?lang=en and remembers it', async () => {
    const en = await get(`/units/${encodeURIComponent(Y)}?lang=en`, tokens[Y]);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('12 people found, at least 20 required');
    expect(en.text).toMatch(/Upload photos/);
    const cookie = en.cookies.find((c) => c.startsWith('photocheck_lang='))!;
    expect(cookie).toMatch(/^photocheck_lang=en/);
    const again = await get(`/units/${encodeURIComponent(Y)}`, undefined, { headers: { cookie: `photocheck_token=${encodeURIComponent(tokens[Y])}; photocheck_lang=en` } });
    expect(again.text).toContain('<html lang="en">');
    const zh = await get(`/units/${encodeURIComponent(Y)}`, tokens[Y]);
    expect(zh.text).toContain('<html lang="zh-CN">');
  });

  it("shows the collector's overview matrix and the queue view", async () => {
    const o = await get('/overview', tokens.collector);
    expect(o.status).toBe(200);
    expect(o.text).toContain('class="matrix"');
    // 雁江镇 has 活动四 failing (12 people) and its other assigned activities missing.
    const row = o.text.slice(o.text.indexOf(`>${Y}</a>`), o.text.indexOf('</tr>', o.text.indexOf(`>${Y}</a>`)));
    expect(row).toContain('>不合格</a>');
    expect(row).toContain('>未提交</a>');
    expect(o.text).toContain('/exports/report.xlsx');
    const q = await get('/queue', tokens.collector);
    expect(q.status).toBe(200);
    expect(q.text).toContain('class="counts"');
  });

  it('lists photos whose analysis failed in the queue view and queues them again on retry', async () => {
    const up = await upload(tokens[L], L, '节水护水', [['dark.jpg', photo('images/dark.jpg')]]);
    const sha = store.submissionPhotos(up.submission.id).find((p) => p.file === 'dark.jpg')!.sha256;
    const version = service.analysisVersion;
    const jobs = queue.of(version);
    const jobId = analyseJobId(sha, version);
    // As after the last retry: the outcome stored as failed, the job gone from Redis.
    await (await jobs.getJob(jobId))!.remove();
    store.putAnalysis(sha, version, { status: 'failed', error: { reason: 'model thread crashed' }, worker: 'test', durationMs: null });
    const page = await get('/queue', tokens.collector);
    expect(page.text).toContain('model thread crashed');
    expect(page.text).toContain(`${L}/六/dark.jpg`);
    expect(page.text).toContain(`value="${sha}"`);
    expect(await jobs.getJob(jobId)).toBeUndefined();

    const retried = await post('/queue/retry', tokens.collector, `sha256=${sha}`);
    expect([retried.status, retried.location]).toEqual([303, '/queue?retried=1']);
    expect(await (await jobs.getJob(jobId))!.getState()).toBe('waiting');
    // A content that did not fail is not queued by a retry.
    expect((await post('/queue/retry', tokens.collector, `sha256=${'0'.repeat(64)}`)).location).toBe('/queue?retried=0');
  });
});
