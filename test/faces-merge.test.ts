// Unit tests of tile planning, cropping and duplicate merging for the tiled face detector, and of the SSD's NMS (no model).
import { describe, expect, it } from 'vitest';
import { ssdPostprocess } from '../src/analysis/faces/ssd-tfjs.ts';
import { cropRgb } from '../src/analysis/decode.ts';
import { mergeFaces, planTiles, TiledFaceDetector } from '../src/analysis/faces/tiled.ts';
import type { Box, Face, FaceDetector, RgbImage } from '../src/analysis/types.ts';

const face = (x: number, y: number, width: number, height: number, score: number): Face => ({ box: { x, y, width, height }, score });

describe('planTiles', () => {
  it('covers 1920 × 1280 with 4 × 3 tiles of 640, edge tiles flush with the image', () => {
    const tiles = planTiles(1920, 1280);
    expect(tiles).toHaveLength(12);
    expect([...new Set(tiles.map((t) => t.x))]).toEqual([0, 427, 853, 1280]);
    expect([...new Set(tiles.map((t) => t.y))]).toEqual([0, 320, 640]);
    for (const t of tiles) expect([t.width, t.height]).toEqual([640, 640]);
  });

  it('overlaps neighbours by at least overlap × tileSize and stays inside the image', () => {
    for (const [w, h, tileSize, overlap] of [[1920, 1080, 640, 0.25], [1000, 700, 300, 0.1], [4000, 3000, 640, 0.5], [641, 2000, 640, 0.25]] as const) {
      const tiles = planTiles(w, h, { tileSize, overlap });
      const xs = [...new Set(tiles.map((t) => t.x))];
      const ys = [...new Set(tiles.map((t) => t.y))];
      for (const starts of [xs, ys]) for (let i = 1; i < starts.length; i++) expect(starts[i - 1]! + tileSize - starts[i]!).toBeGreaterThanOrEqual(overlap * tileSize);
      for (const t of tiles) {
        expect(Number.isInteger(t.x) && Number.isInteger(t.y)).toBe(true);
        expect(t.x).toBeGreaterThanOrEqual(0);
        expect(t.y).toBeGreaterThanOrEqual(0);
        expect(t.x + t.width).toBeLessThanOrEqual(w);
        expect(t.y + t.height).toBeLessThanOrEqual(h);
      }
      expect(xs.at(-1)! + tiles[0]!.width).toBe(w);
      expect(ys.at(-1)! + tiles[0]!.height).toBe(h);
    }
  });

  it('covers every pixel', () => {
    const [w, h] = [1000, 700];
    const covered = new Uint8Array(w * h);
    for (const t of planTiles(w, h, { tileSize: 300, overlap: 0.2 })) {
      for (let y = t.y; y < t.y + t.height; y++) covered.fill(1, y * w + t.x, y * w + t.x + t.width);
    }
    expect(covered.every((v) => v === 1)).toBe(true);
  });

  it('uses one tile for an image no larger than a tile, and a short axis gets one tile row', () => {
    expect(planTiles(500, 300)).toEqual([{ x: 0, y: 0, width: 500, height: 300 }]);
    expect(planTiles(640, 640)).toEqual([{ x: 0, y: 0, width: 640, height: 640 }]);
    expect(planTiles(1920, 400)).toEqual([0, 427, 853, 1280].map((x) => ({ x, y: 0, width: 640, height: 400 })));
  });

  it('rejects bad options with the expected/received message', () => {
    expect(() => planTiles(100, 100, { tileSize: 0 })).toThrow('Expected a positive integer for tileSize but received 0');
    expect(() => planTiles(100, 100, { overlap: 1 })).toThrow('Expected a number in [0, 1) for overlap but received 1');
    expect(planTiles(1920, 1280, { tileSize: undefined })).toHaveLength(12); // undefined keeps the default
  });
});

describe('mergeFaces', () => {
  it('merges overlapping duplicates of one face, keeping the higher score', () => {
    const merged = mergeFaces([face(100, 100, 50, 60, 0.8), face(104, 98, 50, 62, 0.95)]);
    expect(merged).toEqual([face(104, 98, 50, 62, 0.95)]);
  });

  it('merges a partial box cut by a tile border into the full face, keeping the full geometry', () => {
    // the tile saw the left 40 % of the face (IoU 0.4 / 1 → caught by containment, not IoU at 0.5)
    const partial = face(200, 300, 40, 120, 0.97);
    const full = face(200, 300, 100, 120, 0.9);
    expect(mergeFaces([partial, full], { iou: 0.5 })).toEqual([{ box: full.box, score: 0.97 }]);
    // a quarter of the face: IoU 0.25, below any sensible IoU threshold
    const quarter = face(260, 330, 40, 75, 0.6);
    expect(mergeFaces([full, quarter])).toEqual([full]);
  });

  it('keeps distinct neighbours, touching or slightly overlapping', () => {
    const row = [face(0, 0, 40, 50, 0.9), face(40, 0, 40, 50, 0.8), face(75, 5, 40, 50, 0.7), face(0, 48, 40, 50, 0.6)];
    expect(mergeFaces(row)).toHaveLength(4);
  });

  it('rejects bad options with the expected/received message', () => {
    expect(() => mergeFaces([], { iou: -0.1 })).toThrow('Expected a number in [0, 1] for iou but received -0.1');
    expect(() => mergeFaces([], { containment: Number.NaN })).toThrow('for containment but received NaN');
  });

  it('returns faces sorted by score, does not mutate its input, and drops empty boxes', () => {
    const input = [face(0, 0, 10, 10, 0.5), face(100, 0, 10, 10, 0.9), face(50, 0, 0, 10, 1), face(50, 50, 10, 10, 0.7)];
    const copy = structuredClone(input);
    expect(mergeFaces(input).map((f) => f.score)).toEqual([0.9, 0.7, 0.5]);
    expect(input).toEqual(copy);
    expect(mergeFaces([])).toEqual([]);
  });

  it('merges the many copies one face gets from four overlapping tiles and the whole-image pass', () => {
    const copies = [face(500, 500, 80, 90, 0.9), face(500, 500, 35, 90, 0.92), face(502, 501, 79, 88, 0.88), face(500, 500, 80, 40, 0.7), face(499, 499, 82, 92, 0.95)];
    expect(mergeFaces(copies)).toHaveLength(1);
  });
});

describe('ssdPostprocess (typed-array NMS and mapping of the SSD output)', () => {
  // anchors as [ymin, xmin, ymax, xmax] relative to the padded square
  const boxes = Float32Array.from([
    0.1, 0.1, 0.3, 0.3, // a
    0.11, 0.1, 0.31, 0.3, // a's duplicate (IoU ≈ 0.9)
    0.1, 0.5, 0.3, 0.7, // b
    0.6, 0.6, 0.9, 0.9, // c: in the padding below a 1000×500 image, dropped
    0.45, -0.1, 0.55, 0.2, // d: straddles the left edge and the image bottom, clipped
  ]);
  const scores = Float32Array.from([0.9, 0.95, 0.5, 0.6, 0.7]);

  it('keeps scores strictly above minConfidence, suppresses IoU > 0.5, maps to pixels and clips', () => {
    const faces = ssdPostprocess(boxes, scores, 1000, 500, { minConfidence: 0.5, maxResults: 10 });
    expect(faces.map((f) => f.score)).toEqual([scores[1], scores[4]]);
    expect(faces[0]!.box).toEqual({ x: expect.closeTo(100, 3), y: expect.closeTo(110, 3), width: expect.closeTo(200, 3), height: expect.closeTo(200, 3) });
    expect(faces[1]!.box).toEqual({ x: 0, y: expect.closeTo(450, 3), width: expect.closeTo(200, 3), height: expect.closeTo(50, 3) });
  });

  it('stops at maxResults and maps a portrait image by its long side', () => {
    expect(ssdPostprocess(boxes, scores, 1000, 500, { minConfidence: 0.1, maxResults: 1 })).toHaveLength(1);
    const portrait = ssdPostprocess(boxes, scores, 500, 1000, { minConfidence: 0.4, maxResults: 10 });
    expect(portrait.map((f) => f.score)).toEqual([scores[1], scores[4]]); // b (x 500–700) and c (x 600–900) lie right of a 500 px wide image
  });
});

describe('cropRgb', () => {
  it('copies the tile pixels row by row', () => {
    const image: RgbImage = { data: Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i), width: 4, height: 3 };
    const tile = cropRgb(image, { x: 1, y: 1, width: 2, height: 2 });
    expect([...tile.data]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
    expect(cropRgb(image, { x: 0, y: 0, width: 4, height: 3 })).toBe(image);
  });
});

describe('TiledFaceDetector', () => {
  /**
   * A scripted inner detector: returns the listed faces lying wholly inside the region it is given (in
   * that region's pixels), plus `wholeOnly` when given the whole image (what only the whole-image pass sees).
   */
  class Scripted implements FaceDetector {
    readonly name = 'scripted';
    regions: Box[] = [];
    constructor(
      private readonly faces: Face[],
      private readonly wholeOnly: Face[],
      private readonly regionOf: (image: RgbImage, call: number) => Box,
    ) {}
    async detect(image: RgbImage): Promise<Face[]> {
      const r = this.regionOf(image, this.regions.length);
      this.regions.push(r);
      const whole = r.x === 0 && r.y === 0 && image.width === 1280 && image.height === 640;
      const inside = this.faces.filter((f) => f.box.x >= r.x && f.box.y >= r.y && f.box.x + f.box.width <= r.x + r.width && f.box.y + f.box.height <= r.y + r.height);
      return [...inside, ...(whole ? this.wholeOnly : [])].map((f) => ({ box: { ...f.box, x: f.box.x - r.x, y: f.box.y - r.y }, score: f.score }));
    }
  }

  it('names itself after the inner detector and validates options', () => {
    const inner = new Scripted([], [], () => ({ x: 0, y: 0, width: 1, height: 1 }));
    expect(new TiledFaceDetector(inner).name).toBe('tiled(scripted)');
    expect(() => new TiledFaceDetector(inner, { mergeIou: 2 })).toThrow('Expected a number in [0, 1] for mergeIou but received 2');
    expect(() => new TiledFaceDetector(inner, { wholeImageMinFace: -1 })).toThrow(/wholeImageMinFace/);
  });

  it('shifts tile boxes back, adds only whole-image faces ≥ wholeImageMinFace wide, and merges copies', async () => {
    const width = 1280, height = 640;
    const tiles = planTiles(width, height); // x 0, 320, 640
    const a = face(700, 560, 50, 60, 0.9); // in tiles 1 and 2: two copies, merged
    const c = face(1000, 600, 30, 30, 0.6); // in tile 2 only
    const big = face(250, 50, 700, 500, 0.8); // wider than a tile: only the whole-image pass sees it
    const smallWholeOnly = face(100, 500, 40, 40, 0.7); // a small whole-image face the tiles did not confirm: dropped
    const inner = new Scripted([a, c], [big, smallWholeOnly], (image, call) => tiles[call] ?? { x: 0, y: 0, width: image.width, height: image.height });
    const faces = await new TiledFaceDetector(inner).detect({ data: new Uint8Array(width * height * 3), width, height });
    expect(inner.regions.map((r) => r.x)).toEqual([0, 320, 640, 0]);
    expect(inner.regions.at(-1)).toEqual({ x: 0, y: 0, width, height });
    expect(faces).toEqual([a, big, c]);
  });

  it('runs the inner detector once on an image that fits in one tile', async () => {
    const inner = new Scripted([face(10, 10, 20, 20, 0.9)], [], (image) => ({ x: 0, y: 0, width: image.width, height: image.height }));
    const faces = await new TiledFaceDetector(inner).detect({ data: new Uint8Array(300 * 200 * 3), width: 300, height: 200 });
    expect(inner.regions).toHaveLength(1);
    expect(faces).toHaveLength(1);
  });
});
