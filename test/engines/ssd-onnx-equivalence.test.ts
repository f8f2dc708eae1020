// SsdOnnxDetector finds the same faces as face-api's own ssdMobilenetv1 on TensorFlow.js wasm (real weights, real photos).
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import sharp from 'sharp';
import type * as FaceApi from '@vladmandic/face-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SsdOnnxDetector } from '../../src/analysis/faces/ssd-onnx.ts';
import { modelPath, packageDir } from '../../src/analysis/model-files.ts';
import type { Face, RgbImage } from '../../src/analysis/types.ts';

const require = createRequire(import.meta.url);
const demoDir = join(packageDir('@vladmandic/face-api'), 'demo');
const demoFaceCounts = [3, 3, 3, 4, 5, 4];

let faceapi: typeof FaceApi;
// The same module instance face-api's node-wasm build requires (its bundled `tf` typings lack setBackend/ready).
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
const detector = new SsdOnnxDetector();

beforeAll(async () => {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + sep);
  faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApi;
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(dirname(modelPath('ssd-weights-manifest')));
});

afterAll(async () => {
  await detector.dispose();
});

async function rgb(input: ReturnType<typeof sharp>): Promise<RgbImage> {
  const { data, info } = await input.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

const demo = (i: number) => rgb(sharp(join(demoDir, `sample${i}.jpg`)));

/** Demo photos shrunk to `tileWidth` and laid out on a grid (many smaller faces, letterbox padding inside). */
async function mosaic(samples: number[], columns: number, tileWidth: number): Promise<RgbImage> {
  const tiles = await Promise.all(
    samples.map((i) => sharp(join(demoDir, `sample${i}.jpg`)).resize({ width: tileWidth }).png().toBuffer({ resolveWithObject: true })),
  );
  const rows = Math.ceil(samples.length / columns);
  const rowHeight = Math.max(...tiles.map((t) => t.info.height));
  const canvas = sharp({ create: { width: columns * tileWidth, height: rows * rowHeight, channels: 3, background: { r: 128, g: 128, b: 128 } } });
  const composed = await canvas
    .composite(tiles.map((t, k) => ({ input: t.data, left: (k % columns) * tileWidth, top: Math.floor(k / columns) * rowHeight })))
    .png()
    .toBuffer();
  return rgb(sharp(composed));
}

/**
 * face-api's own detections, mapped to this project's contract. face-api maps boxes back through the *rounded*
 * letterboxed size (e.g. 1920×1280 → 512×341, so y is scaled by 512/341 instead of 1920/1280: up to 1.3 px off at
 * the bottom edge) and clips only to the padded square; SsdOnnxDetector scales by the exact side and clips to the
 * image. Undo the rounding and clip here, so the comparison is of what the network found.
 */
async function faceApiReference(image: RgbImage, minConfidence: number, maxResults: number): Promise<Face[]> {
  const tensor = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    const found = await faceapi.detectAllFaces(tensor as unknown as FaceApi.TNetInput, new faceapi.SsdMobilenetv1Options({ minConfidence, maxResults }));
    const side = Math.max(image.width, image.height);
    const fx = (Math.round((image.width * 512) / side) * side) / (512 * image.width);
    const fy = (Math.round((image.height * 512) / side) * side) / (512 * image.height);
    return found.map((d) => {
      const x = d.box.x * fx;
      const y = d.box.y * fy;
      const right = Math.min((d.box.x + d.box.width) * fx, image.width);
      const bottom = Math.min((d.box.y + d.box.height) * fy, image.height);
      return { box: { x, y, width: right - x, height: bottom - y }, score: d.score };
    });
  } finally {
    tensor.dispose();
  }
}

/** Same count; each reference face matched (greedy best IoU) by one of ours within 0.5 px per edge and 1e-3 score. */
function expectSameFaces(actual: Face[], reference: Face[]): void {
  expect(actual.length).toBe(reference.length);
  const unmatched = new Set(actual.keys());
  for (const ref of reference) {
    let best = -1;
    let bestIou = 0;
    for (const k of unmatched) {
      const v = iou(actual[k]!, ref);
      if (v > bestIou) [best, bestIou] = [k, v];
    }
    expect(best, `no match for reference face ${JSON.stringify(ref)}`).toBeGreaterThanOrEqual(0);
    unmatched.delete(best);
    const got = actual[best]!;
    const edges = (f: Face) => [f.box.x, f.box.y, f.box.x + f.box.width, f.box.y + f.box.height];
    edges(got).forEach((e, i) => expect(Math.abs(e - edges(ref)[i]!)).toBeLessThan(0.5));
    expect(Math.abs(got.score - ref.score)).toBeLessThan(1e-3);
  }
}

function iou(a: Face, b: Face): number {
  const w = Math.min(a.box.x + a.box.width, b.box.x + b.box.width) - Math.max(a.box.x, b.box.x);
  const h = Math.min(a.box.y + a.box.height, b.box.y + b.box.height) - Math.max(a.box.y, b.box.y);
  const inter = Math.max(w, 0) * Math.max(h, 0);
  return inter / (a.box.width * a.box.height + b.box.width * b.box.height - inter);
}

function expectContract(faces: Face[], image: RgbImage): void {
  faces.forEach((f, i) => {
    expect(f.box.x).toBeGreaterThanOrEqual(0);
    expect(f.box.y).toBeGreaterThanOrEqual(0);
    expect(f.box.width).toBeGreaterThan(0);
    expect(f.box.height).toBeGreaterThan(0);
    expect(f.box.x + f.box.width).toBeLessThanOrEqual(image.width);
    expect(f.box.y + f.box.height).toBeLessThanOrEqual(image.height);
    expect(f.score).toBeGreaterThan(0.5 - 1e-9);
    expect(f.score).toBeLessThanOrEqual(1);
    if (i > 0) expect(f.score).toBeLessThanOrEqual(faces[i - 1]!.score);
  });
}

describe('SsdOnnxDetector vs face-api ssdMobilenetv1 (tfjs wasm)', () => {
  it.each(demoFaceCounts.map((count, k) => [k + 1, count]))('demo sample%i.jpg: %i faces, same as face-api', async (i, count) => {
    const image = await demo(i);
    const faces = await detector.detect(image);
    expect(faces).toHaveLength(count);
    expectContract(faces, image);
    expectSameFaces(faces, await faceApiReference(image, 0.5, 200));
  });

  it('a 2×2 mosaic of the demo photos (smaller faces)', async () => {
    const image = await mosaic([1, 2, 4, 5], 2, 960);
    const faces = await detector.detect(image);
    expect(faces.length).toBeGreaterThan(4);
    expectSameFaces(faces, await faceApiReference(image, 0.5, 200));
  });

  it('a 4×4 mosaic at minConfidence 0.3 and maxResults 100 (crowded NMS, ~60 faces)', async () => {
    const image = await mosaic([1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4], 4, 480);
    const loose = new SsdOnnxDetector({ minConfidence: 0.3, maxResults: 100 });
    try {
      const faces = await loose.detect(image);
      expect(faces.length).toBeGreaterThan(40);
      expectSameFaces(faces, await faceApiReference(image, 0.3, 100));
    } finally {
      await loose.dispose();
    }
  });

  it('a portrait crop (padding on the right) and a square 640 px tile (no padding)', async () => {
    const portrait = await rgb(sharp(join(demoDir, 'sample5.jpg')).extract({ left: 300, top: 0, width: 760, height: 1398 }));
    const tile = await rgb(sharp(join(demoDir, 'sample4.jpg')).extract({ left: 640, top: 320, width: 640, height: 640 }));
    for (const image of [portrait, tile]) {
      const faces = await detector.detect(image);
      expectContract(faces, image);
      expectSameFaces(faces, await faceApiReference(image, 0.5, 200));
    }
  });

  it('an image without faces gives [] and a repeated call gives the same result', async () => {
    const grey = await rgb(sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 90, g: 90, b: 90 } } }).png());
    expect(await detector.detect(grey)).toEqual([]);
    expect(await faceApiReference(grey, 0.5, 200)).toEqual([]);
    const image = await demo(2);
    expect(await detector.detect(image)).toEqual(await detector.detect(image));
  });
});

describe('SsdOnnxDetector options', () => {
  it('fills documented defaults and freezes them', () => {
    const d = new SsdOnnxDetector({ minConfidence: undefined, maxResults: 50 });
    expect(d.name).toBe('ssd-onnx');
    expect(d.options).toMatchObject({ minConfidence: 0.5, maxResults: 50, iouThreshold: 0.5, intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
    expect(Object.isFrozen(d.options)).toBe(true);
  });

  it.each([
    [{ minConfidence: 1 }, 'Expected a number in [0, 1) for minConfidence but received 1'],
    [{ maxResults: 0 }, 'Expected a positive integer for maxResults but received 0'],
    [{ iouThreshold: -0.1 }, 'Expected a number in [0, 1] for iouThreshold but received -0.1'],
    [{ intraOpNumThreads: 1.5 }, 'Expected a positive integer for intraOpNumThreads but received 1.5'],
    [{ graphOptimizationLevel: 'max' as never }, 'for graphOptimizationLevel but received "max"'],
  ])('rejects %j', (options, message) => {
    expect(() => new SsdOnnxDetector(options)).toThrow(message);
  });

  it('rejects an RgbImage whose buffer does not match its size', async () => {
    await expect(detector.detect({ data: new Uint8Array(10), width: 4, height: 4 })).rejects.toThrow('for image.data but received 10');
  });
});
