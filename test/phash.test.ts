// The perceptual hash (src/analysis/phash.ts): stable under resizing, recompression and light edits, different
// for different pictures, a mirror hash that matches flipped copies, and the grey thumbnail and DCT it rests on.
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { greyThumbnail, hammingDistance, lowFrequencies, perceptualHash } from '../src/analysis/phash.ts';
import type { RgbImage } from '../src/analysis/types.ts';

const fixture = (rel: string) => join(import.meta.dirname, '..', 'fixtures', rel);
const PASS = fixture('tree/雁江镇/四/banner-pass.jpg'); // 1800 × 1200

async function rgb(pipeline: Sharp): Promise<RgbImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}
const hashOf = async (pipeline: Sharp) => perceptualHash(await rgb(pipeline));

describe('perceptualHash', () => {
  let original: { phash: string; mirrored: string };
  beforeAll(async () => {
    original = await hashOf(sharp(PASS));
  });

  it('is 16 hex digits, the same every time', async () => {
    expect(original.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(original.mirrored).toMatch(/^[0-9a-f]{16}$/);
    expect(await hashOf(sharp(PASS))).toEqual(original);
  });

  it.each([
    ['resized to 640 px', (s: Sharp) => s.resize(640)],
    ['resized to 200 px', (s: Sharp) => s.resize(200)],
    ['recompressed at JPEG quality 30', async (s: Sharp) => sharp(await s.jpeg({ quality: 30 }).toBuffer())],
    ['20 % brighter', (s: Sharp) => s.modulate({ brightness: 1.2 })],
    ['cropped 2 % on every side', (s: Sharp) => s.extract({ left: 36, top: 24, width: 1728, height: 1152 })],
  ])('%s: at most 8 of 64 bits change', async (_, edit) => {
    const h = await hashOf(await edit(sharp(PASS)));
    expect(hammingDistance(h.phash, original.phash)).toBeLessThanOrEqual(8);
  });

  it('matches the full-size original and its EXIF-rotated copy', async () => {
    expect(hammingDistance((await hashOf(sharp(fixture('images/banner-pass.jpg')))).phash, original.phash)).toBeLessThanOrEqual(4);
    expect(hammingDistance((await hashOf(sharp(fixture('images/rotated-exif.jpg')).rotate())).phash, original.phash)).toBeLessThanOrEqual(4);
  });

  it('a mirrored copy has the original’s mirror hash', async () => {
    const flipped = await hashOf(sharp(PASS).flop());
    expect(hammingDistance(flipped.phash, original.mirrored)).toBeLessThanOrEqual(2);
    expect(hammingDistance(flipped.mirrored, original.phash)).toBeLessThanOrEqual(2);
    expect(hammingDistance(flipped.phash, original.phash)).toBeGreaterThan(16);
  });

  it.each(['images/group-18.jpg', 'images/group-44-small.jpg', 'images/banner-few-people.jpg'])(
    'a different picture (%s) differs in more than 16 bits',
    async (rel) => {
      const h = await hashOf(sharp(fixture(rel)).resize(1024));
      expect(hammingDistance(h.phash, original.phash)).toBeGreaterThan(16);
      expect(hammingDistance(h.phash, original.mirrored)).toBeGreaterThan(16);
    },
  );
});

describe('grey thumbnail and DCT', () => {
  const solid = (width: number, height: number, v: number): RgbImage => ({ data: new Uint8Array(width * height * 3).fill(v), width, height });

  it('area-averages any size, smaller than 32 px included, to 32 × 32', () => {
    for (const [w, h] of [[1000, 700], [33, 31], [7, 5]] as const) {
      const g = greyThumbnail(solid(w, h, 100));
      expect(g).toHaveLength(1024);
      for (const v of g) expect(v).toBeCloseTo(100, 6);
    }
  });

  it('weighs pixels by the area they cover (3.125 px per cell: no bleeding across a split in the middle)', () => {
    const img = solid(100, 10, 0);
    for (let y = 0; y < 10; y++) img.data.fill(255, (y * 100 + 50) * 3, (y * 100 + 100) * 3);
    const g = greyThumbnail(img);
    expect([g[0], g[15], g[16], g[31]]).toEqual([0, 0, 255, 255].map((v) => expect.closeTo(v, 9)));
    img.data.fill(255, 49 * 3, 50 * 3); // one more white pixel in row 0: 1 px of the 3.125 px of cell (0, 15)
    expect(greyThumbnail(img)[15]).toBeCloseTo(255 / 3.125, 6);
  });

  it('has no low-frequency energy for a flat image, and mirrors as (−1)^v', () => {
    expect(Math.max(...lowFrequencies(new Float64Array(1024).fill(80)).map(Math.abs))).toBeLessThan(1e-9);
    const g = new Float64Array(1024).map((_, i) => Math.sin(i * 0.37) * 50 + (i % 32) * 3);
    const m = new Float64Array(1024).map((_, i) => g[Math.floor(i / 32) * 32 + (31 - (i % 32))]!);
    const d = lowFrequencies(g);
    const dm = lowFrequencies(m);
    d.forEach((v, k) => expect(dm[k]).toBeCloseTo((k % 8) % 2 === 0 ? -v : v, 6)); // stored v = (k % 8) + 1
  });

  it('hammingDistance counts differing bits and refuses hashes it cannot compare', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('1de2e2fd4f2a9882', '1de2e2fd4f2a9882')).toBe(0);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(() => hammingDistance('abc', 'abcd')).toThrow(/same length/);
    expect(() => hammingDistance('xyz', 'abc')).toThrow(TypeError);
  });
});
