// `photocheck bench [folder|photos…]`: time per stage and per photo, photos per minute and peak memory, configurations side by side.
import { readdirSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { coreSplit } from '../analysis/pool.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { benchConfigs } from './config.ts';
import { renderBenchJson, renderBenchTable } from './render.ts';
import { runBench, type BenchRun } from './run.ts';

export interface BenchCommandOptions {
  /** A folder of photos (searched recursively) or photo files; none: the generated 12 MP bench photos. */
  paths: string[];
  config?: string;
  compare: string[];
  /** Worker threads per configuration (default: the number of cores). */
  threads?: number;
  /** Measured rounds (every photo once per round). */
  repeat: number;
  /** Leave out the face-api + tesseract.js baseline. */
  noBaseline: boolean;
  format: 'table' | 'json';
  out?: string;
  campaign?: string;
  lang: Lang;
  quiet: boolean;
}

const imageFile = /\.(jpe?g|png|webp|heic|heif|avif|tiff?)$/i;

/** Image files under the given folders and files, sorted, hidden files skipped. */
export function benchFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && imageFile.test(e.name)) out.push(p);
    }
  };
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new PhotocheckError('PC_ERR_USAGE', { reason: `找不到 ${p} / ${p} does not exist` });
    }
    if (isDir) walk(resolve(p));
    else out.push(resolve(p));
  }
  return out;
}

export async function benchCommand(o: BenchCommandOptions): Promise<BenchRun> {
  const log = (zh: string, en: string) => {
    if (!o.quiet) process.stderr.write(`${o.lang === 'zh' ? zh : en}\n`);
  };
  // As the CLI and the worker run it: fewer threads than cores share the cores out as onnxruntime threads (coreSplit).
  const { threads, ortThreads } = coreSplit(o.threads);
  const configs = benchConfigs(o.config, o.compare, threads, !o.noBaseline, { ortThreads });

  let files: string[];
  let source: { kind: 'generated' | 'folder'; folder: string };
  if (o.paths.length === 0) {
    const { makeBenchPhotos, defaultBenchPhotoDir } = await import('../../fixtures/make-bench-photos.ts');
    log(`准备 12 MP 测试照片（${defaultBenchPhotoDir()}）…`, `Preparing the 12 MP bench photos (${defaultBenchPhotoDir()})…`);
    const made = await makeBenchPhotos(undefined, (file, i, n) => log(`  生成 ${i + 1}/${n} ${file}`, `  made ${i + 1}/${n} ${file}`));
    files = made.files;
    source = { kind: 'generated', folder: made.dir };
  } else {
    files = benchFiles(o.paths);
    source = { kind: 'folder', folder: o.paths.join(', ') };
    if (files.length === 0) throw new PhotocheckError('PC_ERR_NO_PHOTOS', { path: o.paths.join(', ') });
  }

  const n = configs.length;
  const run = await runBench({
    files,
    configs,
    repeat: o.repeat,
    campaign: o.campaign,
    source,
    onEvent: (e) => {
      const name = `[${e.index + 1}/${n}] ${e.config.name}`;
      if (e.type === 'starting') log(`启动 ${name}（${e.config.threads} 个线程）并预热…`, `Starting ${name} (${e.config.threads} threads) and warming up…`);
      else if (e.type === 'warmed') log(`  预热完成 ${(e.wallMs / 1000).toFixed(1)} s`, `  warm in ${(e.wallMs / 1000).toFixed(1)} s`);
      else log(`第 ${e.round}/${e.rounds} 轮 ${name}：${e.photos} 张 ${(e.wallMs / 1000).toFixed(1)} s`, `Round ${e.round}/${e.rounds} ${name}: ${e.photos} photos in ${(e.wallMs / 1000).toFixed(1)} s`);
    },
  });
  process.stdout.write(o.format === 'json' ? renderBenchJson(run) : renderBenchTable(run, o.lang));
  if (o.out) {
    await writeFile(o.out, renderBenchJson(run));
    log(`测量结果（JSON）已写入 ${o.out}`, `Bench results (JSON) written to ${o.out}`);
  }
  return run;
}
