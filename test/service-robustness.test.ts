// The service when things go wrong, with real processes: Redis dies under a running API, the API is killed while a
// worker finishes a photo, a worker of another analysis version shares Redis, and uploads break the limits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseJobId } from '../src/queue/jobs.ts';
import { AnalysisQueue } from '../src/queue/producer.ts';
import { checkRedis } from '../src/queue/redis.ts';
import { buildServer } from '../src/server/app.ts';
import { PhotocheckService, type SubmissionStatus, type SubmitResult } from '../src/service/service.ts';
import { Store } from '../src/store/store.ts';
import { sha256 } from '../src/util/hash.ts';
import { CliProcess, root } from './helpers/processes.ts';
import { uniquePrefix } from './helpers/redis.ts';

const photo = (p: string) => readFileSync(join(root, 'fixtures', 'images', p));
const Y = '雁江镇';
const uploadPath = (unit: string, activity: string) => `/api/units/${encodeURIComponent(unit)}/activities/${encodeURIComponent(activity)}/submissions`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ErrorBody {
  error: { code: string; message: { zh: string; en: string } };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A redis-server of this test's own on a free port, without persistence: killing it loses every job. */
class OwnRedis {
  child?: ChildProcess;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction'], {
      stdio: 'ignore',
    });
    const failed = new Promise<never>((_, reject) =>
      child.on('error', (err) => reject(new Error(`These tests start their own redis-server (Redis 7) and could not: ${err.message}. Install it: apt-get install redis-server (.ci/run does).`))),
    );
    this.child = child;
    const end = Date.now() + 10_000;
    for (;;) {
      const ok = await Promise.race([checkRedis(this.url, 500).then(() => true, () => false), failed]);
      if (ok) return;
      if (Date.now() > end) throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
      await sleep(100);
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}

async function call<T>(base: string, method: string, path: string, token: string, body?: FormData | string, type?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (type) headers['content-type'] = type;
  const res = await fetch(base + path, { method, body, headers });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
}

function form(files: [name: string, bytes: Buffer][]): FormData {
  const f = new FormData();
  for (const [name, bytes] of files) f.append('files', new Blob([new Uint8Array(bytes)]), name);
  return f;
}

describe('the service on a Redis that dies, an API that is killed, and workers of two analysis versions', () => {
  const data = mkdtempSync(join(tmpdir(), 'pc-robust-'));
  const prefix = uniquePrefix('robust');
  let redis: OwnRedis;
  let store: Store;
  let queue: AnalysisQueue;
  let token = '';
  let version = '';
  let api: { proc: CliProcess; base: string };
  const procs: CliProcess[] = [];
  let worker: CliProcess;

  const startWorker = (extra: string[] = []) => {
    const w = new CliProcess(['worker', '--data', data, '--prefix', prefix, '--concurrency', '1', ...extra], { REDIS_URL: redis.url });
    procs.push(w);
    return w;
  };
  /** `photocheck serve` as a real process on a free port. */
  const startApi = async () => {
    const proc = new CliProcess(['serve', '--data', data, '--prefix', prefix, '--port', '0'], { REDIS_URL: redis.url });
    procs.push(proc);
    const ready = await proc.waitFor((e) => e.event === 'ready', 60_000, 'the API');
    return { proc, base: ready.url as string };
  };
  const upload = (files: [string, Buffer][]) => call<SubmitResult & ErrorBody>(api.base, 'POST', uploadPath(Y, '四'), token, form(files));
  const status = (id: number) => call<SubmissionStatus>(api.base, 'GET', `/api/submissions/${id}`, token);
  async function untilDone(id: number, ms: number): Promise<SubmissionStatus> {
    const end = Date.now() + ms;
    for (;;) {
      const r = await status(id);
      if (r.status === 200 && r.body.done) return r.body;
      if (Date.now() > end) throw new Error(`submission ${id} not done within ${ms} ms: ${JSON.stringify(r.body)}`);
      await sleep(300);
    }
  }

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    store = new Store(data); // tokens, and reading what the API stored; only the API process writes analyses
    token = store.createToken({ role: 'collector' }).token;
    queue = await AnalysisQueue.open({ redisUrl: redis.url, prefix });
    worker = startWorker();
    version = (await worker.waitFor((e) => e.event === 'ready')).analysisVersion as string;
    api = await startApi();
  });

  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await queue?.close();
    await redis?.kill();
    store?.close();
    rmSync(data, { recursive: true, force: true });
  });

  it('answers uploads with a clear 503 while Redis is down, keeps the photos, and queues them once Redis is back', async () => {
    const first = await upload([['small.jpg', photo('small.jpg')]]);
    expect(first.status).toBe(202);
    await untilDone(first.body.submission.id, 180_000);

    await redis.kill();
    const bytes = photo('dark.jpg');
    const sha = sha256(bytes);
    const r = await upload([['dark.jpg', bytes]]);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('PC_ERR_QUEUE_UNAVAILABLE');
    expect(r.body.error.message.zh).toMatch(/^照片已保存（提交 \d+），但暂时无法加入检查队列：.+。Redis 恢复后会自动排队，请稍后查看进度。$/);
    expect(r.body.error.message.en).toMatch(/^The photos are saved \(submission \d+\) but could not be queued: .+ They are queued automatically once Redis is back/);
    const id = Number(/提交 (\d+)/.exec(r.body.error.message.zh)![1]);

    // Kept in SQLite and the photo store, and readable without Redis.
    expect(store.photos.has(sha)).toBe(true);
    expect(store.submissionPhotos(id).map((p) => [p.file, p.change])).toEqual([['dark.jpg', 'added'], ['small.jpg', 'unchanged']]);
    const during = await status(id);
    expect([during.status, during.body.progress]).toEqual([200, { total: 2, queued: 1, scored: 1, failed: 0 }]);
    expect((await call(api.base, 'GET', `/api/units/${encodeURIComponent(Y)}/report`, token)).status).toBe(200);

    // The new Redis is empty (no persistence): the API notices it answers again and queues what waits.
    await sleep(1_000);
    await redis.start();
    const requeued = await api.proc.waitFor((e) => e.event === 'requeued', 60_000, 'the API queueing again after the outage');
    expect(requeued.requeued).toBe(1);
    const done = await untilDone(id, 120_000);
    expect(done.photos.find((p) => p.file === 'dark.jpg')).toMatchObject({ state: 'scored' });
    expect(worker.count('analysed', sha)).toBe(1);
  });

  it('stores the result of a photo finished while the API was down (killed) once the API starts again', async () => {
    const bytes = photo('rotated-exif.jpg');
    const sha = sha256(bytes);
    const r = await upload([['rotated-exif.jpg', bytes]]);
    expect([r.status, r.body.queued]).toEqual([202, 1]);
    await worker.waitFor((e) => e.event === 'started' && e.sha256 === sha);
    api.proc.kill('SIGKILL');
    expect((await api.proc.exited).signal).toBe('SIGKILL');
    await worker.waitFor((e) => e.event === 'analysed' && e.sha256 === sha, 120_000, 'the analysis');

    // Nobody stored it: the worker has no database open. The outcome waits in Redis as the completed job's result.
    expect(store.getAnalysis(sha, version)).toBeUndefined();
    const open = readdirSync(`/proc/${worker.child.pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${worker.child.pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    expect(open.filter((f) => f.includes('photocheck.db'))).toEqual([]);
    const job = await queue.of(version).getJob(analyseJobId(sha, version));
    expect([await job!.getState(), job!.returnvalue.status]).toEqual(['completed', 'done']);

    api = await startApi();
    expect(api.proc.events.some((e) => e.event === 'result-stored' && e.sha256 === sha)).toBe(true); // before it listens
    const done = await untilDone(r.body.submission.id, 10_000);
    expect(done.photos.find((p) => p.file === 'rotated-exif.jpg')).toMatchObject({ state: 'scored' });
    expect(store.getAnalysis(sha, version)).toMatchObject({ status: 'done', worker: worker.events.find((e) => e.event === 'ready')!.worker });
    expect(worker.count('analysed', sha)).toBe(1);
    // Once stored (and a few seconds later), the job leaves Redis.
    const end = Date.now() + 15_000;
    while ((await queue.of(version).getJob(analyseJobId(sha, version))) && Date.now() < end) await sleep(200);
    expect(await queue.of(version).getJob(analyseJobId(sha, version))).toBeUndefined();
  });

  it('never lets a worker of another analysis version take or spoil a job', async () => {
    worker.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    const other = startWorker(['--ocr', 'tesseract']);
    const ready = await other.waitFor((e) => e.event === 'ready');
    expect(ready.analysisVersion).not.toBe(version);
    expect(ready.queue).not.toBe(worker.events.find((e) => e.event === 'ready')!.queue);

    const bytes = photo('group-18.jpg');
    const sha = sha256(bytes);
    const r = await upload([['group-18.jpg', bytes]]);
    expect([r.status, r.body.queued]).toEqual([202, 1]);
    await sleep(3_000); // a worker on the same queue takes a waiting job within milliseconds
    expect(other.count('started')).toBe(0);
    expect(await queue.of(version).getJobState(analyseJobId(sha, version))).toBe('waiting');
    expect((await status(r.body.submission.id)).body.progress.queued).toBe(1);

    worker = startWorker();
    await worker.waitFor((e) => e.event === 'analysed' && e.sha256 === sha, 120_000, 'the analysis');
    const done = await untilDone(r.body.submission.id, 10_000);
    expect(done.photos.find((p) => p.file === 'group-18.jpg')).toMatchObject({ state: 'scored' });
    expect(store.getAnalysis(sha, version)).toMatchObject({ status: 'done' });
    expect(other.count('started')).toBe(0);
  });
});

describe('upload limits', () => {
  const data = mkdtempSync(join(tmpdir(), 'pc-limits-'));
  let store: Store;
  let app: FastifyInstance;
  let base = '';
  let token = '';
  const stored = () => ({
    photos: readdirSync(join(data, 'photos')).length,
    tmp: readdirSync(join(data, 'tmp')).length,
    submissions: store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM submissions').get()!.n,
  });
  const post = (body: FormData | string, type?: string) => call<ErrorBody>(base, 'POST', uploadPath(Y, '四'), token, body, type);

  beforeAll(async () => {
    store = new Store(data);
    token = store.createToken({ role: 'collector' }).token;
    // No queue: a request that passes the limits would be stored and then refused with 503; none here should get that far.
    app = await buildServer({ service: new PhotocheckService({ store, queue: null }), logger: false, limits: { maxFileMb: 1, maxFiles: 3 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    store?.close();
    rmSync(data, { recursive: true, force: true });
  });

  it('refuses a photo over the size limit with 413 in zh and en, storing nothing of the batch', async () => {
    const r = await post(form([['small.jpg', photo('small.jpg')], ['huge.jpg', Buffer.alloc(1.5 * 1024 * 1024, 0xff)]]));
    expect([r.status, r.body.error.code]).toEqual([413, 'PC_ERR_TOO_LARGE']);
    expect(r.body.error.message.zh).toContain('每张照片不超过 1 MB，每次不超过 3 张');
    expect(r.body.error.message.en).toContain('at most 1 MB per photo and 3 photos per upload');
    expect(stored()).toEqual({ photos: 0, tmp: 0, submissions: 0 });
  });

  it('refuses too many photos in one upload with 413, storing nothing', async () => {
    const files = ['a', 'b', 'c', 'd'].map((n): [string, Buffer] => [`${n}.jpg`, Buffer.concat([photo('small.jpg'), Buffer.from(n)])]);
    const r = await post(form(files));
    expect([r.status, r.body.error.code]).toEqual([413, 'PC_ERR_TOO_LARGE']);
    expect(r.body.error.message.zh).toContain('每次不超过 3 张');
    expect(stored()).toEqual({ photos: 0, tmp: 0, submissions: 0 });
  });

  it('refuses a body that is not multipart, and a file name that cannot be one, with 400 saying what to send', async () => {
    const json = await post(JSON.stringify({ files: ['a.jpg'] }), 'application/json');
    expect([json.status, json.body.error.code]).toEqual([400, 'PC_ERR_BAD_REQUEST']);
    expect(json.body.error.message.zh).toContain('multipart/form-data');
    const f = new FormData();
    f.append('files', new Blob([new Uint8Array(photo('small.jpg'))]), '..');
    const bad = await post(f);
    expect([bad.status, bad.body.error.code]).toEqual([400, 'PC_ERR_BAD_REQUEST']);
    expect(bad.body.error.message.en).toContain('unusable file name');
    expect(stored()).toEqual({ photos: 0, tmp: 0, submissions: 0 });
  });
});
