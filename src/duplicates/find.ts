// Finds look-alike photos for the duplicate rule: within a `check` batch (in memory) and the helpers the service shares.
import type { Analysis } from '../analysis/types.ts';
import type { Campaign } from '../campaign/schema.ts';
import type { DuplicateMatch } from '../rules/types.ts';
import { HashIndex } from './hash-index.ts';

/** Where a photo was submitted, and the parts of its analysis the duplicate rule compares. */
export interface Occurrence {
  unit: string;
  activity: string;
  file: string;
  submissionId?: number;
  analysis: Pick<Analysis, 'sha256' | 'phash' | 'phashMirrored' | 'capturedAt' | 'text' | 'height'>;
}

/** The search radius the campaign's `duplicate` rule needs (its review distance), or null when the rule is off. */
export function duplicateRadius(campaign: Campaign): number | null {
  const o = campaign.rules.duplicate as { failDistance: number; reviewDistance: number } | undefined;
  return o ? Math.max(o.failDistance, o.reviewDistance) : null;
}

/** Text lines with their height as a fraction of the photo's (what the duplicate rule compares). */
export function textOf(a: Pick<Analysis, 'text' | 'height'>): DuplicateMatch['text'] {
  return a.text.map((l) => ({ text: l.text, size: Math.round((l.box.height / a.height) * 1e4) / 1e4, score: l.score }));
}

/** A match as the rule sees it: `other` seen from `self`, at `distance`, `mirrored` or not. */
export function matchOf(
  self: { unit: string; activity: string },
  other: Occurrence,
  distance: number,
  mirrored: boolean,
  relation: DuplicateMatch['relation'] = other.unit !== self.unit ? 'other-unit' : other.activity !== self.activity ? 'other-activity' : 'same-activity',
): DuplicateMatch {
  return {
    sha256: other.analysis.sha256,
    unit: other.unit,
    activity: other.activity,
    file: other.file,
    ...(other.submissionId !== undefined ? { submissionId: other.submissionId } : {}),
    distance,
    mirrored,
    relation,
    capturedAt: other.analysis.capturedAt,
    height: other.analysis.height,
    text: textOf(other.analysis),
  };
}

/**
 * The look-alikes `near` finds for a photo's hash and for its mirror's, each at its nearest: probed direct first,
 * a mirrored hit replaces a direct one only when strictly nearer (so direct wins ties). In first-found order.
 */
export function nearest<K>(
  analysis: Pick<Analysis, 'phash' | 'phashMirrored'>,
  near: (hash: string) => Iterable<{ key: K; distance: number }>,
): Map<K, { distance: number; mirrored: boolean }> {
  const best = new Map<K, { distance: number; mirrored: boolean }>();
  for (const [hash, mirrored] of [[analysis.phash, false], [analysis.phashMirrored, true]] as const) {
    if (!hash) continue;
    for (const n of near(hash)) {
      const seen = best.get(n.key);
      if (!seen || n.distance < seen.distance) best.set(n.key, { distance: n.distance, mirrored });
    }
  }
  return best;
}

/**
 * Every photo's look-alikes within `radius` among the others of one batch (all submitted at once, so each
 * occurrence of a pair links to the other). Photos without a hash (analyses before pipeline a2) match nothing.
 */
export function batchDuplicates(photos: Occurrence[], radius: number): DuplicateMatch[][] {
  const index = new HashIndex<number>();
  photos.forEach((p, i) => p.analysis.phash && index.add(p.analysis.phash, i));
  return photos.map((p, i) => {
    const best = nearest(p.analysis, (hash) => index.near(hash, radius).filter((n) => n.item !== i).map((n) => ({ key: n.item, distance: n.distance })));
    return [...best].sort((a, b) => a[1].distance - b[1].distance).map(([j, b]) => matchOf(p, photos[j]!, b.distance, b.mirrored));
  });
}
