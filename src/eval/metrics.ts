// The evaluation's measures, as pure functions: character accuracy with uncertain characters, count error, decision buckets.
import type { TextLine } from '../analysis/types.ts';
import type { RuleStatus } from '../rules/types.ts';
import { bestSubstringMatch, normalizeText, type SubstringMatch } from '../text/match.ts';
import type { SharpLabel, TextLabelLine, VestLabel } from './labels.ts';

// ── character accuracy ───────────────────────────────────────────────────────────────────────────────


export interface LineScore {
  /** 1 − edits / length, in [0, 1]. */
  accuracy: number;
  edits: number;
  matched: string;
}

export interface TextLineResult {
  raw: string;
  field: string;
  /** Characters that count (uncertain ones excluded). */
  length: number;
  /** Against all recognised lines joined (a label line read as two lines still matches). */
  joined: LineScore;
  /** Against the single best recognised line. */
  perLine: LineScore;
}

export interface TextScore {
  lines: TextLineResult[];
  /** Character-weighted over the photo's label lines: 1 − Σ edits / Σ length (joined, and per line). */
  joined: number;
  perLine: number;
  /** Label lines read exactly (joined). */
  exactLines: number;
}

const lineScore = (m: SubstringMatch, length: number): LineScore => ({
  accuracy: length === 0 ? 1 : Math.max(0, 1 - m.edits / length),
  edits: m.edits,
  matched: m.matched,
});

/**
 * Character accuracy of the recognised text against a photo's transcription. For each label line
 * (normalised; uncertain characters are wildcards that neither count in its length nor cost an edit):
 *   joined  = 1 − edits(line, best stretch of normalise(all recognised lines joined in reading order)) / length
 *   perLine = 1 − min over recognised lines of edits(line, best stretch of normalise(that line)) / length
 * The photo's accuracy is 1 − Σ edits / Σ length over its label lines.
 */
export function scoreText(label: TextLabelLine[], recognised: Pick<TextLine, 'text'>[]): TextScore | null {
  if (label.length === 0) return null;
  const joinedText = normalizeText(recognised.map((l) => l.text).join(''));
  const each = recognised.map((l) => normalizeText(l.text)).filter(Boolean);
  const lines = label.map((l): TextLineResult => {
    const joined = bestSubstringMatch(l.pattern, joinedText);
    let perLine: SubstringMatch = { similarity: 0, edits: l.length, matched: '' };
    for (const text of each) {
      const m = bestSubstringMatch(l.pattern, text);
      if (m.edits < perLine.edits) perLine = m;
    }
    return { raw: l.raw, field: l.field, length: l.length, joined: lineScore(joined, l.length), perLine: lineScore(perLine, l.length) };
  });
  const total = lines.reduce((s, l) => s + l.length, 0);
  const weighted = (key: 'joined' | 'perLine') => 1 - lines.reduce((s, l) => s + l[key].edits, 0) / total;
  return { lines, joined: weighted('joined'), perLine: weighted('perLine'), exactLines: lines.filter((l) => l.joined.edits === 0).length };
}

// ── counts ───────────────────────────────────────────────────────────────────────────────────────────

/** Signed relative error (detected − truth) / truth; null when the truth is 0. */
export function relativeError(detected: number, truth: number): number | null {
  return truth > 0 ? (detected - truth) / truth : null;
}

/** Whether a truth count is in the range where counting errors are measured (6–80 by default). */
export function inCountRange(truth: number, range: readonly [number, number] = [6, 80]): boolean {
  return truth >= range[0] && truth <= range[1];
}

// ── decisions ────────────────────────────────────────────────────────────────────────────────────────

export type Expected = 'positive' | 'negative' | 'ambiguous';
/** right / wrong; review = the rule sent it to a person; ambiguous = the label cannot say. */
export type Outcome = 'right' | 'wrong' | 'review' | 'ambiguous';

/** ≥ min when the whole label range is ≥ min, < min when the whole range is < min, else ambiguous. */
export function bucketRange(range: readonly [number, number], min: number): Expected {
  if (range[0] >= min) return 'positive';
  if (range[1] < min) return 'negative';
  return 'ambiguous';
}

/** A rule's status against the expected answer: pass means positive, fail negative, review is counted apart. */
export function decide(expected: Expected, status: RuleStatus): Outcome {
  if (expected === 'ambiguous') return 'ambiguous';
  if (status === 'review') return 'review';
  return (status === 'pass') === (expected === 'positive') ? 'right' : 'wrong';
}

/** Sharpness: a sharp photo should pass, a blurred one fail; partial and soft ones are not judged. */
export function expectedSharp(label: SharpLabel): Expected {
  return label === 'sharp' ? 'positive' : label === 'blurred' ? 'negative' : 'ambiguous';
}

/** Uniform: red vests labelled yes should pass, no fail; partial (a few vests, sashes, caps) is its own class, not judged. */
export function expectedUniform(label: VestLabel): Expected {
  return label === 'yes' ? 'positive' : label === 'no' ? 'negative' : 'ambiguous';
}

export const vestLabels: readonly VestLabel[] = ['yes', 'partial', 'no'];
export const ruleStatuses: readonly RuleStatus[] = ['pass', 'review', 'fail'];

/** Label × rule status counts: confusion.yes.pass is the photos labelled yes that the rule passed. */
export type Confusion = Record<VestLabel, Record<RuleStatus, number>>;

export function confusion(items: { label: VestLabel; status: RuleStatus }[]): Confusion {
  const out = Object.fromEntries(vestLabels.map((l) => [l, Object.fromEntries(ruleStatuses.map((s) => [s, 0]))])) as Confusion;
  for (const { label, status } of items) out[label][status]++;
  return out;
}

export interface DecisionTally {
  right: number;
  wrong: number;
  review: number;
  ambiguous: number;
  /** right / (right + wrong), or null with nothing decided. */
  accuracy: number | null;
  truePositive: number;
  falsePositive: number;
  trueNegative: number;
  falseNegative: number;
}

export function tally(items: { expected: Expected; outcome: Outcome }[]): DecisionTally {
  const n = (f: (x: { expected: Expected; outcome: Outcome }) => boolean) => items.filter(f).length;
  const right = n((x) => x.outcome === 'right');
  const wrong = n((x) => x.outcome === 'wrong');
  return {
    right,
    wrong,
    review: n((x) => x.outcome === 'review'),
    ambiguous: n((x) => x.outcome === 'ambiguous'),
    accuracy: right + wrong > 0 ? right / (right + wrong) : null,
    truePositive: n((x) => x.outcome === 'right' && x.expected === 'positive'),
    falsePositive: n((x) => x.outcome === 'wrong' && x.expected === 'negative'),
    trueNegative: n((x) => x.outcome === 'right' && x.expected === 'negative'),
    falseNegative: n((x) => x.outcome === 'wrong' && x.expected === 'positive'),
  };
}

export function mean(xs: number[]): number | null {
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
}
