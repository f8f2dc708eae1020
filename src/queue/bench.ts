// `npm run bench:queue`: photos per minute through the BullMQ queue with N worker processes, against the in-process checker on the same photos.
//
//   npm run bench:queue -- [--workers 1,2] [--threads 2] [--rounds 1] [photos or folders…]
//
// Each run starts cold (models load in each worker thread on its first photo, as after a deploy), analyses
// every photo once (an empty data directory and queue prefix per run, so nothing is reused), and is timed
// from the first job added to the last Analysis stored in SQLite by the API's result collector (the real path:
// workers return the Analysis through Redis). Both sides use the same number of analysis threads.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analysisVersion } from '../analysis/analyse.ts';
import { ThreadPoolAnalyser } from '../analysis/pool.ts';
import { Store } from '../store/store.ts';
import { sha256 } from '../util/hash.ts';
import { AnalysisQueue } from './producer.ts';
import { defaultRedisUrl } from './redis.ts';
import { ResultCollector } from './results.ts';

const root = join(import.meta.dirname, '..', '..');
const image = /\.(jpe?g|png|webp)$/i;

function photos(paths: string[]): string[] {
  const list = (p: string): string[] => (statSync(p).isDirectory() ? readdirSync(p).flatMap((f) => list(join(p, f))) : image.test(p) ? [p] : []);
  return [...new Set(paths.flatMap(list))].sort();
}

async function inProcess(files: Buffer[], threads: number): Promise<number> {
  const pool = new ThreadPoolAnalyser({ threads });
  const t0 = performance.now();
  await Promise.all(files.map((b) => pool.analyse(b).catch(() => null)));
  const ms = performance.now() - t0;
  await pool.close();
  return ms;
}

async function viaQueue(files: Buffer[], workers: number, concurrency: number, redisUrl: string): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), 'pc-bench-queue-'));
  const prefix = `pcbench-${process.pid}-${Date.now().toString(36)}`;
  const store = new Store(data);
  const version = analysisVersion();
  const shas: string[] = [];
  for (const b of files) {
    const sha = await store.photos.put(b);
    store.addPhoto(sha, b.length);
    shas.push(sha);
  }
  const queue = await AnalysisQueue.open({ redisUrl, prefix });
  const results = await ResultCollector.start({ queue, store, versions: [version], interval: 20 });
  const procs = Array.from({ length: workers }, () =>
    spawn(process.execPath, [join(root, 'bin', 'photocheck.js'), 'worker', '--data', data, '--prefix', prefix, '--concurrency', String(concurrency)], {
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => p.stdout!.on('data', (d: Buffer) => d.toString().includes('"event":"ready"') && resolve()))));
  const t0 = performance.now();
  await queue.enqueue(shas, version);
  const distinct = new Set(shas).size;
  while (store.countAnalyses(version) < distinct) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - t0;
  procs.forEach((p) => p.kill('SIGTERM'));
  await Promise.all(procs.map((p) => new Promise((r) => p.on('exit', r))));
  await results.close();
  await queue.obliterate();
  await queue.close();
  store.close();
  rmSync(data, { recursive: true, force: true });
  return ms;
}

const { values, positionals } = parseArgs({
  options: { workers: { type: 'string', default: '1,2' }, threads: { type: 'string', default: String(cpus().length) }, rounds: { type: 'string', default: '1' } },
  allowPositionals: true,
});
const threads = Number(values.threads);
const workerCounts = values.workers.split(',').map(Number);
const redisUrl = process.env.REDIS_URL || defaultRedisUrl;
const files = photos(positionals.length ? positionals : [join(root, 'fixtures', 'images'), join(root, 'fixtures', 'tree')]);
const bytes = [...new Map(files.map((f) => readFileSync(f)).map((b) => [sha256(b), b])).values()];
const perMin = (ms: number) => ((bytes.length / ms) * 60_000).toFixed(1);

console.log(`${bytes.length} distinct photos, ${threads} analysis threads in all, ${cpus().length} cores, Redis ${redisUrl}`);
for (let round = 1; round <= Number(values.rounds); round++) {
  const base = await inProcess(bytes, threads);
  console.log(`in-process (ThreadPoolAnalyser, ${threads} threads): ${(base / 1000).toFixed(1)} s, ${perMin(base)} photos/min`);
  for (const n of workerCounts) {
    const concurrency = Math.max(1, Math.floor(threads / n));
    const ms = await viaQueue(bytes, n, concurrency, redisUrl);
    const overhead = ((ms - base) / base) * 100;
    console.log(
      `queue, ${n} worker process${n > 1 ? 'es' : ''} × concurrency ${concurrency}: ${(ms / 1000).toFixed(1)} s, ${perMin(ms)} photos/min, ${overhead >= 0 ? '+' : ''}${overhead.toFixed(0)} % vs in-process`,
    );
  }
}
