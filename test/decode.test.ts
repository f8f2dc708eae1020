// Tests decodePhoto: refusal of non-images, EXIF orientation and capture time, and the shared, memoised sizes.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePhoto, parseExifTime, type DecodedPhoto } from '../src/analysis/decode.ts';
import { PhotocheckError } from '../src/errors/catalogue.ts';
import type { RgbImage } from '../src/analysis/types.ts';

const demoDir = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
/** A real 1920×1280 JPEG with EXIF DateTimeOriginal 2017:10:31 20:16:18. */
const sample1 = readFileSync(join(demoDir, 'sample1.jpg'));

async function refusal(bytes: Buffer, options?: Parameters<typeof decodePhoto>[1]): Promise<PhotocheckError> {
  try {
    await decodePhoto(bytes, options);
  } catch (err) {
    expect(err).toBeInstanceOf(PhotocheckError);
    return err as PhotocheckError;
  }
  throw new Error('decodePhoto accepted the input');
}

/** Mean absolute difference per channel value of two images of the same size. */
function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
}

/** A valid PNG whose header claims width × height (the pixel data is for a 1×1 image). */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toBuffer());
  // Signature (8) + IHDR length (4) + "IHDR" (4) + data (13) + CRC (4).
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('decodePhoto on a real JPEG', () => {
  let photo: DecodedPhoto;
  beforeAll(async () => {
    photo = await decodePhoto(sample1);
  }, 30_000);

  it('reports hash, size, format, dimensions and capture time', () => {
    expect(photo.sha256).toBe(createHash('sha256').update(sample1).digest('hex'));
    expect(photo.bytes).toBe(sample1.length);
    expect(photo.format).toBe('jpeg');
    expect([photo.width, photo.height]).toEqual([1920, 1280]);
    expect(photo.capturedAt).toBe('2017-10-31T20:16:18');
  });

  it('gives each size with its scale, never enlarging unless asked', async () => {
    const full = await photo.rgb(1920);
    expect([full.image.width, full.image.height, full.scale]).toEqual([1920, 1280, 1]);
    expect(full.image.data.length).toBe(1920 * 1280 * 3);

    const small = await photo.rgb(1024);
    expect([small.image.width, small.image.height]).toEqual([1024, 683]);
    expect(small.scale).toBeCloseTo(1024 / 1920, 12);
    expect(small.image.data.length).toBe(1024 * 683 * 3);

    const tall = await photo.rgb(4000);
    expect([tall.image.width, tall.image.height, tall.scale]).toEqual([1920, 1280, 1]);

    const big = await photo.rgb(3840, { upscale: true });
    expect([big.image.width, big.image.height, big.scale]).toEqual([3840, 2560, 2]);
  });

  it('memoises per size and derives smaller sizes from the same pixels as a direct decode', async () => {
    const a = await photo.rgb(1024);
    // Identity checked as booleans: a failing toBe on images would deep-compare megabytes of pixels.
    expect((await photo.rgb(1024)) === a).toBe(true);
    expect((await photo.rgb(1920)) === (await photo.rgb(4000))).toBe(true); // both are the original size
    const { data, info } = await sharp(sample1).resize(1024, 683, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
    // Resized from the 1920 px decode vs straight from the file: measured 0 for this photo (no shrink-on-load at 1920→1024).
    expect(meanAbsDiff(a.image, { data, width: info.width, height: info.height })).toBeLessThan(2);
  });

  it('rejects a long side that is not a positive integer', async () => {
    await expect(photo.rgb(0)).rejects.toThrow(/Expected a positive integer for longSide but received 0/);
    await expect(photo.rgb(10.5)).rejects.toThrow(TypeError);
  });
});

describe('decodePhoto on a photo larger than the working size', () => {
  it('derives smaller sizes and goes back to the file only for larger ones', async () => {
    const large = await sharp(sample1).resize(3000, 2000, { fit: 'fill' }).jpeg({ quality: 90 }).toBuffer();
    const photo = await decodePhoto(large);
    expect([photo.width, photo.height]).toEqual([3000, 2000]);
    const working = await photo.rgb(1920);
    expect([working.image.width, working.image.height, working.scale]).toEqual([1920, 1280, 0.64]);
    const ocr = await photo.rgb(1440);
    expect([ocr.image.width, ocr.image.height, ocr.scale]).toEqual([1440, 960, 0.48]);
    const larger = await photo.rgb(2560);
    expect([larger.image.width, larger.image.height]).toEqual([2560, 1707]);
    expect(larger.scale).toBeCloseTo(2560 / 3000, 12);
    const again = await photo.rgb(2560);
    expect(again === larger).toBe(false); // sizes above the working size are not kept in memory
    expect(Buffer.compare(Buffer.from(again.image.data), Buffer.from(larger.image.data))).toBe(0);
    expect((await photo.rgb(1440)) === ocr).toBe(true);
    const full = await photo.rgb(3000);
    expect([full.image.width, full.image.height, full.scale]).toEqual([3000, 2000, 1]);
    // A box found at 1920 px maps back to original pixels by dividing by the scale.
    expect(960 / working.scale).toBe(1500);
  }, 30_000);
});

describe('regions of a photo', () => {
  /** Box `box` of `image`, copied. */
  const crop = (image: RgbImage, box: { x: number; y: number; width: number; height: number }): Buffer => {
    const rows = Array.from({ length: box.height }, (_, j) => {
      const start = ((box.y + j) * image.width + box.x) * 3;
      return image.data.subarray(start, start + box.width * 3);
    });
    return Buffer.concat(rows);
  };

  it('gives the same pixels as cropping the whole image, at the original size, above and below the working size', async () => {
    // Stored turned (EXIF orientation 6), so regions are taken after orientation. At 2560 px a region resized alone
    // differs from that region of the whole image resized (libvips; 4 of 4 boxes at 8000 → 4096 px): it must not be.
    const stored = await sharp(sample1).resize(3000, 2000, { fit: 'fill' }).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 90 }).toBuffer();
    const photo = await decodePhoto(stored);
    const boxes = [
      { x: 0, y: 0, width: 1, height: 1 },
      { x: 634, y: 567, width: 701, height: 49 },
      { x: 37, y: 600, width: 1300, height: 300 },
    ];
    for (const longSide of [3000, 2560, 1440]) {
      const source = photo.regions(longSide);
      const whole = (await photo.rgb(longSide)).image;
      expect([source.width, source.height]).toEqual([whole.width, whole.height]);
      for (const box of [...boxes, { x: whole.width - 80, y: whole.height - 30, width: 80, height: 30 }]) {
        const region = await source.region(box);
        expect([region.width, region.height]).toEqual([box.width, box.height]);
        expect(Buffer.compare(Buffer.from(region.data), crop(whole, box)), `${longSide} px ${JSON.stringify(box)}`).toBe(0);
      }
    }
  }, 60_000);

  it('refuses a box that is not inside the image', async () => {
    const photo = await decodePhoto(sample1);
    const source = photo.regions(1920);
    await expect(source.region({ x: 1900, y: 0, width: 21, height: 10 })).rejects.toThrow(/Expected a box of integers inside 1920×1280 for region/);
    await expect(source.region({ x: 0.5, y: 0, width: 10, height: 10 })).rejects.toThrow(TypeError);
    expect(() => photo.regions(0)).toThrow(/Expected a positive integer for longSide but received 0/);
  });
});

describe('EXIF orientation', () => {
  it('returns upright dimensions and pixels for orientation 6', async () => {
    // Orientation 6: the stored pixels must be turned 90° clockwise for display, so store them turned 90° anticlockwise.
    const stored = await sharp(sample1).rotate(270).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([1280, 1920, 6]);

    const photo = await decodePhoto(stored);
    expect([photo.width, photo.height]).toEqual([1920, 1280]);
    const upright = (await photo.rgb(480)).image;
    const reference = (await (await decodePhoto(sample1)).rgb(480)).image;
    expect([upright.width, upright.height]).toEqual([480, 320]);
    // Measured 0.2 against the original; against the original turned upside down, 44.
    expect(meanAbsDiff(upright, reference)).toBeLessThan(3);
    const { data } = await sharp(reference.data, { raw: { width: 480, height: 320, channels: 3 } }).rotate(180).raw().toBuffer({ resolveWithObject: true });
    expect(meanAbsDiff(upright, { data, width: 480, height: 320 })).toBeGreaterThan(20);
  }, 30_000);
});

describe('EXIF capture time', () => {
  const small = () => sharp(sample1).resize(160);

  it('reads DateTimeOriginal from JPEG, PNG, WebP and AVIF', async () => {
    const exif = { IFD2: { DateTimeOriginal: '2023:05:01 14:30:15' } };
    for (const fmt of ['jpeg', 'png', 'webp', 'avif'] as const) {
      const photo = await decodePhoto(await small().withExif(exif)[fmt]().toBuffer());
      expect(photo.capturedAt, fmt).toBe('2023-05-01T14:30:15');
    }
  }, 30_000);

  it('falls back to CreateDate (DateTimeDigitized) when DateTimeOriginal is missing', async () => {
    const photo = await decodePhoto(await small().withExif({ IFD2: { DateTimeDigitized: '2023:06:02 08:09:10' } }).jpeg().toBuffer());
    expect(photo.capturedAt).toBe('2023-06-02T08:09:10');
  });

  it('gives null for no EXIF and for malformed dates, without throwing', async () => {
    expect((await decodePhoto(await small().jpeg().toBuffer())).capturedAt).toBeNull();
    for (const value of ['0000:00:00 00:00:00', 'yesterday', '2023:02:30 10:00:00', '    ']) {
      const photo = await decodePhoto(await small().withExif({ IFD2: { DateTimeOriginal: value } }).jpeg().toBuffer());
      expect(photo.capturedAt, value).toBeNull();
    }
  });

  it.each([
    ['2023:05:01 14:30:15', '2023-05-01T14:30:15'],
    ['2023-05-01T14:30:15+08:00', '2023-05-01T14:30:15'],
    ['2024:02:29 23:59:59', '2024-02-29T23:59:59'],
    ['2023:02:29 12:00:00', null],
    ['2023:13:01 12:00:00', null],
    ['2023:05:01 24:00:00', null],
    ['0000:00:00 00:00:00', null],
    ['', null],
    [undefined, null],
    [1682951415, null],
  ])('parseExifTime(%j) is %j', (value, expected) => {
    expect(parseExifTime(value)).toBe(expected);
  });
});

describe('colour handling', () => {
  it('gives 3-channel 8-bit RGB for grey, RGBA, 16-bit and CMYK inputs', async () => {
    const base = sharp(sample1).resize(200);
    const inputs: Record<string, Buffer> = {
      grey: await base.clone().greyscale().jpeg().toBuffer(),
      rgba: await base.clone().ensureAlpha(0.5).png().toBuffer(),
      png16: await base.clone().toColourspace('rgb16').png().toBuffer(),
      cmyk: await base.clone().withIccProfile('cmyk').jpeg().toBuffer(),
    };
    const reference = (await (await decodePhoto(await base.clone().png().toBuffer())).rgb(200)).image;
    for (const [name, bytes] of Object.entries(inputs)) {
      const { image } = await (await decodePhoto(bytes)).rgb(200);
      expect([image.width, image.height, image.data.length], name).toEqual([200, 133, 200 * 133 * 3]);
      // Measured 0.0 (16-bit) and 7.9 (CMYK: the round trip through the CMYK gamut shifts colours a little).
      if (name === 'png16') expect(meanAbsDiff(image, reference), name).toBeLessThan(2);
      if (name === 'cmyk') expect(meanAbsDiff(image, reference), name).toBeLessThan(12);
    }
    // Half-transparent pixels are flattened on white: brighter than the opaque original.
    const flattened = (await (await decodePhoto(inputs.rgba!)).rgb(200)).image;
    const mean = (img: RgbImage) => img.data.reduce((s, v) => s + v, 0) / img.data.length;
    expect(mean(flattened)).toBeGreaterThan(mean(reference) + 20);
  }, 30_000);
});

describe('refusals (PC_ERR_NOT_IMAGE)', () => {
  it('refuses an empty file', async () => {
    const err = await refusal(Buffer.alloc(0));
    expect(err.code).toBe('PC_ERR_NOT_IMAGE');
    expect(err.data.reason).toEqual({ zh: '文件为空', en: 'the file is empty' });
    expect(err.status).toBe(422);
  });

  it('refuses a text file', async () => {
    const err = await refusal(Buffer.from('活动照片清单\nphoto list: a.jpg, b.jpg\n'));
    expect(err.code).toBe('PC_ERR_NOT_IMAGE');
    expect(err.data.reason).toEqual({ zh: '不是图片文件', en: 'not an image file' });
    expect(err.messageIn('zh')).toContain('无法读取图片：不是图片文件');
    expect(err.message).toContain('not an image file');
  });

  it('refuses a truncated JPEG (its header is readable, the pixels are not)', async () => {
    const half = sample1.subarray(0, Math.floor(sample1.length / 2));
    expect((await sharp(half).metadata()).width).toBe(1920); // sharp reads the header fine
    const err = await refusal(half);
    expect(err.code).toBe('PC_ERR_NOT_IMAGE');
    expect(err.data.reason).toEqual({ zh: '图片文件已损坏或不完整', en: 'the image file is damaged or incomplete' });
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('refuses a JPEG cut inside its header', async () => {
    const err = await refusal(sample1.subarray(0, 200));
    expect(err.data.reason).toEqual({ zh: '图片文件已损坏或不完整', en: 'the image file is damaged or incomplete' });
  });

  it('refuses an image format that is not a photo format', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    const err = await refusal(svg);
    expect(err.data.reason).toEqual({ zh: '不支持的格式 SVG', en: 'unsupported format SVG' });
    const gif = await sharp(sample1).resize(50).gif().toBuffer();
    expect((await refusal(gif)).data.reason).toEqual({ zh: '不支持的格式 GIF', en: 'unsupported format GIF' });
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const bomb = await pngClaiming(60_000, 60_000);
    expect(bomb.length).toBeLessThan(100);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([meta.width, meta.height]).toEqual([60_000, 60_000]);
    const err = await refusal(bomb);
    expect(err.data.reason).toEqual({
      zh: '图片过大（60000×60000 像素，上限 200 百万像素）',
      en: 'the image is too large (60000×60000 px, limit 200 MP)',
    });
  });

  it('applies a lower maxPixels when given', async () => {
    const err = await refusal(sample1, { maxPixels: 1_000_000 });
    expect(err.messageIn('en')).toMatch(/1920×1280/);
  });
});
