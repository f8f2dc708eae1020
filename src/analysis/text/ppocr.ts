// PP-OCRv4 text reader on onnxruntime-node (DB detection, rotated crops, CTC recognition): reads the theme banner.
import { readFileSync } from 'node:fs';
import * as ort from '../ort.ts';
import sharp from 'sharp';
import { modelPath } from '../model-files.ts';
import type { Box, RegionSource, RgbImage, TextLine, TextReader } from '../types.ts';

/** Options of {@link PpOcrReader}. Every field is optional; the defaults are in {@link ppOcrDefaults}. */
export interface PpOcrOptions {
  /**
   * Long side (px) the image is shrunk to for detection; an image already smaller is detected at its own
   * size, never upscaled (the recogniser reads crops of the image passed in, or of its `source`, at full resolution).
   * ml-stack measured 1280 (0.50 s, 16/18 stress banners), 1440 (0.64 s, 17/18), 1920 (1.1 s, 18/18).
   * Default 1152 (issue 6 bench): on a 1920×1440 working image, 42 rendered banners with 10–24 px characters read
   * 0.98 (1152) vs 0.97 (1440) vs 0.89 (1024, losing 10–12 px characters); on the 16 labelled photos 0.83 vs 0.82;
   * detection CPU −33 % and its onnxruntime arena ~85 MB smaller than at 1440.
   */
  detLongSide?: number;
  /** Detection probability above which a pixel is text (DB binarisation). Default 0.3. */
  binThresh?: number;
  /** Minimum mean probability over a detected text component (its own pixels, not its rectangle) to keep it. Default 0.6. */
  boxThresh?: number;
  /** How far a detected (shrunk) box is grown: distance = area × ratio / perimeter. Default 1.5. */
  unclipRatio?: number;
  /** Detected boxes with a side shorter than this (detection-map px, before unclip) are dropped. Default 3. */
  minBoxSide?: number;
  /** At most this many connected components are turned into boxes. Default 1000. */
  maxCandidates?: number;
  /** Widest recognition input (px at height 48); longer lines are squeezed. Default 2048. */
  recMaxWidth?: number;
  /** Lines whose recognition score is below this are not returned (nor lines without a letter or digit). Default 0.5. */
  minScore?: number;
  /** onnxruntime intra-op threads per session; parallelism comes from worker threads. Default 1. */
  intraOpNumThreads?: number;
}

export const ppOcrDefaults: Readonly<Required<PpOcrOptions>> = Object.freeze({
  detLongSide: 1152,
  binThresh: 0.3,
  boxThresh: 0.6,
  unclipRatio: 1.5,
  minBoxSide: 3,
  maxCandidates: 1000,
  recMaxWidth: 2048,
  minScore: 0.5,
  intraOpNumThreads: 1,
});

const optionRanges: Record<keyof PpOcrOptions, [min: number, max: number, integer: boolean]> = {
  detLongSide: [32, 8192, true],
  binThresh: [0, 1, false],
  boxThresh: [0, 1, false],
  unclipRatio: [0, 10, false],
  minBoxSide: [0, 1000, false],
  maxCandidates: [1, 100_000, true],
  recMaxWidth: [48, 8192, true],
  minScore: [0, 1, false],
  intraOpNumThreads: [1, 64, true],
};

/** Defaults, then the caller's options, then validation; throws a TypeError naming the bad field. */
export function resolvePpOcrOptions(options: PpOcrOptions = {}): Readonly<Required<PpOcrOptions>> {
  const resolved = { ...ppOcrDefaults };
  for (const [key, value] of Object.entries(options) as [keyof PpOcrOptions, unknown][]) {
    const range = optionRanges[key];
    if (!range) throw new TypeError(`Unknown PpOcrReader option "${String(key)}"; expected one of ${Object.keys(optionRanges).join(', ')}`);
    if (value === undefined) continue;
    const [min, max, integer] = range;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new TypeError(`Expected ${integer ? 'an integer' : 'a number'} between ${min} and ${max} for ${key} but received ${String(value)}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved);
}

// ---------------------------------------------------------------------------------------------------------
// Pure geometry and decoding (unit-tested in test/ppocr-postprocess.test.ts).
// Coordinates are continuous: pixel (i, j) covers [i, i+1) × [j, j+1), its centre is (i + 0.5, j + 0.5).

/**
 * A rotated rectangle. `width` runs along the axis (cos angle, sin angle), `height` along (−sin angle, cos angle);
 * `angle` (radians, y pointing down) is in (−π/4, π/4], so `width` is the side closer to horizontal.
 */
export interface RotatedRect {
  cx: number;
  cy: number;
  width: number;
  height: number;
  angle: number;
}

export interface ScoredRect extends RotatedRect {
  /** Mean detection probability over the text's component (the pixels above `binThresh`), in [0, 1]. */
  score: number;
}

/** Convex hull of a point set (Andrew's monotone chain), without collinear points. */
export function convexHull(px: ArrayLike<number>, py: ArrayLike<number>): { xs: Float64Array; ys: Float64Array } {
  const n = px.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => px[a]! - px[b]! || py[a]! - py[b]!);
  const xs = Float64Array.from(order, (i) => px[i]!);
  const ys = Float64Array.from(order, (i) => py[i]!);
  if (n < 3) return { xs, ys };
  const hx = new Float64Array(2 * n);
  const hy = new Float64Array(2 * n);
  let k = 0;
  const cross = (i: number): number =>
    (hx[k - 1]! - hx[k - 2]!) * (ys[i]! - hy[k - 2]!) - (hy[k - 1]! - hy[k - 2]!) * (xs[i]! - hx[k - 2]!);
  for (let i = 0; i < n; i++) {
    while (k >= 2 && cross(i) <= 0) k--;
    hx[k] = xs[i]!;
    hy[k++] = ys[i]!;
  }
  for (let i = n - 2, lower = k + 1; i >= 0; i--) {
    while (k >= lower && cross(i) <= 0) k--;
    hx[k] = xs[i]!;
    hy[k++] = ys[i]!;
  }
  return { xs: hx.slice(0, k - 1), ys: hy.slice(0, k - 1) };
}

/** Puts a rectangle in canonical form: angle in (−π/4, π/4], swapping sides when the axis turns by 90°. */
export function normaliseRect(rect: RotatedRect): RotatedRect {
  let { width, height, angle } = rect;
  angle = Math.atan2(Math.sin(angle), Math.cos(angle)); // (−π, π]
  if (angle > Math.PI / 2) angle -= Math.PI;
  else if (angle <= -Math.PI / 2) angle += Math.PI; // (−π/2, π/2]: same axis, flipped direction
  if (angle > Math.PI / 4 + 1e-12) {
    angle -= Math.PI / 2;
    [width, height] = [height, width];
  } else if (angle <= -Math.PI / 4 + 1e-12) {
    angle += Math.PI / 2;
    [width, height] = [height, width];
  }
  return { cx: rect.cx, cy: rect.cy, width, height, angle };
}

/** Minimum-area rectangle enclosing the points (rotating an edge of their convex hull). */
export function minAreaRect(xs: ArrayLike<number>, ys: ArrayLike<number>): RotatedRect {
  const hull = convexHull(xs, ys);
  const n = hull.xs.length;
  if (n === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  if (n === 1) return { cx: hull.xs[0]!, cy: hull.ys[0]!, width: 0, height: 0, angle: 0 };
  let best: RotatedRect | null = null;
  let bestArea = Infinity;
  for (let e = 0; e < n; e++) {
    const dx = hull.xs[(e + 1) % n]! - hull.xs[e]!;
    const dy = hull.ys[(e + 1) % n]! - hull.ys[e]!;
    const len = Math.hypot(dx, dy);
    if (len === 0) continue;
    const ux = dx / len;
    const uy = dy / len;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (let i = 0; i < n; i++) {
      const u = hull.xs[i]! * ux + hull.ys[i]! * uy;
      const v = -hull.xs[i]! * uy + hull.ys[i]! * ux;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = { cx: mu * ux - mv * uy, cy: mu * uy + mv * ux, width: maxU - minU, height: maxV - minV, angle: Math.atan2(uy, ux) };
    }
  }
  return normaliseRect(best!);
}

/** Corners of a rectangle: top-left, top-right, bottom-right, bottom-left in its own frame. */
export function rectCorners(rect: RotatedRect): Array<[number, number]> {
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const hw = rect.width / 2;
  const hh = rect.height / 2;
  return [
    [-hw, -hh],
    [hw, -hh],
    [hw, hh],
    [-hw, hh],
  ].map(([u, v]) => [rect.cx + u! * c - v! * s, rect.cy + u! * s + v! * c]);
}

/** Grows a rectangle by DB's unclip distance area × ratio / perimeter on every side. */
export function unclipRect(rect: RotatedRect, ratio: number): RotatedRect {
  const perimeter = 2 * (rect.width + rect.height);
  const distance = perimeter > 0 ? (rect.width * rect.height * ratio) / perimeter : 0;
  return { ...rect, width: rect.width + 2 * distance, height: rect.height + 2 * distance };
}

export interface DbOptions {
  binThresh: number;
  boxThresh: number;
  unclipRatio: number;
  minBoxSide: number;
  maxCandidates: number;
}

/**
 * DB post-processing: binarise the probability map at `binThresh`, take 8-connected components, fit each a
 * minimum-area rectangle, keep it when the mean probability over the component is ≥ `boxThresh` and both sides
 * are ≥ `minBoxSide`, then unclip it (and drop it if a side is still below `minBoxSide + 2`).
 * `prob` is row-major with row length `stride`; only the top-left `width` × `height` is read.
 * Returned rectangles are in map coordinates, in the order their components were first met (row-major).
 */
export function dbPostprocess(prob: Float32Array, stride: number, width: number, height: number, options: DbOptions): ScoredRect[] {
  const seen = new Uint8Array(width * height);
  const queue = new Int32Array(width * height);
  const rects: ScoredRect[] = [];
  let candidates = 0;
  for (let start = 0, y = 0; y < height && candidates < options.maxCandidates; y++) {
    for (let x = 0; x < width && candidates < options.maxCandidates; x++, start++) {
      if (seen[start] || !(prob[y * stride + x]! > options.binThresh)) continue;
      const tail = floodFill(prob, stride, width, height, options.binThresh, start, seen, queue);
      candidates++;
      const component = componentRect(prob, stride, queue, tail, width);
      if (!component || Math.min(component.rect.width, component.rect.height) < options.minBoxSide) continue;
      const { rect, score } = component;
      if (score < options.boxThresh) continue;
      const grown = unclipRect(rect, options.unclipRatio);
      if (Math.min(grown.width, grown.height) < options.minBoxSide + 2) continue;
      rects.push({ ...grown, score });
    }
  }
  return rects;
}

/** Breadth-first 8-connected flood fill from `start`; returns n, with the component in queue[0..n). */
function floodFill(
  prob: Float32Array,
  stride: number,
  width: number,
  height: number,
  threshold: number,
  start: number,
  seen: Uint8Array,
  queue: Int32Array,
): number {
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  seen[start] = 1;
  while (head < tail) {
    const p = queue[head++]!;
    const px = p % width;
    const py = (p - px) / width;
    const x0 = px > 0 ? px - 1 : 0;
    const x1 = px < width - 1 ? px + 1 : px;
    const y0 = py > 0 ? py - 1 : 0;
    const y1 = py < height - 1 ? py + 1 : py;
    for (let ny = y0; ny <= y1; ny++) {
      for (let nx = x0; nx <= x1; nx++) {
        const q = ny * width + nx;
        if (!seen[q] && prob[ny * stride + nx]! > threshold) {
          seen[q] = 1;
          queue[tail++] = q;
        }
      }
    }
  }
  return tail;
}

/**
 * Minimum-area rectangle of the pixel centres of a component (only each row's ends can be on the hull), and the
 * mean probability over the component's own pixels (PaddleOCR's "slow" score mode, over the text's outline
 * rather than its rectangle: a bent or tapering line leaves much of its rectangle empty).
 */
function componentRect(prob: Float32Array, stride: number, pixels: Int32Array, count: number, width: number): { rect: RotatedRect; score: number } | null {
  if (count < 2) return null;
  let minY = Infinity;
  let maxY = -1;
  for (let i = 0; i < count; i++) {
    const y = Math.floor(pixels[i]! / width);
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  const rows = maxY - minY + 1;
  let sum = 0;
  const left = new Int32Array(rows).fill(width);
  const right = new Int32Array(rows).fill(-1);
  for (let i = 0; i < count; i++) {
    const p = pixels[i]!;
    const x = p % width;
    const y = (p - x) / width;
    sum += prob[y * stride + x]!;
    const r = y - minY;
    if (x < left[r]!) left[r] = x;
    if (x > right[r]!) right[r] = x;
  }
  const xs: number[] = [];
  const ys: number[] = [];
  for (let r = 0; r < rows; r++) {
    if (right[r]! < 0) continue;
    xs.push(left[r]! + 0.5);
    ys.push(minY + r + 0.5);
    if (right[r]! !== left[r]!) {
      xs.push(right[r]! + 0.5);
      ys.push(minY + r + 0.5);
    }
  }
  return { rect: minAreaRect(xs, ys), score: sum / count };
}

export interface CtcResult {
  /** Decoded characters, untrimmed. */
  text: string;
  /** Mean of the kept characters' probabilities, in [0, 1]; 0 when nothing was kept. */
  score: number;
}

/**
 * Greedy CTC decoding of one sequence: argmax per time step, repeats collapsed, blanks dropped.
 * `probs` holds `steps` rows of `keys.length + 2` class probabilities starting at `offset`: class 0 is the
 * blank, classes 1..N are `keys[0..N−1]`, the last class is a space (PaddleOCR's use_space_char).
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, keys: readonly string[], offset = 0): CtcResult {
  const classes = keys.length + 2;
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * classes;
    let best = 0;
    let bestProb = probs[row]!;
    for (let c = 1; c < classes; c++) {
      const v = probs[row + c]!;
      if (v > bestProb) {
        bestProb = v;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += best === classes - 1 ? ' ' : keys[best - 1]!;
      sum += bestProb;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept > 0 ? Math.min(1, Math.max(0, sum / kept)) : 0 };
}

/**
 * Reading order. Lines sorted by vertical centre are grouped into rows: a line joins the current row when it
 * overlaps any line of the row vertically by more than half the smaller height, so lines stacked beside a
 * taller one (a two-line organiser block at the left end of a banner, a number under a street name) share its
 * row. Rows go top to bottom; within a row, lines that overlap horizontally by more than half the narrower
 * width form a column, read top to bottom, and columns go left to right.
 */
export function readingOrder<T extends { box: Box }>(lines: readonly T[]): T[] {
  const byCentre = [...lines].sort((a, b) => a.box.y + a.box.height / 2 - (b.box.y + b.box.height / 2) || a.box.x - b.box.x);
  const rows: T[][] = [];
  for (const line of byCentre) {
    const row = rows.at(-1);
    if (row?.some((l) => overlap(l.box.y, l.box.height, line.box.y, line.box.height) > 0.5 * Math.min(l.box.height, line.box.height))) row.push(line);
    else rows.push([line]);
  }
  return rows.flatMap((row) => {
    const columns: T[][] = [];
    for (const line of row.sort((a, b) => a.box.x - b.box.x)) {
      const column = columns.find((c) => c.some((l) => overlap(l.box.x, l.box.width, line.box.x, line.box.width) > 0.5 * Math.min(l.box.width, line.box.width)));
      if (column) column.push(line);
      else columns.push([line]);
    }
    return columns.flatMap((c) => c.sort((a, b) => a.box.y - b.box.y));
  });
}

/** Length of the overlap of the intervals [a, a + aLength) and [b, b + bLength) (negative when apart). */
function overlap(a: number, aLength: number, b: number, bLength: number): number {
  return Math.min(a + aLength, b + bLength) - Math.max(a, b);
}

/** A split line's two parts are joined when their axes differ by at most this much (radians, ~6°). */
const MERGE_MAX_ANGLE = (6 * Math.PI) / 180;
/** … their thicknesses by at most this factor … */
const MERGE_MAX_THICKNESS_RATIO = 1.3;
/** … the second's centre lies within this many mean thicknesses of the first's axis … */
const MERGE_MAX_OFFSET = 0.25;
/** … and the gap between them along the axis is at most this many mean thicknesses (about a character). */
const MERGE_MAX_GAP = 1;

/** A rectangle in the frame of its text: unit vector along the text, length along it, thickness across it. */
function textFrame(rect: RotatedRect): { vertical: boolean; tx: number; ty: number; length: number; thickness: number } {
  const vertical = rect.height >= VERTICAL_RATIO * rect.width;
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  return vertical
    ? { vertical, tx: -s, ty: c, length: rect.height, thickness: rect.width }
    : { vertical, tx: c, ty: s, length: rect.width, thickness: rect.height };
}

/**
 * Joins the parts of a line that detection split in two (at a comma, a wider space, a faint character): rectangles
 * read the same way (both horizontal or both turned), at most 6° apart, of similar thickness (×1.3), the second
 * centred on the first's axis (within a quarter of their thickness) and at most one thickness after its end.
 * Chains join too (a line split in three). A joined line is the first part's rectangle stretched along its axis to
 * the last part's end, as thick as the thickest part plus their offset across it; it takes the place of its first
 * part in the list. A photo of a phone screen read "香港深圳抽血，" and "可邮寄" apart, and the second after the
 * lines below it (the reading order goes by centres); joined, the line reads whole.
 */
export function mergeSplitLines(rects: readonly RotatedRect[]): RotatedRect[] {
  const frames = rects.map(textFrame);
  const parent = rects.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < rects.length; i++) {
    const a = rects[i]!;
    const fa = frames[i]!;
    if (fa.length < fa.thickness) continue;
    for (let j = 0; j < rects.length; j++) {
      const b = rects[j]!;
      const fb = frames[j]!;
      if (i === j || fa.vertical !== fb.vertical || fb.length < fb.thickness) continue;
      if (Math.max(fa.thickness, fb.thickness) > MERGE_MAX_THICKNESS_RATIO * Math.min(fa.thickness, fb.thickness)) continue;
      if (Math.acos(Math.min(1, Math.abs(fa.tx * fb.tx + fa.ty * fb.ty))) > MERGE_MAX_ANGLE) continue;
      const thickness = (fa.thickness + fb.thickness) / 2;
      const dx = b.cx - a.cx;
      const dy = b.cy - a.cy;
      const along = dx * fa.tx + dy * fa.ty;
      const gap = along - (fa.length + fb.length) / 2;
      if (along <= 0 || Math.abs(dy * fa.tx - dx * fa.ty) > MERGE_MAX_OFFSET * thickness || gap > MERGE_MAX_GAP * thickness || gap < -thickness / 2) continue;
      parent[find(j)] = find(i);
    }
  }
  const groups = new Map<number, number[]>();
  rects.forEach((_, i) => {
    const root = find(i);
    const members = groups.get(root);
    if (members) members.push(i);
    else groups.set(root, [i]);
  });
  const out: RotatedRect[] = [];
  for (const members of groups.values()) {
    if (members.length === 1) {
      out.push(rects[members[0]!]!);
      continue;
    }
    // Along and across the first part's axis: the span of every part's length and thickness.
    const a = rects[members[0]!]!;
    const { vertical, tx, ty } = frames[members[0]!]!;
    let start = Infinity;
    let end = -Infinity;
    let low = Infinity;
    let high = -Infinity;
    let thickest = 0;
    for (const m of members) {
      const r = rects[m]!;
      const f = frames[m]!;
      const u = (r.cx - a.cx) * tx + (r.cy - a.cy) * ty;
      const v = (r.cy - a.cy) * tx - (r.cx - a.cx) * ty;
      start = Math.min(start, u - f.length / 2);
      end = Math.max(end, u + f.length / 2);
      low = Math.min(low, v);
      high = Math.max(high, v);
      thickest = Math.max(thickest, f.thickness);
    }
    const u = (start + end) / 2;
    const v = (low + high) / 2;
    const cx = a.cx + u * tx - v * ty;
    const cy = a.cy + u * ty + v * tx;
    const length = end - start;
    const thickness = thickest + high - low;
    out.push(vertical ? { cx, cy, angle: a.angle, width: thickness, height: length } : { cx, cy, angle: a.angle, width: length, height: thickness });
  }
  return out;
}

/** Axis-aligned integer box around a rectangle, clipped to a width × height image; null when nothing is left. */
export function boundingBox(rect: RotatedRect, width: number, height: number): Box | null {
  const corners = rectCorners(rect);
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))));
  const x1 = Math.min(width, Math.ceil(Math.max(...corners.map((p) => p[0]))));
  const y1 = Math.min(height, Math.ceil(Math.max(...corners.map((p) => p[1]))));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

// ---------------------------------------------------------------------------------------------------------
// Tensors.

const REC_HEIGHT = 48;
/** PP-OCR pads recognition inputs to at least 320 px (its training shape 3×48×320). */
const REC_MIN_WIDTH = 320;
/** A crop at least this much taller than wide is vertical text and is turned 90° counter-clockwise. */
const VERTICAL_RATIO = 1.5;

/**
 * The detection input: the image shrunk to `longSide` (never enlarged), BGR (PaddleOCR reads images with
 * OpenCV), ImageNet mean/std, CHW, padded right and bottom to multiples of 32 with zeros (the mean colour).
 */
async function detectionInput(image: RgbImage, longSide: number) {
  const scale = Math.min(1, longSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const pixels =
    width === image.width && height === image.height
      ? image.data
      : await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
          raw: { width: image.width, height: image.height, channels: 3 },
        })
          .resize(width, height, { fit: 'fill' })
          .raw()
          .toBuffer();
  const paddedWidth = Math.ceil(width / 32) * 32;
  const paddedHeight = Math.ceil(height / 32) * 32;
  const plane = paddedWidth * paddedHeight;
  const data = new Float32Array(3 * plane);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  // lut[c][v]: normalised value of 8-bit v in input plane c (plane 0 = blue).
  const lut = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, v) => (v / 255 - mean[c]!) / std[c]!));
  const [lutB, lutG, lutR] = lut as [Float32Array, Float32Array, Float32Array];
  for (let y = 0; y < height; y++) {
    let src = y * width * 3;
    let dst = y * paddedWidth;
    for (let x = 0; x < width; x++, src += 3, dst++) {
      data[dst] = lutB[pixels[src + 2]!]!;
      data[plane + dst] = lutG[pixels[src + 1]!]!;
      data[2 * plane + dst] = lutR[pixels[src]!]!;
    }
  }
  return {
    tensor: new ort.Tensor('float32', data, [1, 3, paddedHeight, paddedWidth]),
    width,
    height,
    paddedWidth,
    scaleX: width / image.width,
    scaleY: height / image.height,
  };
}

/**
 * DB detection on `image` shrunk to `detLongSide`: the text rectangles, in pixels of `image`. The input and probability
 * tensors (~16 MB at 1152 px) are unreachable once it returns.
 */
async function detect(det: ort.InferenceSession, image: RgbImage, o: Readonly<Required<PpOcrOptions>>) {
  const input = await detectionInput(image, o.detLongSide);
  const detOut = await det.run({ [det.inputNames[0]!]: input.tensor });
  const prob = detOut[det.outputNames[0]!]!.data as Float32Array;
  return dbPostprocess(prob, input.paddedWidth, input.width, input.height, o).map((rect) => scaleRect(rect, 1 / input.scaleX, 1 / input.scaleY));
}

/** Where an image that holds only a region of a larger picture lies in it. */
export interface RegionOf {
  x: number;
  y: number;
  pictureWidth: number;
  pictureHeight: number;
}

/**
 * The pixels of `source` that the rectangles are read from: a whole RgbImage as it is; from a RegionSource, one region
 * around all of them (each bounding box grown by 2 px, which holds every bilinear sample recognitionInput takes).
 */
async function readRegion(source: RgbImage | RegionSource, rects: readonly RotatedRect[]): Promise<{ image: RgbImage; at?: RegionOf }> {
  if ('data' in source) return { image: source };
  let x0 = source.width;
  let y0 = source.height;
  let x1 = 0;
  let y1 = 0;
  for (const rect of rects) {
    for (const [x, y] of rectCorners(rect)) {
      x0 = Math.min(x0, Math.floor(x) - 2);
      y0 = Math.min(y0, Math.floor(y) - 2);
      x1 = Math.max(x1, Math.ceil(x) + 2);
      y1 = Math.max(y1, Math.ceil(y) + 2);
    }
  }
  const x = Math.min(Math.max(0, x0), source.width - 1);
  const y = Math.min(Math.max(0, y0), source.height - 1);
  const image = await source.region({ x, y, width: Math.min(Math.max(x + 1, x1), source.width) - x, height: Math.min(Math.max(y + 1, y1), source.height) - y });
  return { image, at: { x, y, pictureWidth: source.width, pictureHeight: source.height } };
}

/** Maps a rectangle through independent x and y scales (rebuilt from its scaled corners). */
function scaleRect(rect: RotatedRect, sx: number, sy: number): RotatedRect {
  const c = rectCorners(rect).map(([x, y]) => [x * sx, y * sy] as const);
  const [tl, tr, , bl] = c as [readonly [number, number], readonly [number, number], unknown, readonly [number, number]];
  return {
    cx: rect.cx * sx,
    cy: rect.cy * sy,
    width: Math.hypot(tr[0] - tl[0], tr[1] - tl[1]),
    height: Math.hypot(bl[0] - tl[0], bl[1] - tl[1]),
    angle: Math.atan2(tr[1] - tl[1], tr[0] - tl[0]),
  };
}

/**
 * The recognition input for one rectangle of `image`: the rotated crop resampled straight to height 48
 * (box-filtered bilinear samples, so large crops are not aliased), turned when the text is vertical,
 * BGR, (x/255 − 0.5)/0.5, CHW, padded right with zeros to at least 320 px.
 * With `at`, `image` holds only a region of the picture `rect` is in: the same samples, as long as the region holds
 * the rectangle's bounding box grown by 2 px (see {@link readRegion}).
 */
export function recognitionInput(image: RgbImage, rect: RotatedRect, maxWidth: number, at?: RegionOf): ort.Tensor {
  const c = Math.cos(rect.angle);
  const s = Math.sin(rect.angle);
  const vertical = rect.height >= VERTICAL_RATIO * rect.width;
  const length = vertical ? rect.height : rect.width; // along the text
  const thickness = vertical ? rect.width : rect.height;
  // Unit vectors, in image coordinates, of output x (along the text) and output y (across it, downwards).
  const [ax, ay, bx, by] = vertical ? [-s, c, -c, -s] : [c, s, -s, c];
  const ox = rect.cx - (ax * length + bx * thickness) / 2;
  const oy = rect.cy - (ay * length + by * thickness) / 2;
  const outWidth = Math.max(1, Math.min(maxWidth, Math.ceil((REC_HEIGHT * length) / Math.max(thickness, 1e-6))));
  const tensorWidth = Math.max(REC_MIN_WIDTH, outWidth);
  const stepX = length / outWidth;
  const stepY = thickness / REC_HEIGHT;
  const nx = Math.min(8, Math.max(1, Math.ceil(stepX)));
  const ny = Math.min(8, Math.max(1, Math.ceil(stepY)));
  const plane = REC_HEIGHT * tensorWidth;
  const data = new Float32Array(3 * plane);
  const px = image.data;
  const { x: left, y: top, pictureWidth: w, pictureHeight: h } = at ?? { x: 0, y: 0, pictureWidth: image.width, pictureHeight: image.height };
  const stride = image.width;
  const rgb = [0, 0, 0];
  for (let j = 0; j < REC_HEIGHT; j++) {
    for (let i = 0; i < outWidth; i++) {
      rgb[0] = rgb[1] = rgb[2] = 0;
      for (let b = 0; b < ny; b++) {
        const v = (j + (b + 0.5) / ny) * stepY;
        for (let a = 0; a < nx; a++) {
          const u = (i + (a + 0.5) / nx) * stepX;
          // Bilinear sample at continuous (x, y), pixel centres at +0.5, edges clamped.
          const fx = Math.min(w - 1, Math.max(0, ox + ax * u + bx * v - 0.5));
          const fy = Math.min(h - 1, Math.max(0, oy + ay * u + by * v - 0.5));
          const x0 = Math.floor(fx);
          const y0 = Math.floor(fy);
          const x1 = Math.min(w - 1, x0 + 1);
          const y1 = Math.min(h - 1, y0 + 1);
          const wx = fx - x0;
          const wy = fy - y0;
          const r0 = (y0 - top) * stride - left;
          const r1 = (y1 - top) * stride - left;
          for (let k = 0; k < 3; k++) {
            const upper = px[(r0 + x0) * 3 + k]! * (1 - wx) + px[(r0 + x1) * 3 + k]! * wx;
            const lower = px[(r1 + x0) * 3 + k]! * (1 - wx) + px[(r1 + x1) * 3 + k]! * wx;
            rgb[k]! += upper * (1 - wy) + lower * wy;
          }
        }
      }
      const n = nx * ny * 127.5;
      const dst = j * tensorWidth + i;
      data[dst] = rgb[2]! / n - 1;
      data[plane + dst] = rgb[1]! / n - 1;
      data[2 * plane + dst] = rgb[0]! / n - 1;
    }
  }
  return new ort.Tensor('float32', data, [1, 3, REC_HEIGHT, tensorWidth]);
}

// ---------------------------------------------------------------------------------------------------------
// The reader.

interface Models {
  det: ort.InferenceSession;
  rec: ort.InferenceSession;
  keys: string[];
}

/**
 * PP-OCRv4 (Chinese, mobile) on onnxruntime-node: DB text detection on the image shrunk to `detLongSide`,
 * then CTC recognition of each detected rotated box (a line detection split in two joined first: {@link mergeSplitLines})
 * cropped from the full-resolution input (or from `source`, the same picture at another resolution, typically the
 * photo itself behind a resized working image). No direction classifier: photos arrive EXIF-rotated, and on the 6
 * upright banner and sign lines measured it gave p(180°) = 0.000 every time (1.000 on the same crops turned over),
 * so it could only add time.
 * Sessions are created on first use and reused; call `dispose()` to release them.
 */
export class PpOcrReader implements TextReader {
  readonly name = 'ppocr-v4';
  readonly options: Readonly<Required<PpOcrOptions>>;
  #models: Promise<Models> | null = null;

  constructor(options: PpOcrOptions = {}) {
    this.options = resolvePpOcrOptions(options);
  }

  async read(image: RgbImage, source: RgbImage | RegionSource = image): Promise<TextLine[]> {
    checkImage(image);
    if ('data' in source) checkImage(source);
    else checkSize(source);
    const { det, rec, keys } = await this.#load();
    const o = this.options;
    const found: { box: Box; rect: RotatedRect; fromSource: boolean }[] = [];
    for (const rect of mergeSplitLines(await detect(det, image, o))) {
      const box = boundingBox(rect, image.width, image.height);
      if (!box) continue;
      // Read from the source unless `image` already has all the detail the recogniser can use: a shrunk copy lost
      // none on lines at least as thick as its 48 px input (and reading them there is cheaper), an enlarged copy
      // only adds resampling artefacts (the labelled photos read 0.883 from it, 0.890 from their own pixels).
      const fromSource = source !== image && (source.width < image.width || Math.min(rect.width, rect.height) < REC_HEIGHT);
      found.push({ box, rect: fromSource ? scaleRect(rect, source.width / image.width, source.height / image.height) : rect, fromSource });
    }
    // The source's pixels are fetched after detection, so they are never held beside its buffers, and only when a line needs them.
    const fromSource = found.filter((f) => f.fromSource).map((f) => f.rect);
    const pixels = fromSource.length > 0 ? await readRegion(source, fromSource) : null;
    const lines: TextLine[] = [];
    for (const { box, rect, fromSource } of found) {
      const crop = fromSource ? recognitionInput(pixels!.image, rect, o.recMaxWidth, pixels!.at) : recognitionInput(image, rect, o.recMaxWidth);
      const recOut = await rec.run({ [rec.inputNames[0]!]: crop });
      const probs = recOut[rec.outputNames[0]!]!;
      if (probs.dims[2] !== keys.length + 2) throw new Error(`ppocr-rec gives ${probs.dims[2]} classes but ppocr-keys has ${keys.length} characters (+ blank and space): model and dictionary do not match`);
      const { text, score } = ctcGreedyDecode(probs.data as Float32Array, probs.dims[1]!, keys);
      const trimmed = text.trim();
      if (score >= o.minScore && /[\p{L}\p{N}]/u.test(trimmed)) lines.push({ text: trimmed, box, score });
    }
    return readingOrder(lines);
  }

  async dispose(): Promise<void> {
    const models = this.#models;
    this.#models = null;
    if (!models) return;
    const { det, rec } = await models;
    await Promise.all([det.release(), rec.release()]);
  }

  #load(): Promise<Models> {
    this.#models ??= (async () => {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: ['cpu'],
        intraOpNumThreads: this.options.intraOpNumThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Input sizes change from photo to photo, so a memory pattern planned for one shape rarely fits the
        // next: without it peak RSS fell from ~760 to ~560 MB at 1440 px at the same CPU time.
        enableMemPattern: false,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      };
      const keys = readFileSync(modelPath('ppocr-keys'), 'utf8').split(/\r?\n/);
      if (keys.at(-1) === '') keys.pop();
      const det = await ort.InferenceSession.create(modelPath('ppocr-det'), sessionOptions);
      const rec = await ort.InferenceSession.create(modelPath('ppocr-rec'), sessionOptions);
      return { det, rec, keys };
    })();
    this.#models.catch(() => (this.#models = null));
    return this.#models;
  }
}

/** Throws a TypeError unless `source` has positive integer sizes and a region() method. */
function checkSize(source: RegionSource): void {
  const { width, height, region } = source ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || typeof region !== 'function') {
    throw new TypeError(`Expected an RgbImage or a RegionSource (positive integer width and height, region()) for source but received ${String(source)}`);
  }
}

/** Throws a TypeError unless `image` is an RgbImage whose buffer matches its size. */
export function checkImage(image: RgbImage): void {
  const { data, width, height } = image ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || !(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new TypeError(
      `Expected an RgbImage (Uint8Array of width × height × 3 bytes, positive integer sizes) for image but received ${
        data instanceof Uint8Array ? `${data.length} bytes for ${width}×${height}` : String(image)
      }`,
    );
  }
}
