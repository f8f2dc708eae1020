// Unit tests for the pure parts of the text readers: DB box post-processing, rotated-rectangle geometry,
// recognition crops, CTC decoding, reading order, option validation, tesseract's CJK spacing. No models.
import { describe, expect, it } from 'vitest';
import {
  boundingBox,
  convexHull,
  ctcGreedyDecode,
  dbPostprocess,
  type DbOptions,
  mergeSplitLines,
  minAreaRect,
  normaliseRect,
  readingOrder,
  recognitionInput,
  rectCorners,
  resolvePpOcrOptions,
  unclipRect,
} from '../src/analysis/text/ppocr.ts';
import { joinCjk, resolveTesseractOptions } from '../src/analysis/text/tesseract.ts';
import { createTextReader } from '../src/analysis/text/index.ts';

const db: DbOptions = { binThresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minBoxSide: 3, maxCandidates: 1000 };

/** A width × height probability map, zero except `value` inside the given pixel rectangles. */
function probMap(width: number, height: number, fills: Array<[x0: number, y0: number, x1: number, y1: number, value: number]>, stride = width) {
  const prob = new Float32Array(stride * height);
  for (const [x0, y0, x1, y1, value] of fills) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) prob[y * stride + x] = value;
  return prob;
}

/** One-hot-ish CTC probabilities: each step gives `p` to the class named and spreads the rest. */
function ctcProbs(classes: number, sequence: number[], p = 0.9): Float32Array {
  const probs = new Float32Array(sequence.length * classes).fill((1 - p) / (classes - 1));
  sequence.forEach((c, t) => (probs[t * classes + c] = p));
  return probs;
}

describe('ctcGreedyDecode', () => {
  const keys = ['雁', '江', '镇'];
  // classes: 0 blank, 1 雁, 2 江, 3 镇, 4 space
  it('collapses repeats, drops blanks, keeps a repeat separated by a blank, maps the last class to a space', () => {
    const result = ctcGreedyDecode(ctcProbs(5, [0, 1, 1, 0, 1, 2, 2, 4, 3, 0]), 10, keys);
    expect(result.text).toBe('雁雁江 镇');
    expect(result.score).toBeCloseTo(0.9, 6);
  });

  it('scores the mean of the kept characters only', () => {
    const probs = ctcProbs(5, [1, 0, 2]);
    probs[0 * 5 + 1] = 0.6; // 雁 at 0.6, blank at 0.9 is ignored, 江 at 0.9
    expect(ctcGreedyDecode(probs, 3, keys)).toEqual({ text: '雁江', score: expect.closeTo(0.75, 6) });
  });

  it('returns empty text with score 0 for all blanks', () => {
    expect(ctcGreedyDecode(ctcProbs(5, [0, 0, 0]), 3, keys)).toEqual({ text: '', score: 0 });
  });

  it('reads the sequence at an offset (second item of a batch)', () => {
    const batch = new Float32Array([...ctcProbs(5, [1, 2]), ...ctcProbs(5, [3, 3])]);
    expect(ctcGreedyDecode(batch, 2, keys, 2 * 5).text).toBe('镇');
  });
});

describe('rotated-rectangle geometry', () => {
  it('builds the convex hull, dropping interior and collinear points', () => {
    const hull = convexHull([0, 0, 1, 2, 2, 1], [0, 2, 1, 0, 2, 0]);
    expect(hull.xs.length).toBe(4);
    expect(new Set(Array.from(hull.xs, (x, i) => `${x},${hull.ys[i]}`))).toEqual(new Set(['0,0', '2,0', '2,2', '0,2']));
  });

  it('fits an axis-aligned rectangle exactly', () => {
    const r = minAreaRect([10, 60, 60, 10, 30], [20, 20, 30, 30, 25]);
    expect(r).toMatchObject({ cx: 35, cy: 25, width: 50, height: 10 });
    expect(Math.abs(r.angle)).toBeLessThan(1e-9);
  });

  it.each([
    { deg: 20, width: 80, height: 12 },
    { deg: -35, width: 60, height: 20 },
    { deg: 70, width: 60, height: 20 }, // steeper than 45°: the near-horizontal side becomes the width
  ])('fits a rectangle turned by $deg°', ({ deg, width, height }) => {
    const rect = { cx: 100, cy: 80, width, height, angle: (deg * Math.PI) / 180 };
    const corners = rectCorners(rect);
    const fit = minAreaRect(
      corners.map((p) => p[0]),
      corners.map((p) => p[1]),
    );
    const expected = normaliseRect(rect);
    expect(fit.cx).toBeCloseTo(100, 6);
    expect(fit.cy).toBeCloseTo(80, 6);
    expect(fit.width).toBeCloseTo(expected.width, 6);
    expect(fit.height).toBeCloseTo(expected.height, 6);
    expect(fit.angle).toBeCloseTo(expected.angle, 6);
    expect(Math.abs(fit.angle)).toBeLessThanOrEqual(Math.PI / 4 + 1e-9);
  });

  it('normalises any angle into (−45°, 45°], swapping sides on a quarter turn', () => {
    expect(normaliseRect({ cx: 0, cy: 0, width: 10, height: 2, angle: Math.PI })).toMatchObject({ width: 10, height: 2, angle: expect.closeTo(0, 9) });
    const quarter = normaliseRect({ cx: 0, cy: 0, width: 10, height: 2, angle: Math.PI / 2 });
    expect(quarter).toMatchObject({ width: 2, height: 10, angle: expect.closeTo(0, 9) });
  });

  it('gives a zero-height rectangle for collinear points', () => {
    expect(minAreaRect([0, 5, 10], [0, 0, 0]).height).toBeCloseTo(0, 9);
  });

  it('unclips by area × ratio / perimeter on every side', () => {
    const d = (100 * 10 * 1.5) / 220;
    expect(unclipRect({ cx: 5, cy: 5, width: 100, height: 10, angle: 0.1 }, 1.5)).toEqual({ cx: 5, cy: 5, width: 100 + 2 * d, height: 10 + 2 * d, angle: 0.1 });
  });

  it('bounds a rectangle by integer pixels clipped to the image, or null outside it', () => {
    expect(boundingBox({ cx: 5, cy: 5, width: 20, height: 4, angle: 0 }, 12, 12)).toEqual({ x: 0, y: 3, width: 12, height: 4 });
    expect(boundingBox({ cx: -50, cy: 5, width: 20, height: 4, angle: 0 }, 12, 12)).toBeNull();
  });
});

describe('dbPostprocess', () => {
  it('turns a text blob into one unclipped box with its mean probability', () => {
    const prob = probMap(100, 60, [[10, 20, 60, 30, 0.9]]);
    const [rect, ...rest] = dbPostprocess(prob, 100, 100, 60, db);
    expect(rest).toEqual([]);
    // Hull of pixel centres: 10.5..59.5 × 20.5..29.5 → 49 × 9, then grown by 49·9·1.5/116 on each side.
    const d = (49 * 9 * 1.5) / 116;
    expect(rect).toMatchObject({ cx: 35, cy: 25, width: expect.closeTo(49 + 2 * d, 6), height: expect.closeTo(9 + 2 * d, 6), score: expect.closeTo(0.9, 6) });
  });

  it('drops blobs that are too thin or not confident enough, and keeps separate blobs apart', () => {
    const prob = probMap(120, 60, [
      [5, 5, 45, 15, 0.8], // kept
      [60, 5, 100, 15, 0.45], // above binThresh, below boxThresh
      [5, 40, 7, 42, 0.95], // 2 × 2: thinner than minBoxSide
      [50, 30, 110, 50, 0.7], // kept
    ]);
    const rects = dbPostprocess(prob, 120, 120, 60, db);
    expect(rects.map((r) => [Math.round(r.cx), Math.round(r.cy)])).toEqual([
      [25, 10],
      [80, 40],
    ]);
  });

  it('scores a bent line over its own pixels, not its mostly empty rectangle (a sagging banner)', () => {
    // A 6 px thick arc sagging 30 px over 200 px: its rectangle is ~36 px tall, so the map averages ~0.15 inside it.
    const prob = new Float32Array(220 * 60);
    for (let x = 10; x < 210; x++) {
      const u = (2 * (x - 10)) / 200 - 1;
      const top = Math.round(10 + 30 * (1 - u * u));
      for (let y = top; y < top + 6; y++) prob[y * 220 + x] = 0.9;
    }
    const rects = dbPostprocess(prob, 220, 220, 60, db);
    expect(rects).toHaveLength(1);
    expect(rects[0]!.score).toBeCloseTo(0.9, 6);
  });

  it('joins diagonal neighbours (8-connectivity)', () => {
    const prob = probMap(40, 40, [
      [0, 0, 10, 10, 0.9],
      [10, 10, 20, 20, 0.9],
    ]);
    const rects = dbPostprocess(prob, 40, 40, 40, { ...db, boxThresh: 0 }); // two squares meeting at a corner: their box is half empty
    expect(rects).toHaveLength(1);
    expect(rects[0]).toMatchObject({ cx: expect.closeTo(10, 6), cy: expect.closeTo(10, 6) });
  });

  it('reads only the valid width of a padded map', () => {
    const prob = probMap(30, 20, [[20, 5, 32, 12, 0.9]], 32); // the blob runs into padding columns 30–31
    const [rect] = dbPostprocess(prob, 32, 30, 20, db);
    expect(rect!.cx).toBeCloseTo(25, 6); // pixel centres 20.5..29.5 only
  });

  it('fits a tilted blob with its tilt', () => {
    const angle = (12 * Math.PI) / 180;
    const prob = new Float32Array(200 * 100);
    for (let y = 0; y < 100; y++)
      for (let x = 0; x < 200; x++) {
        const dx = x + 0.5 - 100;
        const dy = y + 0.5 - 50;
        if (Math.abs(dx * Math.cos(angle) + dy * Math.sin(angle)) < 70 && Math.abs(-dx * Math.sin(angle) + dy * Math.cos(angle)) < 8) prob[y * 200 + x] = 0.9;
      }
    const [rect] = dbPostprocess(prob, 200, 200, 100, db);
    expect((rect!.angle * 180) / Math.PI).toBeCloseTo(12, 0);
    expect(rect!.cx).toBeCloseTo(100, 0);
    expect(rect!.cy).toBeCloseTo(50, 0);
  });

  it('stops after maxCandidates components', () => {
    const prob = probMap(100, 20, [
      [0, 0, 20, 10, 0.9],
      [40, 0, 60, 10, 0.9],
      [80, 0, 100, 10, 0.9],
    ]);
    expect(dbPostprocess(prob, 100, 100, 20, { ...db, maxCandidates: 2 })).toHaveLength(2);
  });
});

describe('recognitionInput', () => {
  /** An image whose left (or top) half is black and the other half white. */
  function halves(width: number, height: number, split: 'x' | 'y') {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((split === 'x' ? x >= width / 2 : y >= height / 2)) data.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
    return { data, width, height };
  }
  const at = (t: { data: unknown; dims: readonly number[] }, c: number, y: number, x: number) =>
    (t.data as Float32Array)[(c * t.dims[2]! + y) * t.dims[3]! + x]!;

  it('resamples a horizontal crop to height 48, keeping the aspect ratio, padded to 320', () => {
    const t = recognitionInput(halves(400, 100, 'x'), { cx: 200, cy: 50, width: 400, height: 100, angle: 0 }, 2048);
    expect(t.dims).toEqual([1, 3, 48, 320]);
    expect(at(t, 0, 24, 0)).toBeCloseTo(-1, 5); // black → −1
    expect(at(t, 0, 24, 191)).toBeCloseTo(1, 5); // white → +1 (crop is 192 px wide)
    expect(at(t, 0, 24, 250)).toBe(0); // padding
  });

  it('turns a tall crop 90° counter-clockwise so top-to-bottom text reads left to right', () => {
    const t = recognitionInput(halves(60, 300, 'y'), { cx: 30, cy: 150, width: 60, height: 300, angle: 0 }, 2048);
    expect(t.dims).toEqual([1, 3, 48, 320]); // 300/60 × 48 = 240, padded to 320
    expect(at(t, 1, 24, 2)).toBeCloseTo(-1, 5); // the top (black) comes first
    expect(at(t, 1, 24, 237)).toBeCloseTo(1, 5);
  });

  it('feeds BGR, as PaddleOCR models were trained on OpenCV images', () => {
    const red = { data: new Uint8Array(30 * 10 * 3).map((_, i) => (i % 3 === 0 ? 255 : 0)), width: 30, height: 10 };
    const t = recognitionInput(red, { cx: 15, cy: 5, width: 30, height: 10, angle: 0 }, 2048);
    expect(at(t, 0, 10, 10)).toBeCloseTo(-1, 5); // blue plane
    expect(at(t, 2, 10, 10)).toBeCloseTo(1, 5); // red plane
  });

  it('squeezes a very long line to recMaxWidth', () => {
    const t = recognitionInput(halves(3000, 20, 'x'), { cx: 1500, cy: 10, width: 3000, height: 20, angle: 0 }, 1000);
    expect(t.dims).toEqual([1, 3, 48, 1000]);
  });

  it('takes the same samples from a region holding the bounding box grown by 2 px as from the whole picture', () => {
    // Noise, so every sample counts; rotated rectangles inside the picture and running over its edges.
    const width = 300;
    const height = 200;
    const whole = { data: new Uint8Array(width * height * 3).map((_, i) => (i * 7919 + (i >> 5)) % 251), width, height };
    for (const rect of [
      { cx: 150, cy: 100, width: 180.3, height: 21.7, angle: 0.2 },
      { cx: 20, cy: 190, width: 90, height: 30, angle: -0.6 },
      { cx: 280, cy: 10, width: 25, height: 70, angle: 0.1 },
    ]) {
      const corners = rectCorners(rect);
      const x = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))) - 2);
      const y = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))) - 2);
      const w = Math.min(width, Math.ceil(Math.max(...corners.map((p) => p[0]))) + 2) - x;
      const h = Math.min(height, Math.ceil(Math.max(...corners.map((p) => p[1]))) + 2) - y;
      const region = new Uint8Array(w * h * 3);
      for (let j = 0; j < h; j++) region.set(whole.data.subarray(((y + j) * width + x) * 3, ((y + j) * width + x + w) * 3), j * w * 3);
      const fromRegion = recognitionInput({ data: region, width: w, height: h }, rect, 2048, { x, y, pictureWidth: width, pictureHeight: height });
      expect(fromRegion.data).toEqual(recognitionInput(whole, rect, 2048).data);
    }
  });
});

describe('mergeSplitLines', () => {
  const rect = (cx: number, cy: number, width: number, height: number, angle = 0) => ({ cx, cy, width, height, angle });
  const round = (r: { cx: number; cy: number; width: number; height: number; angle: number }) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));

  it('joins two parts of a line with a gap under one thickness, into one rectangle from the first start to the last end', () => {
    // 100 × 20 at x 0–100 and 60 × 20 at x 115–175 (gap 15 < 20), centres 2 px apart vertically.
    const merged = mergeSplitLines([rect(50, 10, 100, 20), rect(145, 12, 60, 20)]);
    expect(merged.map(round)).toEqual([{ cx: 87.5, cy: 11, width: 175, height: 22, angle: 0 }]);
  });

  it('joins a chain of three, in any order, and keeps other lines as they are in their place', () => {
    const other = rect(100, 200, 150, 30);
    const merged = mergeSplitLines([rect(215, 10, 60, 20), other, rect(50, 10, 100, 20), rect(140, 10, 60, 20)]);
    expect(merged.map(round)).toEqual([round(rect(122.5, 10, 245, 20)), other]);
  });

  it('joins tilted and turned (vertical-reading) parts along their own axis', () => {
    // A line at 45° split in two: turned (height ≥ 1.5 × width), so rect.angle = −45° and the text runs along +45°.
    const d = Math.SQRT1_2;
    const first = rect(100, 100, 20, 100, -Math.PI / 4);
    const second = rect(100 + 90 * d, 100 + 90 * d, 20, 60, -Math.PI / 4); // gap 90 − 50 − 30 = 10
    const [merged, ...rest] = mergeSplitLines([first, second]);
    expect(rest).toEqual([]);
    expect(merged!.width).toBeCloseTo(20);
    expect(merged!.height).toBeCloseTo(170);
    expect(merged!.cx).toBeCloseTo(100 + 35 * d);
    expect(merged!.cy).toBeCloseTo(100 + 35 * d);
  });

  it.each([
    ['a gap over one thickness', rect(155, 10, 60, 20)], // gap 25 > 20
    ['a line of another thickness', rect(135, 10, 60, 30)],
    ['a line beside the axis (the next row)', rect(135, 16, 60, 20)],
    ['a line at another angle', rect(135, 10, 60, 20, 0.2)],
    ['a turned line (vertical text)', rect(115, 10, 20, 60)],
    ['a line overlapping it by more than half a thickness', rect(70, 10, 60, 20)],
  ])('keeps apart %s', (_, second) => {
    const first = rect(50, 10, 100, 20);
    expect(mergeSplitLines([first, second])).toEqual([first, second]);
  });

  it('returns an empty list for no rectangles', () => {
    expect(mergeSplitLines([])).toEqual([]);
  });
});

describe('readingOrder', () => {
  const line = (text: string, x: number, y: number, width = 50, height = 20) => ({ text, box: { x, y, width, height } });
  it('orders rows top to bottom and each row left to right, tolerating a slight slope', () => {
    const lines = [line('d', 10, 80), line('b', 200, 14), line('c', 380, 18), line('a', 10, 10)];
    expect(readingOrder(lines).map((l) => l.text)).toEqual(['a', 'b', 'c', 'd']);
  });
  it('starts a new row when lines barely overlap vertically', () => {
    expect(readingOrder([line('b', 0, 15), line('a', 100, 0)]).map((l) => l.text)).toEqual(['a', 'b']);
  });
  it('reads lines stacked beside a taller one top to bottom before it (a two-line block opening a banner)', () => {
    const lines = [line('title', 200, 0, 600, 60), line('block 2', 10, 32, 160, 22), line('block 1', 12, 6, 150, 22), line('below', 10, 90, 500, 30)];
    expect(readingOrder(lines).map((l) => l.text)).toEqual(['block 1', 'block 2', 'title', 'below']);
  });
  it('reads a street sign column by column: 西 over 315, 愚园路, 东 over 309', () => {
    const lines = [line('东', 400, 0, 30, 30), line('315', 5, 35, 40, 20), line('愚园路', 100, 0, 200, 55), line('309', 395, 35, 40, 20), line('西', 10, 0, 30, 30)];
    expect(readingOrder(lines).map((l) => l.text)).toEqual(['西', '315', '愚园路', '东', '309']);
  });
});

describe('options', () => {
  it('fills defaults and validates PP-OCR options, naming the field', () => {
    expect(resolvePpOcrOptions({ detLongSide: 1280 })).toMatchObject({ detLongSide: 1280, boxThresh: 0.6, minScore: 0.5, intraOpNumThreads: 1 });
    expect(() => resolvePpOcrOptions({ binThresh: 2 })).toThrow('Expected a number between 0 and 1 for binThresh but received 2');
    expect(() => resolvePpOcrOptions({ detLongSide: 100.5 })).toThrow('Expected an integer between 32 and 8192 for detLongSide but received 100.5');
    expect(() => resolvePpOcrOptions({ unknown: 1 } as never)).toThrow(/Unknown PpOcrReader option "unknown"/);
  });
  it('validates tesseract options', () => {
    expect(resolveTesseractOptions({})).toEqual({ psm: 3, minScore: 0.3 });
    expect(() => resolveTesseractOptions({ psm: 7 as never })).toThrow('Expected one of 3, 4, 6, 11, 12 for psm but received 7');
  });
  it('refuses an unknown reader name', () => {
    expect(() => createTextReader('easyocr' as never)).toThrow('Expected one of ppocr, tesseract for name but received easyocr');
  });
});

describe('joinCjk (tesseract output)', () => {
  it.each([
    ['雁 江 镇 志愿 服务 队', '雁江镇志愿服务队'],
    ['关爱 “ 一老一小 ”', '关爱“一老一小”'],
    ['PP OCR 文 字', 'PP OCR 文字'],
    ['  第 3 届  ', '第 3 届'], // digits keep their spaces
  ])('%s → %s', (input, output) => {
    expect(joinCjk(input)).toBe(output);
  });
});
