// Test images for the face engines: face-api's demo photos, face-free images, and mosaics of the demo photos.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../../src/analysis/types.ts';

const faceApiDir = dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));

/** face-api's demo photos (1920 px wide, faces 145–220 px) and how many faces each shows. */
export const SAMPLES = [
  { file: join(faceApiDir, 'demo', 'sample1.jpg'), faces: 3 },
  { file: join(faceApiDir, 'demo', 'sample2.jpg'), faces: 3 },
  { file: join(faceApiDir, 'demo', 'sample3.jpg'), faces: 3 },
  { file: join(faceApiDir, 'demo', 'sample4.jpg'), faces: 4 },
  { file: join(faceApiDir, 'demo', 'sample5.jpg'), faces: 5 },
  { file: join(faceApiDir, 'demo', 'sample6.jpg'), faces: 4 },
] as const;

/** Decodes as the pipeline does: EXIF-rotated, alpha removed, interleaved RGB. */
export async function decodeRgb(input: string | Buffer | Sharp): Promise<RgbImage> {
  const pipeline = typeof input === 'string' || Buffer.isBuffer(input) ? sharp(input) : input;
  const { data, info } = await pipeline.rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

const cache = new Map<string, Promise<RgbImage>>();
function cached(key: string, make: () => Promise<RgbImage>): Promise<RgbImage> {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key)!;
}

export function sampleImage(index: number): Promise<RgbImage> {
  return cached(`sample${index}`, () => decodeRgb(SAMPLES[index]!.file));
}

/**
 * Face-free images (checked by eye): the empty staircase at the left of sample5 (400×760, portrait),
 * and a seeded synthetic 1280×960 image of colour gradients, soft blobs and noise.
 */
export function faceFreeImages(): Promise<{ label: string; image: RgbImage }[]> {
  return Promise.all([
    cached('staircase', () => decodeRgb(sharp(SAMPLES[4].file).extract({ left: 0, top: 0, width: 400, height: 760 }))).then((image) => ({
      label: 'staircase crop of sample5',
      image,
    })),
    cached('synthetic', async () => syntheticNoFace(1280, 960, 7)).then((image) => ({ label: 'synthetic gradient + noise', image })),
  ]);
}

function syntheticNoFace(width: number, height: number, seed: number): RgbImage {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const blobs = Array.from({ length: 12 }, () => ({ x: rand() * width, y: rand() * height, r: 40 + rand() * 200, c: [rand(), rand(), rand()] }));
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = [(x / width) * 200 + 30, (y / height) * 180 + 40, 128 + 60 * Math.sin(x / 90 + y / 130)];
      for (const b of blobs) {
        const w = Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
        for (let c = 0; c < 3; c++) base[c] = base[c]! * (1 - w) + b.c[c]! * 255 * w;
      }
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(base[c]! + (rand() - 0.5) * 40)));
    }
  }
  return { data, width, height };
}

export interface Mosaic {
  image: RgbImage;
  cols: number;
  rows: number;
  cellWidth: number;
  cellHeight: number;
  /** Faces per cell, row-major (sample k % 6 in cell k). */
  cellFaces: number[];
  totalFaces: number;
}

/**
 * A `width`-px-wide grid of the demo photos, cols × rows cells, sample (k % 6) in cell k, each photo
 * resized to the cell width and placed at the cell's top left on grey. With cols 4, faces are 36–55 px.
 */
export function mosaic(cols: number, rows: number, width = 1920): Promise<Mosaic> {
  const cellWidth = Math.floor(width / cols);
  const cellFaces = Array.from({ length: cols * rows }, (_, k) => SAMPLES[k % 6]!.faces);
  const image = cached(`mosaic${cols}x${rows}@${width}`, async () => {
    const cells = await Promise.all(
      cellFaces.map((_, k) => sharp(SAMPLES[k % 6]!.file).resize({ width: cellWidth }).png().toBuffer({ resolveWithObject: true })),
    );
    const cellHeight = Math.max(...cells.map((c) => c.info.height));
    const composite = cells.map((c, k) => ({ input: c.data, left: (k % cols) * cellWidth, top: Math.floor(k / cols) * cellHeight }));
    const canvas = sharp({ create: { width, height: cellHeight * rows, channels: 3, background: { r: 128, g: 128, b: 128 } } });
    return decodeRgb(sharp(await canvas.composite(composite).png().toBuffer()));
  });
  return image.then((img) => ({
    image: img,
    cols,
    rows,
    cellWidth,
    cellHeight: img.height / rows,
    cellFaces,
    totalFaces: cellFaces.reduce((a, b) => a + b, 0),
  }));
}
