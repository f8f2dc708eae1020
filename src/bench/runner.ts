// A bench runner process: one configuration's ThreadPoolAnalyser, fed the way the CLI and the queue worker feed it.
//
// Each configuration runs in its own process so its peak RSS is its own (worker threads share the process, so the
// figure includes every thread's models) and so configurations can stay loaded side by side and be interleaved.
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename } from 'node:path';
import type { AnalyserOptions } from '../analysis/analyse.ts';
import { ThreadPoolAnalyser } from '../analysis/pool.ts';
import type { Analysis } from '../analysis/types.ts';
import { loadCampaign } from '../campaign/load.ts';
import type { Campaign } from '../campaign/schema.ts';
import { judge, type CheckContext } from '../check/check-photo.ts';
import type { FromRunner, MemorySample, PhotoTiming, ToRunner } from './protocol.ts';

/** The unit and activity photos are judged for: 雁江镇 is responsible for activity 四 (fixtures' banner-pass). */
const UNIT = '雁江镇';
const ACTIVITY = '四';

interface State {
  pool: ThreadPoolAnalyser;
  threads: number;
  photos: { file: string; bytes: Buffer }[];
  ctx: CheckContext;
}

let state: State | undefined;

function memory(): MemorySample {
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return { rssMb: mb(process.memoryUsage.rss()), peakRssMb: mb(process.resourceUsage().maxRSS * 1024) };
}

function send(message: FromRunner): void {
  process.send!(message);
}

function contextFor(campaign: Campaign): CheckContext {
  const unit = campaign.units.find((u) => u.id === UNIT) ?? campaign.units[0]!;
  const activity = campaign.activities.find((a) => a.id === ACTIVITY) ?? campaign.activities[0]!;
  return { campaign, unit, activity };
}

async function init(options: Required<AnalyserOptions>, threads: number, split: boolean, files: string[], campaign?: string): Promise<void> {
  const photos = await Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })));
  state = { pool: new ThreadPoolAnalyser({ ...options, threads, split }), threads, photos, ctx: contextFor(loadCampaign(campaign)) };
}

async function one(s: State, photo: { file: string; bytes: Buffer }): Promise<PhotoTiming & { analysis?: Analysis }> {
  const t0 = performance.now();
  let analysis: Analysis;
  try {
    analysis = await s.pool.analyse(photo.bytes);
  } catch (err) {
    return { file: basename(photo.file), latencyMs: performance.now() - t0, stages: {}, error: (err as Error).message };
  }
  const t1 = performance.now();
  const result = judge(basename(photo.file), analysis, s.ctx);
  const t2 = performance.now();
  return {
    file: basename(photo.file),
    latencyMs: Math.round((t2 - t0) * 10) / 10,
    stages: { ...analysis.timings, rules: Math.round((t2 - t1) * 100) / 100 },
    width: analysis.width,
    height: analysis.height,
    faces: analysis.faces.length,
    textLines: analysis.text.length,
    verdict: result.verdict,
    analysis,
  };
}

/** Every photo once, `lanes` lanes each taking the next photo when done (lanes = threads: BullMQ concurrency = threads). */
async function pass(s: State, photos: State['photos'], lanes = s.threads): Promise<{ wallMs: number; results: (PhotoTiming & { analysis?: Analysis })[] }> {
  const results: (PhotoTiming & { analysis?: Analysis })[] = new Array(photos.length);
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (next < photos.length) {
      const i = next++;
      results[i] = await one(s, photos[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, photos.length) }, lane));
  return { wallMs: Math.round((performance.now() - t0) * 10) / 10, results };
}

async function handle(message: ToRunner): Promise<void> {
  switch (message.type) {
    case 'init':
      await init(message.options, message.threads, message.split, message.files, message.campaign);
      send({ type: 'ready', ...memory() });
      return;
    case 'warm': {
      const s = state!;
      const { wallMs, results } = await pass(s, s.photos.slice(0, s.threads));
      const engines = results.find((r) => r.analysis)?.analysis?.engines ?? null;
      send({ type: 'warmed', wallMs, engines, errors: results.flatMap((r) => (r.error ? [`${r.file}: ${r.error}`] : [])), ...memory() });
      return;
    }
    case 'pass': {
      const cpu0 = process.cpuUsage();
      const { wallMs, results } = await pass(state!, state!.photos, message.lanes);
      const cpu = process.cpuUsage(cpu0);
      const photos = results.map(({ analysis: _a, ...timing }) => timing);
      const cpuMs = Math.round((cpu.user + cpu.system) / 100) / 10;
      send({ type: 'passed', wallMs, cpuMs, photos, loadavg: Math.round(loadavg()[0]! * 100) / 100, ...memory() });
      return;
    }
    case 'close':
      await state?.pool.close();
      send({ type: 'closed', ...memory() });
      process.disconnect?.();
      return;
  }
}

if (!process.send) throw new Error('src/bench/runner.ts runs as a child process of `photocheck bench`');
process.on('message', (message: ToRunner) => {
  handle(message).catch((err: unknown) => send({ type: 'failed', message: (err as Error).stack ?? String(err) }));
});
