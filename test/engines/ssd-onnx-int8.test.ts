// The int8 SSD graph (precision 'int8', engine ssd-onnx-int8-tiled): fused into QLinearConv by onnxruntime, cached
// apart from the float graph, and counting the fixtures' faces like the float engine (ssd-onnx-tiled).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../../src/analysis/decode.ts';
import { createFaceDetector } from '../../src/analysis/faces/index.ts';
import { ssdModel } from '../../src/analysis/faces/ssd-onnx-cache.ts';
import { buildSsdOnnxModel } from '../../src/analysis/faces/ssd-onnx-graph.ts';
import { SsdOnnxDetector } from '../../src/analysis/faces/ssd-onnx.ts';
import { modelPath } from '../../src/analysis/model-files.ts';
import { InferenceSession } from '../../src/analysis/ort.ts';
import type { FaceDetector } from '../../src/analysis/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'photocheck-ssd-int8-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every fixture photo with its face count from the float engine, at the pipeline's 1920 px working size. */
const FIXTURES = readdirSync(join(import.meta.dirname, '..', '..', 'fixtures', 'images')).filter(
  (f) => f.endsWith('.jpg') && f !== 'not-an-image.jpg',
);
/** The ≥ 20 participants decision turns on these: their counts must be exactly the float engine's. */
const EXACT = new Set(['group-18.jpg', 'group-22.jpg', 'banner-pass.jpg', 'banner-few-people.jpg']);

describe('SSD int8 graph', () => {
  it('is fused by onnxruntime into QLinearConv for all 35 MobileNet and extra-layer convs', async () => {
    const { bytes } = buildSsdOnnxModel({}, 'int8');
    const optimized = join(dir, 'int8.optimized.onnx');
    const session = await InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 1,
      optimizedModelFilePath: optimized,
    });
    await session.release();
    // Op types are protobuf strings: count the QLinearConv nodes and check no float Conv reads a quantised input.
    const text = readFileSync(optimized).toString('latin1');
    expect(text.match(/QLinearConv/g)?.length).toBe(35);
    expect(text.match(/(?<!De)QuantizeLinear/g)?.length).toBe(1); // the network input; every other Q is fused away
  });

  it('is cached in its own file next to the float graph', () => {
    const manifest = modelPath('ssd-weights-manifest');
    const weights = modelPath('ssd-weights');
    const float = ssdModel(dir, manifest, weights);
    const int8 = ssdModel(dir, manifest, weights, 'int8');
    expect(typeof int8.model).toBe('string');
    expect(int8.model).not.toBe(float.model);
    expect(int8.model as string).toMatch(/ssd-mobilenetv1-int8-[0-9a-f]{16}\.onnx$/);
    expect(int8.anchors).toEqual(float.anchors);
    expect(ssdModel(dir, manifest, weights, 'int8').model).toBe(int8.model);
  });

  it('names the detector and rejects an unknown precision', () => {
    expect(new SsdOnnxDetector({ precision: 'int8' }).name).toBe('ssd-onnx-int8');
    expect(createFaceDetector('ssd-onnx-int8-tiled').name).toBe('tiled(ssd-onnx-int8)');
    expect(() => new SsdOnnxDetector({ precision: 'int4' as never })).toThrow(/precision/);
  });
});

describe('ssd-onnx-int8-tiled vs ssd-onnx-tiled on the fixtures', () => {
  let float: FaceDetector;
  let int8: FaceDetector;
  beforeAll(() => {
    float = createFaceDetector('ssd-onnx-tiled', { onnx: { modelCacheDir: dir } });
    int8 = createFaceDetector('ssd-onnx-int8-tiled', { onnx: { modelCacheDir: dir } });
  });
  afterAll(async () => {
    await float?.dispose?.();
    await int8?.dispose?.();
  });

  // Measured: equal on 11 of the 13 fixtures; group-44-small 39 → 40, motion-blurred 17 → 18 (one face each).
  it.each(FIXTURES)('%s: the same count (within one face; exactly on the ≥ 20 decision fixtures)', async (file) => {
    const photo = await decodePhoto(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'images', file)));
    const { image } = await photo.rgb(1920, { upscale: true });
    const [f, q] = [(await float.detect(image)).length, (await int8.detect(image)).length];
    if (EXACT.has(file)) expect(q).toBe(f);
    else expect(Math.abs(q - f)).toBeLessThanOrEqual(1);
  });
});
