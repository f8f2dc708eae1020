// A reviewer's decision on one photo (issue 4 item 4): it overrides the automatic verdict, which is kept as autoVerdict.
import type { PhotoResult } from './check-photo.ts';

export interface Review {
  decision: 'pass' | 'fail';
  /** Why; required for a fail (the unit must know what to fix). */
  note: string;
  /** Who decided: the label of the collector's token, or its unit and id. */
  by: string;
  /** When (ISO time). */
  at: string;
}

/** The photo's result with the reviewer's decision as its verdict; without a review, the automatic verdict. */
export function withReview(result: PhotoResult, review: Review | undefined): PhotoResult {
  const autoVerdict = result.autoVerdict ?? result.verdict;
  const { review: _old, ...rest } = result;
  return review ? { ...rest, verdict: review.decision, autoVerdict, review } : { ...rest, verdict: autoVerdict, autoVerdict };
}
