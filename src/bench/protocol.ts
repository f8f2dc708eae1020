// Messages between `photocheck bench` and its runner processes (one process per configuration, like one queue worker).
import type { AnalyserOptions } from '../analysis/analyse.ts';

export type ToRunner =
  | { type: 'init'; options: Required<AnalyserOptions>; threads: number; split: boolean; files: string[]; campaign?: string }
  /** Analyse the first `threads` photos at once, one per worker thread: loads every thread's models (not measured). */
  | { type: 'warm' }
  /** Analyse every photo once through the pool, `lanes` at a time (default `threads`: continuously), and judge each. */
  | { type: 'pass'; lanes?: number }
  | { type: 'close' };

/** One photo of a measured pass. */
export interface PhotoTiming {
  file: string;
  /** From handing the bytes to the pool to the verdict (analysis + judge()), in ms. */
  latencyMs: number;
  /** Analysis.timings (ms per stage, measured in the worker thread) plus `rules` (judge(), main thread). */
  stages: Record<string, number>;
  width?: number;
  height?: number;
  faces?: number;
  textLines?: number;
  verdict?: string;
  error?: string;
}

export interface MemorySample {
  /** Resident set size now, in MB (the whole process: main thread and every worker thread). */
  rssMb: number;
  /** Peak resident set size of the process so far (getrusage ru_maxrss), in MB. */
  peakRssMb: number;
}

export type FromRunner =
  | ({ type: 'ready'; engines?: undefined } & MemorySample)
  | ({ type: 'warmed'; wallMs: number; engines: { faces: string; text: string } | null; errors: string[] } & MemorySample)
  /** cpuMs: CPU time of the whole process during the pass (user + system, every thread: workers, onnxruntime, libvips). */
  | ({ type: 'passed'; wallMs: number; cpuMs: number; photos: PhotoTiming[]; loadavg: number } & MemorySample)
  | ({ type: 'closed' } & MemorySample)
  | { type: 'failed'; message: string };
