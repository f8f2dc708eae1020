// Multi-index hashing over 64-bit perceptual hashes: all stored hashes within a Hamming radius, without an all-pairs scan.
//
// The 16 hex digits are cut into 4 bands of 16 bits. Two hashes within distance r differ in some band by at
// most ⌊r/4⌋ bits (pigeonhole: 4 bands each ≥ ⌊r/4⌋ + 1 would add up to more than r), so probing every band's
// table with the query's band and its neighbours within ⌊r/4⌋ bits finds every such hash; each candidate is
// then verified on all 64 bits. For r ≤ 3 that is an exact band match; r ≤ 7 probes 17 keys a band, r ≤ 11 137,
// r ≤ 15 697. Candidates per query ≈ 4 × probes × N / 65 536 (random hashes: 4.2 % of them at r = 14, 0.8 % at
// r = 8, 0.01 % at r = 3), never all. The same bands, as 4-hex-digit strings, index the SQLite table (src/store/duplicates.ts).
import { hammingDistance } from '../analysis/phash.ts';

const BANDS = 4;
const BAND_BITS = 16;

/** The 4 bands of a 16-hex-digit hash, each as 4 hex digits. */
export function bandsOf(hash: string): string[] {
  if (!/^[0-9a-f]{16}$/i.test(hash)) throw new TypeError(`Expected a hash of 16 hex digits but received "${hash}"`);
  const h = hash.toLowerCase();
  return Array.from({ length: BANDS }, (_, i) => h.slice(i * 4, i * 4 + 4));
}

const masks: number[][] = [[0]];
/** XOR masks of 16 bits with exactly `k` bits set (k ≤ 16), built once. */
function masksWith(k: number): number[] {
  for (let j = masks.length; j <= k; j++) {
    const next = new Set<number>();
    for (const m of masks[j - 1]!) for (let b = 0; b < BAND_BITS; b++) if (!(m & (1 << b))) next.add(m | (1 << b));
    masks.push([...next]);
  }
  return masks[k]!;
}

/** A band value and every value within `radius` bits of it (4 hex digits each). */
export function bandNeighbours(band: string, radius: number): string[] {
  const v = parseInt(band, 16);
  const out: string[] = [];
  for (let k = 0; k <= Math.min(radius, BAND_BITS); k++) for (const m of masksWith(k)) out.push((v ^ m).toString(16).padStart(4, '0'));
  return out;
}

/** Per-band probe radius that guarantees every hash within `radius` is a candidate. */
export const bandRadius = (radius: number): number => Math.floor(radius / BANDS);

export interface Near<T> {
  item: T;
  hash: string;
  distance: number;
}

/** An in-memory multi-index over (hash, item) pairs; one item may be added under several hashes. */
export class HashIndex<T> {
  private readonly entries: { hash: string; item: T }[] = [];
  private readonly tables: Map<string, number[]>[] = Array.from({ length: BANDS }, () => new Map());
  /** Candidates verified by the last `near` call (for measuring how much of the index a query touches). */
  lastCandidates = 0;

  get size(): number {
    return this.entries.length;
  }

  add(hash: string, item: T): void {
    const id = this.entries.length;
    this.entries.push({ hash: hash.toLowerCase(), item });
    bandsOf(hash).forEach((b, i) => {
      const list = this.tables[i]!.get(b);
      if (list) list.push(id);
      else this.tables[i]!.set(b, [id]);
    });
  }

  /** Every entry whose hash is within `radius` bits of `hash`, nearest first. */
  near(hash: string, radius: number): Near<T>[] {
    const seen = new Set<number>();
    const r = bandRadius(radius);
    bandsOf(hash).forEach((b, i) => {
      for (const key of bandNeighbours(b, r)) for (const id of this.tables[i]!.get(key) ?? []) seen.add(id);
    });
    this.lastCandidates = seen.size;
    const out: Near<T>[] = [];
    for (const id of seen) {
      const e = this.entries[id]!;
      const distance = hammingDistance(hash, e.hash);
      if (distance <= radius) out.push({ item: e.item, hash: e.hash, distance });
    }
    return out.sort((a, b) => a.distance - b.distance);
  }
}
