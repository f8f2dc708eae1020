// The SSD's typed-array pre/post-processing matches TensorFlow.js: TF-legacy bilinear resize, face-api's letterbox input, NMS.
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { letterboxInput, resizeBilinearLegacy, selectBoxes } from '../../src/analysis/faces/ssd-tensor-ops.ts';
import { packageDir } from '../../src/analysis/model-files.ts';

const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');

beforeAll(() => {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(prefix: string): void };
  wasm.setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + sep);
});

/** Deterministic pseudo-random bytes (LCG), so a failure reproduces. */
function randomImage(width: number, height: number, channels: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

/** HWC tensor values → CHW, the layout resizeBilinearLegacy writes. */
function toPlanar(hwc: Float32Array, width: number, height: number, channels: number): Float32Array {
  const out = new Float32Array(hwc.length);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < channels; c++) out[c * width * height + p] = hwc[p * channels + c]!;
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

// wasm (XNNPACK, what face-api runs here) computes source positions in float32 like resizeBilinearLegacy; the JS
// cpu kernel uses float64 positions, which moves values by up to ~5e-4 (of 0–255) when in/out is not a power of 2.
describe.each([
  ['wasm', 1e-4],
  ['cpu', 1e-3],
])('against TensorFlow.js (%s backend)', (backend, tolerance) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  const cases: [string, number, number, number, number, number, number][] = [
    // name, width, height, outWidth, outHeight, paddedWidth, paddedHeight
    ['downscale', 23, 17, 8, 6, 23, 17],
    ['upscale', 7, 5, 19, 13, 7, 5],
    ['non-integer ratio', 31, 29, 12, 11, 31, 29],
    ['padded to a square', 13, 9, 10, 10, 13, 13],
    ['padded, upscaled', 6, 11, 16, 16, 11, 11],
  ];
  it.each(cases)('resizeBilinear(alignCorners=false, halfPixelCenters=false): %s', (_, w, h, ow, oh, pw, ph) => {
    const src = randomImage(w, h, 3, w * 1000 + h);
    const expected = tf.tidy(() => {
      const img = tf.tensor3d(src, [h, w, 3], 'float32');
      const padded = tf.pad(img, [[0, ph - h], [0, pw - w], [0, 0]]);
      return tf.image.resizeBilinear(padded as import('@tensorflow/tfjs').Tensor3D, [oh, ow], false, false).dataSync() as Float32Array;
    });
    const actual = resizeBilinearLegacy(src, w, h, 3, ow, oh, pw, ph);
    expect(maxAbsDiff(actual, toPlanar(expected, ow, oh, 3))).toBeLessThan(tolerance);
  });

  it.each([
    [37, 23, 16],
    [20, 45, 64],
    [64, 64, 64],
  ])('letterboxInput(%i×%i → %i) equals face-api padToSquare + resizeBilinear', (w, h, size) => {
    const data = randomImage(w, h, 3, 7 + w * h);
    const side = Math.max(w, h);
    const expected = tf.tidy(() => {
      const img = tf.pad(tf.tensor3d(data, [h, w, 3], 'float32'), [[0, side - h], [0, side - w], [0, 0]]);
      const resized = side === size ? img : tf.image.resizeBilinear(img as import('@tensorflow/tfjs').Tensor3D, [size, size], false, false);
      return resized.dataSync() as Float32Array;
    });
    expect(maxAbsDiff(letterboxInput({ data, width: w, height: h }, size), toPlanar(expected, size, size, 3))).toBeLessThan(1e-4);
  });
});

describe('resizeBilinearLegacy into a reused buffer', () => {
  const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

  // SsdOnnxDetector letterboxes every tile into one buffer: a buffer left dirty by a previous call (here: NaN) must
  // give the very bits of a fresh one, padding rows (written as zeros) included.
  it.each([
    [640, 640],
    [300, 200],
    [200, 300],
    [37, 23],
  ])('%i×%i → 64×64, padded to a square: same bits as a fresh array', (w, h) => {
    const data = randomImage(w, h, 3, w * 31 + h);
    const dirty = new Float32Array(3 * 64 * 64).fill(Number.NaN);
    const fresh = letterboxInput({ data, width: w, height: h }, 64);
    expect(letterboxInput({ data, width: w, height: h }, 64, dirty)).toBe(dirty);
    expect(bits(dirty)).toEqual(bits(fresh));
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => resizeBilinearLegacy(new Uint8Array(12), 2, 2, 3, 4, 4, 2, 2, new Float32Array(10))).toThrow(
      'Expected a Float32Array of 48 values for out but received 10',
    );
  });
});

describe('selectBoxes', () => {
  // Anchors of unit size centred at 0.5; zero regressions decode to the anchor itself.
  const anchors = new Float32Array([0, 0, 1, 1, 0, 0, 1, 1, 0, 0.5, 1, 1.5, 2, 2, 3, 3]);
  const encodings = new Float32Array(16);
  const options = { minConfidence: 0.5, maxResults: 10, iouThreshold: 0.5 };

  it('keeps scores strictly above minConfidence, best first, suppressing IoU > threshold only', () => {
    // Box 1 duplicates box 0 (IoU 1); box 2 overlaps box 0 with IoU 1/3; box 3 scores exactly 0.5.
    const scores = new Float32Array([0.8, 0.9, 0.7, 0.5]);
    const { indices, boxes } = selectBoxes(scores, encodings, anchors, options);
    expect(indices).toEqual([1, 2]);
    expect(Array.from(boxes)).toEqual([0, 0, 1, 1, 0, 0.5, 1, 1.5]);
    expect(selectBoxes(scores, encodings, anchors, { ...options, iouThreshold: 0.3 }).indices).toEqual([1]);
  });

  it('stops at maxResults and decodes regressions with variances 10, 10, 5, 5', () => {
    const scores = new Float32Array([0.6, 0.1, 0.1, 0.9]);
    const enc = new Float32Array(16);
    enc.set([1, -2, 5 * Math.log(2), 0], 12); // centre + (0.1, −0.2), height × 2
    const { indices, boxes } = selectBoxes(scores, enc, anchors, { ...options, maxResults: 1 });
    expect(indices).toEqual([3]);
    [1.6, 1.8, 3.6, 2.8].forEach((v, i) => expect(boxes[i]).toBeCloseTo(v, 6));
  });
});
