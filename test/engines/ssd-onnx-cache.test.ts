// The SSD graph is built once into a cache file that every thread loads: same faces, rebuilt when damaged, in memory when unwritable.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ssdModel } from '../../src/analysis/faces/ssd-onnx-cache.ts';
import { buildSsdOnnxModel, SSD_GRAPH_VERSION } from '../../src/analysis/faces/ssd-onnx-graph.ts';
import { SsdOnnxDetector } from '../../src/analysis/faces/ssd-onnx.ts';
import { modelPath, packageDir } from '../../src/analysis/model-files.ts';
import type { RgbImage } from '../../src/analysis/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'photocheck-ssd-cache-'));
const manifest = modelPath('ssd-weights-manifest');
const weights = modelPath('ssd-weights');
const built = buildSsdOnnxModel();
/** Byte equality of ~22 MB (vitest's toEqual walks it element by element for minutes). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function demo(i: number): Promise<RgbImage> {
  const { data, info } = await sharp(join(packageDir('@vladmandic/face-api'), 'demo', `sample${i}.jpg`))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

describe('ssdModel (graph file cache)', () => {
  it('writes the graph once, then loads the same file with the same anchors', () => {
    const first = ssdModel(dir, manifest, weights);
    expect(typeof first.model).toBe('string');
    expect(sameBytes(readFileSync(first.model as string), built.bytes)).toBe(true);
    expect(first.anchors).toEqual(built.anchors);
    expect(readdirSync(dir).sort()).toEqual([`${(first.model as string).split('/').pop()}`, `${(first.model as string).split('/').pop()}.json`]);

    const second = ssdModel(dir, manifest, weights);
    expect(second.model).toBe(first.model);
    expect(second.anchors).toEqual(built.anchors);
  });

  it('rebuilds a damaged file (checksum mismatch) instead of loading it', () => {
    const { model } = ssdModel(dir, manifest, weights);
    writeFileSync(model as string, 'not a model');
    expect(ssdModel(dir, manifest, weights).model).toBe(model);
    expect(sameBytes(readFileSync(model as string), built.bytes)).toBe(true);
  });

  it('builds in memory, with a warning, when the directory cannot be written', async () => {
    // A directory below a regular file cannot be created, even by root.
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const result = ssdModel(join(file, 'models'), manifest, weights);
      expect(result.model).toBeInstanceOf(Uint8Array);
      expect(sameBytes(result.model as Uint8Array, built.bytes)).toBe(true);
      expect(result.anchors).toEqual(built.anchors);
    } finally {
      await new Promise((resolve) => setImmediate(resolve));
      process.off('warning', onWarning);
      rmSync(file);
    }
    expect(warnings.join('\n')).toMatch(/cannot write the SSD face model cache in .*a-file\/models/);
  });

  it('a detector on the cached file finds exactly the faces of one building the graph in memory', async () => {
    const cached = new SsdOnnxDetector({ modelCacheDir: dir });
    const inMemory = new SsdOnnxDetector({ modelCacheDir: false });
    try {
      for (const i of [1, 4]) {
        const image = await demo(i);
        const faces = await cached.detect(image);
        expect(faces.length).toBeGreaterThan(0);
        expect(faces).toEqual(await inMemory.detect(image));
      }
    } finally {
      await cached.dispose();
      await inMemory.dispose();
    }
  });

  it('rejects an empty cache directory name', () => {
    expect(() => new SsdOnnxDetector({ modelCacheDir: '' })).toThrow('Expected a directory or false for modelCacheDir but received ""');
  });
});

describe('the graphs we build are recorded in models/manifest.json', () => {
  it('builds, byte for byte, the float32 and int8 graphs whose size and sha256 the manifest lists', () => {
    const recorded = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'models', 'manifest.json'), 'utf8')).built.files as Record<
      string,
      { precision: 'float32' | 'int8'; graphVersion: number; bytes: number; sha256: string }
    >;
    for (const entry of Object.values(recorded)) {
      const bytes = entry.precision === 'float32' ? built.bytes : buildSsdOnnxModel({}, entry.precision).bytes;
      expect({ precision: entry.precision, graphVersion: SSD_GRAPH_VERSION, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({
        precision: entry.precision,
        graphVersion: entry.graphVersion,
        bytes: entry.bytes,
        sha256: entry.sha256,
      });
    }
    expect(Object.values(recorded).map((e) => e.precision).sort()).toEqual(['float32', 'int8']);
  });
});
