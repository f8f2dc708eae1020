// The result collector on a real Redis, without models: outcomes finished while no API ran are stored on start,
// a malformed or failed job becomes a `failed` record, a job for a content this database does not know is dropped
// without holding up the others, and stored jobs leave Redis only after they are stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseJobId, analysisQueueName, type JobPayloads } from '../src/queue/jobs.ts';
import { AnalysisQueue } from '../src/queue/producer.ts';
import { redisOptions } from '../src/queue/redis.ts';
import { ResultCollector } from '../src/queue/results.ts';
import { Store } from '../src/store/store.ts';
import { analysis as makeAnalysis } from './helpers/analysis.ts';
import { dropPrefix, redisUrl, requireRedis, uniquePrefix } from './helpers/redis.ts';

const version = 'a9:test:engines';
const [good, bogus, broken, stranger] = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64)) as [string, string, string, string];

describe('ResultCollector', () => {
  const prefix = uniquePrefix('results');
  const data = mkdtempSync(join(tmpdir(), 'pc-results-'));
  let store: Store;
  let queue: AnalysisQueue;

  beforeAll(async () => {
    await requireRedis();
    store = new Store(data);
    queue = await AnalysisQueue.open({ redisUrl, prefix });
  });

  afterAll(async () => {
    await queue?.obliterate().catch(() => {});
    await queue?.close();
    await dropPrefix(prefix);
    store?.close();
    rmSync(data, { recursive: true, force: true });
  });

  it('stores what finished while no collector ran, as done or failed, then removes the jobs', async () => {
    for (const sha of [good, bogus, broken]) store.addPhoto(sha, 1);
    await queue.enqueue([stranger, good, bogus, broken], version); // stranger was never stored by this API
    // A stand-in worker: analyses, a result that is no outcome, and a job that fails for good.
    let finished = 0;
    const worker = new Worker<JobPayloads['analyse']>(
      analysisQueueName(version),
      async (job) => {
        const { sha256 } = job.data;
        if (sha256 === good || sha256 === stranger) return { status: 'done', analysis: makeAnalysis({ sha256 }), worker: 'w1', durationMs: 5 };
        if (job.data.sha256 === bogus) return { nonsense: true };
        throw new UnrecoverableError('the photos volume is not mounted');
      },
      { connection: redisOptions(redisUrl, 'worker'), prefix },
    );
    worker.on('completed', () => finished++);
    worker.on('failed', () => finished++);
    const end = Date.now() + 20_000;
    while (finished < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    await worker.close();
    expect(finished).toBe(4);
    expect(store.countAnalyses(version)).toBe(0); // nothing but the collector writes SQLite

    const collector = await ResultCollector.start({ queue, store, versions: [version], interval: 50, keepStored: 300 });
    try {
      expect(store.getAnalysis(good, version)).toMatchObject({ status: 'done', worker: 'w1', durationMs: 5, analysis: { sha256: good } });
      expect(store.getAnalysis(bogus, version)).toMatchObject({ status: 'failed', error: { reason: expect.stringContaining('returned no analysis outcome') } });
      expect(store.getAnalysis(broken, version)).toMatchObject({ status: 'failed', error: { reason: 'the photos volume is not mounted' } });
      expect(store.getAnalysis(stranger, version)).toBeUndefined();
      expect(await queue.of(version).getJob(analyseJobId(stranger, version))).toBeUndefined();
      // Still in Redis right after storing (its id keeps the content from being queued twice), gone after keepStored.
      expect(await queue.of(version).getJobState(analyseJobId(good, version))).toBe('completed');
      const gone = Date.now() + 5_000;
      while (Object.values(await queue.counts(version)).some((n) => n > 0) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
      expect(await queue.counts(version)).toMatchObject({ completed: 0, failed: 0, waiting: 0, active: 0 });
    } finally {
      await collector.close();
    }
  });

  it('stores a failed job again when it is retried and finishes, instead of removing it as already stored', async () => {
    const v = 'a9:test:retry';
    const sha = 'e'.repeat(64);
    store.addPhoto(sha, 1);
    await queue.enqueue([sha], v);
    let calls = 0;
    const worker = new Worker<JobPayloads['analyse']>(
      analysisQueueName(v),
      async () => {
        if (++calls === 1) throw new UnrecoverableError('thread crashed');
        return { status: 'done', analysis: makeAnalysis({ sha256: sha }), worker: 'w2', durationMs: 7 };
      },
      { connection: redisOptions(redisUrl, 'worker'), prefix },
    );
    const collector = await ResultCollector.start({ queue, store, versions: [v], interval: 50, keepStored: 1_000 });
    const until = async (test: () => boolean | Promise<boolean>) => {
      const end = Date.now() + 10_000;
      while (!(await test()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    };
    try {
      await until(() => store.getAnalysis(sha, v)?.status === 'failed');
      expect(store.getAnalysis(sha, v)).toMatchObject({ status: 'failed', error: { reason: 'thread crashed' } });
      await (await queue.of(v).getJob(analyseJobId(sha, v)))!.retry('failed'); // the collector's "retry" button
      await until(() => store.getAnalysis(sha, v)?.status === 'done');
      expect(store.getAnalysis(sha, v)).toMatchObject({ status: 'done', worker: 'w2' });
      await until(async () => (await queue.of(v).getJob(analyseJobId(sha, v))) === undefined);
      expect(await queue.of(v).getJob(analyseJobId(sha, v))).toBeUndefined();
      expect(calls).toBe(2);
    } finally {
      await collector.close();
      await worker.close();
    }
  });
});
