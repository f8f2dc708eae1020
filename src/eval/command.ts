// `photocheck eval <folder>`: measure the checks on a labelled folder, one or more analysis configurations side by side.
import { writeFile } from 'node:fs/promises';
import { Progress } from '../cli/progress.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Lang } from '../i18n/messages.ts';
import { evalConfigs } from './config.ts';
import { renderEvalJson, renderEvalTable } from './render.ts';
import { runEval, type EvalRun } from './run.ts';

export interface EvalCommandOptions {
  paths: string[];
  labels?: string;
  campaign?: string;
  config?: string;
  compare: string[];
  format: 'table' | 'json';
  out?: string;
  lang: Lang;
  jobs?: number;
  cache?: string;
  quiet: boolean;
}

export async function evalCommand(o: EvalCommandOptions): Promise<EvalRun> {
  if (o.paths.length !== 1) {
    throw new PhotocheckError('PC_ERR_USAGE', { reason: 'eval 需要且只需要一个照片文件夹 / eval takes exactly one photo folder' });
  }
  const configs = evalConfigs(o.config, o.compare);
  let progress: Progress | undefined;
  const log = (zh: string, en: string) => {
    if (!o.quiet) process.stderr.write(`${o.lang === 'zh' ? zh : en}\n`);
  };
  const run = await runEval({
    folder: o.paths[0]!,
    labels: o.labels,
    campaign: o.campaign,
    configs,
    jobs: o.jobs,
    cache: o.cache,
    onStart: (config, i, photos) => {
      log(`配置 ${i + 1}/${configs.length}：${config.name}（${config.version}）`, `Configuration ${i + 1}/${configs.length}: ${config.name} (${config.version})`);
      progress = new Progress(photos, o.lang, !o.quiet);
    },
    onPhoto: (_config, file) => progress?.tick(file),
  });
  // stdout gets the chosen format; --out keeps the full JSON (every photo, line and hit) for later comparison.
  process.stdout.write(o.format === 'json' ? renderEvalJson(run) : renderEvalTable(run, o.lang));
  if (o.out) {
    await writeFile(o.out, renderEvalJson(run));
    log(`评估结果（JSON）已写入 ${o.out}`, `Evaluation (JSON) written to ${o.out}`);
  }
  return run;
}
