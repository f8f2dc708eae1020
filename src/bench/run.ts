// The bench runner: every configuration in its own process with its own thread pool, warmed up, then measured in
// interleaved rounds (a noisy shared machine slows all configurations alike), then summarised.
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { AnalyserOptions } from '../analysis/analyse.ts';
import type { BenchConfig } from './config.ts';
import type { FromRunner, MemorySample, PhotoTiming, ToRunner } from './protocol.ts';
import { median, medianByKey, photosPerMinute, quantile, ratio, round } from './stats.ts';

/**
 * The stages of a photo as the bench reports them, in this order: Analysis.timings (decode includes the
 * working-size resize; stages added to the analysis later come after text) and `rules` (judge()).
 */
export const benchStages = ['decode', 'sharpness', 'faces', 'text', 'rules'] as const;

/** Speed and memory targets for a 12 MP photo on this 2-core machine (issue 6). */
export const benchTargets = Object.freeze({ perPhotoMs: 1000, peakRssMb: 1024 });

export interface BenchOptions {
  /** Photo files (absolute paths). */
  files: string[];
  configs: BenchConfig[];
  /** Measured passes over every photo, per configuration. */
  repeat: number;
  campaign?: string;
  /** Where the photos come from, for the report. */
  source: { kind: 'generated' | 'folder'; folder: string };
  onEvent?: (event: BenchEvent) => void;
}

export type BenchEvent =
  | { type: 'starting'; config: BenchConfig; index: number }
  | { type: 'warmed'; config: BenchConfig; index: number; wallMs: number }
  | { type: 'pass'; config: BenchConfig; index: number; round: number; rounds: number; wallMs: number; photos: number };

export interface ConfigResult {
  name: string;
  baseline: boolean;
  options: Required<AnalyserOptions>;
  version: string;
  threads: number;
  split: boolean;
  engines: { faces: string; text: string } | null;
  /** Photos measured (passes × photos, errors excluded) and photos that failed. */
  measured: number;
  errors: string[];
  /** Median ms per photo for each stage (stage times are measured inside the worker thread that ran it), in `stageOrder`. */
  stagesMs: Record<string, number | null>;
  /** Median of (latency − the stages): messages to and from the worker thread, exposure, waiting. */
  overheadMs: number | null;
  /** Wall time per photo from handing its bytes to the pool to its verdict, photos arriving continuously: median, 90th percentile, fastest. */
  latencyMs: { median: number | null; p90: number | null; min: number | null };
  /** The same, one photo at a time (the next one handed over when the last has its verdict): how long a photo takes on its own. */
  aloneMs: { median: number | null; p90: number | null; min: number | null };
  /** Photos finished per minute through the pool (all measured passes). */
  photosPerMinute: number | null;
  /** 60 000 / photosPerMinute: time per photo when photos arrive continuously (what "both cores" buys). */
  throughputMsPerPhoto: number | null;
  /**
   * CPU time of the runner process per photo (all its threads), over the measured passes. Unlike wall times it
   * hardly moves when other jobs load the machine: the fairest comparison on a shared machine. On C idle cores
   * the time per photo cannot be below cpuMsPerPhoto / C.
   */
  cpuMsPerPhoto: number | null;
  /** Wall time of each measured pass, ms. */
  passWallMs: number[];
  /** 1-minute load average after each measured pass. */
  passLoadavg: number[];
  memory: {
    /** RSS of the runner process before its pool started (Node, tsx, the campaign and the photo bytes). */
    baseRssMb: number;
    /** RSS right after the warm-up pass. */
    warmRssMb: number;
    /** Peak RSS of the process over the whole run (every worker thread included). */
    peakRssMb: number;
    /** (peak − base) / threads: models, arenas and buffers of one worker thread at its peak. */
    perThreadMb: number | null;
  };
  /** Totals over one pass, to see at a glance whether configurations find the same things. */
  found: { faces: number; textLines: number; verdicts: Record<string, number> };
  /** This configuration against the first one: throughput × (> 1 = faster) and median time of a photo on its own × (> 1 = slower). */
  vsFirst: { throughput: number | null; latency: number | null; cpu: number | null };
}

export interface BenchRun {
  generatedAt: string;
  machine: { cpus: number; cpuModel: string; totalMemMb: number; freeMemMbAtStart: number; node: string; platform: string };
  /** 1-, 5- and 15-minute load averages when the run started and ended; other jobs on the machine show up here. */
  loadavg: { start: number[]; end: number[] };
  photos: { source: 'generated' | 'folder'; folder: string; count: number; files: { file: string; width?: number; height?: number }[] };
  repeat: number;
  warmup: string;
  configs: ConfigResult[];
  /** The first (default) configuration against the baseline, when both ran: throughput × (> 1 = faster), median time of a photo on its own × (> 1 = slower). */
  baselineRatio: { throughput: number | null; latency: number | null } | null;
  targets: typeof benchTargets;
}

const runnerUrl = new URL('./runner-entry.mjs', import.meta.url);

/** One runner process, spoken to one request at a time. */
class Runner {
  private readonly child: ChildProcess;
  private waiting: { resolve: (m: FromRunner) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  constructor(readonly config: BenchConfig) {
    this.child = fork(fileURLToPath(runnerUrl), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    this.child.on('message', (m: FromRunner) => {
      const w = this.waiting;
      this.waiting = null;
      if (!w) return;
      if (m.type === 'failed') w.reject(new Error(`bench runner for "${config.name}" failed: ${m.message}`));
      else w.resolve(m);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(new Error(`bench runner for "${config.name}" exited (${signal ?? code}); out of memory?`));
    });
  }

  request<T extends FromRunner['type']>(message: ToRunner, expect: T): Promise<Extract<FromRunner, { type: T }>> {
    if (this.exited) return Promise.reject(new Error(`bench runner for "${this.config.name}" is not running`));
    return new Promise((resolve, reject) => {
      this.waiting = {
        resolve: (m) => (m.type === expect ? resolve(m as Extract<FromRunner, { type: T }>) : reject(new Error(`bench runner sent ${m.type}, expected ${expect}`))),
        reject,
      };
      this.child.send(message);
    });
  }

  async close(): Promise<MemorySample | null> {
    if (this.exited) return null;
    const exit = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    let last: MemorySample | null = null;
    try {
      last = await this.request({ type: 'close' }, 'closed');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
    return last;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

interface Collected {
  config: BenchConfig;
  ready: MemorySample;
  warmed: MemorySample & { engines: { faces: string; text: string } | null; errors: string[] };
  passes: { wallMs: number; cpuMs: number; loadavg: number; photos: PhotoTiming[]; peakRssMb: number }[];
  /** The one-photo-at-a-time passes. */
  alone: PhotoTiming[][];
  peakRssMb: number;
}

export async function runBench(o: BenchOptions): Promise<BenchRun> {
  if (o.files.length === 0) throw new TypeError('Expected at least one photo file for files but received none');
  if (!Number.isInteger(o.repeat) || o.repeat < 1) throw new TypeError(`Expected a positive integer for repeat but received ${o.repeat}`);
  const loadStart = loadavg().map((v) => round(v, 2)!);
  const freeStart = Math.round(freemem() / 1048576);
  const runners: Runner[] = [];
  const collected: Collected[] = [];
  try {
    // Start and warm one configuration at a time, so warm-ups do not compete; all stay loaded for the rounds.
    for (const [index, config] of o.configs.entries()) {
      o.onEvent?.({ type: 'starting', config, index });
      const runner = new Runner(config);
      runners.push(runner);
      const ready = await runner.request({ type: 'init', options: config.options, threads: config.threads, split: config.split, files: o.files, campaign: o.campaign }, 'ready');
      const warmed = await runner.request({ type: 'warm' }, 'warmed');
      o.onEvent?.({ type: 'warmed', config, index, wallMs: warmed.wallMs });
      collected.push({ config, ready, warmed, passes: [], alone: [], peakRssMb: warmed.peakRssMb });
    }
    // Interleaved rounds; each round starts with the next configuration so none always runs first. A configuration's
    // turn is a continuous pass (throughput, CPU, stages) and a pass one photo at a time (how long a photo takes alone).
    for (let round = 0; round < o.repeat; round++) {
      for (let k = 0; k < runners.length; k++) {
        const index = (round + k) % runners.length;
        const passed = await runners[index]!.request({ type: 'pass' }, 'passed');
        // With one thread the continuous pass already hands photos over one at a time.
        const alone = o.configs[index]!.threads === 1 ? passed : await runners[index]!.request({ type: 'pass', lanes: 1 }, 'passed');
        const c = collected[index]!;
        c.passes.push({ wallMs: passed.wallMs, cpuMs: passed.cpuMs, loadavg: passed.loadavg, photos: passed.photos, peakRssMb: passed.peakRssMb });
        c.alone.push(alone.photos);
        c.peakRssMb = Math.max(c.peakRssMb, passed.peakRssMb, alone.peakRssMb);
        o.onEvent?.({ type: 'pass', config: c.config, index, round: round + 1, rounds: o.repeat, wallMs: passed.wallMs, photos: passed.photos.length });
      }
    }
    for (const [i, runner] of runners.entries()) {
      const last = await runner.close();
      if (last) collected[i]!.peakRssMb = Math.max(collected[i]!.peakRssMb, last.peakRssMb);
    }
  } finally {
    for (const runner of runners) runner.kill();
  }

  const configs = collected.map(summarise);
  const first = configs[0]!;
  for (const c of configs) {
    c.vsFirst = {
      throughput: round(ratio(c.photosPerMinute ?? NaN, first.photosPerMinute ?? NaN), 2),
      latency: round(ratio(c.aloneMs.median ?? NaN, first.aloneMs.median ?? NaN), 2),
      cpu: round(ratio(c.cpuMsPerPhoto ?? NaN, first.cpuMsPerPhoto ?? NaN), 2),
    };
  }
  const baseline = configs.find((c) => c.baseline);
  const sizes = new Map(collected[0]!.passes[0]?.photos.map((p) => [p.file, p]) ?? []);
  return {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      totalMemMb: Math.round(totalmem() / 1048576),
      freeMemMbAtStart: freeStart,
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
    },
    loadavg: { start: loadStart, end: loadavg().map((v) => round(v, 2)!) },
    photos: {
      source: o.source.kind,
      folder: o.source.folder,
      count: o.files.length,
      files: o.files.map((f) => {
        const name = f.split(/[\\/]/).pop()!;
        const p = sizes.get(name);
        return { file: name, width: p?.width, height: p?.height };
      }),
    },
    repeat: o.repeat,
    warmup: 'one photo per worker thread (the first photos), not measured',
    configs,
    baselineRatio:
      baseline && baseline !== first
        ? {
            throughput: round(ratio(first.photosPerMinute ?? NaN, baseline.photosPerMinute ?? NaN), 2),
            latency: round(ratio(first.aloneMs.median ?? NaN, baseline.aloneMs.median ?? NaN), 2),
          }
        : null,
    targets: benchTargets,
  };
}

/** Stage times of one photo as reported: decode + the working-size resize as "decode", the rest as measured. */
export function stagesOf(p: PhotoTiming): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.stages)) {
    const stage = k === 'resize' ? 'decode' : k;
    out[stage] = (out[stage] ?? 0) + v;
  }
  return out;
}

/** Stage names in report order: the known ones first, any others (later additions to the analysis) before rules. */
export function stageOrder(names: Iterable<string>): string[] {
  const set = new Set(names);
  const known = benchStages.filter((k) => k !== 'rules');
  const others = [...set].filter((k) => !(benchStages as readonly string[]).includes(k)).sort();
  return [...known, ...others, 'rules'];
}

function summarise(c: Collected): ConfigResult {
  const photos = c.passes.flatMap((p) => p.photos);
  const ok = photos.filter((p) => !p.error);
  const stageRecords = ok.map(stagesOf);
  const stages = stageOrder(stageRecords.flatMap((r) => Object.keys(r)));
  const stageMedians = medianByKey(stageRecords, stages);
  const overhead = ok.map((p, i) => p.latencyMs - Object.values(stageRecords[i]!).reduce((a, b) => a + b, 0));
  const latencies = ok.map((p) => p.latencyMs);
  const alone = c.alone.flat().filter((p) => !p.error).map((p) => p.latencyMs);
  const wall = c.passes.reduce((a, p) => a + p.wallMs, 0);
  const ppm = photosPerMinute(ok.length, wall);
  const onePass = c.passes[0]?.photos ?? [];
  const verdicts: Record<string, number> = {};
  for (const p of onePass) if (p.verdict) verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
  const errors = [...new Set([...c.warmed.errors, ...photos.filter((p) => p.error).map((p) => `${p.file}: ${p.error}`)])];
  return {
    name: c.config.name,
    baseline: c.config.baseline,
    options: c.config.options,
    version: c.config.version,
    threads: c.config.threads,
    split: c.config.split,
    engines: c.warmed.engines,
    measured: ok.length,
    errors,
    stagesMs: Object.fromEntries(stages.map((k) => [k, round(stageMedians[k]!, k === 'rules' ? 2 : 1)])),
    overheadMs: round(median(overhead), 1),
    latencyMs: { median: round(median(latencies), 1), p90: round(quantile(latencies, 0.9), 1), min: round(Math.min(...latencies), 1) },
    aloneMs: { median: round(median(alone), 1), p90: round(quantile(alone, 0.9), 1), min: round(Math.min(...alone), 1) },
    photosPerMinute: round(ppm, 1),
    throughputMsPerPhoto: round(60_000 / ppm, 1),
    cpuMsPerPhoto: round(c.passes.reduce((a, p) => a + p.cpuMs, 0) / ok.length, 0),
    passWallMs: c.passes.map((p) => p.wallMs),
    passLoadavg: c.passes.map((p) => p.loadavg),
    memory: {
      baseRssMb: c.ready.rssMb,
      warmRssMb: c.warmed.rssMb,
      peakRssMb: c.peakRssMb,
      perThreadMb: round((c.peakRssMb - c.ready.rssMb) / c.config.threads, 0),
    },
    found: {
      faces: onePass.reduce((a, p) => a + (p.faces ?? 0), 0),
      textLines: onePass.reduce((a, p) => a + (p.textLines ?? 0), 0),
      verdicts,
    },
    vsFirst: { throughput: null, latency: null, cpu: null },
  };
}
