// checkPhoto(): the one use case behind the CLI, the queue worker and the HTTP API — analyse (cached) then evaluate rules.
import type { Analysis } from '../analysis/types.ts';
import type { Activity, Campaign, Unit } from '../campaign/schema.ts';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Message } from '../i18n/messages.ts';
import { evaluateRules, verdictOf, type Verdict } from '../rules/evaluate.ts';
import type { DuplicateMatch, RuleResult } from '../rules/types.ts';
import type { Review } from './review.ts';
import { sha256 } from '../util/hash.ts';

/** Anything that turns photo bytes into an Analysis (in this thread, a thread pool, a cache in front of either). */
export interface Analyser {
  /** Identifies engines and settings: analyses are reusable only under the same version. */
  readonly version: string;
  analyse(bytes: Buffer, sha256: string): Promise<Analysis>;
}

export interface PhotoResult {
  file: string;
  sha256: string;
  /** The effective verdict: the reviewer's decision when there is one, else the automatic verdict. */
  verdict: Verdict;
  /** The automatic verdict (the rules', or error), kept when a reviewer overrides it. */
  autoVerdict: Verdict;
  /** The reviewer's decision (service reports only). */
  review?: Review;
  rules: RuleResult[];
  image: { width: number; height: number; capturedAt: string | null } | null;
  people: { count: number; faces: Analysis['faces'] };
  text: { lines: Analysis['text'] };
  error?: { code: string; message: Message };
}

export interface CheckContext {
  campaign: Campaign;
  unit: Unit;
  activity: Activity;
  /** Look-alike photos found by the caller (the `check` batch, the service's hash index) for the `duplicate` rule. */
  duplicates?: DuplicateMatch[];
}

/** Rules only: re-evaluate a stored Analysis under (possibly new) campaign thresholds. */
export function judge(file: string, analysis: Analysis, ctx: CheckContext): PhotoResult {
  const results = evaluateRules(analysis, ctx.campaign, ctx.unit, ctx.activity, ctx.duplicates);
  const participants = results.find((r) => r.id === 'participants');
  const faces = (participants?.evidence.faces as Analysis['faces'] | undefined) ?? analysis.faces;
  const verdict = verdictOf(results);
  return {
    file,
    sha256: analysis.sha256,
    verdict,
    autoVerdict: verdict,
    rules: results,
    image: { width: analysis.width, height: analysis.height, capturedAt: analysis.capturedAt },
    people: { count: faces.length, faces },
    text: { lines: analysis.text },
  };
}

/**
 * Check one photo. Expected failures (not an image, corrupt file) come back as a result with verdict
 * "error" and a coded, bilingual message; only unexpected (infrastructure) errors throw.
 */
export async function checkPhoto(file: string, bytes: Buffer, ctx: CheckContext, analyser: Analyser): Promise<PhotoResult> {
  const hash = sha256(bytes);
  try {
    const analysis = await analyser.analyse(bytes, hash);
    return judge(file, analysis, ctx);
  } catch (err) {
    if (!(err instanceof PhotocheckError)) throw err;
    return errorResult(file, hash, err);
  }
}

export function errorResult(file: string, hash: string, err: PhotocheckError): PhotoResult {
  return {
    file,
    sha256: hash,
    verdict: 'error',
    autoVerdict: 'error',
    rules: [],
    image: null,
    people: { count: 0, faces: [] },
    text: { lines: [] },
    error: err.toJSON(),
  };
}
