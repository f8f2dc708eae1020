// A pool of worker threads, each with its own engines, so analyses use every core and never block the event loop.
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import './ort-env.ts';
import { PhotocheckError, type ErrorCode } from '../errors/catalogue.ts';
import { analysisVersion, type AnalyserOptions } from './analyse.ts';
import type { Analysis } from './types.ts';

export interface PoolOptions extends AnalyserOptions {
  /** Worker threads (each loads its own models, ~0.4 GB at its peak on a 12 MP photo). Default: coreSplit(). */
  threads?: number;
  /** Find a photo's faces (and upper bodies) on a second free thread when no other photo waits. Default true. */
  split?: boolean;
}

/**
 * How a pool shares the cores: by default one photo per core (the most photos per minute); given fewer threads,
 * the cores are divided among them as onnxruntime threads (unless the options set ortThreads), so one photo
 * still uses every core. `npm run bench -- --compare threads=1,ort=2` on this 2-core machine, 12 MP photos:
 * 2 threads × 1: 0.76 s per photo continuously, 930 MB peak (a photo on its own is split across both threads: 0.93 s);
 * 1 thread × 2 (`--jobs 1`, `--concurrency 1`): 0.97 s continuously, 0.96 s per photo, 572 MB.
 */
export function coreSplit(threads?: number, cores: number = cpus().length): { threads: number; ortThreads: number } {
  const t = threads ?? Math.max(1, cores);
  return { threads: t, ortThreads: Math.max(1, Math.floor(cores / t)) };
}

type WorkerError = { code?: ErrorCode; data?: Record<string, unknown>; message: string; stack?: string };
type People = Pick<Analysis, 'faces' | 'upperBodies' | 'timings'>;
type Reply = { id: number; analysis: Analysis } | { id: number; people: People } | { id: number; error: WorkerError };

/** What a worker is asked to do with a photo: all of it, all but the faces and upper bodies, or only those. */
export type Part = 'all' | 'withoutPeople' | 'people';

interface Pending {
  id: number;
  bytes: Buffer;
  resolve: (a: Analysis) => void;
  reject: (e: unknown) => void;
  /** Replies still to come: 2 while a photo is split across two threads. */
  outstanding?: number;
  /** The parts of a split photo, as they come back. */
  analysis?: Analysis;
  people?: People;
  settled?: boolean;
}

const workerUrl = new URL('./pool-worker-entry.mjs', import.meta.url);

export class ThreadPoolAnalyser {
  readonly version: string;
  readonly threads: number;
  private idle: Worker[] = [];
  private all: Worker[] = [];
  private queue: Pending[] = [];
  private running = new Map<Worker, Pending>();
  private nextId = 1;
  private closed = false;
  private pumpScheduled = false;
  private readonly split: boolean;
  /** Photos sent to one thread whole, and photos split across two. */
  readonly sent = { whole: 0, split: 0 };

  constructor(options: PoolOptions = {}) {
    const { threads, split, ...analyser } = options;
    this.version = analysisVersion(analyser);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new TypeError(`Expected a positive integer for threads but received ${threads}`);
    const s = coreSplit(threads);
    this.threads = s.threads;
    this.split = split ?? true;
    this.analyserOptions = { ...analyser, ortThreads: analyser.ortThreads ?? s.ortThreads };
  }

  private readonly analyserOptions: AnalyserOptions;

  private spawn(): Worker {
    const worker = new Worker(workerUrl, {
      workerData: this.analyserOptions,
      // V8's default young generation (16 MB resident per thread) is mostly idle here: image buffers live outside
      // the JS heap. At 4 MB, npm run bench measured 1004 vs 1045 MB peak for 2 threads at the same CPU time.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    worker.on('error', (err) => this.crash(worker, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.crash(worker, new Error(`analysis worker exited with code ${code}`));
    });
    this.all.push(worker);
    return worker;
  }

  analyse(bytes: Buffer): Promise<Analysis> {
    if (this.closed) return Promise.reject(new Error('ThreadPoolAnalyser is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, bytes, resolve, reject });
      // Photos handed over together (a batch, lanes starting at once) are all queued before any is dispatched, so
      // the first is not split only to hold up the second.
      if (!this.pumpScheduled) {
        this.pumpScheduled = true;
        setImmediate(() => {
          this.pumpScheduled = false;
          this.pump();
        });
      }
    });
  }

  private take(): Worker | undefined {
    return this.idle.pop() ?? (this.all.length < this.threads ? this.spawn() : undefined);
  }

  private send(worker: Worker, job: Pending, part: Part): void {
    this.running.set(worker, job);
    worker.postMessage({ id: job.id, bytes: job.bytes, part });
  }

  /**
   * Photos go to free threads, one each. The last photo waiting, when another thread is free too, is split: its faces
   * and upper bodies are found on the second thread beside the rest, so a photo on its own uses both cores (`npm run
   * bench`, one photo at a time: see README). With photos waiting, each thread keeps to one photo: splitting decodes twice.
   */
  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.take();
      if (!worker) return;
      const job = this.queue.shift()!;
      const helper = this.split && this.queue.length === 0 ? this.take() : undefined;
      job.outstanding = helper ? 2 : 1;
      this.sent[helper ? 'split' : 'whole']++;
      if (helper) {
        this.send(worker, job, 'withoutPeople');
        this.send(helper, job, 'people');
      } else this.send(worker, job, 'all');
    }
  }

  private settle(worker: Worker, reply: Reply): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    this.idle.push(worker);
    if (job && job.id === reply.id && !job.settled) {
      if ('error' in reply) {
        job.settled = true;
        if (reply.error.code) job.reject(new PhotocheckError(reply.error.code, reply.error.data));
        else job.reject(Object.assign(new Error(reply.error.message), { stack: reply.error.stack }));
      } else {
        if ('analysis' in reply) job.analysis = reply.analysis;
        else job.people = reply.people;
        if (--job.outstanding! === 0 && job.analysis) {
          job.settled = true;
          const a = job.analysis;
          const p = job.people;
          job.resolve(p ? { ...a, faces: p.faces, upperBodies: p.upperBodies, timings: { ...a.timings, ...p.timings } } : a);
        }
      }
    }
    this.pump();
  }

  /** A worker died (out of memory, native crash): fail its job, replace it, keep the pool going. */
  private crash(worker: Worker, err: Error): void {
    const job = this.running.get(worker);
    this.running.delete(worker);
    this.all = this.all.filter((w) => w !== worker);
    this.idle = this.idle.filter((w) => w !== worker);
    if (job && !job.settled) {
      job.settled = true;
      job.reject(err);
    }
    if (!this.closed) this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('ThreadPoolAnalyser closed'));
    await Promise.all(this.all.map((w) => w.terminate()));
    this.all = [];
    this.idle = [];
  }
}
