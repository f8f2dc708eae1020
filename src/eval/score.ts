// Scores one photo's Analysis against its label with the campaign's own rules (judge), and sums the scores of a configuration.
import type { Analysis } from '../analysis/types.ts';
import type { Campaign } from '../campaign/schema.ts';
import { judge } from '../check/check-photo.ts';
import type { Message } from '../i18n/messages.ts';
import type { RuleResult, RuleStatus } from '../rules/types.ts';
import { normalizeText } from '../text/match.ts';
import type { PhotoLabel, SharpLabel, VestLabel } from './labels.ts';
import {
  bucketRange,
  confusion,
  decide,
  expectedUniform,
  expectedSharp,
  inCountRange,
  mean,
  relativeError,
  scoreText,
  tally,
  type Confusion,
  type DecisionTally,
  type Expected,
  type Outcome,
  type TextScore,
} from './metrics.ts';

/** Faces are counted in this range of true counts for the mean relative error. */
export const countRange: readonly [number, number] = [6, 80];

export interface KeywordHit {
  activity: string;
  keyword: string;
  /** Similarity the theme-banner rule measured (1 = exact). */
  similarity: number;
  /** The recognised line it was found in. */
  text: string;
  status: RuleStatus;
  messageId: string;
}

export type KeywordOutcome = 'falsePositive' | 'review' | 'trueNegative' | 'found' | 'missed';

export interface PhotoEval {
  file: string;
  category: string;
  error?: { code: string; message: Message };
  /** ≥ min decision of the participants rule. */
  participants: { range: [number, number]; expected: Expected; count: number; status: RuleStatus; outcome: Outcome } | null;
  faces: {
    truth: number;
    truthSource: string;
    counted: number | null;
    detected: number;
    relativeError: number | null;
    /** Truth within countRange: part of the mean relative error. */
    inRange: boolean;
  } | null;
  sharpness: {
    label: SharpLabel;
    labelSource: string;
    expected: Expected;
    status: RuleStatus;
    messageId: string;
    score: number;
    ratio: number;
    outcome: Outcome;
  } | null;
  text: TextScore | null;
  keywords: {
    /** Theme keywords (activity:keyword) that the transcription itself contains. */
    inLabel: string[];
    /** Keywords the theme-banner rule accepted (found / foundOtherUnit / tooSmall), per activity. */
    found: KeywordHit[];
    /** Near misses the rule would send to a person (weakMatch). */
    weak: KeywordHit[];
    outcome: KeywordOutcome;
  } | null;
  /** The uniform rule against the red-vest label: status, and how many of the people it counted as uniformed. */
  uniform: {
    label: VestLabel;
    note: string | null;
    description: string | null;
    expected: Expected;
    status: RuleStatus;
    messageId: string;
    /** Uniformed people the rule counted, and the people (faces) it looked at. */
    count: number;
    people: number;
    outcome: Outcome;
  } | null;
  /** Analysis time (sum of stage timings, ms; as recorded when analysed, also for cached analyses). */
  analysisMs: number | null;
}

const ruleOf = (results: RuleResult[], id: string) => results.find((r) => r.id === id);

/** Theme keywords (as activity:keyword) that occur in the normalised transcription. */
export function keywordsInText(campaign: Campaign, transcript: string): string[] {
  const out: string[] = [];
  for (const a of campaign.activities) {
    const seen = new Set<string>();
    for (const k of a.keywords) {
      const n = normalizeText(k);
      if (n && !seen.has(n) && transcript.includes(n)) out.push(`${a.id}:${k}`);
      seen.add(n);
    }
  }
  return out;
}

/** Score one photo. `analysis` null with `error` for photos that could not be analysed. */
export function scorePhoto(label: PhotoLabel, analysis: Analysis, campaign: Campaign): PhotoEval {
  const [first] = campaign.activities;
  const contextOf = (activity = first!) => ({
    campaign,
    activity,
    unit: campaign.units.find((u) => u.id === activity.responsible[0]) ?? campaign.units[0]!,
  });
  const results = judge(label.file, analysis, contextOf()).rules;

  const p = ruleOf(results, 'participants');
  const min = (campaign.rules.participants as { min?: number } | undefined)?.min ?? 20;
  let participants: PhotoEval['participants'] = null;
  let faces: PhotoEval['faces'] = null;
  if (label.faces) {
    const detected = p ? Number(p.value) : analysis.faces.length;
    if (p) {
      const expected = bucketRange(label.faces.range, min);
      participants = { range: label.faces.range, expected, count: detected, status: p.status, outcome: decide(expected, p.status) };
    }
    faces = {
      truth: label.faces.truth,
      truthSource: label.faces.truthSource,
      counted: label.faces.counted,
      detected,
      relativeError: relativeError(detected, label.faces.truth),
      inRange: inCountRange(label.faces.truth, countRange),
    };
  }

  const s = ruleOf(results, 'sharpness');
  let sharpness: PhotoEval['sharpness'] = null;
  if (s && label.sharp) {
    const expected = expectedSharp(label.sharp.label);
    sharpness = {
      label: label.sharp.label,
      labelSource: label.sharp.source,
      expected,
      status: s.status,
      messageId: s.messageId,
      score: round(analysis.sharpness.score, 1),
      ratio: round(analysis.sharpness.directionalRatio, 3),
      outcome: decide(expected, s.status),
    };
  }

  const themeOptions = campaign.rules['theme-banner'] as { minLineScore?: number } | undefined;
  const lines = analysis.text.filter((l) => l.score >= (themeOptions?.minLineScore ?? 0));
  const text = scoreText(label.text, lines);

  let keywords: PhotoEval['keywords'] = null;
  if (themeOptions) {
    const found: KeywordHit[] = [];
    const weak: KeywordHit[] = [];
    for (const activity of campaign.activities) {
      const r = ruleOf(judge(label.file, analysis, contextOf(activity)).rules, 'theme-banner');
      if (!r) continue;
      const hit = (): KeywordHit => ({
        activity: activity.id,
        keyword: String(r.data.keyword ?? ''),
        similarity: round(Number(r.value), 3),
        text: String(r.data.text ?? ''),
        status: r.status,
        messageId: r.messageId,
      });
      if (['found', 'foundOtherUnit', 'tooSmall'].includes(r.messageId)) found.push(hit());
      else if (r.messageId === 'weakMatch') weak.push(hit());
    }
    const inLabel = keywordsInText(campaign, label.transcript);
    const outcome: KeywordOutcome =
      inLabel.length > 0 ? (found.length > 0 ? 'found' : 'missed') : found.length > 0 ? 'falsePositive' : weak.length > 0 ? 'review' : 'trueNegative';
    keywords = { inLabel, found, weak, outcome };
  }

  const u = ruleOf(results, 'uniform');
  let uniform: PhotoEval['uniform'] = null;
  if (u && label.vests) {
    const expected = expectedUniform(label.vests.label);
    uniform = {
      ...label.vests,
      expected,
      status: u.status,
      messageId: u.messageId,
      count: Number(u.data.count ?? 0),
      people: Number(u.data.people ?? 0),
      outcome: decide(expected, u.status),
    };
  }

  const ms = Object.values(analysis.timings ?? {}).reduce((a, b) => a + b, 0);
  return { file: label.file, category: label.category, participants, faces, sharpness, text, keywords, uniform, analysisMs: ms > 0 ? Math.round(ms) : null };
}

export function errorEval(label: PhotoLabel, error: { code: string; message: Message }): PhotoEval {
  return { file: label.file, category: label.category, error, participants: null, faces: null, sharpness: null, text: null, keywords: null, uniform: null, analysisMs: null };
}

// ── a configuration's totals ─────────────────────────────────────────────────────────────────────────

export interface CountSummary {
  n: number;
  /** Mean |relative error|, and mean signed relative error (negative: undercount). */
  meanAbs: number | null;
  meanSigned: number | null;
}

export interface TextSummary {
  /** Photos with a transcription. */
  n: number;
  /** Mean over photos of their character accuracy, joined and per line. */
  joined: number | null;
  perLine: number | null;
  lines: number;
  exactLines: number;
}

export interface ConfigSummary {
  photos: number;
  errors: number;
  participants: DecisionTally & { min: number };
  faces: CountSummary & { range: readonly [number, number]; byCategory: Record<string, CountSummary>; handCounted: CountSummary };
  text: TextSummary & { byCategory: Record<string, TextSummary> };
  /** ambiguous: labelled partial or soft, not judged. */
  sharpness: DecisionTally;
  keywords: { withoutKeywordText: number; falsePositive: number; review: number; withKeywordText: number; found: number };
  /** Uniform rule vs red-vest labels: yes → pass and no → fail are right; partial is ambiguous (see confusion). */
  uniform: DecisionTally & { confusion: Confusion };
  /** Mean analysis time per photo (ms), from the analyses' own timings. */
  meanAnalysisMs: number | null;
}

function countSummary(items: NonNullable<PhotoEval['faces']>[]): CountSummary {
  const errs = items.map((f) => f.relativeError).filter((e): e is number => e !== null);
  return { n: errs.length, meanAbs: mean(errs.map(Math.abs)), meanSigned: mean(errs) };
}

function textSummary(items: TextScore[]): TextSummary {
  return {
    n: items.length,
    joined: mean(items.map((t) => t.joined)),
    perLine: mean(items.map((t) => t.perLine)),
    lines: items.reduce((s, t) => s + t.lines.length, 0),
    exactLines: items.reduce((s, t) => s + t.exactLines, 0),
  };
}

const byCategory = <T, S>(photos: PhotoEval[], pick: (p: PhotoEval) => T | null, sum: (xs: T[]) => S): Record<string, S> => {
  const cats = [...new Set(photos.filter((p) => pick(p) !== null).map((p) => p.category))].sort();
  return Object.fromEntries(cats.map((c) => [c, sum(photos.filter((p) => p.category === c).map(pick).filter((x): x is T => x !== null))]));
};

export function summarise(photos: PhotoEval[], campaign: Campaign): ConfigSummary {
  const ok = photos.filter((p) => !p.error);
  const inRange = (p: PhotoEval) => (p.faces?.inRange ? p.faces : null);
  const kw = ok.map((p) => p.keywords).filter((k) => k !== null);
  const sharp = ok.map((p) => p.sharpness).filter((s) => s !== null);
  const times = ok.map((p) => p.analysisMs).filter((t): t is number => t !== null);
  const uniform = ok.map((p) => p.uniform).filter((u) => u !== null);
  return {
    photos: photos.length,
    errors: photos.length - ok.length,
    participants: {
      ...tally(ok.map((p) => p.participants).filter((x) => x !== null)),
      min: (campaign.rules.participants as { min?: number } | undefined)?.min ?? 20,
    },
    faces: {
      ...countSummary(ok.map(inRange).filter((f) => f !== null)),
      range: countRange,
      byCategory: byCategory(ok, inRange, countSummary),
      handCounted: countSummary(ok.map(inRange).filter((f) => f !== null && f.truthSource === 'counted') as NonNullable<PhotoEval['faces']>[]),
    },
    text: { ...textSummary(ok.map((p) => p.text).filter((t) => t !== null)), byCategory: byCategory(ok, (p) => p.text, textSummary) },
    sharpness: tally(sharp),
    keywords: {
      withoutKeywordText: kw.filter((k) => k.inLabel.length === 0).length,
      falsePositive: kw.filter((k) => k.outcome === 'falsePositive').length,
      review: kw.filter((k) => k.outcome === 'review').length,
      withKeywordText: kw.filter((k) => k.inLabel.length > 0).length,
      found: kw.filter((k) => k.outcome === 'found').length,
    },
    uniform: { ...tally(uniform), confusion: confusion(uniform) },
    meanAnalysisMs: times.length ? Math.round(mean(times)!) : null,
  };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
