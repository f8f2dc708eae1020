// Why tiling exists: on a 1920 px mosaic of 88 faces of 36–55 px, tiles count them, the whole-image pass cannot.
import { beforeAll, describe, expect, it } from 'vitest';
import { createFaceDetector } from '../../src/analysis/faces/index.ts';
import { TiledFaceDetector } from '../../src/analysis/faces/tiled.ts';
import type { Face, FaceDetector, RgbImage } from '../../src/analysis/types.ts';
import { expectFaceContract } from './face-detector.conformance.ts';
import { mosaic, type Mosaic } from './sample-images.ts';

/** Faces per mosaic cell, by box centre. */
function perCell(faces: Face[], m: Mosaic): number[] {
  const counts = new Array<number>(m.cols * m.rows).fill(0);
  for (const { box } of faces) {
    const col = Math.min(m.cols - 1, Math.floor((box.x + box.width / 2) / m.cellWidth));
    const row = Math.min(m.rows - 1, Math.floor((box.y + box.height / 2) / m.cellHeight));
    counts[row * m.cols + col]!++;
  }
  return counts;
}

/** Passes detections through and counts what the inner detector returned before merging. */
class Recording implements FaceDetector {
  raw = 0;
  constructor(readonly inner: FaceDetector) {}
  get name() {
    return this.inner.name;
  }
  async detect(image: RgbImage): Promise<Face[]> {
    const faces = await this.inner.detect(image);
    this.raw += faces.length;
    return faces;
  }
}

describe('tiled SSD on a mosaic of 88 small faces (4 × 6 cells, 1920 × 2304, faces 36–55 px)', () => {
  let m: Mosaic;
  beforeAll(async () => {
    m = await mosaic(4, 6);
  });

  it('counts within 2 of the truth, never more faces than a cell holds, with duplicates across tiles merged', async () => {
    const inner = new Recording(createFaceDetector('ssd-whole'));
    const tiled = new TiledFaceDetector(inner);
    const faces = await tiled.detect(m.image);
    expectFaceContract(faces, m.image);
    expect(m.totalFaces).toBe(88);
    // measured: 87 (one face missed), 0 false; 141 raw detections before merging
    expect(Math.abs(faces.length - m.totalFaces)).toBeLessThanOrEqual(2);
    const cells = perCell(faces, m);
    cells.forEach((n, k) => expect(n, `cell ${k}`).toBeLessThanOrEqual(m.cellFaces[k]!));
    expect(cells.filter((n, k) => n === m.cellFaces[k]).length).toBeGreaterThanOrEqual(22);
    expect(inner.raw).toBeGreaterThan(faces.length + 30);
  });

  it('the whole-image SSD (letterboxed to 512 px) misses most of them', async () => {
    const faces = await createFaceDetector('ssd-whole').detect(m.image);
    expectFaceContract(faces, m.image);
    // measured: 59 boxes, 55 of them real faces
    expect(faces.length).toBeLessThanOrEqual(70);
  });
});
