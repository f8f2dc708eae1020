// The results side of the analysis queues: the API process, the only writer of SQLite, stores each finished job's outcome.
//
// Workers need only Redis and the photo files: they return the outcome as the job's result and never open SQLite
// (unsafe from several machines on a network share). Finished jobs stay in Redis (analyseJobOptions) until a
// sweep here has stored them, so an API that is down or restarting while workers finish loses nothing: the
// first sweep after it starts stores what was finished meanwhile.
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AnalysisRecord, Store } from '../store/store.ts';
import type { JobName, JobPayloads, JobResults } from './jobs.ts';
import type { AnalysisQueue } from './producer.ts';

export interface ResultCollectorOptions {
  queue: AnalysisQueue;
  store: Store;
  /** Analysis versions whose queues are swept, besides those the queue has opened. Default: none. */
  versions?: readonly string[];
  /** Milliseconds between sweeps. Default 500. */
  interval?: number;
  /**
   * Milliseconds a stored job stays in Redis before it is removed. While it is there its id keeps a request that
   * read SQLite just before the store from queueing the same content again. Default 5000.
   */
  keepStored?: number;
  /** Called once Redis answers again after a sweep failed (the API queues again what was stored meanwhile). */
  onReconnect?: () => Promise<unknown>;
  /** Logger. Default: none. */
  logger?: Logger;
}

const resultCollectorDefaults = Object.freeze({ interval: 500, keepStored: 5_000 });

/** A job's result crosses a process boundary: checked before it goes into SQLite. */
const outcome = z.discriminatedUnion('status', [
  z.object({ status: z.literal('done'), analysis: z.object({ sha256: z.string() }).loose(), worker: z.string().nullable(), durationMs: z.number().nullable() }),
  z.object({
    status: z.literal('error'),
    error: z.object({ code: z.string(), message: z.object({ zh: z.string(), en: z.string() }), data: z.record(z.string(), z.unknown()).optional() }),
    worker: z.string().nullable(),
    durationMs: z.number().nullable(),
  }),
]);

type AnalysisJob = Job<JobPayloads[JobName], JobResults[JobName], JobName>;

/** The record a finished job leaves: its result when it completed, `failed` with the reason when it failed for good. */
function recordOf(job: AnalysisJob, state: 'completed' | 'failed'): AnalysisRecord {
  const durationMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : null;
  if (state === 'failed') return { status: 'failed', error: { reason: job.failedReason || 'failed' }, worker: null, durationMs };
  const r = outcome.safeParse(job.returnvalue);
  if (!r.success) return { status: 'failed', error: { reason: `job ${job.id} returned no analysis outcome: ${r.error.issues[0]?.message}` }, worker: null, durationMs };
  return r.data as AnalysisRecord;
}

export class ResultCollector {
  private readonly o: ResultCollectorOptions & typeof resultCollectorDefaults;
  /** Job ids stored by this process: when, and the job's finishedOn then (a job retried and finished again is stored again). */
  private readonly stored = new Map<string, { at: number; finishedOn: number | undefined }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private down = false;
  private closed = false;

  private constructor(o: ResultCollectorOptions) {
    this.o = { ...resultCollectorDefaults, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as ResultCollectorOptions & typeof resultCollectorDefaults;
    for (const k of ['interval', 'keepStored'] as const) {
      if (!Number.isFinite(this.o[k]) || this.o[k] < 0) throw new TypeError(`Expected a non-negative number for ${k} but received ${this.o[k]}`);
    }
    for (const v of o.versions ?? []) o.queue.of(v);
  }

  /** Sweep once now (reconcile what finished while no API ran), then every `interval` ms until close(). */
  static async start(o: ResultCollectorOptions): Promise<ResultCollector> {
    const c = new ResultCollector(o);
    await c.sweep().catch(() => 0);
    c.schedule();
    return c;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => void this.sweep().catch(() => 0).finally(() => this.schedule()), this.o.interval);
  }

  /** Store the outcome of every finished job; remove jobs stored more than `keepStored` ms ago. Returns how many were stored. */
  sweep(): Promise<number> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<number> {
    let n = 0;
    try {
      const seen = new Set<string>();
      for (const version of this.o.queue.versions()) {
        const queue = this.o.queue.of(version);
        for (const state of ['completed', 'failed'] as const) {
          const ids: string[] = [];
          for (let start = 0; ; start += 1000) {
            const page = await queue.getRanges([state], start, start + 999, true);
            ids.push(...page);
            if (page.length < 1000) break;
          }
          for (const id of ids) {
            seen.add(id);
            const entry = this.stored.get(id);
            if (entry && Date.now() - entry.at < this.o.keepStored) continue;
            const job = (await queue.getJob(id)) as AnalysisJob | undefined;
            if (!job) continue;
            if (entry && job.finishedOn === entry.finishedOn) {
              await queue.remove(id);
              this.stored.delete(id);
            } else {
              const r = this.store(job, state);
              if (r === 'stored') n++;
              if (r === 'never') await queue.remove(id);
            }
          }
        }
      }
      for (const id of this.stored.keys()) if (!seen.has(id)) this.stored.delete(id);
    } catch (err) {
      if (!this.down) this.o.logger?.warn({ event: 'results-unavailable', err: (err as Error).message }, 'cannot read finished jobs from Redis; retrying');
      this.down = true;
      throw err;
    }
    if (this.down) {
      this.down = false;
      this.o.logger?.info({ event: 'results-available' }, 'Redis answers again');
      await this.o.onReconnect?.().catch((err: Error) => this.o.logger?.warn({ event: 'requeue-failed', err: err.message }, 'could not queue again'));
    }
    return n;
  }

  /** Store one finished job's outcome: stored, not now (tried again on the next sweep), or never (its content is unknown here). */
  private store(job: AnalysisJob, state: 'completed' | 'failed'): 'stored' | 'later' | 'never' {
    const { sha256, analysisVersion } = job.data;
    const record = recordOf(job, state);
    let wrote: boolean;
    try {
      wrote = this.o.store.putAnalysis(sha256, analysisVersion, record);
    } catch (err) {
      // A content this database never stored (another API's job under the same prefix) can never be kept: dropped.
      // Anything else (a busy database) is tried again on the next sweep.
      const unknown = (err as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
      this.o.logger?.warn({ event: 'result-not-stored', sha256, job: job.id, err: (err as Error).message, dropped: unknown }, 'analysis outcome not stored');
      return unknown ? 'never' : 'later';
    }
    this.stored.set(job.id!, { at: Date.now(), finishedOn: job.finishedOn });
    this.o.logger?.info({ event: 'result-stored', sha256, job: job.id, status: record.status, wrote }, 'analysis outcome stored');
    return 'stored';
  }

  /** Stop sweeping (waits for a sweep under way). Finished jobs not yet stored stay in Redis for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }
}
