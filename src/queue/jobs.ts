// The queue's jobs: a typed map from job name to payload. Payloads are references to stored photos, never their bytes.
import type { JobsOptions } from 'bullmq';

/** Every job the analysis queue carries, by name. A worker refuses to start unless it handles each of them. */
export interface JobPayloads {
  /**
   * Analyse one stored photo (faces, text, sharpness) under one analysis version and store the Analysis in
   * SQLite. Keyed by content: whoever submits the photo, however often, it is analysed once per version.
   */
  analyse: {
    /** Hex sha256 of the photo's bytes: the file <data>/photos/<aa>/<sha256>. */
    sha256: string;
    /** The analysis version (engines and settings) the Analysis must be made with. */
    analysisVersion: string;
  };
}

export type JobName = keyof JobPayloads;
export const jobNames = ['analyse'] as const satisfies readonly JobName[];

/** One queue for the expensive work. Its Redis keys are `<prefix>:photocheck-analysis:…`. */
export const analysisQueueName = 'photocheck-analysis';

/**
 * The job id follows from the content and the analysis version, so adding the same photo again while its job
 * exists is a no-op (BullMQ ids may not contain ':').
 */
export function analyseJobId(sha256: string, analysisVersion: string): string {
  return `analyse-${sha256}-${analysisVersion.replace(/[^\w.-]/g, '.')}`;
}

/**
 * Job options for every analysis job. Transient failures (a model thread crashed, the data volume hiccupped)
 * are retried with exponential backoff: 2 s, 4 s, 8 s, 16 s. A photo that cannot be decoded fails at once
 * (the worker throws UnrecoverableError). Finished jobs are removed: their outcome lives in SQLite.
 */
export const analyseJobOptions: Readonly<JobsOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: true,
});
