// Terminal view of an EvalRun: a summary with one column per configuration, then per-photo tables per rule; or JSON.
import { format, type Lang, type Message } from '../i18n/messages.ts';
import { ruleStatuses, vestLabels, type DecisionTally, type Outcome } from './metrics.ts';
import type { ConfigRun, EvalRun } from './run.ts';
import type { CountSummary, PhotoEval, TextSummary } from './score.ts';

type L = Record<string, Message>;

const t = {
  title: { zh: '评估报告', en: 'Evaluation report' },
  folder: { zh: '照片文件夹', en: 'Folder' },
  labels: { zh: '标注文件', en: 'Labels' },
  campaign: { zh: '活动配置', en: 'Campaign' },
  photos: {
    zh: '标注照片 {{labelled}} 张，评估 {{evaluated}} 张；文件夹中缺少 {{missing}} 张，未标注 {{unlabelled}} 张',
    en: '{{labelled}} labelled photos, {{evaluated}} evaluated; {{missing}} missing from the folder, {{unlabelled}} unlabelled',
  },
  missing: { zh: '缺少：', en: 'Missing: ' },
  configs: { zh: '配置', en: 'Configurations' },
  wall: { zh: '用时', en: 'wall time' },
  summary: { zh: '汇总', en: 'Summary' },
  metric: { zh: '指标', en: 'Metric' },
  decision: { zh: '≥{{min}} 人判断（对/判定）', en: '≥{{min}} people decision (right/decided)' },
  decisionDetail: { zh: '  误判为够/不够 · 复核 · 标注不定', en: '  false pos/neg · review · ambiguous' },
  countErr: { zh: '人数平均相对误差（{{lo}}–{{hi}} 人）', en: 'Face count mean |rel. error| ({{lo}}–{{hi}} faces)' },
  countBias: { zh: '  平均偏差（负=少数）', en: '  mean signed error (− = undercount)' },
  countCat: { zh: '  {{cat}}_ 类', en: '  {{cat}}_ photos' },
  countHand: { zh: '  仅人工计数的照片', en: '  hand-counted photos only' },
  textAcc: { zh: '文字字符准确率（整图拼接）', en: 'Text character accuracy (lines joined)' },
  textAccLine: { zh: '  按单行匹配', en: '  per single line' },
  textCat: { zh: '  {{cat}}_ 类（拼接/单行）', en: '  {{cat}}_ photos (joined/per line)' },
  textExact: { zh: '  完全读对的标注行', en: '  label lines read exactly' },
  sharp: { zh: '清晰/模糊判断（对/判定）', en: 'Sharp/blurred decision (right/decided)' },
  sharpDetail: { zh: '  误判清晰/模糊 · 复核 · 部分模糊/偏软', en: '  blurred passed / sharp failed · review · partial/soft' },
  kwFp: { zh: '无主题词照片误报主题词', en: 'Theme keyword found where there is none' },
  kwReview: { zh: '  其中仅近似（待复核）', en: '  near misses only (review)' },
  kwFound: { zh: '有主题词照片找到主题词', en: 'Theme keyword found where there is one' },
  uniform: { zh: '志愿服装判断：红马甲 yes→通过、no→不通过（对/判定）', en: 'Uniform decision: red vests yes → pass, no → fail (right/decided)' },
  uniformDetail: { zh: '  无马甲却通过/有马甲却不通过 · 复核 · partial', en: '  passed without vests / failed with vests · review · partial' },
  uniformRow: { zh: '  标注 {{label}}：通过/复核/不通过', en: '  labelled {{label}}: pass/review/fail' },
  uniformTable: { zh: '志愿服装（uniform 规则；标注 red_vests）', en: 'Uniform (uniform rule; red_vests label)' },
  uniformCount: { zh: '着装/人数', en: 'uniformed/people' },
  vestsText: { zh: '标注说明', en: 'Label description' },
  time: { zh: '平均分析用时/张', en: 'Mean analysis time per photo' },
  errors: { zh: '无法分析的照片', en: 'Photos that could not be analysed' },
  facesTable: { zh: '人数（participants 规则）', en: 'People (participants rule)' },
  file: { zh: '照片', en: 'Photo' },
  truth: { zh: '标注', en: 'Label' },
  expected: { zh: '应为', en: 'Expected' },
  positive: { zh: '≥{{min}}', en: '≥{{min}}' },
  negative: { zh: '<{{min}}', en: '<{{min}}' },
  ambiguous: { zh: '不定', en: 'ambig.' },
  textTable: { zh: '文字（标注行 → 识别到的最接近片段）', en: 'Text (label line → closest recognised stretch)' },
  sharpTable: { zh: '清晰度（C_ 类全部，及其他判错、复核或未判定的照片）', en: 'Sharpness (every C_ photo, and others wrong, in review or not judged)' },
  kwTable: { zh: '主题关键词（误报、近似、或标注中含主题词的照片）', en: 'Theme keywords (false positives, near misses, photos whose label has one)' },
  kwNone: { zh: '无', en: 'none' },
  inLabel: { zh: '标注含', en: 'in label' },
  notes: { zh: '说明', en: 'Notes' },
} satisfies L;

const notes: Message = {
  zh: `- ≥N 判断：标注范围 faces_range 全部 ≥N 为“够”，全部 <N 为“不够”，跨越 N 的不计；规则结果 pass=够、fail=不够，review 单独计数。
- 人数误差：(检测数 − 标注数)/标注数；标注数取 faces_counted，否则 ground_truth，否则 faces_range 中点；只统计标注数在范围内的照片。
- 字符准确率：每条标注行（规范化：去空白标点、全角转半角、小写）与识别文本中最接近的片段比较，1 − 编辑距离/行长；“拼接”为全部识别行按阅读顺序拼接后匹配，“单行”为只在单条识别行中匹配；每张照片按字符数加权，均值为各照片的平均。[x] 和 ? 表示不确定的字：任意匹配、缺失也不扣分，且不计入行长；… 处把标注行拆成几段；少于 2 个确定字的片段不计。只用置信度达到 theme-banner 规则 minLineScore 的识别行。
- 清晰：C_ 的 _S 和其他类照片默认清晰，_F、_M 及 blur_label 为 blurred 的为模糊；partial（部分模糊）和 soft（偏软）单独列出不计。pass=清晰、fail=模糊，review 单独计数。
- 主题词误报：用 theme-banner 规则对每项活动检查，规则接受（found / foundOtherUnit / tooSmall）任一活动的主题词即为“找到”；标注文字不含任何主题词的照片上找到即为误报，仅近似（weakMatch）记为复核。
- 志愿服装：expected_rule_inputs.red_vests 为 yes 的照片应通过 uniform 规则，no 的应不通过，review 单独计数；partial（少数人穿马甲、只戴帽子或披绶带）单独成类，只列入对照表，不计对错。着装/人数为规则计为着装的人数和检测到的人数。`,
  en: `- ≥N decision: positive when the whole faces_range is ≥ N, negative when it is wholly < N, otherwise ambiguous and not scored; rule pass = positive, fail = negative, review counted apart.
- Count error: (detected − truth)/truth, truth = faces_counted, else ground_truth, else the middle of faces_range; only photos whose truth is in the range shown.
- Character accuracy: each label line (normalised: no spaces or punctuation, NFKC, lower case) against the closest stretch of recognised text, 1 − edit distance/length; "joined" matches in all recognised lines joined in reading order, "per line" within one recognised line; per photo weighted by characters, mean over photos. [x] and ? mark uncertain characters: they match anything or nothing at no cost and do not count in the length; … splits a label line into fragments; fragments with < 2 certain characters are skipped. Only recognised lines at or above the theme-banner rule's minLineScore are used.
- Sharpness: C_ …_S and photos of other categories are sharp unless labelled otherwise; …_F, …_M and blur_label "blurred" are blurred; partial and soft are listed but not scored. pass = sharp, fail = blurred, review counted apart.
- Keyword false positives: the theme-banner rule run for every activity; a keyword it accepts (found / foundOtherUnit / tooSmall) counts as found; found on a photo whose transcription has no theme keyword = false positive; near misses only (weakMatch) = review.
- Uniform: photos whose expected_rule_inputs.red_vests is yes should pass the uniform rule, no should fail, review counted apart; partial (a few vests, caps or sashes only) is its own class, shown in the label × status table and not scored. uniformed/people: the people the rule counted as uniformed, and the faces it looked at.`,
};

// ── layout helpers ───────────────────────────────────────────────────────────────────────────────────

/** Terminal columns of a string: East Asian wide and full-width characters take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6) ||
      (c >= 0x1f300 && c <= 0x1faff) ||
      (c >= 0x20000 && c <= 0x3fffd);
    w += wide ? 2 : 1;
  }
  return w;
}

const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - displayWidth(s)));

/** Cut a string to at most `w` columns, marking the cut with …. */
export function clip(s: string, w: number): string {
  if (displayWidth(s) <= w) return s;
  let out = '';
  for (const ch of s) {
    if (displayWidth(out + ch) > w - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Rows of cells → aligned lines (two spaces between columns), header underlined. */
export function table(head: string[], rows: string[][], indent = '  '): string[] {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) => (indent + cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i]!))).join('  ')).trimEnd();
  return [line(head), indent + widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(digits)}%`);
const acc = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(2));
const signedPct = (v: number | null) => (v === null ? '–' : `${v >= 0 ? '+' : ''}${(v * 100).toFixed(0)}%`);
const marks: Record<Outcome, string> = { right: '✓', wrong: '✗', review: '?', ambiguous: '~' };

function decided(d: DecisionTally): string {
  const n = d.right + d.wrong;
  return n === 0 ? '–' : `${d.right}/${n} (${pct(d.accuracy)})`;
}

function count(c: CountSummary): string {
  return c.n === 0 ? '–' : `${pct(c.meanAbs)} (n=${c.n})`;
}

function textCell(s: TextSummary | undefined): string {
  return !s || s.n === 0 ? '–' : `${acc(s.joined)} / ${acc(s.perLine)} (n=${s.n})`;
}

// ── the report ───────────────────────────────────────────────────────────────────────────────────────

export function renderEvalJson(run: EvalRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}

export function renderEvalTable(run: EvalRun, lang: Lang = 'zh'): string {
  const out: string[] = [];
  const cs = run.configs;
  const col = (i: number) => `[${i + 1}] ${cs[i]!.name}`;
  out.push(`photocheck eval — ${t.title[lang]}`);
  out.push(`${t.folder[lang]}: ${run.folder}   ${t.labels[lang]}: ${run.labelsFile}   ${t.campaign[lang]}: ${run.campaign.id} (${run.campaign.version})`);
  out.push(
    format(t.photos[lang], {
      labelled: run.photos.labelled,
      evaluated: run.photos.evaluated,
      missing: run.photos.missing.length,
      unlabelled: run.photos.unlabelled.length,
    }, lang),
  );
  if (run.photos.missing.length) out.push(`${t.missing[lang]}${run.photos.missing.join(', ')}`);
  out.push('', `■ ${t.configs[lang]}`);
  cs.forEach((c, i) => {
    const o = c.options;
    const engineKeys = `${o.faces.endsWith('-tiled') ? ` tile=${o.tileSize}` : ''}${o.text === 'ppocr' ? ` det=${o.ocrLongSide}` : ''}`;
    out.push(`  ${col(i)}: faces=${o.faces} text=${o.text} working=${o.workingLongSide} sharpness=${o.sharpnessLongSide}${engineKeys}  (${c.version}; ${t.wall[lang]} ${(c.wallMs / 1000).toFixed(1)} s)`);
  });

  // Summary: one column per configuration.
  const s = cs.map((c) => c.summary);
  const min = s[0]!.participants.min;
  const [lo, hi] = s[0]!.faces.range;
  const row = (label: string, cell: (c: ConfigRun['summary']) => string) => [label, ...s.map(cell)];
  const cats = (pick: (c: ConfigRun['summary']) => Record<string, unknown>) => [...new Set(s.flatMap((c) => Object.keys(pick(c))))].sort();
  const rows: string[][] = [
    row(format(t.decision[lang], { min }, lang), (c) => decided(c.participants)),
    row(t.decisionDetail[lang], (c) => `${c.participants.falsePositive}/${c.participants.falseNegative} · ${c.participants.review} · ${c.participants.ambiguous}`),
    row(format(t.countErr[lang], { lo, hi }, lang), (c) => count(c.faces)),
    row(t.countBias[lang], (c) => signedPct(c.faces.meanSigned)),
    ...cats((c) => c.faces.byCategory).map((cat) => row(format(t.countCat[lang], { cat }, lang), (c) => (c.faces.byCategory[cat] ? count(c.faces.byCategory[cat]) : '–'))),
    row(t.countHand[lang], (c) => count(c.faces.handCounted)),
    row(t.textAcc[lang], (c) => (c.text.n ? `${acc(c.text.joined)} (n=${c.text.n})` : '–')),
    row(t.textAccLine[lang], (c) => acc(c.text.perLine)),
    ...cats((c) => c.text.byCategory).map((cat) => row(format(t.textCat[lang], { cat }, lang), (c) => textCell(c.text.byCategory[cat]))),
    row(t.textExact[lang], (c) => `${c.text.exactLines}/${c.text.lines}`),
    row(t.sharp[lang], (c) => decided(c.sharpness)),
    row(t.sharpDetail[lang], (c) => `${c.sharpness.falsePositive}/${c.sharpness.falseNegative} · ${c.sharpness.review} · ${c.sharpness.ambiguous}`),
    row(t.kwFp[lang], (c) => `${c.keywords.falsePositive}/${c.keywords.withoutKeywordText}`),
    row(t.kwReview[lang], (c) => String(c.keywords.review)),
    row(t.kwFound[lang], (c) => `${c.keywords.found}/${c.keywords.withKeywordText}`),
    row(t.uniform[lang], (c) => decided(c.uniform)),
    row(t.uniformDetail[lang], (c) => `${c.uniform.falsePositive}/${c.uniform.falseNegative} · ${c.uniform.review} · ${c.uniform.ambiguous}`),
    ...vestLabels.map((label) =>
      row(format(t.uniformRow[lang], { label }, lang), (c) => ruleStatuses.map((st) => c.uniform.confusion[label][st]).join('/')),
    ),
    row(t.time[lang], (c) => (c.meanAnalysisMs === null ? '–' : `${(c.meanAnalysisMs / 1000).toFixed(2)} s`)),
  ];
  if (s.some((c) => c.errors > 0)) rows.push(row(t.errors[lang], (c) => String(c.errors)));
  out.push('', `■ ${t.summary[lang]}`, ...table([t.metric[lang], ...cs.map((_, i) => col(i))], rows));

  const photoRows = <T>(pick: (p: PhotoEval) => T | null) =>
    cs[0]!.photos.map((p, i) => ({ file: p.file, each: cs.map((c) => pick(c.photos[i]!)) })).filter((r) => r.each.some((x) => x !== null));

  // People.
  const people = photoRows((p) => (p.faces || p.participants ? p : null));
  if (people.length) {
    const expectedText = (p: PhotoEval) =>
      p.participants ? format(t[p.participants.expected][lang], { min }, lang) : '';
    const rowsP = people.map(({ file, each }) => {
      const first = each.find((x) => x)!;
      const f = first.faces!;
      const truth = `${Number.isInteger(f.truth) ? f.truth : f.truth.toFixed(1)}${f.truthSource === 'counted' ? '' : f.truthSource === 'groundTruth' ? ' gt' : ' ~'} [${first.participants?.range.join('–') ?? ''}]`;
      return [
        file,
        truth,
        expectedText(first),
        ...each.map((p) => {
          if (!p?.faces) return '–';
          const mark = p.participants ? marks[p.participants.outcome] : '';
          return `${mark} ${p.faces.detected} ${p.faces.inRange ? signedPct(p.faces.relativeError) : `(${signedPct(p.faces.relativeError)})`}`;
        }),
      ];
    });
    out.push('', `■ ${t.facesTable[lang]}`, ...table([t.file[lang], t.truth[lang], t.expected[lang], ...cs.map((_, i) => col(i))], rowsP));
  }

  // Text.
  const texts = photoRows((p) => p.text);
  if (texts.length) {
    const rowsT: string[][] = [];
    for (const { file, each } of texts) {
      rowsT.push([file, ...each.map((x) => (x ? `${acc(x.joined)} / ${acc(x.perLine)}` : '–'))]);
      const lines = each.find((x) => x)!.lines;
      lines.forEach((l, j) => {
        rowsT.push([
          `    ${clip(l.raw, 44)}`,
          ...each.map((x) => {
            const r = x?.lines[j];
            return r ? `${acc(r.joined.accuracy)} ${clip(r.joined.matched || '∅', 30)}` : '–';
          }),
        ]);
      });
    }
    out.push('', `■ ${t.textTable[lang]}`, ...table([t.file[lang], ...cs.map((_, i) => col(i))], rowsT));
  }

  // Sharpness.
  const sharp = photoRows((p) => p.sharpness).filter(
    ({ file, each }) => file.startsWith('C_') || each.some((x) => x && x.outcome !== 'right'),
  );
  if (sharp.length) {
    const rowsS = sharp.map(({ file, each }) => {
      const first = each.find((x) => x)!;
      return [
        file,
        first.label,
        ...each.map((x) => (x ? `${marks[x.outcome]} ${x.status}:${x.messageId} ${x.score.toFixed(0)} / ${x.ratio.toFixed(2)}` : '–')),
      ];
    });
    out.push('', `■ ${t.sharpTable[lang]}`, ...table([t.file[lang], t.truth[lang], ...cs.map((_, i) => col(i))], rowsS));
  }

  // Keywords.
  const kws = photoRows((p) => p.keywords).filter(({ each }) =>
    each.some((k) => k && (k.outcome === 'falsePositive' || k.outcome === 'review' || k.inLabel.length > 0)),
  );
  if (kws.length) {
    const hit = (h: { activity: string; keyword: string; similarity: number; text: string }) => `${h.activity}:${h.keyword} ${h.similarity.toFixed(2)} “${h.text}”`;
    const rowsK = kws.map(({ file, each }) => {
      const first = each.find((x) => x)!;
      return [
        file,
        first.inLabel.length ? first.inLabel.join(' ') : '–',
        ...each.map((k) => {
          if (!k) return '–';
          const found = k.found.map(hit);
          const weak = k.weak.map((h) => `?${hit(h)}`);
          return `${k.outcome}${found.length + weak.length ? ': ' : ''}${[...found, ...weak].join('; ')}`;
        }),
      ];
    });
    out.push('', `■ ${t.kwTable[lang]}`, ...table([t.file[lang], t.inLabel[lang], ...cs.map((_, i) => col(i))], rowsK));
  } else {
    out.push('', `■ ${t.kwTable[lang]}: ${t.kwNone[lang]}`);
  }

  // Uniform.
  const uniform = photoRows((p) => p.uniform);
  if (uniform.length) {
    const rowsU = uniform.map(({ file, each }) => {
      const first = each.find((x) => x)!;
      return [
        file,
        first.note ? `${first.label} (${first.note})` : first.label,
        ...each.map((u) => (u ? `${marks[u.outcome]} ${u.status}:${u.messageId} ${u.count}/${u.people}` : '–')),
        clip(first.description ?? '', 60),
      ];
    });
    out.push(
      '',
      `■ ${t.uniformTable[lang]}`,
      ...table([t.file[lang], t.truth[lang], ...cs.map((_, i) => `${col(i)} ${t.uniformCount[lang]}`), t.vestsText[lang]], rowsU),
    );
  }

  // Errors.
  const errs = photoRows((p) => p.error ?? null);
  if (errs.length) {
    out.push('', `■ ${t.errors[lang]}`);
    for (const { file, each } of errs) out.push(`  ${file}: ${each.find((e) => e)!.message[lang]}`);
  }

  out.push('', `■ ${t.notes[lang]}`, notes[lang]);
  return out.join('\n') + '\n';
}
