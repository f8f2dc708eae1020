// Tests the sharpness and exposure measures on real photos and on blurred, motion-blurred and noisy copies of them.
//
// Photos: face-api's six demo photos (real 1920 px JPEGs, in focus but portraits with soft backgrounds),
// degraded at full size, saved as JPEG q90, decoded with decodePhoto and scored at 1024 px.
// Measured (score / directionalRatio):
//
//          sharp       σ1          σ2          σ4         σ4+noise8   motion 21 px
//   s1    66.6/0.91   46.5/0.91   17.8/0.93    4.4/0.96   15.4/0.94   10.2/0.16
//   s2   110.2/0.77   73.8/0.77   27.1/0.77    6.6/0.74   21.3/0.85   15.0/0.15
//   s3   109.8/0.63   77.3/0.62   30.8/0.65    7.7/0.79   23.3/0.87   19.1/0.13
//   s4   109.6/0.39   79.8/0.39   35.0/0.47    9.0/0.70   26.5/0.86   12.7/0.27
//   s5    69.4/0.41   49.5/0.40   19.9/0.43    5.4/0.59   19.4/0.79    8.6/0.28
//   s6   573.9/0.37  372.0/0.36  109.9/0.37   18.1/0.39   36.2/0.60   48.2/0.14
//
// Score ratios to the sharp original: σ1 0.65–0.73, σ2 0.19–0.32, σ4 ≤ 0.08, noisy σ4 ≤ 0.28. Without the
// 3×3 median the noisy copies score 104–126, as sharp as the originals: the noise assertions catch that.
// Defocus (σ) leaves the ratio where it was; motion blur takes it to 0.13–0.28 (0.68–0.71 of the
// original's for s4 and s5, whose own structure is already strongly directional; 0.18–0.38 for the rest).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto } from '../src/analysis/decode.ts';
import { lumaOf, measureExposure, measureSharpness, median3 } from '../src/analysis/sharpness.ts';
import type { RgbImage, SharpnessMeasure } from '../src/analysis/types.ts';

const demoDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const samples = [1, 2, 3, 4, 5, 6].map((i) => ({ name: `sample${i}`, bytes: readFileSync(join(demoDir, `sample${i}.jpg`)) }));

const variants = ['sharp', 'σ1', 'σ2', 'σ4', 'noisy', 'motion'] as const;
type Variant = (typeof variants)[number];

/** A horizontal line kernel (sharp needs at least 3 rows: the outer ones are 0). */
function horizontalLine(length: number) {
  const zeros = new Array<number>(length).fill(0);
  return { width: length, height: 3, scale: length, kernel: [...zeros, ...new Array<number>(length).fill(1), ...zeros] };
}

/** σ 4 blur plus Gaussian noise (sd 8 per channel, fixed seed). */
async function blurredNoisy(bytes: Buffer): Promise<Buffer> {
  const { data, info } = await sharp(bytes).blur(4).raw().toBuffer({ resolveWithObject: true });
  let seed = 1;
  const uniform = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) + 1) / 2 ** 32;
  for (let i = 0; i < data.length; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    data[i] = Math.max(0, Math.min(255, Math.round(data[i]! + 8 * gaussian)));
  }
  return sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

async function makeVariant(bytes: Buffer, variant: Variant): Promise<Buffer> {
  const q90 = (s: Sharp) => s.jpeg({ quality: 90 }).toBuffer();
  switch (variant) {
    case 'sharp':
      return bytes;
    case 'σ1':
      return q90(sharp(bytes).blur(1));
    case 'σ2':
      return q90(sharp(bytes).blur(2));
    case 'σ4':
      return q90(sharp(bytes).blur(4));
    case 'noisy':
      return blurredNoisy(bytes);
    case 'motion':
      return q90(sharp(bytes).convolve(horizontalLine(21)));
  }
}

const measures = new Map<string, Record<Variant, SharpnessMeasure>>();

beforeAll(async () => {
  for (const { name, bytes } of samples) {
    const row = {} as Record<Variant, SharpnessMeasure>;
    for (const variant of variants) {
      const photo = await decodePhoto(await makeVariant(bytes, variant));
      row[variant] = measureSharpness((await photo.rgb(1024)).image);
    }
    measures.set(name, row);
  }
}, 120_000);

const each = (): [string, Record<Variant, SharpnessMeasure>][] => [...measures.entries()];

describe('measureSharpness on real photos and degraded copies', () => {
  it('scores at the size it is given', () => {
    for (const [, m] of each()) for (const v of variants) expect(m[v].scoredLongSide).toBe(1024);
  });

  it('orders sharp > σ1 > σ2 > σ4 with clear separations', () => {
    for (const [name, m] of each()) {
      const s = m.sharp.score;
      expect(m['σ1'].score, name).toBeLessThan(0.85 * s);
      expect(m['σ2'].score, name).toBeLessThan(m['σ1'].score);
      expect(m['σ2'].score, name).toBeLessThan(0.45 * s);
      expect(m['σ4'].score, name).toBeLessThan(0.4 * m['σ2'].score);
      expect(m['σ4'].score, name).toBeLessThan(0.15 * s);
      expect(m['σ4'].score, name).toBeLessThan(25);
    }
  });

  it('is not fooled by noise on a blurred photo (the 3×3 median)', () => {
    for (const [name, m] of each()) {
      expect(m.noisy.score, name).toBeLessThan(0.5 * m.sharp.score);
      expect(m.noisy.score, name).toBeLessThan(50);
    }
  });

  it('leaves the directional ratio alone for defocus blur', () => {
    for (const [name, m] of each()) {
      for (const v of ['σ1', 'σ2', 'σ4'] as const) expect(m[v].directionalRatio, `${name} ${v}`).toBeGreaterThan(0.9 * m.sharp.directionalRatio);
    }
  });

  it('gives one-directional motion blur a low directional ratio', () => {
    const motion = each().map(([, m]) => m.motion.directionalRatio);
    const sharpest = each().map(([, m]) => m.sharp.directionalRatio);
    for (const [name, m] of each()) {
      expect(m.motion.directionalRatio, name).toBeLessThan(0.32);
      expect(m.motion.directionalRatio, name).toBeLessThan(0.75 * m.sharp.directionalRatio);
      expect(m.motion.score, name).toBeLessThan(m.sharp.score);
    }
    expect(Math.max(...motion)).toBeLessThan(Math.min(...sharpest));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(motion)).toBeLessThan(0.4 * mean(sharpest));
  });

  it('scores a small photo at its own size, without enlarging it', async () => {
    const photo = await decodePhoto(await sharp(samples[1]!.bytes).resize(500).jpeg({ quality: 90 }).toBuffer());
    const { image } = await photo.rgb(1024);
    expect(measureSharpness(image).scoredLongSide).toBe(500);
  });
});

describe('measureSharpness edge cases', () => {
  const flat = (width: number, height: number, value: number): RgbImage => ({
    data: new Uint8Array(width * height * 3).fill(value),
    width,
    height,
  });

  it('gives 0 and a neutral ratio for a flat image', () => {
    expect(measureSharpness(flat(64, 48, 128))).toEqual({ score: 0, directionalRatio: 1, scoredLongSide: 64 });
  });

  it('gives 0 for an image too small to measure', () => {
    expect(measureSharpness(flat(2, 5, 10))).toEqual({ score: 0, directionalRatio: 1, scoredLongSide: 5 });
  });

  it('sees stripes as perfectly directional', () => {
    // Vertical stripes 3 px wide (wider than the median): strong across, nothing along.
    const w = 60;
    const h = 40;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.fill(Math.floor(x / 3) % 2 ? 200 : 50, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const m = measureSharpness({ data, width: w, height: h });
    expect(m.score).toBeGreaterThan(1000);
    expect(m.directionalRatio).toBeLessThan(0.01);
  });

  it('rejects a buffer too short for its size', () => {
    expect(() => measureSharpness({ data: new Uint8Array(10), width: 10, height: 10 })).toThrow(/Expected 300 bytes/);
  });
});

describe('median3', () => {
  it('equals a sorted 3×3 window with edges replicated', () => {
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (const [w, h] of [[1, 1], [1, 5], [4, 1], [2, 2], [7, 5], [16, 9]] as const) {
      const grey = new Uint8Array(w * h).map(next);
      const out = median3(grey, w, h);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const window: number[] = [];
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              window.push(grey[Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))]!);
            }
          }
          expect(out[y * w + x], `${w}×${h} at ${x},${y}`).toBe(window.sort((a, b) => a - b)[4]);
        }
      }
    }
  });
});

describe('measureExposure', () => {
  const solid = (r: number, g: number, b: number): RgbImage => {
    const data = new Uint8Array(10 * 10 * 3);
    for (let i = 0; i < data.length; i += 3) data.set([r, g, b], i);
    return { data, width: 10, height: 10 };
  };

  it('measures black, white and mid grey', () => {
    expect(measureExposure(solid(0, 0, 0))).toEqual({ meanLuma: 0, darkFraction: 1, brightFraction: 0 });
    expect(measureExposure(solid(255, 255, 255))).toEqual({ meanLuma: 255, darkFraction: 0, brightFraction: 1 });
    expect(measureExposure(solid(128, 128, 128))).toEqual({ meanLuma: 128, darkFraction: 0, brightFraction: 0 });
  });

  it('weights green most, as luma does', () => {
    expect(lumaOf(solid(0, 255, 0)).every((v) => v === 149)).toBe(true);
    expect(lumaOf(solid(0, 0, 255)).every((v) => v === 29)).toBe(true);
  });

  it('sees a darkened photo as darker, with more near-black pixels', async () => {
    const bytes = samples[0]!.bytes;
    const normal = measureExposure((await (await decodePhoto(bytes)).rgb(512)).image);
    const dark = measureExposure((await (await decodePhoto(await sharp(bytes).linear(0.15, 0).jpeg().toBuffer())).rgb(512)).image);
    expect(dark.meanLuma).toBeLessThan(0.25 * normal.meanLuma);
    expect(dark.darkFraction).toBeGreaterThan(normal.darkFraction + 0.2);
  });
});
