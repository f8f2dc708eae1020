// Fuzzy keyword matching for OCR text: normalisation and best approximate-substring match (Sellers' algorithm).

/**
 * Normalise OCR text for matching: NFKC (full-width → half-width), lower case, and drop whitespace,
 * punctuation and symbols (quotes, book-title marks, dots), which OCR reads unreliably and banners vary.
 */
export function normalizeText(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

export interface SubstringMatch {
  /** 1 − edits / keyword length (wildcards not counted), in [0, 1]; 1 is an exact occurrence. */
  similarity: number;
  edits: number;
  /** The stretch of text that matched (normalised). */
  matched: string;
}

/** A character that, in a keyword or pattern, matches any character or none at no cost (an uncertain character). */
export const WILDCARD = '\uE000';

/**
 * Best match of `keyword` anywhere inside `text` (both normalised by the caller), allowing insertions,
 * deletions and substitutions: the minimum edit distance between the keyword and any substring of the text
 * (Sellers' algorithm). WILDCARD characters in the keyword cost nothing.
 */
export function bestSubstringMatch(keyword: string, text: string): SubstringMatch {
  const k = [...keyword];
  const t = [...text];
  const m = k.filter((c) => c !== WILDCARD).length;
  if (m === 0) return { similarity: 1, edits: 0, matched: '' };
  // prev[j] / cur[j]: edits to match k[0..i) ending at t[j); start[j]: where that match begins in t.
  let prev = new Int32Array(t.length + 1);
  let prevStart = new Int32Array(t.length + 1);
  let cur = new Int32Array(t.length + 1);
  let curStart = new Int32Array(t.length + 1);
  for (let j = 0; j <= t.length; j++) prevStart[j] = j;
  for (let i = 1; i <= k.length; i++) {
    const wild = k[i - 1] === WILDCARD;
    cur[0] = prev[0]! + (wild ? 0 : 1);
    curStart[0] = 0;
    for (let j = 1; j <= t.length; j++) {
      const sub = prev[j - 1]! + (wild || k[i - 1] === t[j - 1] ? 0 : 1);
      const del = prev[j]! + (wild ? 0 : 1); // keyword char missing from text
      const ins = cur[j - 1]! + 1; // extra char in text
      if (sub <= del && sub <= ins) {
        cur[j] = sub;
        curStart[j] = prevStart[j - 1]!;
      } else if (del <= ins) {
        cur[j] = del;
        curStart[j] = prevStart[j]!;
      } else {
        cur[j] = ins;
        curStart[j] = curStart[j - 1]!;
      }
    }
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  let best = m;
  let end = 0;
  for (let j = 0; j <= t.length; j++) {
    if (prev[j]! < best) {
      best = prev[j]!;
      end = j;
    }
  }
  const matched = best >= m ? '' : t.slice(prevStart[end]!, end).join('');
  return { similarity: Math.max(0, 1 - best / m), edits: best, matched };
}

/** Edit distance between two strings (by code point). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}
