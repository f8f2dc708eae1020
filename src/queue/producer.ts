// The producer side of the analysis queues: the API adds one job per photo content that has no analysis yet.
import { Queue } from 'bullmq';
import { analyseJobId, analyseJobOptions, analysisQueueName, type JobName, type JobPayloads, type JobResults } from './jobs.ts';
import { checkRedis, redisOptions } from './redis.ts';

export interface QueueConnection {
  /** redis:// URL. Default: REDIS_URL, else redis://127.0.0.1:6379. */
  redisUrl: string;
  /** Namespace of the queue's Redis keys (BullMQ prefix). Default `photocheck`; tests use one per run. */
  prefix: string;
}

export type AnalysisJobs = Queue<JobPayloads[JobName], JobResults[JobName], JobName>;

export class AnalysisQueue {
  /** One BullMQ queue per analysis version, opened on first use. */
  private readonly queues = new Map<string, AnalysisJobs>();

  private constructor(private readonly c: QueueConnection) {}

  /** Check Redis (reachable, noeviction), then open the queues. Fails fast with a coded error, never hangs. */
  static async open(c: QueueConnection): Promise<AnalysisQueue> {
    await checkRedis(c.redisUrl);
    return new AnalysisQueue(c);
  }

  /** The queue of one analysis version. */
  of(analysisVersion: string): AnalysisJobs {
    let queue = this.queues.get(analysisVersion);
    if (!queue) {
      queue = new Queue(analysisQueueName(analysisVersion), {
        connection: redisOptions(this.c.redisUrl, 'producer'),
        prefix: this.c.prefix,
        defaultJobOptions: analyseJobOptions,
      });
      queue.on('error', () => {}); // each call reports its own failure
      this.queues.set(analysisVersion, queue);
    }
    return queue;
  }

  /** The analysis versions whose queue this process has opened. */
  versions(): string[] {
    return [...this.queues.keys()];
  }

  /** Queue analyses for these contents. Contents whose job already exists are left alone (the id is the key). */
  async enqueue(shas: readonly string[], analysisVersion: string): Promise<void> {
    if (shas.length === 0) return;
    await this.of(analysisVersion).addBulk(
      shas.map((sha256) => ({
        name: 'analyse' as const,
        data: { sha256, analysisVersion } satisfies JobPayloads['analyse'],
        opts: { ...analyseJobOptions, jobId: analyseJobId(sha256, analysisVersion) },
      })),
    );
  }

  /** Jobs per state (waiting, active, delayed, completed, failed, …) of one version's queue. */
  counts(analysisVersion: string): Promise<Record<string, number>> {
    return this.of(analysisVersion).getJobCounts();
  }

  /** Delete every job and key of the opened queues (tests, benchmarks). */
  async obliterate(): Promise<void> {
    for (const q of this.queues.values()) await q.obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
