// The producer side of the analysis queue: the API adds one job per photo content that has no analysis yet.
import { Queue } from 'bullmq';
import { analyseJobId, analyseJobOptions, analysisQueueName, type JobName, type JobPayloads } from './jobs.ts';
import { checkRedis, redisOptions } from './redis.ts';

export interface QueueConnection {
  /** redis:// URL. Default: REDIS_URL, else redis://127.0.0.1:6379. */
  redisUrl: string;
  /** Namespace of the queue's Redis keys (BullMQ prefix). Default `photocheck`; tests use one per run. */
  prefix: string;
}

type AnalysisJobs = Queue<JobPayloads[JobName], unknown, JobName>;

export class AnalysisQueue {
  private constructor(readonly queue: AnalysisJobs) {}

  /** Check Redis (reachable, noeviction), then open the queue. Fails fast with a coded error, never hangs. */
  static async open(c: QueueConnection): Promise<AnalysisQueue> {
    await checkRedis(c.redisUrl);
    const queue: AnalysisJobs = new Queue(analysisQueueName, {
      connection: redisOptions(c.redisUrl, 'producer'),
      prefix: c.prefix,
      defaultJobOptions: analyseJobOptions,
    });
    queue.on('error', () => {}); // each call reports its own failure
    await queue.waitUntilReady();
    return new AnalysisQueue(queue);
  }

  /** Queue analyses for these contents. Contents whose job already exists are left alone (the id is the key). */
  async enqueue(shas: readonly string[], analysisVersion: string): Promise<void> {
    if (shas.length === 0) return;
    await this.queue.addBulk(
      shas.map((sha256) => ({
        name: 'analyse' as const,
        data: { sha256, analysisVersion } satisfies JobPayloads['analyse'],
        opts: { ...analyseJobOptions, jobId: analyseJobId(sha256, analysisVersion) },
      })),
    );
  }

  /** Jobs per state (waiting, active, delayed, failed, …). */
  counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
