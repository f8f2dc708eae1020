// Face detector `tiled(<inner>)`: runs a whole-image detector on overlapping tiles plus once on the whole image, then merges duplicates.
import { cropRgb } from '../decode.ts';
import type { Box, Face, FaceDetector, RgbImage } from '../types.ts';
import { assertRgbImage, definedOnly } from './ssd-tfjs.ts';

export interface TilePlanOptions {
  /** Side of a square tile in pixels (a tile is smaller only when the image is). Default 640. */
  tileSize?: number;
  /** Minimum fraction of a tile shared with its neighbour, in [0, 1). Default 0.25. */
  overlap?: number;
}

// Defaults measured on the demo photos and mosaics of them (22–176 faces of 18–73 px): counts were identical for
// iou 0.3–0.5 and containment 0.4–0.8; iou 0.2 only merged two more duplicates of sub-30 px faces. Those mosaics
// have no overlapping faces, so iou stays at 0.3 to keep overlapping heads in real crowds apart. Containment catches
// partial boxes whose IoU with the full face is low (a quarter of a face: IoU 0.25).
export interface MergeOptions {
  /** Two boxes are one face when their intersection over union exceeds this, in [0, 1]. Default 0.3. */
  iou?: number;
  /**
   * Two boxes are one face when their intersection covers more than this fraction of the smaller box,
   * in [0, 1] (a face cut by a tile border gives a partial box inside the full one). Default 0.6.
   */
  containment?: number;
}

export interface TiledFaceDetectorOptions extends TilePlanOptions {
  /** IoU above which detections from different tiles or passes are merged (`MergeOptions.iou`). Default 0.3. */
  mergeIou?: number;
  /** Intersection over the smaller box above which they are merged (`MergeOptions.containment`). Default 0.6. */
  mergeContainment?: number;
  /**
   * Faces from the whole-image pass at least this wide (px of the image passed in) are added to the tile
   * faces: large faces cut by tile borders. Smaller whole-image faces are dropped (they over-count crowds).
   * Default 64.
   */
  wholeImageMinFace?: number;
}

export const tilePlanDefaults: Readonly<Required<TilePlanOptions>> = Object.freeze({ tileSize: 640, overlap: 0.25 });
export const mergeDefaults: Readonly<Required<MergeOptions>> = Object.freeze({ iou: 0.3, containment: 0.6 });
export const tiledDefaults: Readonly<Required<TiledFaceDetectorOptions>> = Object.freeze({
  ...tilePlanDefaults,
  mergeIou: mergeDefaults.iou,
  mergeContainment: mergeDefaults.containment,
  wholeImageMinFace: 64,
});

/**
 * Tiles covering a width×height image, row by row. Along an axis longer than tileSize, the fewest tiles
 * of tileSize whose neighbours overlap by at least overlap·tileSize are spread evenly from edge to edge
 * (the edge tiles are flush with the image, never padded); along a shorter axis one tile spans it.
 */
export function planTiles(width: number, height: number, options: TilePlanOptions = {}): Box[] {
  const { tileSize, overlap } = { ...tilePlanDefaults, ...definedOnly(options) };
  checkNumber('tileSize', tileSize, Number.isInteger(tileSize) && tileSize >= 1, 'a positive integer');
  checkNumber('overlap', overlap, overlap >= 0 && overlap < 1, 'a number in [0, 1)');
  checkNumber('width', width, Number.isInteger(width) && width >= 1, 'a positive integer');
  checkNumber('height', height, Number.isInteger(height) && height >= 1, 'a positive integer');
  const xs = axisStarts(width, tileSize, overlap);
  const ys = axisStarts(height, tileSize, overlap);
  const tileW = Math.min(tileSize, width);
  const tileH = Math.min(tileSize, height);
  return ys.flatMap((y) => xs.map((x) => ({ x, y, width: tileW, height: tileH })));
}

function axisStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const stride = Math.max(1, Math.floor(tile * (1 - overlap)));
  const count = Math.ceil((length - tile) / stride) + 1;
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - tile)) / (count - 1)));
}

/**
 * Merges detections of the same face (from overlapping tiles or passes): greedy by score, a box is a
 * duplicate of a kept one when their IoU exceeds `iou` or their intersection covers more than
 * `containment` of the smaller box. A kept box lying mostly inside a larger duplicate takes that box's
 * geometry (the whole face rather than the part one tile saw) and keeps its own, higher score. Pure; result sorted by score desc.
 */
export function mergeFaces(faces: readonly Face[], options: MergeOptions = {}): Face[] {
  const { iou, containment } = { ...mergeDefaults, ...definedOnly(options) };
  checkNumber('iou', iou, iou >= 0 && iou <= 1, 'a number in [0, 1]');
  checkNumber('containment', containment, containment >= 0 && containment <= 1, 'a number in [0, 1]');
  const n = faces.length;
  const x0 = new Float64Array(n), y0 = new Float64Array(n), x1 = new Float64Array(n), y1 = new Float64Array(n);
  const score = new Float64Array(n);
  faces.forEach((f, i) => {
    x0[i] = f.box.x;
    y0[i] = f.box.y;
    x1[i] = f.box.x + f.box.width;
    y1[i] = f.box.y + f.box.height;
    score[i] = f.score;
  });
  const area = (i: number) => (x1[i]! - x0[i]!) * (y1[i]! - y0[i]!);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]! || area(b) - area(a) || a - b);

  // k lies mostly inside the larger box j: j is the whole face, k the part one tile saw.
  const containedIn = (k: number, j: number) => {
    const inter = Math.max(0, Math.min(x1[k]!, x1[j]!) - Math.max(x0[k]!, x0[j]!)) * Math.max(0, Math.min(y1[k]!, y1[j]!) - Math.max(y0[k]!, y0[j]!));
    return area(j) > area(k) && inter / area(k) > containment;
  };

  const kept: number[] = [];
  for (const j of order) {
    const areaJ = area(j);
    if (!(areaJ > 0)) continue;
    let duplicateOf = -1;
    for (const k of kept) {
      const iw = Math.min(x1[k]!, x1[j]!) - Math.max(x0[k]!, x0[j]!);
      const ih = Math.min(y1[k]!, y1[j]!) - Math.max(y0[k]!, y0[j]!);
      if (iw <= 0 || ih <= 0) continue;
      const inter = iw * ih;
      const areaK = area(k);
      if (inter / (areaK + areaJ - inter) > iou || inter / Math.min(areaK, areaJ) > containment) {
        duplicateOf = k;
        break;
      }
    }
    if (duplicateOf < 0) {
      kept.push(j);
    } else if (containedIn(duplicateOf, j)) {
      x0[duplicateOf] = x0[j]!;
      y0[duplicateOf] = y0[j]!;
      x1[duplicateOf] = x1[j]!;
      y1[duplicateOf] = y1[j]!;
    }
  }
  return kept.map((k) => ({ box: { x: x0[k]!, y: y0[k]!, width: x1[k]! - x0[k]!, height: y1[k]! - y0[k]! }, score: score[k]! }));
}

/**
 * Runs `inner` on the tiles of `planTiles` and once on the whole image, keeps every tile face, adds the
 * whole-image faces at least `wholeImageMinFace` wide, and merges duplicates with `mergeFaces`.
 * Small faces that a whole-image pass loses in its downscale are found in the tiles.
 */
export class TiledFaceDetector implements FaceDetector {
  readonly name: string;
  readonly options: Readonly<Required<TiledFaceDetectorOptions>>;

  constructor(
    readonly inner: FaceDetector,
    options: TiledFaceDetectorOptions = {},
  ) {
    const merged = { ...tiledDefaults, ...definedOnly(options) };
    planTiles(1, 1, merged); // validates tileSize and overlap
    const { mergeIou, mergeContainment, wholeImageMinFace } = merged;
    checkNumber('mergeIou', mergeIou, mergeIou >= 0 && mergeIou <= 1, 'a number in [0, 1]');
    checkNumber('mergeContainment', mergeContainment, mergeContainment >= 0 && mergeContainment <= 1, 'a number in [0, 1]');
    checkNumber('wholeImageMinFace', wholeImageMinFace, wholeImageMinFace >= 0, 'a number ≥ 0');
    this.options = Object.freeze(merged);
    this.name = `tiled(${inner.name})`;
  }

  async detect(image: RgbImage): Promise<Face[]> {
    assertRgbImage(image);
    const { mergeIou, mergeContainment, wholeImageMinFace } = this.options;
    const tiles = planTiles(image.width, image.height, this.options);
    const found: Face[] = [];
    for (const tile of tiles) {
      for (const face of await this.inner.detect(cropRgb(image, tile))) {
        found.push({ box: { ...face.box, x: face.box.x + tile.x, y: face.box.y + tile.y }, score: face.score });
      }
    }
    if (tiles.length > 1) {
      for (const face of await this.inner.detect(image)) if (face.box.width >= wholeImageMinFace) found.push(face);
    }
    return mergeFaces(found, { iou: mergeIou, containment: mergeContainment });
  }

  async dispose(): Promise<void> {
    await this.inner.dispose?.();
  }
}

function checkNumber(name: string, value: unknown, ok: boolean, expected: string): void {
  if (typeof value !== 'number' || !ok) throw new TypeError(`Expected ${expected} for ${name} but received ${String(value)}`);
}
