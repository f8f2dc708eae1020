// The queue's jobs: a typed map from job name to payload. Payloads are references to stored photos, never their bytes.
import type { JobsOptions } from 'bullmq';
import type { AnalysisRecord } from '../store/store.ts';

/** Every job the analysis queue carries, by name. A worker refuses to start unless it handles each of them. */
export interface JobPayloads {
  /**
   * Analyse one stored photo (faces, text, sharpness) under one analysis version. The worker returns the outcome
   * (JobResults) and the API stores it in SQLite. Keyed by content: whoever submits the photo, however often,
   * it is analysed once per version.
   */
  analyse: {
    /** Hex sha256 of the photo's bytes: the file <data>/photos/<aa>/<sha256>. */
    sha256: string;
    /** The analysis version (engines and settings) the Analysis must be made with. */
    analysisVersion: string;
  };
}

/**
 * What a job returns, by name. `analyse`: `done` with the Analysis, or `error` when the photo itself cannot be
 * analysed (not an image: a result, never retried). Infrastructure failures are thrown, retried, and once the
 * attempts are used up recorded by the API as `failed` from the job's failedReason.
 */
export interface JobResults {
  analyse: Extract<AnalysisRecord, { status: 'done' | 'error' }>;
}

export type JobName = keyof JobPayloads;
export const jobNames = ['analyse'] as const satisfies readonly JobName[];

/** BullMQ ids and queue names may not contain ':'. */
const keyPart = (s: string) => s.replace(/[^\w.-]/g, '.');

/**
 * One queue per analysis version (`photocheck-analysis-<version>`; its Redis keys are `<prefix>:<name>:…`), so a
 * worker started with other engines never takes, nor fails, a job made for another version: it waits on its own.
 */
export function analysisQueueName(analysisVersion: string): string {
  return `photocheck-analysis-${keyPart(analysisVersion)}`;
}

/**
 * The job id follows from the content and the analysis version, so adding the same photo again while its job
 * exists (waiting, active, or finished but not yet stored by the API) is a no-op.
 */
export function analyseJobId(sha256: string, analysisVersion: string): string {
  return `analyse-${sha256}-${keyPart(analysisVersion)}`;
}

/**
 * Job options for every analysis job. Transient failures (a model thread crashed, the data volume hiccupped)
 * are retried with exponential backoff: 2 s, 4 s, 8 s, 16 s. A photo that cannot be decoded is a result at once
 * (no retry). Finished jobs stay in Redis until the API has stored their outcome in SQLite (src/queue/results.ts
 * removes them), so a result is not lost while the API is down or restarting.
 */
export const analyseJobOptions: Readonly<JobsOptions> = Object.freeze({
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: false,
  removeOnFail: false,
});
