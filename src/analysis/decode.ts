// Decodes a submitted photo once (EXIF-oriented, bounded size) and derives the sizes each analysis stage needs.
//
// One decode of the file, at `workingLongSide` (1920 px: face tiles need it), is kept as an oriented RGB
// buffer. Every smaller size (OCR ~1440, sharpness ≤ 1024) is resized from that buffer, not from the file:
// on a 12 MP JPEG that costs ~15–20 ms per size where re-decoding costs 55–100 ms even with JPEG
// shrink-on-load. Only a size larger than the working buffer goes back to the file. The full-resolution
// pixels are never held in memory.
import { createHash } from 'node:crypto';
import exifr from 'exifr';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { PhotocheckError } from '../errors/catalogue.ts';
import type { Message } from '../i18n/messages.ts';
import type { Box, RegionSource, RgbImage } from './types.ts';

export interface DecodeOptions {
  /**
   * Long side (px) of the one shared decode; every `rgb()` size up to it is derived from it without
   * reading the file again. Default 1920 (the face detector's tiles want the photo at 1920 px).
   */
  workingLongSide?: number;
  /**
   * Largest accepted image in pixels (width × height, from the header, before decoding); above it the
   * file is refused as a likely decompression bomb. Default 200 000 000 (a 200 MP phone photo).
   */
  maxPixels?: number;
}

const defaults: Required<DecodeOptions> = { workingLongSide: 1920, maxPixels: 200_000_000 };

// libvips' operation cache (shared by the whole process, up to 50 MB and 100 operations by default) keeps the results
// of decodes and resizes that are never asked for again: every photo is new and each size is memoised below. After the
// 6 bench photos it held 42 MB (sharp.cache()); off, that memory is free for the same CPU time.
sharp.cache(false);

/** Formats accepted as photos (sharp's names; HEIC and AVIF are both `heif` to sharp). */
const acceptedFormats = new Set(['jpeg', 'png', 'webp', 'heif', 'tiff']);

/** An oriented RGB image at some size, and how it maps to the oriented original. */
export interface ScaledRgb {
  image: RgbImage;
  /**
   * Image pixels per original pixel (image long side / original long side): original = image px / scale.
   * 1 when the image is the original size. Width and height are rounded, so x and y may differ from it by < 1 px.
   */
  scale: number;
}

export interface RgbOptions {
  /** Enlarge a photo whose long side is smaller than the size asked for. Default false. */
  upscale?: boolean;
}

export interface DecodedPhoto {
  /** Hex sha256 of the file's bytes. */
  readonly sha256: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** `jpeg`, `png`, `webp`, `heic`, `avif` or `tiff`. */
  readonly format: string;
  /** Width and height of the original after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** EXIF DateTimeOriginal (else CreateDate) as local time `YYYY-MM-DDTHH:mm:ss`, or null. */
  readonly capturedAt: string | null;
  /**
   * The oriented RGB image with its long side at `longSide` (never larger than the original unless
   * `upscale`), with the factor mapping it back to original pixels. Sizes up to the working size are
   * derived from the one shared decode and memoised; a larger size is decoded from the file on each call.
   */
  rgb(longSide: number, opts?: RgbOptions): Promise<ScaledRgb>;
  /**
   * The oriented image at `longSide` (never enlarged), as `rgb(longSide)` would give it, read a region at a time,
   * nothing decoded until a region is asked for: at the original size each region is decoded from the file alone
   * (libvips keeps only the rows it works on, unless EXIF orientation turns the photo), so the whole image is not held;
   * at other sizes regions are cropped from `rgb(longSide)`, decoded whole. The same pixels as cropping `rgb(longSide)`.
   */
  regions(longSide: number): RegionSource;
}

/**
 * Checks and decodes a photo. Throws PhotocheckError('PC_ERR_NOT_IMAGE', { reason }) for an empty,
 * non-image, unsupported, oversized, damaged or truncated file: the whole working image is decoded here,
 * so a truncated file is refused now rather than in a later stage.
 */
export async function decodePhoto(bytes: Buffer, options: DecodeOptions = {}): Promise<DecodedPhoto> {
  const { workingLongSide, maxPixels } = { ...defaults, ...options };
  if (!Number.isInteger(workingLongSide) || workingLongSide < 1) {
    throw new TypeError(`Expected a positive integer for workingLongSide but received ${workingLongSide}`);
  }
  if (bytes.length === 0) throw notImage(reasons.empty);
  const sha256 = createHash('sha256').update(bytes).digest('hex');

  let meta: Metadata;
  try {
    // Header only; the pixel limit is checked below, with the dimensions in the reason.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw notImage(reasonFor(err), err);
  }
  if (!acceptedFormats.has(meta.format)) throw notImage(reasons.unsupported(meta.format), undefined, meta.format);
  const storedPixels = meta.width * meta.height;
  if (!(storedPixels > 0)) throw notImage(reasons.damaged);
  if (storedPixels > maxPixels) throw notImage(reasons.tooLarge(meta.width, meta.height, maxPixels));

  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  const format = meta.format === 'heif' ? (meta.compression === 'av1' ? 'avif' : 'heic') : meta.format;
  const capturedAt = await readCaptureTime(meta.exif);

  // The oriented image resized to w × h, or only `region` of it.
  const decodeFile = async (w: number, h: number, region?: Box): Promise<RgbImage> => {
    try {
      const resized = sharp(bytes, { autoOrient: true, failOn: 'error', limitInputPixels: maxPixels }).resize(w, h, { fit: 'fill' });
      return await toRgb(
        region ? resized.extract({ left: region.x, top: region.y, width: region.width, height: region.height }) : resized,
        meta.hasAlpha === true,
      );
    } catch (err) {
      throw notImage(
        meta.format === 'heif' && meta.compression === 'hevc' ? reasons.hevc : reasonFor(err, reasons.damaged),
        err,
      );
    }
  };

  // The one shared decode.
  const [ww, wh] = fitLongSide(width, height, workingLongSide, false);
  const working = await decodeFile(ww, wh);
  const workingLong = Math.max(working.width, working.height);
  const originalLong = Math.max(width, height);

  const memo = new Map<string, Promise<ScaledRgb>>();
  const rgb = (longSide: number, opts: RgbOptions = {}): Promise<ScaledRgb> => {
    if (!Number.isInteger(longSide) || longSide < 1) {
      return Promise.reject(new TypeError(`Expected a positive integer for longSide but received ${longSide}`));
    }
    const [tw, th] = fitLongSide(width, height, longSide, opts.upscale === true);
    const key = `${tw}x${th}`;
    let result = memo.get(key);
    if (!result) {
      const scale = Math.max(tw, th) / originalLong;
      if (tw === working.width && th === working.height) {
        result = Promise.resolve({ image: working, scale });
      } else if (Math.max(tw, th) <= workingLong || workingLong === originalLong) {
        // Smaller than the shared decode, or an enlargement of a photo that was decoded whole.
        result = toRgb(
          sharp(working.data, { raw: { width: working.width, height: working.height, channels: 3 } }).resize(tw, th, {
            fit: 'fill',
          }),
          false,
        ).then((image) => ({ image, scale }));
      } else {
        result = decodeFile(tw, th).then((image) => ({ image, scale }));
      }
      // Sizes above the working size are not kept: memory stays at a few working-size buffers.
      if (Math.max(tw, th) <= workingLongSide) {
        memo.set(key, result);
        result.catch(() => memo.delete(key));
      }
    }
    return result;
  };

  const regions = (longSide: number): RegionSource => {
    if (!Number.isInteger(longSide) || longSide < 1) throw new TypeError(`Expected a positive integer for longSide but received ${longSide}`);
    const [tw, th] = fitLongSide(width, height, longSide, false);
    const region = async (box: Box): Promise<RgbImage> => {
      const { x, y, width: w, height: h } = box;
      if (![x, y, w, h].every(Number.isInteger) || x < 0 || y < 0 || w < 1 || h < 1 || x + w > tw || y + h > th) {
        throw new TypeError(`Expected a box of integers inside ${tw}×${th} for region but received ${JSON.stringify(box)}`);
      }
      if (Math.max(tw, th) <= workingLong || workingLong === originalLong) return cropRgb((await rgb(longSide)).image, box);
      // The original size: only the region. A resized region is not always the same pixels as that region of the whole
      // image resized (libvips resamples a region's edges differently), so a resized image is decoded whole and cropped.
      if (tw === width && th === height) return decodeFile(tw, th, box);
      return cropRgb(await decodeFile(tw, th), box);
    };
    return { width: tw, height: th, region };
  };

  return { sha256, bytes: bytes.length, format, width, height, capturedAt, rgb, regions };
}

/** Copies the pixels of `box` (inside the image) into a new RgbImage; the image itself when the box is all of it. */
export function cropRgb(image: RgbImage, box: Box): RgbImage {
  const { x, y, width, height } = box;
  if (width === image.width && height === image.height) return image;
  const data = new Uint8Array(width * height * 3);
  const rowBytes = width * 3;
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3;
    data.set(image.data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return { data, width, height };
}

/** Width and height with the long side at `longSide`, keeping the aspect ratio; not enlarged unless `upscale`. */
function fitLongSide(width: number, height: number, longSide: number, upscale: boolean): [number, number] {
  const long = Math.max(width, height);
  if (long <= longSide && !(upscale && long < longSide)) return [width, height];
  const k = longSide / long;
  return width >= height
    ? [longSide, Math.max(1, Math.round(height * k))]
    : [Math.max(1, Math.round(width * k)), longSide];
}

/** Runs a sharp pipeline to interleaved 8-bit sRGB (alpha flattened on white; grey and CMYK converted). */
async function toRgb(pipeline: Sharp, hasAlpha: boolean): Promise<RgbImage> {
  if (hasAlpha) pipeline = pipeline.flatten({ background: '#ffffff' });
  const { data, info } = await pipeline
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/** EXIF DateTimeOriginal, else CreateDate, as `YYYY-MM-DDTHH:mm:ss`; null when absent or malformed. Never throws. */
async function readCaptureTime(exif: Buffer | undefined): Promise<string | null> {
  if (!exif || exif.length < 8) return null;
  // sharp gives the EXIF block of any format, usually behind an "Exif\0\0" header; exifr reads the TIFF structure.
  const tiff = exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? exif.subarray(6) : exif;
  try {
    const tags = (await exifr.parse(tiff, { pick: ['DateTimeOriginal', 'CreateDate'], reviveValues: false })) as
      | Record<string, unknown>
      | undefined;
    return parseExifTime(tags?.DateTimeOriginal) ?? parseExifTime(tags?.CreateDate);
  } catch {
    return null;
  }
}

/** `2023:05:01 14:30:15` (EXIF) or `2023-05-01T14:30:15` → `2023-05-01T14:30:15`; anything else → null. */
export function parseExifTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\s*(\d{4})[:\-/](\d{2})[:\-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 60) return null;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}`;
}

// Reasons fill the catalogue's {{reason}}; each is a Message, shown in the report's language.
const reasons = {
  empty: { zh: '文件为空', en: 'the file is empty' },
  notImage: { zh: '不是图片文件', en: 'not an image file' },
  damaged: { zh: '图片文件已损坏或不完整', en: 'the image file is damaged or incomplete' },
  hevc: { zh: '此 HEIC（HEVC 编码）照片无法解码，请导出为 JPEG', en: 'this HEIC (HEVC) photo cannot be decoded, export it as JPEG' },
  tooLargeUnknown: { zh: '图片过大', en: 'the image is too large' },
  unsupported: (format: string): Message => ({ zh: `不支持的格式 ${format.toUpperCase()}`, en: `unsupported format ${format.toUpperCase()}` }),
  tooLarge: (w: number, h: number, max: number): Message => ({
    zh: `图片过大（${w}×${h} 像素，上限 ${Math.round(max / 1e6)} 百万像素）`,
    en: `the image is too large (${w}×${h} px, limit ${Math.round(max / 1e6)} MP)`,
  }),
};

/** Maps what sharp throws to a short reason. */
function reasonFor(err: unknown, fallback: Message = reasons.notImage): Message {
  const message = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(message)) return reasons.notImage;
  if (/is empty/i.test(message)) return reasons.empty;
  if (/pixel limit/i.test(message)) return reasons.tooLargeUnknown;
  if (/corrupt|premature end|truncated|invalid|bad|damaged|not a|no image/i.test(message)) return reasons.damaged;
  return fallback;
}

function notImage(reason: Message, cause?: unknown, format?: string): PhotocheckError {
  return new PhotocheckError('PC_ERR_NOT_IMAGE', format ? { reason, format } : { reason }, { cause });
}
