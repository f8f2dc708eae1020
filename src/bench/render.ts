// Terminal view of a BenchRun (one column per configuration), or its JSON.
import { table } from '../eval/render.ts';
import { format, type Lang, type Message } from '../i18n/messages.ts';
import { describeConfig } from './config.ts';
import { stageOrder, type BenchRun, type ConfigResult } from './run.ts';

const t = {
  title: { zh: '速度与内存', en: 'Speed and memory' },
  photosGenerated: {
    zh: '照片：{{count}} 张（fixtures/make-bench-photos.ts 由测试夹具生成的 12 MP 照片，{{folder}}）',
    en: 'Photos: {{count}} (12 MP photos made from the fixtures by fixtures/make-bench-photos.ts, {{folder}})',
  },
  photosFolder: { zh: '照片：{{count}} 张（{{folder}}）', en: 'Photos: {{count}} ({{folder}})' },
  passes: {
    zh: '每个配置各自一个进程、一个线程池；预热：每个线程先分析一张（不计）；之后 {{repeat}} 轮交替测量，每轮每张照片一次',
    en: 'Each configuration in its own process with its own thread pool; warm-up: one photo per thread (not measured); then {{repeat}} interleaved rounds, every photo once per round',
  },
  machine: {
    zh: '机器：{{cpus}} 核 {{model}}，内存 {{mem}} GB，Node {{node}}；负载（1/5/15 分钟）开始 {{start}}，结束 {{end}}',
    en: 'Machine: {{cpus}} cores {{model}}, {{mem}} GB RAM, Node {{node}}; load average (1/5/15 min) at start {{start}}, at end {{end}}',
  },
  configs: { zh: '配置', en: 'Configurations' },
  perPhoto: { zh: '每张照片（毫秒，中位数）', en: 'Per photo (ms, medians)' },
  metric: { zh: '指标', en: 'Metric' },
  overhead: { zh: '其他（线程间传递等）', en: 'other (thread messages, …)' },
  latency: { zh: '连续处理时单张总耗时：中位数（p90）', en: 'total per photo, continuous: median (p90)' },
  alone: { zh: '逐张处理时单张总耗时：中位数（p90）', en: 'total per photo, one at a time: median (p90)' },
  ppm: { zh: '每分钟照片数', en: 'photos per minute' },
  throughput: { zh: '连续处理时每张用时', en: 'time per photo, continuous' },
  cpu: { zh: 'CPU 时间/张（所有线程）', en: 'CPU time per photo (all threads)' },
  peak: { zh: '峰值内存（整个进程）', en: 'peak RSS (whole process)' },
  perThread: { zh: '  每线程（峰值−基础）/线程数', en: '  per thread (peak − base) / threads' },
  vsFirst: { zh: '相对 [1]：吞吐 · 耗时 · CPU 倍数', en: 'vs [1]: throughput × · latency × · CPU ×' },
  found: { zh: '每轮找到：人脸 · 文字行', en: 'found per round: faces · text lines' },
  verdicts: { zh: '判定（通过/复核/不通过/错误）', en: 'verdicts (pass/review/fail/error)' },
  errors: { zh: '无法分析', en: 'could not be analysed' },
  load: { zh: '每轮结束时负载（1 分钟）', en: 'load average after each round' },
  target: {
    zh: '目标（12 MP、双核、预热后）：每张 ≤ {{ms}} 毫秒，每个进程峰值内存 ≤ {{mb}} MB',
    en: 'Target (12 MP, both cores, warm): ≤ {{ms}} ms per photo, peak RSS ≤ {{mb}} MB per worker process',
  },
  targetLine: {
    zh: '  [{{i}}] 连续处理每张 {{tp}} {{tpOk}}；逐张处理单张总耗时中位数 {{lat}} {{latOk}}；峰值内存 {{peak}} {{peakOk}}',
    en: '  [{{i}}] continuous {{tp}} {{tpOk}}; one photo at a time, median {{lat}} {{latOk}}; peak RSS {{peak}} {{peakOk}}',
  },
  ratio: {
    zh: '[1] 相对基线（face-api 整图 + tesseract.js 整图）：吞吐 ×{{tp}}（>1 更快），逐张单张耗时 ×{{lat}}（>1 更慢）',
    en: '[1] vs the baseline (face-api whole image + tesseract.js whole image): throughput ×{{tp}} (> 1 faster), one photo at a time ×{{lat}} (> 1 slower)',
  },
  notes: {
    zh: '说明：阶段时间在连续处理时于工作线程内测得（两个线程同时工作时互相争用 CPU）；“连续处理时每张用时”= 60000 / 每分钟照片数；\n“逐张处理”：上一张出结果后才交下一张，线程池在另一个空闲线程上找单独一张的人脸（split=1）；\n其他任务占用机器时墙钟时间会变长，CPU 时间基本不变：比较配置时以 CPU 倍数为准（C 个空闲核上每张用时不会低于 CPU 时间/C）。',
    en: 'Notes: stage times are measured inside the worker thread during the continuous pass (two threads working at once share the CPU); "time per photo, continuous" = 60000 / photos per minute;\n"one at a time": the next photo is handed over when the last has its verdict; the pool finds a lone photo\'s faces on a second free thread (split=1);\nother jobs on the machine stretch wall times but hardly CPU times: compare configurations by the CPU ratio (on C idle cores a photo cannot take less than CPU time / C).',
  },
} satisfies Record<string, Message>;

/** Names of the stages in Analysis.timings (others are shown by their key). */
const stageLabels = {
  decode: { zh: '解码（含缩放）', en: 'decode (+ resize)' },
  sharpness: { zh: '清晰度', en: 'sharpness' },
  faces: { zh: '人脸', en: 'faces' },
  text: { zh: '文字', en: 'text' },
  uniform: { zh: '服装颜色', en: 'clothing colours' },
  phash: { zh: '感知哈希', en: 'perceptual hash' },
  rules: { zh: '规则', en: 'rules' },
} satisfies Record<string, Message>;

const ms = (v: number | null) => (v === null ? '–' : v >= 100 ? String(Math.round(v)) : v.toFixed(v >= 10 ? 1 : 2));
const sec = (v: number | null) => (v === null ? '–' : `${(v / 1000).toFixed(2)} s`);
const mb = (v: number | null) => (v === null ? '–' : `${v} MB`);
const x = (v: number | null) => (v === null ? '–' : `×${v.toFixed(2)}`);
const ok = (v: number | null, limit: number) => (v === null ? '' : v <= limit ? '✓' : '✗');

export function renderBenchTable(run: BenchRun, lang: Lang = 'zh'): string {
  const L = (m: Message) => m[lang];
  const out: string[] = [];
  const cs = run.configs;
  const col = (i: number) => `[${i + 1}] ${cs[i]!.name}`;
  out.push(`photocheck bench — ${L(t.title)}`);
  out.push(format(L(run.photos.source === 'generated' ? t.photosGenerated : t.photosFolder), { count: run.photos.count, folder: run.photos.folder }, lang));
  out.push(format(L(t.passes), { repeat: run.repeat }, lang));
  out.push(
    format(L(t.machine), {
      cpus: run.machine.cpus,
      model: run.machine.cpuModel.trim(),
      mem: Math.round(run.machine.totalMemMb / 1024),
      node: run.machine.node,
      start: run.loadavg.start.join(' '),
      end: run.loadavg.end.join(' '),
    }, lang),
  );
  out.push('', `■ ${L(t.configs)}`);
  cs.forEach((c, i) => out.push(`  ${col(i)}: ${describeConfig({ ...c, baseline: c.baseline })}  (${c.version})`));

  const row = (label: string, cell: (c: ConfigResult) => string) => [label, ...cs.map(cell)];
  const stageLabel = (k: string) => (k in stageLabels ? L(stageLabels[k as keyof typeof stageLabels]) : k);
  const stages = stageOrder(cs.flatMap((c) => Object.keys(c.stagesMs)));
  const rows: string[][] = [
    ...stages.map((k) => row(stageLabel(k), (c) => ms(c.stagesMs[k] ?? null))),
    row(L(t.overhead), (c) => ms(c.overheadMs)),
    row(L(t.latency), (c) => `${ms(c.latencyMs.median)} (${ms(c.latencyMs.p90)})`),
    row(L(t.alone), (c) => `${ms(c.aloneMs.median)} (${ms(c.aloneMs.p90)})`),
    row(L(t.ppm), (c) => (c.photosPerMinute === null ? '–' : c.photosPerMinute.toFixed(1))),
    row(L(t.throughput), (c) => ms(c.throughputMsPerPhoto)),
    row(L(t.cpu), (c) => ms(c.cpuMsPerPhoto)),
    row(L(t.peak), (c) => mb(c.memory.peakRssMb)),
    row(L(t.perThread), (c) => mb(c.memory.perThreadMb)),
    row(L(t.vsFirst), (c) => `${x(c.vsFirst.throughput)} · ${x(c.vsFirst.latency)} · ${x(c.vsFirst.cpu)}`),
    row(L(t.found), (c) => `${c.found.faces} · ${c.found.textLines}`),
    row(L(t.verdicts), (c) => ['pass', 'review', 'fail', 'error'].map((v) => c.found.verdicts[v] ?? 0).join('/')),
    row(L(t.load), (c) => c.passLoadavg.join(' ')),
  ];
  out.push('', `■ ${L(t.perPhoto)}`, ...table([L(t.metric), ...cs.map((_, i) => col(i))], rows));
  for (const [i, c] of cs.entries()) {
    if (c.errors.length) out.push(`  [${i + 1}] ${L(t.errors)}: ${c.errors.join('; ')}`);
  }

  out.push('', format(L(t.target), { ms: run.targets.perPhotoMs, mb: run.targets.peakRssMb }, lang));
  cs.forEach((c, i) => {
    if (c.baseline) return;
    out.push(
      format(L(t.targetLine), {
        i: i + 1,
        tp: sec(c.throughputMsPerPhoto),
        tpOk: ok(c.throughputMsPerPhoto, run.targets.perPhotoMs),
        lat: sec(c.aloneMs.median),
        latOk: ok(c.aloneMs.median, run.targets.perPhotoMs),
        peak: mb(c.memory.peakRssMb),
        peakOk: ok(c.memory.peakRssMb, run.targets.peakRssMb),
      }, lang),
    );
  });
  if (run.baselineRatio) out.push('', format(L(t.ratio), { tp: run.baselineRatio.throughput?.toFixed(2) ?? '–', lat: run.baselineRatio.latency?.toFixed(2) ?? '–' }, lang));
  out.push('', L(t.notes));
  return `${out.join('\n')}\n`;
}

export function renderBenchJson(run: BenchRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
