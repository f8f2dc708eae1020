// The FaceDetector contract (src/analysis/types.ts) as one vitest suite, applied to every face engine.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Box, Face, FaceDetector, RgbImage } from '../../src/analysis/types.ts';
import { decodeRgb, faceFreeImages, SAMPLES, sampleImage } from './sample-images.ts';

/** Asserts the per-result clauses of the contract: finite pixel boxes clipped to the image, scores in [0, 1], sorted desc. */
export function expectFaceContract(faces: Face[], image: RgbImage): void {
  expect(Array.isArray(faces)).toBe(true);
  for (const { box, score } of faces) {
    for (const v of [box.x, box.y, box.width, box.height, score]) expect(Number.isFinite(v)).toBe(true);
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.width).toBeGreaterThan(0);
    expect(box.height).toBeGreaterThan(0);
    expect(box.x + box.width).toBeLessThanOrEqual(image.width + 1e-6);
    expect(box.y + box.height).toBeLessThanOrEqual(image.height + 1e-6);
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(1);
  }
  for (let i = 1; i < faces.length; i++) expect(faces[i - 1]!.score).toBeGreaterThanOrEqual(faces[i]!.score);
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

/** Portrait crop of sample1 holding its two left faces whole (x 380–1100, full height). */
const PORTRAIT = { sample: 0, left: 380, width: 720 } as const;

/**
 * The conformance suite for one engine. `factory` is called once; the detector is disposed after.
 * Checks: the contract clauses, exact counts on face-api's six demo photos, no face on face-free images,
 * a tiny image, and boxes in pixels of the image passed in (a portrait crop gives the shifted boxes).
 */
export function describeFaceDetector(name: string, factory: () => FaceDetector | Promise<FaceDetector>): void {
  describe(`FaceDetector conformance: ${name}`, () => {
    let detector: FaceDetector;
    const sampleFaces = new Map<number, Face[]>();
    let portraitFaces: Face[] | undefined;

    const portrait = () =>
      decodeRgb(sharp(SAMPLES[PORTRAIT.sample].file).extract({ left: PORTRAIT.left, top: 0, width: PORTRAIT.width, height: 1280 }));

    beforeAll(async () => {
      detector = await factory();
    });
    afterAll(async () => {
      await detector?.dispose?.();
    });

    it('has a name', () => {
      expect(typeof detector.name).toBe('string');
      expect(detector.name.length).toBeGreaterThan(0);
    });

    SAMPLES.forEach(({ faces: expected }, index) => {
      it(`finds exactly ${expected} faces in sample${index + 1}, honouring the contract`, async () => {
        const image = await sampleImage(index);
        const faces = await detector.detect(image);
        expectFaceContract(faces, image);
        expect(faces.length).toBe(expected);
        sampleFaces.set(index, faces);
      });
    });

    it('reports boxes in pixels of the image passed in (a portrait crop gives the shifted boxes)', async () => {
      const full = sampleFaces.get(PORTRAIT.sample) ?? (await detector.detect(await sampleImage(PORTRAIT.sample)));
      const inside = full.filter((f) => f.box.x >= PORTRAIT.left && f.box.x + f.box.width <= PORTRAIT.left + PORTRAIT.width);
      expect(inside.length).toBe(2);
      const image = await portrait();
      portraitFaces = await detector.detect(image);
      expectFaceContract(portraitFaces, image);
      expect(portraitFaces.length).toBe(inside.length);
      for (const f of inside) {
        const shifted = { ...f.box, x: f.box.x - PORTRAIT.left };
        expect(Math.max(...portraitFaces.map((p) => iou(p.box, shifted)))).toBeGreaterThan(0.7);
      }
    });

    it('gives the same result for the same image', async () => {
      const image = await portrait();
      const first = portraitFaces ?? (await detector.detect(image));
      expect(await detector.detect(image)).toEqual(first);
    });

    it('finds no face in face-free images', async () => {
      for (const { label, image } of await faceFreeImages()) {
        const faces = await detector.detect(image);
        expect(faces, label).toEqual([]);
      }
    });

    it('returns [] for a tiny flat image without throwing', async () => {
      const image: RgbImage = { data: new Uint8Array(16 * 12 * 3).fill(90), width: 16, height: 12 };
      expect(await detector.detect(image)).toEqual([]);
    });
  });
}
