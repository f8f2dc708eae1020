// Statistics of a bench run: medians, quantiles, throughput and ratios (pure, unit-tested in test/bench.test.ts).

/** The q-quantile (0 ≤ q ≤ 1) of the values by linear interpolation between order statistics; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new TypeError(`Expected a number between 0 and 1 for q but received ${q}`);
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const pos = (finite.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
}

/** The median (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Photos per minute for `photos` finished in `wallMs` milliseconds; NaN when nothing was timed. */
export function photosPerMinute(photos: number, wallMs: number): number {
  return photos > 0 && wallMs > 0 ? (photos * 60_000) / wallMs : Number.NaN;
}

/** a / b, or NaN when either is not a positive finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0 ? a / b : Number.NaN;
}

/** Rounds to `digits` decimals, keeping NaN as null (JSON has no NaN). */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Median of each key over records that have it (stages missing from a record are left out, not counted as 0). */
export function medianByKey(records: readonly Record<string, number>[], keys?: readonly string[]): Record<string, number> {
  const names = keys ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(names.map((k) => [k, median(records.map((r) => r[k]).filter((v): v is number => typeof v === 'number'))]));
}
