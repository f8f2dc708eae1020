// The analysis worker: takes photo references off the BullMQ queue, analyses them off the event loop, returns the outcome.
//
// Thin on purpose: it owns no rule logic and no database. It needs Redis and read access to the photo files
// (<data>/photos, content-addressed and immutable, so a shared volume is fine); it returns the Analysis as the
// job's result and the API, the only process that writes SQLite, stores it (src/queue/results.ts). Rules (cheap)
// are applied by the service with judge() per unit and activity.
// Run it with `photocheck worker` (or `node --import tsx workers/analysis-worker.ts`, configured from the environment).
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { pino, type Logger } from 'pino';
import { coreSplit, ThreadPoolAnalyser } from '../src/analysis/pool.ts';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import { analysisQueueName, jobNames, type JobName, type JobPayloads, type JobResults } from '../src/queue/jobs.ts';
import { checkRedis, defaultRedisUrl, redactUrl, redisOptions } from '../src/queue/redis.ts';
import { PhotoStore } from '../src/store/photo-store.ts';

export interface AnalysisWorkerOptions {
  /** Redis URL. Default: REDIS_URL, else redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Data directory of the service; the worker only reads its photos/ (read-only access is enough). Default: PHOTOCHECK_DATA, else ./data. */
  data?: string;
  /** BullMQ key prefix; must match the service's. Default: PHOTOCHECK_QUEUE_PREFIX, else `photocheck`. */
  prefix?: string;
  /** Photos analysed at once; each gets a worker thread with its own models (~0.4 GB) and its share of the cores. Default: the number of cores; fewer share the cores out (coreSplit). */
  concurrency?: number;
  /** Face engine (see `photocheck check --faces`). Must match the service's. Default ssd-onnx-tiled. */
  faces?: string;
  /** Text engine, ppocr or tesseract. Must match the service's. Default ppocr. */
  ocr?: string;
  /** Milliseconds a job's lock lasts without renewal; a worker that dies loses its jobs to others after this. Default 30000. */
  lockDuration?: number;
  /** Milliseconds between checks for jobs whose worker died (stalled jobs go back to the queue). Default 30000. */
  stalledInterval?: number;
  /** Times a job may stall (its worker died) before it fails. Default 2. */
  maxStalledCount?: number;
  /** Seconds SIGTERM waits for the current jobs before handing them back to the queue. Default 20. */
  grace?: number;
  /** Name returned with each analysis (stored by the API) and in logs. Default `<hostname>:<pid>`. */
  name?: string;
  /** Logger. Default: pino JSON lines on stdout. */
  logger?: Logger;
}

export const workerDefaults = Object.freeze({
  redisUrl: defaultRedisUrl,
  data: './data',
  prefix: 'photocheck',
  lockDuration: 30_000,
  stalledInterval: 30_000,
  maxStalledCount: 2,
  grace: 20,
});

export interface RunningWorker {
  readonly name: string;
  readonly analysisVersion: string;
  /** Stop taking jobs; wait up to `grace` seconds for the current ones, then hand them back to the queue. */
  close(opts?: { grace?: number }): Promise<void>;
}

type Handler<N extends JobName> = (job: Job<JobPayloads[N], JobResults[N], N>, token: string | undefined, signal: AbortSignal | undefined) => Promise<JobResults[N]>;

/** Start a worker: check Redis, load no model until the first job (each thread then loads its own once). Never opens SQLite. */
export async function startAnalysisWorker(options: AnalysisWorkerOptions = {}): Promise<RunningWorker> {
  const o = {
    ...workerDefaults,
    redisUrl: process.env.REDIS_URL || workerDefaults.redisUrl,
    data: process.env.PHOTOCHECK_DATA || workerDefaults.data,
    prefix: process.env.PHOTOCHECK_QUEUE_PREFIX || workerDefaults.prefix,
    concurrency: coreSplit().threads,
    name: `${hostname()}:${process.pid}`,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as Required<Omit<AnalysisWorkerOptions, 'faces' | 'ocr' | 'logger'>> & Pick<AnalysisWorkerOptions, 'faces' | 'ocr' | 'logger'>;
  for (const k of ['concurrency', 'lockDuration', 'stalledInterval', 'grace'] as const) {
    if (!Number.isFinite(o[k]) || o[k] <= 0) throw new TypeError(`Expected a positive number for ${k} but received ${o[k]}`);
  }
  const log = (o.logger ?? pino({ base: { worker: o.name } })).child({});

  await checkRedis(o.redisUrl);
  const photos = new PhotoStore(o.data, { readOnly: true });
  const analyser = new ThreadPoolAnalyser({ threads: o.concurrency, faces: o.faces, text: o.ocr });
  const version = analyser.version;

  const handlers: { [N in JobName]: Handler<N> } = {
    async analyse(job, token, signal) {
      const { sha256, analysisVersion } = job.data;
      if (analysisVersion !== version) {
        throw new UnrecoverableError(new PhotocheckError('PC_ERR_ANALYSIS_VERSION', { worker: version, job: analysisVersion }).message);
      }
      log.info({ event: 'started', sha256, job: job.id, attempt: job.attemptsMade + 1 }, 'analysing');
      let bytes: Buffer;
      try {
        bytes = await photos.read(sha256);
      } catch (err) {
        throw new Error((err as Error).message); // not the photo's fault: retried with backoff
      }
      const t0 = performance.now();
      const aborted = new Promise<never>((_, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      try {
        const analysis = await Promise.race([analyser.analyse(bytes), aborted]);
        const durationMs = Math.round(performance.now() - t0);
        log.info({ event: 'analysed', sha256, job: job.id, durationMs, faces: analysis.faces.length }, 'analysed');
        return { status: 'done', analysis, worker: o.name, durationMs };
      } catch (err) {
        if (signal?.aborted && token) {
          // Shutting down: hand the job back untouched (no attempt used) for another worker.
          await job.moveToDelayed(Date.now(), token);
          log.info({ event: 'handed-back', sha256, job: job.id }, 'handed back to the queue');
          throw new DelayedError();
        }
        const durationMs = Math.round(performance.now() - t0);
        if (err instanceof PhotocheckError) {
          // The photo itself is bad: a result (kept by the API like an Analysis), never retried.
          log.info({ event: 'analysed', sha256, job: job.id, durationMs, error: err.code }, 'not analysable');
          return { status: 'error', error: { ...err.toJSON(), data: err.data }, worker: o.name, durationMs };
        }
        // Retried with backoff; after the last attempt the API records it as failed (and queues it again later).
        const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        log.warn({ event: 'failed', sha256, job: job.id, attempt: job.attemptsMade + 1, last, err: (err as Error).message }, 'analysis failed');
        throw err;
      }
    },
  };
  const missing = jobNames.filter((n) => typeof handlers[n] !== 'function');
  if (missing.length > 0) throw new Error(`No handler for job ${missing.join(', ')} in workers/analysis-worker.ts`);

  const worker = new Worker<JobPayloads[JobName], JobResults[JobName], JobName>(
    analysisQueueName(version),
    (job, token, signal) => (handlers[job.name] as Handler<JobName>)(job, token, signal),
    {
      connection: redisOptions(o.redisUrl, 'worker'),
      prefix: o.prefix,
      concurrency: o.concurrency,
      lockDuration: o.lockDuration,
      stalledInterval: o.stalledInterval,
      maxStalledCount: o.maxStalledCount,
      autorun: false,
    },
  );
  worker.on('error', (err) => log.error({ event: 'error', err: err.message }, 'worker error'));
  worker.on('stalled', (jobId) => log.warn({ event: 'stalled', job: jobId }, 'a job of a dead worker went back to the queue'));
  void worker.run();
  await worker.waitUntilReady();
  log.info(
    { event: 'ready', queue: analysisQueueName(version), prefix: o.prefix, redis: redactUrl(o.redisUrl), data: o.data, concurrency: o.concurrency, analysisVersion: version },
    'worker ready',
  );

  let closing: Promise<void> | undefined;
  return {
    name: o.name,
    analysisVersion: version,
    close({ grace = o.grace } = {}) {
      closing ??= (async () => {
        log.info({ event: 'closing', grace }, 'finishing current jobs');
        const timer = setTimeout(() => worker.cancelAllJobs('shutdown'), grace * 1000);
        try {
          await worker.close();
        } finally {
          clearTimeout(timer);
          await analyser.close();
          log.info({ event: 'closed' }, 'worker stopped');
        }
      })();
      return closing;
    },
  };
}

/** Run until SIGTERM/SIGINT: the first signal finishes (or hands back) current jobs, a second one exits at once. */
export async function runWorkerUntilSignalled(options: AnalysisWorkerOptions = {}): Promise<void> {
  const running = await startAnalysisWorker(options);
  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = () => {
      if (++signals > 1) process.exit(130);
      running.close().then(resolve, (err) => {
        process.stderr.write(`photocheck worker: ${(err as Error).stack}\n`);
        process.exit(1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    await runWorkerUntilSignalled();
  } catch (err) {
    process.stderr.write(`photocheck worker: ${err instanceof PhotocheckError ? err.message : (err as Error).stack}\n`);
    process.exitCode = 1;
  }
}
